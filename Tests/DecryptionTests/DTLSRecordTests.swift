import Decryption
import Testing
import Wire

/// Records are sealed here independently of the module: the key block from OpenSSL's TLS1-PRF, the
/// nonce and additional data built by hand from RFC 5288 §3 and RFC 6347 §4.1.2.1, AES-GCM from
/// OpenSSL EVP. The decryptor must open them, and refuse any altered one.
@Suite("DTLS 1.2 AES-GCM records (RFC 5288, RFC 6347 §4.1.2.1)")
struct DTLSRecordTests {
    static let masterSecret = (0..<48).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) }
    static let clientRandom = (0..<32).map { UInt8(truncatingIfNeeded: 0xC0 + $0) }
    static let serverRandom = (0..<32).map { UInt8(truncatingIfNeeded: 0x50 + $0 * 3) }

    struct Sealing: Sendable, CustomTestStringConvertible {
        let suite: UInt16
        let digest: String
        let keyLength: Int
        let sender: DTLSSender
        var testDescription: String { "suite 0x\(String(suite, radix: 16)) from \(sender)" }
    }

    static let sealings: [Sealing] = [
        Sealing(suite: 0xC02B, digest: "SHA256", keyLength: 16, sender: .client),
        Sealing(suite: 0xC02B, digest: "SHA256", keyLength: 16, sender: .server),
        Sealing(suite: 0xC02F, digest: "SHA256", keyLength: 16, sender: .server),
        Sealing(suite: 0xC02C, digest: "SHA384", keyLength: 32, sender: .client),
        Sealing(suite: 0xC030, digest: "SHA384", keyLength: 32, sender: .server),
    ]

    /// A whole record (header ‖ explicit nonce ‖ ciphertext ‖ tag) sealed with OpenSSL alone.
    static func seal(
        _ sealing: Sealing, plaintext: [UInt8], type: UInt8 = 23, epoch: UInt16 = 1, sequence: UInt64 = 5,
        explicitNonce: [UInt8] = [0, 1, 0, 0, 0, 0, 0, 5]
    ) throws -> [UInt8] {
        let k = sealing.keyLength
        let block = try #require(OpenSSLReference.tls12PRF(
            digest: sealing.digest, secret: masterSecret, label: "key expansion",
            seed: serverRandom + clientRandom, length: 2 * (k + 4)))
        let key = sealing.sender == .client ? Array(block[0..<k]) : Array(block[k..<2 * k])
        let iv = sealing.sender == .client ? Array(block[2 * k..<2 * k + 4]) : Array(block[2 * k + 4..<2 * k + 8])
        var header = ByteWriter()
        header.writeUInt8(type)
        header.writeUInt16(0xFEFD)
        header.writeUInt16(epoch)
        header.writeUInt48(sequence)
        // RFC 5246 §6.2.3.3: seq_num ‖ type ‖ version ‖ length, where DTLS's seq_num is epoch ‖
        // sequence number (RFC 6347 §4.1.2.1): not the order of the record header.
        var additionalData = ByteWriter()
        additionalData.writeUInt16(epoch)
        additionalData.writeUInt48(sequence)
        additionalData.writeUInt8(type)
        additionalData.writeUInt16(0xFEFD)
        additionalData.writeUInt16(UInt16(plaintext.count))
        let sealed = try #require(OpenSSLReference.aesGCMSeal(
            key: key, nonce: iv + explicitNonce, additionalData: additionalData.bytes, plaintext: plaintext))
        header.writeUInt16(UInt16(8 + sealed.count))
        return header.bytes + explicitNonce + sealed
    }

    static func decryptor(_ suite: UInt16) throws -> DTLSRecordDecryptor {
        try DTLSRecordDecryptor(cipherSuite: suite, masterSecret: masterSecret, clientRandom: clientRandom, serverRandom: serverRandom)
    }

    @Test("A record sealed independently with OpenSSL opens to its plaintext", arguments: sealings)
    func opens(_ sealing: Sealing) throws {
        let plaintext = Array("an SCTP packet, say, of some length beyond one AES block".utf8)
        let record = try Self.seal(sealing, plaintext: plaintext)
        #expect(try Self.decryptor(sealing.suite).decrypt(record: record, from: sealing.sender) == plaintext)
    }

    @Test("An empty plaintext (a record of nonce and tag only) opens to nothing")
    func empty() throws {
        let sealing = Self.sealings[0]
        let record = try Self.seal(sealing, plaintext: [])
        #expect(try Self.decryptor(sealing.suite).decrypt(record: record, from: sealing.sender) == [])
    }

    @Test("Flipping any byte of header, nonce, ciphertext or tag fails authentication", arguments: sealings)
    func tampered(_ sealing: Sealing) throws {
        let record = try Self.seal(sealing, plaintext: Array(0..<40))
        let decryptor = try Self.decryptor(sealing.suite)
        // The length field (bytes 11–12) is left alone: changing it is a framing error, tested below.
        for index in record.indices where index != 11 && index != 12 {
            var altered = record
            altered[index] ^= 0x80
            #expect(throws: DecryptionError.authenticationFailed) { try decryptor.decrypt(record: altered, from: sealing.sender) }
        }
    }

    /// The decryptor schedules each key once and re-arms one cipher context per record: a record that
    /// fails must leave nothing behind for the next, and concurrent callers must not share a half-used context.
    @Test("One decryptor opens record after record, after a failure and from concurrent tasks", arguments: sealings)
    func reusedContext(_ sealing: Sealing) async throws {
        let plaintexts = (0..<8).map { index in Array(repeating: UInt8(index), count: 17 * index) }
        let records = try plaintexts.map { try Self.seal(sealing, plaintext: $0) }
        let decryptor = try Self.decryptor(sealing.suite)
        for (record, plaintext) in zip(records, plaintexts) {
            var altered = record
            altered[altered.count - 1] ^= 1
            #expect(throws: DecryptionError.authenticationFailed) { try decryptor.decrypt(record: altered, from: sealing.sender) }
            #expect(try decryptor.decrypt(record: record, from: sealing.sender) == plaintext)
        }
        let opened = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for _ in 0..<4 {
                for (index, record) in records.enumerated() {
                    group.addTask { (index, try decryptor.decrypt(record: record, from: sealing.sender)) }
                }
            }
            return try await group.reduce(into: [(Int, [UInt8])]()) { $0.append($1) }
        }
        #expect(opened.count == 4 * records.count)
        for (index, plaintext) in opened { #expect(plaintext == plaintexts[index]) }
    }

    @Test("A record is refused under the other direction's keys", arguments: sealings)
    func wrongDirection(_ sealing: Sealing) throws {
        let record = try Self.seal(sealing, plaintext: Array(0..<40))
        let other: DTLSSender = sealing.sender == .client ? .server : .client
        #expect(throws: DecryptionError.authenticationFailed) { try Self.decryptor(sealing.suite).decrypt(record: record, from: other) }
    }

    @Test("Non-GCM suites are unsupportedCipherSuite", arguments: [UInt16(0xC013), 0xC009, 0x002F, 0xCCA8, 0x1301, 0x0000])
    func unsupported(_ code: UInt16) {
        #expect(throws: DecryptionError.unsupportedCipherSuite(code)) { try Self.decryptor(code) }
    }

    @Test("Every RFC 5288 / 5289 / 5487 AES-GCM suite is supported, AES-128 with SHA-256 and AES-256 with SHA-384")
    func suiteTable() throws {
        #expect(DTLSAEADSuite.supportedCodes.count == 26)
        #expect(try DTLSAEADSuite(code: 0xC02B).keyLength == 16)
        #expect(try DTLSAEADSuite(code: 0xC02B).prfHash == .sha256)
        #expect(try DTLSAEADSuite(code: 0xC030).keyLength == 32)
        #expect(try DTLSAEADSuite(code: 0xC030).prfHash == .sha384)
        for code in DTLSAEADSuite.supportedCodes {
            let suite = try DTLSAEADSuite(code: code)
            #expect((suite.keyLength == 16) == (suite.prfHash == .sha256))
        }
    }

    @Test("Records shorter than header, nonce and tag, or whose length field disagrees, are malformed", arguments: [0, 12, 13, 13 + 23])
    func malformed(_ length: Int) throws {
        let decryptor = try Self.decryptor(0xC02B)
        var record = [UInt8](repeating: 0, count: length)
        if length >= 13 {
            record[11] = UInt8((length - 13) >> 8)
            record[12] = UInt8((length - 13) & 0xFF)
        }
        #expect {
            _ = try decryptor.decrypt(record: record, from: .client)
        } throws: { error in
            guard case .malformedPacket = error as? DecryptionError else { return false }
            return true
        }
        let sealed = try Self.seal(Self.sealings[0], plaintext: [1, 2, 3])
        #expect(throws: DecryptionError.self) { try decryptor.decrypt(record: sealed + [0], from: .client) }
        #expect(throws: DecryptionError.self) { try decryptor.decrypt(record: Array(sealed.dropLast()), from: .client) }
    }

    @Test("Handshake secrets of the wrong length are badKey")
    func badSecrets() {
        #expect(throws: DecryptionError.self) {
            try DTLSRecordDecryptor(cipherSuite: 0xC02B, masterSecret: [1, 2, 3], clientRandom: Self.clientRandom, serverRandom: Self.serverRandom)
        }
    }

    @Test("Random records never trap and never authenticate")
    func hostile() throws {
        let decryptor = try Self.decryptor(0xC02F)
        var generator = SeededGenerator(seed: 0xD715)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...120, using: &generator)
            var record = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length >= 13, Bool.random(using: &generator) {
                record[11] = UInt8((length - 13) >> 8)
                record[12] = UInt8((length - 13) & 0xFF)
            }
            #expect(throws: DecryptionError.self) { try decryptor.decrypt(record: record, from: .server) }
        }
    }
}
