import CrucibleTestSupport
import Hashing
import Testing
import Wire

// Known answers: FIPS 180-4 / RFC 1321 test suites for "abc" and "", RFC 4231 and RFC 2202 for HMAC.
@Suite("Digests and HMAC over OpenSSL")
struct DigestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let algorithm: DigestAlgorithm
        let input: String
        let expected: String
        var testDescription: String { "\(algorithm.rawValue)(\"\(input)\")" }
    }

    @Test("Digest known answers (RFC 1321 A.5, FIPS 180-4 examples)", arguments: [
        Case(algorithm: .md5, input: "", expected: "d41d8cd98f00b204e9800998ecf8427e"),
        Case(algorithm: .md5, input: "abc", expected: "900150983cd24fb0d6963f7d28e17f72"),
        Case(algorithm: .sha1, input: "abc", expected: "a9993e364706816aba3e25717850c26c9cd0d89d"),
        Case(algorithm: .sha256, input: "abc",
             expected: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Case(algorithm: .sha384, input: "abc",
             expected: "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
    ])
    func digest(_ known: Case) {
        #expect(Hex.encode(known.algorithm.hash(Array(known.input.utf8))) == known.expected)
    }

    @Test("HMAC-SHA256 RFC 4231 test case 2 (short key)")
    func hmacSHA256() {
        let key = HMACKey(.sha256, key: Array("Jefe".utf8))
        let mac = key.authenticationCode(for: Array("what do ya want for nothing?".utf8))
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("HMAC-SHA384 RFC 4231 test cases 2 (short key) and 6 (131-byte key, hashed first)")
    func hmacSHA384() {
        let short = HMACKey(.sha384, key: Array("Jefe".utf8))
        #expect(Hex.encode(short.authenticationCode(for: Array("what do ya want for nothing?".utf8)))
            == "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649")
        let long = HMACKey(.sha384, key: [UInt8](repeating: 0xAA, count: 131))
        #expect(Hex.encode(long.authenticationCode(for: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
            == "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952")
    }

    @Test("HMAC-SHA384 pads a 100-byte key to its 128-byte block instead of hashing it (RFC 2104 §2)")
    func hmacSHA384BlockLength() {
        // Expected value from Python's hmac module (hmac.new(b"\xaa" * 100, b"x", "sha384")); a 64-byte
        // block, right for the other digests, would hash this key and give a different MAC.
        let key = HMACKey(.sha384, key: [UInt8](repeating: 0xAA, count: 100))
        #expect(Hex.encode(key.authenticationCode(for: Array("x".utf8)))
            == "0a24217d37dfd3f0bacac503947f91e9498d50a2defc1736757e79a6d2150c030921f5be718308804ed9111f1bc785c2")
        #expect(DigestAlgorithm.sha384.blockLength == 128)
        #expect(DigestAlgorithm.sha384.outputLength == 48)
    }

    @Test("HMAC-SHA1 RFC 2202 test case 2, fed in pieces")
    func hmacSHA1Pieces() {
        let key = HMACKey(.sha1, key: Array("Jefe".utf8))
        var mac = key.start()
        mac.update(Array("what do ya want ".utf8))
        mac.update(Array("for nothing?".utf8)[...])
        #expect(Hex.encode(mac.finalize()) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
    }

    @Test("One key serves many messages independently")
    func keyReuse() {
        let key = HMACKey(.sha1, key: Array("Jefe".utf8))
        let first = key.authenticationCode(for: Array("what do ya want for nothing?".utf8))
        _ = key.authenticationCode(for: [1, 2, 3])
        #expect(key.authenticationCode(for: Array("what do ya want for nothing?".utf8)) == first)
    }

    @Test("Constant-time comparison tells equal from different and different lengths")
    func comparison() {
        #expect(constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEqual([1, 2, 3], [1, 2]))
    }
}

@Suite("HMAC edge cases")
struct HMACEdgeTests {
    @Test("Keys longer than the 64-byte block are hashed first (RFC 4231 §4.7, RFC 2202 §3 case 6)")
    func longKeys() {
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        #expect(Hex.encode(HMACKey(.sha256, key: [UInt8](repeating: 0xAA, count: 131)).authenticationCode(for: message))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        #expect(Hex.encode(HMACKey(.sha1, key: [UInt8](repeating: 0xAA, count: 80)).authenticationCode(for: message))
            == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }

    @Test("HMAC-MD5 RFC 2202 §2 test case 2")
    func md5() {
        #expect(Hex.encode(HMACKey(.md5, key: Array("Jefe".utf8)).authenticationCode(for: Array("what do ya want for nothing?".utf8)))
            == "750c783e6ab0b503eaa86e310a5db738")
    }

    @Test("An empty key and an empty message are legal HMAC inputs (RFC 2104 §2)")
    func empty() {
        // Known answer: HMAC-SHA256 with an empty key over an empty message.
        #expect(Hex.encode(HMACKey(.sha256, key: [UInt8]()).authenticationCode(for: [UInt8]()))
            == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test("finalize(into:) writes the same MAC as finalize() and leaves the MAC in progress usable")
    func finalizeIntoBuffer() {
        var mac = HMACKey(.sha256, key: Array("Jefe".utf8)).start()
        mac.update(Array("what do ya want for nothing?".utf8))
        var buffer = [UInt8](repeating: 0, count: 40)
        buffer.withUnsafeMutableBytes { mac.finalize(into: $0) }
        #expect(Array(buffer[..<32]) == mac.finalize())
        #expect(buffer[32...].allSatisfy { $0 == 0 })
        #expect(Hex.encode(mac.finalize()) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("verify accepts the MAC and a truncation RFC 2104 §5 allows (RFC 4231 test case 5)")
    func verifyTruncated() {
        var mac = HMACKey(.sha256, key: [UInt8](repeating: 0x0C, count: 20)).start()
        mac.update(Array("Test With Truncation".utf8))
        let truncated = Hex.literal("a3b6167473100ee06e0c796c2955552b")
        #expect(mac.verify(truncated))
        #expect(mac.verify(mac.finalize()))
        #expect(mac.verify(truncated[..<16]))
    }

    @Test("verify rejects a changed bit, a code shorter than half the MAC or 80 bits, and a longer one")
    func verifyRejects() {
        var mac = HMACKey(.sha1, key: [UInt8](repeating: 0x0C, count: 20)).start()
        mac.update(Array("Test With Truncation".utf8))
        let code = Hex.literal("4c1a03424b55e07fe7f27be1d58bb9324a9a5a04")
        #expect(mac.verify(code))
        var flipped = code
        flipped[19] ^= 0x01
        #expect(!mac.verify(flipped))
        #expect(mac.verify(code[..<10]))
        #expect(!mac.verify(code[..<9]))
        #expect(!mac.verify([UInt8]()))
        #expect(!mac.verify(code + [0]))
        #expect(!HMACKey(.sha256, key: [UInt8]()).start().verify(
            Hex.literal("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")[..<15]))
    }
}
