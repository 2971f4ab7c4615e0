#pragma once
// libopus (Debian libopus-dev): the Opus audio codec (RFC 6716).
#include <opus/opus.h>

// opus_encoder_ctl and opus_decoder_ctl are variadic and their requests are macros; Swift can call
// neither, so each request the Media module makes has a fixed-signature wrapper here.

static inline int crucible_opus_set_bitrate(OpusEncoder *encoder, opus_int32 bitsPerSecond) {
    return opus_encoder_ctl(encoder, OPUS_SET_BITRATE(bitsPerSecond));
}

static inline int crucible_opus_set_inband_fec(OpusEncoder *encoder, opus_int32 enabled) {
    return opus_encoder_ctl(encoder, OPUS_SET_INBAND_FEC(enabled));
}

static inline int crucible_opus_set_packet_loss_percentage(OpusEncoder *encoder, opus_int32 percentage) {
    return opus_encoder_ctl(encoder, OPUS_SET_PACKET_LOSS_PERC(percentage));
}

static inline int crucible_opus_get_lookahead(OpusEncoder *encoder, opus_int32 *samples) {
    return opus_encoder_ctl(encoder, OPUS_GET_LOOKAHEAD(samples));
}
