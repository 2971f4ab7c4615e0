#pragma once
// libvpx (Debian libvpx-dev): the VP8 video codec (RFC 6386).
#include <vpx/vpx_codec.h>
#include <vpx/vpx_encoder.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>
