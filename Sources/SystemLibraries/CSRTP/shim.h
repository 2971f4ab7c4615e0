#pragma once
// libsrtp2 (Debian libsrtp2-dev): SRTP and SRTCP protection (RFC 3711, 7714).
#include <srtp2/srtp.h>
