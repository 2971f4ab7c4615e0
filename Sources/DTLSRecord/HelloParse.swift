public import Wire

// Parsing of the handshake bodies this module types: the Hellos, HelloVerifyRequest, Certificate.

/// Helpers for the `opaque x<a..b>` vectors of RFC 5246 §4.3.
extension ByteReader {
    mutating func readVector8(max: Int, rule: DTLSRule, _ name: String) throws(DTLSError) -> ArraySlice<UInt8> {
        let at = offset
        let length = Int(try reading { () throws(TruncatedInput) in try readUInt8() })
        guard length <= max else { throw DTLSError(rule, at: at, "\(name) length \(length) exceeds \(max)") }
        guard length <= remaining else { throw DTLSError(rule, at: at, "\(name) length \(length) runs past the end (\(remaining) left)") }
        return try reading { () throws(TruncatedInput) in try readBytes(length) }
    }

    mutating func readVector16(rule: DTLSRule, _ name: String) throws(DTLSError) -> ByteReader {
        let at = offset
        let length = Int(try reading { () throws(TruncatedInput) in try readUInt16() })
        guard length <= remaining else { throw DTLSError(rule, at: at, "\(name) length \(length) runs past the end (\(remaining) left)") }
        return try reading { () throws(TruncatedInput) in try subReader(length) }
    }

    mutating func readRandom() throws(DTLSError) -> [UInt8] {
        Array(try reading { () throws(TruncatedInput) in try readBytes(32) })
    }

    mutating func readVersion() throws(DTLSError) -> ProtocolVersion {
        ProtocolVersion(rawValue: try reading { () throws(TruncatedInput) in try readUInt16() })
    }
}

extension ClientHello {
    /// RFC 6347 §4.2.1 ClientHello body.
    public static func parse(from reader: inout ByteReader) throws(DTLSError) -> ClientHello {
        let version = try reader.readVersion()
        let random = try reader.readRandom()
        let sessionID = try reader.readVector8(max: 32, rule: .helloVectorLength, "session_id")
        let cookie = try reader.readVector8(max: 255, rule: .helloVectorLength, "cookie")
        let suitesAt = reader.offset
        var suites = try reader.readVector16(rule: .cipherSuitesLength, "cipher_suites")
        // RFC 5246 §7.4.1.2: CipherSuite cipher_suites<2..2^16-2>, two bytes each.
        guard suites.remaining >= 2, suites.remaining % 2 == 0 else {
            throw DTLSError(.cipherSuitesLength, at: suitesAt, "cipher_suites length \(suites.remaining) is odd or zero")
        }
        var cipherSuites: [UInt16] = []
        cipherSuites.reserveCapacity(suites.remaining / 2)
        while !suites.isAtEnd { cipherSuites.append(try reading { () throws(TruncatedInput) in try suites.readUInt16() }) }
        let methodsAt = reader.offset
        let methods = try reader.readVector8(max: 255, rule: .helloVectorLength, "compression_methods")
        guard !methods.isEmpty else {
            throw DTLSError(.helloVectorLength, at: methodsAt, "compression_methods is empty (needs 1..255)")
        }
        let extensions = try HelloExtension.parseBlock(from: &reader, context: .clientHello)
        return ClientHello(
            clientVersion: version, random: random, sessionID: Array(sessionID), cookie: Array(cookie),
            cipherSuites: cipherSuites, compressionMethods: Array(methods), extensions: extensions)
    }
}

extension ServerHello {
    /// RFC 5246 §7.4.1.3 ServerHello body.
    public static func parse(from reader: inout ByteReader) throws(DTLSError) -> ServerHello {
        let version = try reader.readVersion()
        let random = try reader.readRandom()
        let sessionID = try reader.readVector8(max: 32, rule: .helloVectorLength, "session_id")
        let (suite, method) = try reading { () throws(TruncatedInput) in (try reader.readUInt16(), try reader.readUInt8()) }
        let extensions = try HelloExtension.parseBlock(from: &reader, context: .serverHello)
        return ServerHello(
            serverVersion: version, random: random, sessionID: Array(sessionID), cipherSuite: suite,
            compressionMethod: method, extensions: extensions)
    }
}

extension HelloVerifyRequest {
    /// RFC 6347 §4.2.1 HelloVerifyRequest body.
    public static func parse(from reader: inout ByteReader) throws(DTLSError) -> HelloVerifyRequest {
        let version = try reader.readVersion()
        let cookie = try reader.readVector8(max: 255, rule: .helloVectorLength, "cookie")
        return HelloVerifyRequest(serverVersion: version, cookie: Array(cookie))
    }
}

extension CertificateMessage {
    /// RFC 5246 §7.4.2: `ASN.1Cert certificate_list<0..2^24-1>`, each `opaque ASN.1Cert<1..2^24-1>`.
    public static func parse(from reader: inout ByteReader) throws(DTLSError) -> CertificateMessage {
        let listAt = reader.offset
        let listLength = Int(try reading { () throws(TruncatedInput) in try reader.readUInt24() })
        guard listLength <= reader.remaining else {
            throw DTLSError(.certificateLength, at: listAt, "certificate_list length \(listLength) runs past the end (\(reader.remaining) left)")
        }
        var list = try reading { () throws(TruncatedInput) in try reader.subReader(listLength) }
        var certificates: [[UInt8]] = []
        while !list.isAtEnd {
            let entryAt = list.offset
            let length = Int(try reading { () throws(TruncatedInput) in try list.readUInt24() })
            guard length >= 1, length <= list.remaining else {
                throw DTLSError(.certificateLength, at: entryAt, "certificate length \(length) is zero or runs past the list (\(list.remaining) left)")
            }
            certificates.append(Array(try reading { () throws(TruncatedInput) in try list.readBytes(length) }))
        }
        return CertificateMessage(certificates: certificates)
    }
}
