#pragma once
// libvpx (Debian libvpx-dev): the VP8 video codec (RFC 6386).
#include <vpx/vpx_codec.h>
#include <vpx/vpx_encoder.h>
#include <vpx/vpx_decoder.h>
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>

// vpx_codec_dec_init is a macro carrying the ABI version; Swift cannot call macros.
static inline vpx_codec_err_t crucible_vp8_decoder_init(vpx_codec_ctx_t *context) {
    return vpx_codec_dec_init(context, vpx_codec_vp8_dx(), NULL, 0);
}
