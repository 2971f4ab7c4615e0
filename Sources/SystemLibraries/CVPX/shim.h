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

// vpx_codec_enc_init is a macro carrying the ABI version, like the decoder's.
static inline vpx_codec_err_t crucible_vp8_encoder_init(vpx_codec_ctx_t *context, const vpx_codec_enc_cfg_t *configuration) {
    return vpx_codec_enc_init(context, vpx_codec_vp8_cx(), configuration, 0);
}

// vpx_codec_control is a macro over a variadic function; these give the controls the Media module
// sets and reads fixed signatures.
static inline vpx_codec_err_t crucible_vpx_control_int(vpx_codec_ctx_t *context, int control, int value) {
    return vpx_codec_control_(context, control, value);
}

static inline vpx_codec_err_t crucible_vpx_control_unsigned(vpx_codec_ctx_t *context, int control, unsigned int value) {
    return vpx_codec_control_(context, control, value);
}

// VP8D_GET_FRAME_CORRUPTED: whether the last decoded frame (or a frame it refers to) was damaged.
static inline vpx_codec_err_t crucible_vp8_frame_corrupted(vpx_codec_ctx_t *context, int *corrupted) {
    return vpx_codec_control_(context, VP8D_GET_FRAME_CORRUPTED, corrupted);
}
