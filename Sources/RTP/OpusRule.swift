public import Wire

/// The rules an Opus packet (RFC 6716 §3, carried as one RTP payload per RFC 7587 §4.2) can break.
public enum OpusRule: String, ProtocolRule, CaseIterable {
    case truncated
    case empty
    case code1Length = "code1-length"
    case frameLength = "frame-length"
    case frameCount = "frame-count"
    case duration
    case padding
    case cbrLength = "cbr-length"

    public var id: String { "Opus.\(rawValue)" }

    public var reference: String {
        switch self {
        case .truncated: "RFC 6716 §3.2 (a length or count byte is cut)"
        case .empty: "RFC 6716 §3.4 R1 (at least one byte: the TOC)"
        case .code1Length: "RFC 6716 §3.4 R3 (code 1: an odd total length, so the bytes after the TOC split into two equal frames)"
        case .frameLength: "RFC 6716 §3.4 R2/R4 (frames at most 1275 bytes, within the packet)"
        case .frameCount: "RFC 6716 §3.4 R5 (code 3: M is not zero)"
        case .duration: "RFC 6716 §3.4 R5 (at most 120 ms of audio)"
        case .padding: "RFC 6716 §3.4 R6/R7 (padding within the packet)"
        case .cbrLength: "RFC 6716 §3.4 R6 (code 3 CBR: frames of equal length)"
        }
    }
}

public typealias OpusError = CodecError<OpusRule>
