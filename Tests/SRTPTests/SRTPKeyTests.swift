import SRTP
import Testing

@Suite("SRTP key material")
struct SRTPKeyTests {
    @Test("Each profile has the key and salt lengths of RFC 5764 §4.1.2 and RFC 7714 §12", arguments: [
        (SRTPProfile.aes128CounterHMACSHA1_80, 16, 14), (.aes128CounterHMACSHA1_32, 16, 14),
        (.aeadAES128GCM, 16, 12), (.aeadAES256GCM, 32, 12),
    ])
    func lengths(_ profile: SRTPProfile, key: Int, salt: Int) {
        #expect(profile.masterKeyLength == key)
        #expect(profile.masterSaltLength == salt)
    }

    @Test("Base64 key‖salt splits at the profile's key length")
    func base64Split() throws {
        let keys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
        #expect(keys.masterKey == Array("i know all your ".utf8))
        #expect(keys.masterSalt == Array("little secrets".utf8))
        #expect(keys.keyAndSalt == Array("i know all your little secrets".utf8))
    }

    @Test("Key text that is not base64, or of the wrong length for the profile, is a badKey error", arguments: [
        "not base64!", "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz=", "aSBrbm93", "", "a",
        "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRzAAAA",
    ])
    func badKeys(_ text: String) {
        #expect {
            _ = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: text)
        } throws: { error in
            guard case .badKey = error as? SRTPError else { return false }
            return true
        }
    }

    @Test("A GCM key of 30 bytes is refused: AEAD_AES_256_GCM wants 32 + 12")
    func gcmLength() {
        #expect(throws: SRTPError.self) {
            try SRTPKeyMaterial(profile: .aeadAES256GCM, keyAndSalt: [UInt8](repeating: 1, count: 30))
        }
        #expect(throws: Never.self) {
            try SRTPKeyMaterial(profile: .aeadAES256GCM, keyAndSalt: [UInt8](repeating: 1, count: 44))
        }
    }

    @Test("Packets too short to hold a header are malformed, for SRTP and SRTCP, in every profile", arguments: SRTPProfile.allCases)
    func tooShort(_ profile: SRTPProfile) throws {
        let keys = try SRTPKeyMaterial(
            profile: profile,
            keyAndSalt: [UInt8](repeating: 7, count: profile.masterKeyLength + profile.masterSaltLength))
        let session = try SRTPSession(keys: keys, ssrc: nil)
        for length in [0, 1, 11] {
            let packet = [UInt8](repeating: 0x80, count: length)
            #expect(throws: SRTPError.self) { try session.unprotectRTP(packet) }
            #expect(throws: SRTPError.self) { try session.unprotectRTCP(packet) }
        }
        // A header with nothing after it cannot hold a tag either.
        let bare: [UInt8] = [0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9]
        #expect(throws: SRTPError.self) { try session.unprotectRTP(bare) }
    }
}
