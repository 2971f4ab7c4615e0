/// Why an encoder or decoder refused its configuration or its input.
///
/// Every failure of the Opus and VP8 wrappers is one of these: hostile or damaged input is normal input
/// (DESIGN §1.4), so no path through the codecs traps. Where libopus or libvpx gave the reason, the
/// library's own status text is kept, so a log line says what the library said.
public enum MediaCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A configuration value outside what the codec or the RTP payload format allows (the field and the rule).
    case invalidConfiguration(String)
    /// An input frame whose shape does not match the encoder's configuration (sample rate, channels,
    /// frame length, plane sizes).
    case frameMismatch(String)
    /// Bytes the decoder refused: empty, too long, not shaped like the codec's bitstream, or rejected by
    /// the library as corrupt.
    case malformedInput(String)
    /// A VP8 inter frame arrived before any key frame (RFC 6386 §9.1: decoding starts at a key frame),
    /// so there is no reference to predict it from.
    case keyFrameRequired
    /// libvpx decoded the frame but flagged it, or a frame it predicts from, as damaged
    /// (`VP8D_GET_FRAME_CORRUPTED`); the picture is not delivered and a key frame should be asked for.
    case corruptFrame
    /// The library failed for a reason that is not the input's fault (allocation, internal error).
    case libraryFailure(codec: String, operation: String, status: Int, message: String)

    /// A short fixed name for the case, without its detail: a key for counting drops by reason.
    public var reason: String {
        switch self {
        case .invalidConfiguration: "invalid-configuration"
        case .frameMismatch: "frame-mismatch"
        case .malformedInput: "malformed-input"
        case .keyFrameRequired: "key-frame-required"
        case .corruptFrame: "corrupt-frame"
        case .libraryFailure: "library-failure"
        }
    }

    public var description: String {
        switch self {
        case .invalidConfiguration(let detail): "invalid configuration: \(detail)"
        case .frameMismatch(let detail): "frame does not match the encoder: \(detail)"
        case .malformedInput(let detail): "malformed input: \(detail)"
        case .keyFrameRequired: "an inter frame before any key frame (RFC 6386 §9.1)"
        case .corruptFrame: "the decoder flagged the frame as corrupt"
        case .libraryFailure(let codec, let operation, let status, let message): "\(codec) \(operation) failed (\(status)): \(message)"
        }
    }
}
