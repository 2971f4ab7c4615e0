/// The offer/answer functions of JSEP (RFC 9429, formerly RFC 8829) for data-channel sessions: make offers and answers, read
/// descriptions, check trickled candidates. Pure functions over value types.
///
/// Audio and video are not negotiated yet: a remote audio/video (or any unknown) section is answered as
/// rejected (port 0, JSEP §5.3.1). `MediaSection.Kind` and the section walk are where media support
/// plugs in.
public enum OfferAnswer {
    /// The m= proto of a data-channel section (RFC 8841 §4.1).
    public static let dataChannelProto = "UDP/DTLS/SCTP"
    /// The m= proto of the pre-RFC 8841 form (draft-ietf-mmusic-sctp-sdp-05 and earlier), still sent by
    /// Safari, old Firefox and aiortc: `m=application <port> DTLS/SCTP <sctp-port>` with `a=sctpmap`.
    public static let legacySCTPProto = "DTLS/SCTP"
    /// The m= format of a data-channel section (RFC 8841 §4.1, RFC 8832).
    public static let dataChannelFormat = "webrtc-datachannel"
    /// `a=sctp-port` when absent (RFC 8841 §5: "the default value is 5000").
    public static let defaultSCTPPort: UInt16 = 5000
    /// `a=max-message-size` when absent (RFC 8841 §6.1: "the default value is 64K").
    public static let defaultMaxMessageSize = 65_536
    /// The SCTP stream count written in a legacy `a=sctpmap` line (its third field).
    static let legacyStreamCount = 65_535
}
