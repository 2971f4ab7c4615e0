import Wire
/// The session description parser: splits UTF-8 bytes into lines and enforces RFC 8866 §5's line order.
///
/// Accepted line ends are CRLF and bare LF (RFC 8866 §5 allows lenient receivers to accept LF); the
/// last line may lack its line end. A blank line or a CR that is not followed by LF is an error.
enum SessionParser {
    /// The position of each session-level type letter in RFC 8866 §5's order.
    private static func sessionRank(_ letter: UInt8) -> Int? {
        switch letter {
        case UInt8(ascii: "v"): 0
        case UInt8(ascii: "o"): 1
        case UInt8(ascii: "s"): 2
        case UInt8(ascii: "i"): 3
        case UInt8(ascii: "u"): 4
        case UInt8(ascii: "e"): 5
        case UInt8(ascii: "p"): 6
        case UInt8(ascii: "c"): 7
        case UInt8(ascii: "b"): 8
        case UInt8(ascii: "t"): 9
        case UInt8(ascii: "r"): 10
        case UInt8(ascii: "z"): 11
        case UInt8(ascii: "k"): 12
        case UInt8(ascii: "a"): 13
        default: nil
        }
    }

    /// The position of each media-level type letter (§5.14: m= i= c=* b=* k= a=*).
    private static func mediaRank(_ letter: UInt8) -> Int? {
        switch letter {
        case UInt8(ascii: "i"): 1
        case UInt8(ascii: "c"): 2
        case UInt8(ascii: "b"): 3
        case UInt8(ascii: "k"): 4
        case UInt8(ascii: "a"): 5
        default: nil
        }
    }

    /// Whether RFC 8866 defines the type letter (`vosiuepcbtrzkam`).
    private static func isDefinedLetter(_ letter: UInt8) -> Bool {
        sessionRank(letter) != nil || letter == UInt8(ascii: "m")
    }

    /// One line: its 1-based number, type letter and value (a slice of the input bytes).
    struct Line {
        let number: Int
        let type: UInt8
        let value: Bytes
    }

    /// Splits input into lines, checking UTF-8 and the `<type>=<value>` shape.
    ///
    /// The input is validated as UTF-8 once, in place (no copy); lines are slices of the input bytes, so
    /// splitting costs one allocation (the line array) rather than one per line.
    static func lines(_ bytes: [UInt8]) throws(SDPError) -> [Line] {
        guard !bytes.isEmpty else { throw SDPError(.truncated, at: 1, "empty input", location: .line) }
        let isUTF8 = (try? UTF8Span(validating: bytes.span)) != nil
        var lines: [Line] = []
        lines.reserveCapacity(bytes.count / 24)
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            // One pass finds the line end and the first byte RFC 8866 §5 forbids inside a line: a control
            // character, or CR anywhere but just before LF (judged below, once the end is known).
            var end = start
            var firstControl: Int?
            while end < bytes.count {
                let byte = bytes[end]
                if byte == 0x0A { break }
                if byte < 0x20, byte != 0x09, firstControl == nil { firstControl = end }
                end += 1
            }
            var contentEnd = end
            if contentEnd > start, bytes[contentEnd - 1] == 0x0D, end < bytes.count { contentEnd -= 1 }
            let content = bytes[start..<contentEnd]
            let lineStart = start
            start = end + 1
            if let firstControl, firstControl < contentEnd {
                let detail = bytes[firstControl] == 0x0D ? "CR not followed by LF" : "control character in the line"
                throw SDPError(.lineSyntax, at: number, detail, location: .line)
            }
            guard isUTF8 else {
                // Slow path, only for input that is not UTF-8: find the first line that is not.
                if (try? UTF8Span(validating: Array(content).span)) == nil {
                    throw SDPError(.invalidUTF8, at: number, "the line is not valid UTF-8", location: .line)
                }
                continue
            }
            guard content.count >= 2, content[lineStart + 1] == UInt8(ascii: "=") else {
                throw SDPError(.lineSyntax, at: number, content.isEmpty ? "blank line" : "expected <type>=<value>", location: .line)
            }
            let type = content[lineStart]
            guard (0x61...0x7A).contains(type) else {
                throw SDPError(.lineSyntax, at: number, "the type must be one lowercase letter", location: .line)
            }
            guard isDefinedLetter(type) else {
                throw SDPError(.unknownLineType, at: number, "type letter '\(Character(Unicode.Scalar(type)))' is not defined by RFC 8866", location: .line)
            }
            lines.append(Line(number: number, type: type, value: content[(lineStart + 2)...]))
        }
        if !isUTF8 {
            // A split multi-byte sequence across a line end: blame the line where it starts.
            throw SDPError(.invalidUTF8, at: 1, "the input is not valid UTF-8", location: .line)
        }
        return lines
    }

    static func parse(_ bytes: [UInt8]) throws(SDPError) -> SDPDescription {
        var log = DeviationLog(.strict)
        return try parse(bytes, log: &log)
    }

    /// Parses with the tolerances of `log`'s mode (``Tolerance/sdpFeedbackTrailingSpace``), recording
    /// what it accepted.
    static func parse(_ bytes: [UInt8], log: inout DeviationLog) throws(SDPError) -> SDPDescription {
        let lines = try lines(bytes)
        var index = 0

        func fail(_ rule: SDPRule, _ line: Int, _ detail: String) -> SDPError {
            SDPError(rule, at: line, detail, location: .line)
        }
        let endLine = (lines.last?.number ?? 0) + 1
        // The letters already taken by v=, o=, s=, as bits (a Set would cost an allocation per parse).
        var seen: UInt32 = 0
        func expect(_ letter: Character, _ rule: SDPRule) throws(SDPError) -> Line {
            guard index < lines.count else { throw fail(rule, endLine, "the description ends before its \(letter)= line") }
            let line = lines[index]
            let bit: UInt32 = 1 << UInt32(line.type - 0x61)
            if seen & bit != 0 {
                throw fail(.duplicateLine, line.number, "a second \(Character(Unicode.Scalar(line.type)))= line")
            }
            seen |= bit
            guard line.type == letter.asciiValue else {
                throw fail(rule, line.number, "expected \(letter)= here, found \(Character(Unicode.Scalar(line.type)))=")
            }
            index += 1
            return line
        }
        func field<T>(_ line: Line, _ body: (Bytes) throws(FieldError) -> T) throws(SDPError) -> T {
            do { return try body(line.value) } catch { throw fail(error.rule, line.number, error.detail) }
        }
        // An `a=` line; an rtcp-fb value that breaks its grammar only by trailing spaces is read without
        // them when the mode tolerates it (Pion v3 writes `a=rtcp-fb:111 transport-cc `).
        func attribute(_ line: Line) throws(SDPError) -> Attribute {
            do {
                return try parseAttribute(line.value, scratch: &scratch)
            } catch {
                var trimmed = line.value
                while trimmed.last == 0x20 { trimmed = trimmed.dropLast() }
                guard error.rule == .rtcpFeedback, trimmed.count < line.value.count,
                    let repaired = try? parseAttribute(trimmed, scratch: &scratch)
                else { throw fail(error.rule, line.number, error.detail) }
                try log.tolerate(.sdpFeedbackTrailingSpace, fail(error.rule, line.number, error.detail))
                return repaired
            }
        }

        // The buffer every attribute's canonical-spelling check renders into (see `Attribute.parse`).
        var scratch = TextWriter(capacity: 256)

        let versionLine = try expect("v", .missingVersion)
        guard Lexical.equals(versionLine.value, "0") else { throw fail(.version, versionLine.number, "v= must be 0") }
        let origin = try field(try expect("o", .missingOrigin), parseOrigin)
        let sessionName = try field(try expect("s", .missingSessionName), { v throws(FieldError) in try text(v, allowEmpty: true) })
        var session = SDPDescription(origin: Origin(sessionID: "0", sessionVersion: "0"), sessionName: sessionName, timings: [])
        session.origin = origin

        // Session-level lines after s= (rank 3…13), in order.
        var rank = 2
        var previousType: UInt8 = UInt8(ascii: "s")
        while index < lines.count, lines[index].type != UInt8(ascii: "m") {
            let line = lines[index]
            guard let lineRank = sessionRank(line.type) else {
                throw fail(.lineOrder, line.number, "not a session-level line")
            }
            let isRepeatAfterTiming = line.type == UInt8(ascii: "r") && (previousType == UInt8(ascii: "t") || previousType == UInt8(ascii: "r"))
            let isTimingAfterRepeat = line.type == UInt8(ascii: "t") && previousType == UInt8(ascii: "r")
            if lineRank < rank && !isTimingAfterRepeat {
                if lineRank <= 2 { throw fail(.duplicateLine, line.number, "a second \(Character(Unicode.Scalar(line.type)))= line") }
                throw fail(.lineOrder, line.number, "\(Character(Unicode.Scalar(line.type)))= cannot follow \(Character(Unicode.Scalar(previousType)))=")
            }
            if lineRank == rank, !"epbta".utf8.contains(line.type), !isRepeatAfterTiming {
                throw fail(.duplicateLine, line.number, "a second \(Character(Unicode.Scalar(line.type)))= line")
            }
            if line.type == UInt8(ascii: "r"), !isRepeatAfterTiming {
                throw fail(.lineOrder, line.number, "r= must follow t= or r=")
            }
            if lineRank > 9, session.timings.isEmpty {
                throw fail(.missingTiming, line.number, "t= must come before \(Character(Unicode.Scalar(line.type)))=")
            }
            switch line.type {
            case UInt8(ascii: "i"): session.information = try field(line, { v throws(FieldError) in try text(v) })
            case UInt8(ascii: "u"): session.uri = try field(line, { v throws(FieldError) in try text(v) })
            case UInt8(ascii: "e"): session.emails.append(try field(line, { v throws(FieldError) in try text(v) }))
            case UInt8(ascii: "p"): session.phones.append(try field(line, { v throws(FieldError) in try text(v) }))
            case UInt8(ascii: "c"): session.connection = try field(line, parseConnection)
            case UInt8(ascii: "b"): session.bandwidths.append(try field(line, parseBandwidth))
            case UInt8(ascii: "t"): session.timings.append(try field(line, parseTiming))
            case UInt8(ascii: "r"):
                let repeatText = try field(line, { v throws(FieldError) in try text(v) })
                session.timings[session.timings.count - 1].repeats.append(repeatText)
            case UInt8(ascii: "z"): session.timeZones = try field(line, { v throws(FieldError) in try text(v) })
            case UInt8(ascii: "k"): session.encryptionKey = try field(line, { v throws(FieldError) in try text(v, allowEmpty: true) })
            default: session.attributes.append(try attribute(line))
            }
            rank = lineRank
            previousType = line.type
            index += 1
        }
        guard !session.timings.isEmpty else {
            throw fail(.missingTiming, index < lines.count ? lines[index].number : endLine, "no t= line")
        }

        // Media sections.
        while index < lines.count {
            let mediaLine = lines[index]
            var media = try field(mediaLine, parseMediaLine)
            index += 1
            // Most lines of a section are attributes, and an `Attribute` is large: sizing the array once
            // avoids copying it at every doubling.
            var sectionEnd = index
            while sectionEnd < lines.count, lines[sectionEnd].type != UInt8(ascii: "m") { sectionEnd += 1 }
            media.attributes.reserveCapacity(sectionEnd - index)
            var mediaRankSoFar = 0
            while index < lines.count, lines[index].type != UInt8(ascii: "m") {
                let line = lines[index]
                guard let lineRank = mediaRank(line.type) else {
                    throw fail(.lineOrder, line.number, "\(Character(Unicode.Scalar(line.type)))= is not allowed in a media section")
                }
                if lineRank < mediaRankSoFar {
                    throw fail(.lineOrder, line.number, "\(Character(Unicode.Scalar(line.type)))= is out of order in its media section")
                }
                if lineRank == mediaRankSoFar, line.type == UInt8(ascii: "i") || line.type == UInt8(ascii: "k") {
                    throw fail(.duplicateLine, line.number, "a second \(Character(Unicode.Scalar(line.type)))= line in the media section")
                }
                switch line.type {
                case UInt8(ascii: "i"): media.information = try field(line, { v throws(FieldError) in try text(v) })
                case UInt8(ascii: "c"): media.connections.append(try field(line, parseConnection))
                case UInt8(ascii: "b"): media.bandwidths.append(try field(line, parseBandwidth))
                case UInt8(ascii: "k"): media.encryptionKey = try field(line, { v throws(FieldError) in try text(v, allowEmpty: true) })
                default: media.attributes.append(try attribute(line))
                }
                mediaRankSoFar = lineRank
                index += 1
            }
            if session.connection == nil, media.connections.isEmpty {
                throw fail(.missingConnection, mediaLine.number, "no c= at session level nor in this media section")
            }
            session.media.append(media)
        }
        return session
    }

    // MARK: - Line values

    /// Free text (`i=`, `u=`, `e=`, `p=`, `z=`, `k=`, `r=`): anything but control characters; non-empty
    /// unless `allowEmpty` (`s=` and `k=` appear empty in the wild and are accepted).
    static func text(_ value: Bytes, allowEmpty: Bool = false) throws(FieldError) -> String {
        guard allowEmpty || !value.isEmpty else { throw FieldError(.textField, "empty value") }
        return Lexical.string(value)
    }

    static func parseOrigin(_ value: Bytes) throws(FieldError) -> Origin {
        var cursor = FieldCursor(value)
        guard let username = cursor.next(), let sessionID = cursor.next(), let sessionVersion = cursor.next(),
            let networkType = cursor.next(), let addressType = cursor.next(), let address = cursor.next(),
            cursor.next() == nil, !cursor.isMalformed
        else {
            throw FieldError(.origin, "expected <username> <sess-id> <sess-version> <nettype> <addrtype> <address>")
        }
        guard Lexical.isDigits(sessionID), Lexical.isDigits(sessionVersion) else {
            throw FieldError(.origin, "session id and version must be digits")
        }
        guard Lexical.isToken(networkType), Lexical.isToken(addressType) else {
            throw FieldError(.origin, "nettype and addrtype must be tokens")
        }
        // RFC 8866 §9: <username> and an <unicast-address> outside IP4/IP6/FQDN (extn-addr) are
        // non-ws-string, 1*(VCHAR / %x80-FF): no tab or other control character (found by differential
        // fuzzing against Pion, issue 17).
        guard Lexical.isField(username), Lexical.isField(address) else {
            throw FieldError(.origin, "username and address must not hold control characters")
        }
        return Origin(
            username: Lexical.string(username), sessionID: Lexical.string(sessionID),
            sessionVersion: Lexical.string(sessionVersion), networkType: Lexical.string(networkType),
            addressType: Lexical.string(addressType), address: Lexical.string(address))
    }

    static func parseConnection(_ value: Bytes) throws(FieldError) -> ConnectionData {
        var cursor = FieldCursor(value)
        guard let networkType = cursor.next(), let addressType = cursor.next(), let address = cursor.next(),
            cursor.next() == nil, !cursor.isMalformed, Lexical.isToken(networkType), Lexical.isToken(addressType)
        else {
            throw FieldError(.connection, "expected <nettype> <addrtype> <connection-address>")
        }
        return ConnectionData(
            networkType: Lexical.string(networkType), addressType: Lexical.string(addressType),
            address: Lexical.string(address))
    }

    static func parseBandwidth(_ value: Bytes) throws(FieldError) -> Bandwidth {
        let (type, amount) = Lexical.splitFirst(value, UInt8(ascii: ":"))
        guard Lexical.isToken(type), let amount, let number = Lexical.canonicalDecimal(amount, as: UInt64.self) else {
            throw FieldError(.bandwidth, "expected <bwtype>:<bandwidth in decimal>")
        }
        return Bandwidth(type: Lexical.string(type), value: number)
    }

    static func parseTiming(_ value: Bytes) throws(FieldError) -> Timing {
        var cursor = FieldCursor(value)
        guard let startText = cursor.next(), let stopText = cursor.next(), cursor.next() == nil, !cursor.isMalformed,
            let start = Lexical.canonicalDecimal(startText, as: UInt64.self),
            let stop = Lexical.canonicalDecimal(stopText, as: UInt64.self)
        else { throw FieldError(.timing, "expected <start-time> <stop-time> in decimal") }
        return Timing(start: start, stop: stop)
    }

    static func parseMediaLine(_ value: Bytes) throws(FieldError) -> MediaDescription {
        var cursor = FieldCursor(value)
        guard let kind = cursor.next(), let portField = cursor.next(), let proto = cursor.next(),
            let formatsText = cursor.rest(), let formatFields = Lexical.fields(formatsText)
        else {
            throw FieldError(.media, "expected <media> <port>[/<count>] <proto> 1*(SP <fmt>)")
        }
        guard Lexical.isToken(kind) else { throw FieldError(.media, "media '\(Lexical.string(kind))' is not a token") }
        let (portText, countText) = Lexical.splitFirst(portField, UInt8(ascii: "/"))
        guard let port = Lexical.canonicalDecimal(portText, as: UInt16.self) else {
            throw FieldError(.media, "port '\(Lexical.string(portText))' is not 0-65535")
        }
        var portCount: UInt32?
        if let countText {
            guard let count = Lexical.canonicalDecimal(countText, as: UInt32.self) else {
                throw FieldError(.media, "port count '\(Lexical.string(countText))' is not a number")
            }
            portCount = count
        }
        // proto is `token *("/" token)`: no empty piece, every byte a token byte or "/".
        let protoIsTokens = !proto.isEmpty && proto.first != 0x2F && proto.last != 0x2F
            && proto.indices.allSatisfy { index in
                proto[index] == 0x2F ? proto[index - 1] != 0x2F : Lexical.isTokenByte(proto[index])
            }
        guard protoIsTokens else { throw FieldError(.media, "proto '\(Lexical.string(proto))' is not token *(/ token)") }
        guard formatFields.allSatisfy(Lexical.isToken) else { throw FieldError(.media, "a format is not a token") }
        return MediaDescription(
            kind: Lexical.string(kind), port: port, portCount: portCount, proto: Lexical.string(proto),
            formats: formatFields.map(Lexical.string))
    }

    static func parseAttribute(_ value: Bytes, scratch: inout TextWriter) throws(FieldError) -> Attribute {
        let (name, attributeValue) = Lexical.splitFirst(value, UInt8(ascii: ":"))
        guard !name.isEmpty else { throw FieldError(.attribute, "attribute without a name") }
        guard Lexical.isToken(name) else { throw FieldError(.attribute, "attribute name '\(Lexical.string(name))' is not a token") }
        return try Attribute.parse(name: name, value: attributeValue, scratch: &scratch)
    }
}
