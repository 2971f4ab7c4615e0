public import SDP

/// What Crucible offers and accepts in audio and video sections: its codecs, their feedback and the
/// header extensions it reads or writes. Payload type numbers are the ones libwebrtc uses, so a
/// Crucible offer reads like a browser's; an answer always keeps the offerer's numbers (JSEP §5.3.1).
public enum MediaCapabilities {
    /// Opus with the parameters browsers send: 10 ms minimum packet time, in-band FEC (RFC 7587 §6.1).
    public static let opus = RTPCodecParameters(
        payloadType: 111, name: "opus", clockRate: 48_000, channels: 2, formatParameters: "minptime=10;useinbandfec=1")
    /// VP8 with NACK, PLI, FIR (RFC 4585, 5104) and REMB, the receiver-side estimate the engine sends.
    ///
    /// Transport-wide congestion control is not offered: the engine sends no transport-cc feedback, and a
    /// browser that negotiated it would wait for that feedback and hold its bitrate at the floor.
    public static let vp8 = RTPCodecParameters(
        payloadType: 96, name: "VP8", clockRate: 90_000, feedback: [.remb, .fir, .nack, .pli])
    /// RTX for VP8 (RFC 4588 §8.6).
    public static let vp8RTX = RTPCodecParameters(payloadType: 97, name: "rtx", clockRate: 90_000, formatParameters: "apt=96")

    /// The codecs of a new section of `kind`, in preference order.
    public static func codecs(for kind: MediaSection.Kind) -> [RTPCodecParameters] {
        switch kind {
        case .audio: [opus]
        case .video: [vp8, vp8RTX]
        case .application, .other: []
        }
    }

    /// `urn:ietf:params:rtp-hdrext:sdes:mid` (RFC 8843 §15.1): the BUNDLE demultiplexing key.
    public static let midURI = "urn:ietf:params:rtp-hdrext:sdes:mid"
    /// Audio level of the packet (RFC 6464).
    public static let audioLevelURI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    /// libwebrtc's absolute send time (24-bit 6.18 fixed-point seconds).
    public static let absSendTimeURI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    /// Transport-wide sequence numbers (draft-holmer-rmcat-transport-wide-cc-extensions-01): not offered
    /// (no transport-cc feedback is sent), named for tests and for reading a peer's offer.
    public static let transportWideCCURI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

    /// The header extensions of a new section of `kind`, with the ids libwebrtc uses (one id per URI
    /// across the bundle, RFC 8843 §9.1).
    public static func headerExtensions(for kind: MediaSection.Kind) -> [ExtensionMap] {
        switch kind {
        case .audio:
            [ExtensionMap(id: 1, uri: audioLevelURI), ExtensionMap(id: 2, uri: absSendTimeURI), ExtensionMap(id: 4, uri: midURI)]
        case .video:
            [ExtensionMap(id: 2, uri: absSendTimeURI), ExtensionMap(id: 4, uri: midURI)]
        case .application, .other: []
        }
    }

    /// Whether an extension URI is one this endpoint understands in a section of `kind`.
    static func supports(_ uri: String, in kind: MediaSection.Kind) -> Bool {
        headerExtensions(for: kind).contains { $0.uri == uri }
    }

    /// The m= proto of RTP media in WebRTC (RFC 8827 §6.5; JSEP §5.1.2).
    public static let proto = "UDP/TLS/RTP/SAVPF"
}
