public import Wire

/// The rules a VP8 RTP payload (RFC 7741 §4.2) can break.
public enum VP8Rule: String, ProtocolRule, CaseIterable {
    case truncated

    public var id: String { "VP8.\(rawValue)" }

    public var reference: String {
        switch self {
        case .truncated: "RFC 7741 §4.2 (the descriptor's X, I, M, L, T/K bytes are present)"
        }
    }
}

public typealias VP8Error = CodecError<VP8Rule>
