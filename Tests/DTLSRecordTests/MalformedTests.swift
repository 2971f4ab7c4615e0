import DTLSRecord
import Testing
import Wire

/// One malformed input: what is wrong, which parser sees it, and the rule and offset it must report.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    enum Parser: Sendable {
        /// `DTLSCodec.parse` over a datagram.
        case datagram
        /// `HandshakeBody.parse` of a complete message body of this type.
        case body(HandshakeType)
    }

    let name: String
    let parser: Parser
    let bytes: [UInt8]
    let rule: DTLSRule
    let offset: Int

    var testDescription: String { name }

    func parse() throws(DTLSError) {
        switch parser {
        case .datagram: _ = try DTLSCodec.parse(bytes)
        case .body(let type): _ = try HandshakeBody.parse(type: type, bytes[...])
        }
    }
}

/// Builders for the table: well-formed inputs with one thing broken.
enum Malformed {
    /// A ClientHello body laid out at known offsets: version 0–1, random 2–33, session id length 34,
    /// cookie length 35, cipher-suite length 36–37 and one suite 38–39, compression 40–41, extensions
    /// block length 42–43, then supported_groups: type 44–45, length 46–47, list length 48–49, group 50–51.
    static let clientHello: [UInt8] = HandshakeBody.clientHello(
        ClientHello(
            clientVersion: .dtls12, random: [UInt8](repeating: 0xAA, count: 32), cipherSuites: [0xC02B],
            extensions: [.supportedGroups([0x001D])])
    ).serialize()

    /// A one-record datagram around a handshake body.
    static func record(_ type: HandshakeType, _ body: [UInt8]) -> [UInt8] {
        DTLSDatagram(records: [
            .classic(ClassicRecord(
                contentType: .handshake, version: .dtls12, epoch: 0, sequenceNumber: 0,
                fragment: DTLSHandshakeCodec.serialize([HandshakeMessage(type: type, messageSequence: 0, body: .opaque(body))])[...]))
        ]).serialize()
    }

    static func patched(_ bytes: [UInt8], _ changes: [Int: UInt8]) -> [UInt8] {
        var copy = bytes
        for (index, value) in changes { copy[index] = value }
        return copy
    }

    /// The ClientHello with its extensions block replaced by `block` (length prefix included).
    static func clientHello(extensionsBlock block: [UInt8]) -> [UInt8] { Array(clientHello[..<42]) + block }

    static func extensionBlock(type: UInt16, _ body: [UInt8]) -> [UInt8] {
        let item = [UInt8(type >> 8), UInt8(type & 0xFF), UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
        return [UInt8(item.count >> 8), UInt8(item.count & 0xFF)] + item
    }

    static let recordHeader: [UInt8] = [0x16, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0]

    static let cases: [MalformedCase] = [
        MalformedCase(name: "record header cut after 5 bytes", parser: .datagram, bytes: [0x16, 0xFE, 0xFD, 0, 0], rule: .truncated, offset: 5),
        MalformedCase(name: "record length past the end of the datagram", parser: .datagram, bytes: recordHeader + [0, 5, 1, 2], rule: .recordLength, offset: 11),
        MalformedCase(
            name: "plaintext record longer than 2^14", parser: .datagram,
            bytes: [0x17, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x01] + [UInt8](repeating: 0, count: 0x4001), rule: .recordLength, offset: 11),
        MalformedCase(
            name: "ciphertext record longer than 2^14 + 2048", parser: .datagram,
            bytes: [0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 0, 0x48, 0x01] + [UInt8](repeating: 0, count: 0x4801), rule: .recordLength, offset: 11),
        MalformedCase(name: "TLS version 0x0303 in a DTLS record", parser: .datagram, bytes: [0x17, 0x03, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], rule: .recordVersion, offset: 1),
        MalformedCase(name: "first byte 0x40 is no record", parser: .datagram, bytes: [0x40, 0xFE, 0xFD], rule: .recordContentType, offset: 0),
        MalformedCase(
            name: "second record starts with a non-record byte", parser: .datagram,
            bytes: [0x17, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x80], rule: .recordContentType, offset: 13),
        MalformedCase(name: "unified header with C bit but no negotiated connection id", parser: .datagram, bytes: [0x3C, 0, 1, 0, 0], rule: .connectionIDLength, offset: 0),
        MalformedCase(name: "unified header length past the end", parser: .datagram, bytes: [0x2C, 0, 1, 0, 9, 1, 2], rule: .recordLength, offset: 3),
        MalformedCase(name: "unified header cut in its 16-bit sequence number", parser: .datagram, bytes: [0x2C, 0], rule: .truncated, offset: 1),
        MalformedCase(name: "plaintext alert of three bytes", parser: .datagram, bytes: [0x15, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 2, 40, 0], rule: .alertLength, offset: 13),
        MalformedCase(
            name: "handshake fragment_length larger than the message length", parser: .datagram,
            bytes: recordHeader + [0, 13, 14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF], rule: .handshakeFragmentRange, offset: 19),
        MalformedCase(
            name: "handshake fragment offset + length past the message length", parser: .datagram,
            bytes: recordHeader + [0, 14, 11, 0, 0, 4, 0, 0, 0, 0, 3, 0, 0, 2, 1, 2], rule: .handshakeFragmentRange, offset: 19),
        MalformedCase(
            name: "handshake fragment_length past the end of the record", parser: .datagram,
            bytes: recordHeader + [0, 14, 11, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 9, 1, 2], rule: .handshakeFragmentLength, offset: 22),
        MalformedCase(name: "handshake header cut inside a record", parser: .datagram, bytes: recordHeader + [0, 4, 1, 0, 0, 0], rule: .truncated, offset: 17),
        MalformedCase(
            name: "cipher-suite list of odd length, inside a datagram (offset counted from the datagram)", parser: .datagram,
            bytes: record(.clientHello, patched(clientHello, [37: 3])), rule: .cipherSuitesLength, offset: 13 + 12 + 36),
        MalformedCase(name: "cipher-suite list of odd length", parser: .body(.clientHello), bytes: patched(clientHello, [37: 1]), rule: .cipherSuitesLength, offset: 36),
        MalformedCase(name: "empty cipher-suite list", parser: .body(.clientHello), bytes: Array(clientHello[..<36]) + [0, 0, 1, 0], rule: .cipherSuitesLength, offset: 36),
        MalformedCase(name: "session id longer than 32 bytes", parser: .body(.clientHello), bytes: patched(clientHello, [34: 33]), rule: .helloVectorLength, offset: 34),
        MalformedCase(name: "cookie length past the end", parser: .body(.clientHello), bytes: Array(clientHello[..<35]) + [200, 1, 2], rule: .helloVectorLength, offset: 35),
        MalformedCase(name: "no compression method", parser: .body(.clientHello), bytes: Array(clientHello[..<40]) + [0], rule: .helloVectorLength, offset: 40),
        MalformedCase(name: "random cut short", parser: .body(.clientHello), bytes: [0xFE, 0xFD, 1, 2, 3], rule: .truncated, offset: 2),
        MalformedCase(name: "extensions block length past the end", parser: .body(.clientHello), bytes: patched(clientHello, [43: 9]), rule: .extensionLength, offset: 42),
        MalformedCase(name: "extension length past the end of the block", parser: .body(.clientHello), bytes: patched(clientHello, [47: 5]), rule: .extensionLength, offset: 46),
        MalformedCase(name: "supported_groups list of odd length", parser: .body(.clientHello), bytes: patched(clientHello, [49: 1]), rule: .extensionBody, offset: 48),
        MalformedCase(
            name: "bytes after the extensions block", parser: .body(.clientHello), bytes: clientHello + [0], rule: .handshakeBodyLength, offset: 52),
        MalformedCase(
            name: "use_srtp MKI length past the end of the extension", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 14, [0, 2, 0, 1, 4, 9])), rule: .extensionBody, offset: 52),
        MalformedCase(
            name: "use_srtp without profiles", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 14, [0, 0, 0])), rule: .extensionBody, offset: 48),
        MalformedCase(
            name: "use_srtp with a byte after the MKI", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 14, [0, 2, 0, 1, 0, 7])), rule: .extensionBody, offset: 48),
        MalformedCase(
            name: "ALPN with an empty protocol name", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 16, [0, 4, 2, 0x68, 0x32, 0])), rule: .extensionBody, offset: 53),
        MalformedCase(
            name: "extended_master_secret with a body", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 23, [0])), rule: .extensionBody, offset: 48),
        MalformedCase(
            name: "record_size_limit of one byte", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 28, [0x40])), rule: .extensionBody, offset: 48),
        MalformedCase(
            name: "supported_versions list of odd length", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 43, [3, 0xFE, 0xFC, 0xFE])), rule: .extensionBody, offset: 48),
        MalformedCase(
            name: "key_share entry with an empty key", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 51, [0, 4, 0, 0x1D, 0, 0])), rule: .extensionBody, offset: 50),
        MalformedCase(
            name: "empty cookie extension", parser: .body(.clientHello),
            bytes: clientHello(extensionsBlock: extensionBlock(type: 44, [0, 0])), rule: .extensionBody, offset: 48),
        MalformedCase(
            name: "ServerHello cut before its cipher suite", parser: .body(.serverHello),
            bytes: [0xFE, 0xFD] + [UInt8](repeating: 0, count: 32) + [0, 0xC0], rule: .truncated, offset: 35),
        MalformedCase(
            name: "HelloVerifyRequest cookie past the end", parser: .body(.helloVerifyRequest), bytes: [0xFE, 0xFF, 20, 1, 2, 3],
            rule: .helloVectorLength, offset: 2),
        MalformedCase(
            name: "certificate_list length past the end", parser: .body(.certificate), bytes: [0, 0, 9, 0, 0, 1, 0x30],
            rule: .certificateLength, offset: 0),
        MalformedCase(
            name: "certificate of zero length", parser: .body(.certificate), bytes: [0, 0, 3, 0, 0, 0], rule: .certificateLength, offset: 3),
        MalformedCase(
            name: "certificate length past the end of the list", parser: .body(.certificate), bytes: [0, 0, 4, 0, 0, 2, 0x30],
            rule: .certificateLength, offset: 3),
    ]
}

@Suite("DTLS malformed input")
struct MalformedTests {
    @Test("Each malformed input is refused with its rule and offset", arguments: Malformed.cases)
    func malformed(_ malformed: MalformedCase) {
        do {
            try malformed.parse()
            Issue.record("accepted \(Hex.encode(malformed.bytes))")
        } catch {
            #expect(error.rule == malformed.rule, "\(error)")
            #expect(error.offset == malformed.offset, "\(error)")
        }
    }

    @Test("The table's well-formed base really is well formed, so each case breaks exactly one thing")
    func baseIsValid() throws {
        _ = try HandshakeBody.parse(type: .clientHello, Malformed.clientHello[...])
        _ = try DTLSCodec.parse(Malformed.record(.clientHello, Malformed.clientHello))
        _ = try HandshakeBody.parse(type: .clientHello, Malformed.clientHello(extensionsBlock: Malformed.extensionBlock(type: 14, [0, 2, 0, 1, 0]))[...])
    }

    @Test("Every truncation of every shared vector is refused with a typed error, never a trap")
    func truncationAtEveryOffset() throws {
        for (letter, vector) in try sharedVectors(VectorTests.file) {
            for cut in 0..<vector.bytes.count {
                let prefix = Array(vector.bytes[..<cut])
                let rules: Set<DTLSRule>
                do {
                    switch letter {
                    case "D": _ = try DTLSHandshakeCodec.parse(prefix)
                    case "E": _ = try HandshakeBody.parse(type: .clientHello, prefix[...])
                    default: _ = try DTLSCodec.parse(prefix)
                    }
                    // Two prefixes are themselves valid: the empty flight (D), and E cut right before its
                    // extensions block (RFC 5246 §7.4.1.2: a hello may end after compression_methods).
                    let validPrefix = (letter == "D" && cut == 0) || (letter == "E" && cut == vector.bytes.count - 10)
                    if !validPrefix { Issue.record("\(vector.name) cut at \(cut) was accepted") }
                    continue
                } catch {
                    rules = [error.rule]
                    #expect(error.offset <= cut, "\(vector.name) cut at \(cut): \(error)")
                }
                // A cut shows up as a short read, a length that now runs past the end, or (for E, whose
                // extensions are optional) a block that is cut inside.
                let allowed: Set<DTLSRule> = [
                    .truncated, .recordLength, .handshakeFragmentLength, .helloVectorLength, .cipherSuitesLength,
                    .extensionLength, .handshakeBodyLength,
                ]
                #expect(rules.isSubset(of: allowed), "\(vector.name) cut at \(cut): \(rules)")
            }
        }
    }
}
