import CrucibleTestSupport
import Testing
import STUN
import Wire

@Suite("Credentials and password preparation (RFC 8489 §9, RFC 8265, RFC 4013)")
struct CredentialTests {
    @Test("SASLprep maps RFC 5769 §2.4's password to TheMatrIX (B.1 removed, NFKC)")
    func saslPrepMatrix() throws {
        #expect(try STUNPasswordPreparation.saslPrep.prepare("The\u{00AD}M\u{00AA}tr\u{2168}") == "TheMatrIX")
    }

    @Test("OpaqueString refuses the soft hyphen and keeps U+00AA and U+2168 (NFC, not NFKC)")
    func opaqueStringMatrix() throws {
        #expect(throws: STUNPreparationError.self) {
            try STUNPasswordPreparation.opaqueString.prepare("The\u{00AD}M\u{00AA}tr\u{2168}")
        }
        #expect(try STUNPasswordPreparation.opaqueString.prepare("M\u{00AA}tr\u{2168}") == "M\u{00AA}tr\u{2168}")
    }

    @Test("Both profiles map non-ASCII spaces to U+0020", arguments: [STUNPasswordPreparation.opaqueString, .saslPrep])
    func spaces(preparation: STUNPasswordPreparation) throws {
        #expect(try preparation.prepare("a\u{00A0}b\u{3000}c") == "a b c")
    }

    @Test("OpaqueString normalises to NFC")
    func nfc() throws {
        #expect(try STUNPasswordPreparation.opaqueString.prepare("e\u{0301}") == "\u{00E9}")
    }

    @Test("Control characters are refused by both profiles", arguments: [STUNPasswordPreparation.opaqueString, .saslPrep])
    func controls(preparation: STUNPasswordPreparation) {
        #expect(throws: STUNPreparationError.self) { try preparation.prepare("pass\u{0007}word") }
        #expect(throws: STUNPreparationError.self) { try preparation.prepare("pass\u{0085}word") }
    }

    @Test("OpaqueString refuses private-use code points and an empty result")
    func opaqueStringRefusals() {
        #expect(throws: STUNPreparationError.self) { try STUNPasswordPreparation.opaqueString.prepare("\u{E000}") }
        #expect(throws: STUNPreparationError.self) { try STUNPasswordPreparation.opaqueString.prepare("") }
    }

    @Test("The short-term key is the prepared password's UTF-8 (§9.1.1)")
    func shortTermKey() throws {
        #expect(try STUNCredentials.shortTermKey(password: "VOkJxbRl1RmTxUk/WvJxBt").bytes == Array("VOkJxbRl1RmTxUk/WvJxBt".utf8))
    }

    @Test("The long-term keys are MD5 and SHA-256 of username:realm:password (§9.2.2)")
    func longTermKeys() throws {
        let md5 = try STUNCredentials.longTermKey(username: "user", realm: "realm", password: "pass")
        // MD5("user:realm:pass"), as RFC 2617 implementations compute HA1.
        #expect(md5.bytes == Hex.literal("8493fbc53ba582fb4c044c456bdc40eb"))
        let sha = try STUNCredentials.longTermKey(username: "user", realm: "realm", password: "pass", algorithm: .sha256)
        #expect(sha.bytes == Hex.literal("07e934117abd40836e7c6329b54731b2b2d2a5f9a71f544922d75e0730d8251b"))
    }
}
