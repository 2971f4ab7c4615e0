public import Wire

/// The SDP codec (RFC 8866 with the JSEP attributes of RFC 8829/9429): bytes are UTF-8 text.
///
/// **Canonical form** (what `serialize(parse(text))` gives back): every line end is CRLF, and the last
/// line has one. The parser accepts bare LF line ends as well (RFC 8866 §5 lets receivers be lenient);
/// everything else — spacing, token case, empty or space-only `s=`, attribute spellings — is reproduced
/// byte for byte.
public enum SDPCodec: WireCodec {
    public typealias Value = SDPDescription
    public typealias Rule = SDPRule

    public static let name = "sdp"

    public static func parse(_ bytes: [UInt8]) throws(SDPError) -> SDPDescription {
        try SessionParser.parse(bytes)
    }

    /// Parses a description given as a Swift string.
    public static func parse(_ text: String) throws(SDPError) -> SDPDescription {
        try SessionParser.parse(Array(text.utf8))
    }

    /// Parses a description in `mode`: `.tolerant` accepts what ``Wire/Tolerance/all`` lists for SDP and
    /// says so in the deviations (what the engine uses for a peer's description).
    public static func parse(_ text: String, mode: ParseMode) throws(SDPError) -> Tolerated<SDPDescription> {
        var log = DeviationLog(mode)
        let description = try SessionParser.parse(Array(text.utf8), log: &log)
        return Tolerated(description, deviations: log.deviations)
    }

    public static func serialize(_ value: SDPDescription) -> [UInt8] {
        SessionSerializer.bytes(value)
    }

    /// The description as text with CRLF line ends.
    public static func text(_ value: SDPDescription) -> String { String(decoding: SessionSerializer.bytes(value), as: UTF8.self) }

    /// Bare LF becomes CRLF; a missing final line end is added. Other bytes are left alone (input the
    /// parser rejects, such as a lone CR, is not repaired).
    public static func canonicalize(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A, index == 0 || bytes[index - 1] != 0x0D { out.append(0x0D) }
            out.append(byte)
        }
        if let last = out.last, last != 0x0A { out.append(contentsOf: [0x0D, 0x0A]) }
        return out
    }

    public static func describe(_ value: SDPDescription) -> Structure {
        SDPStructure.session(value)
    }
}

/// A single ICE candidate outside SDP (trickle ICE), in either accepted form: `candidate:…` or
/// `a=candidate:…` (see `CandidateLine`). Serialising keeps the form, so the round trip is exact; numbers
/// must be in canonical spelling (no leading zeros), because the standalone codec has no verbatim fallback.
/// Errors report line 1.
public enum CandidateCodec: WireCodec {
    public typealias Value = CandidateLine
    public typealias Rule = SDPRule

    public static let name = "candidate"

    public static func parse(_ bytes: [UInt8]) throws(SDPError) -> CandidateLine {
        // Validated in place: the fields are then read as bytes and only the kept values become Strings.
        guard (try? UTF8Span(validating: bytes.span)) != nil else {
            throw SDPError(.invalidUTF8, at: 1, "the candidate is not valid UTF-8", location: .line)
        }
        return try parseValidUTF8(bytes)
    }

    public static func parse(_ text: String) throws(SDPError) -> CandidateLine {
        try parseValidUTF8(Array(text.utf8))
    }

    private static func parseValidUTF8(_ bytes: [UInt8]) throws(SDPError) -> CandidateLine {
        let form: CandidateLine.Form
        let value: Bytes
        if Lexical.hasPrefix(bytes[...], "a=candidate:") {
            form = .attribute
            value = bytes.dropFirst("a=candidate:".utf8.count)
        } else if Lexical.hasPrefix(bytes[...], "candidate:") {
            form = .bare
            value = bytes.dropFirst("candidate:".utf8.count)
        } else {
            throw SDPError(.candidate, at: 1, "expected 'candidate:' or 'a=candidate:'", location: .line)
        }
        let candidate: Candidate
        do { candidate = try Candidate.parseValue(value) } catch {
            throw SDPError(error.rule, at: 1, error.detail, location: .line)
        }
        let line = CandidateLine(form: form, candidate: candidate)
        // Rendering the line again must give the input back; rendered as bytes and compared as bytes
        // (the same check as `line.text == text`, without building two Strings).
        var writer = TextWriter(capacity: bytes.count)
        line.write(to: &writer)
        guard writer.bytes == bytes else {
            throw SDPError(.number, at: 1, "a number is not in canonical spelling (leading zero)", location: .line)
        }
        return line
    }

    public static func serialize(_ value: CandidateLine) -> [UInt8] { Array(value.text.utf8) }

    public static func describe(_ value: CandidateLine) -> Structure {
        .fields(["form": .text(value.form.rawValue), "candidate": SDPStructure.candidate(value.candidate)])
    }
}
