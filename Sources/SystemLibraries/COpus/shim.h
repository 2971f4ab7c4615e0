#pragma once
// libopus (Debian libopus-dev): the Opus audio codec (RFC 6716).
#include <opus/opus.h>
