import SRTP
import Testing
import Wire

/// Every case of `../shared/vectors/srtp_rfc3711_rfc6188.txt` and `srtp_rfc7714_gcm.txt`, transcribed.
///
/// How each kind is checked:
/// - Whole packets under a master key (libsrtp's own known answers) go through `SRTPSession`: protect
///   gives the expected bytes, unprotect gives the plaintext back.
/// - Keystream and key-derivation vectors (RFC 3711 B.2/B.3, RFC 6188 §7.1/§7.2) cannot go through a
///   session: libsrtp exports no KDF and takes only master keys. They are checked against libsrtp's own
///   AES-ICM cipher (`LibSRTPCipher`), the one its KDF and its sessions run.
/// - RFC 7714's packets are under *session* keys, which no master key derives on purpose, so no session
///   can produce them. They are checked against libsrtp's AES-GCM cipher with the IV and AAD of RFC 7714
///   §8–9; then the same transform, on session keys the checked KDF derives, must equal what
///   `SRTPSession` sends for every AEAD profile: RFC 7714 → KDF → session, a chain with no gap.
/// - libsrtp's AES_CM_256_HMAC_SHA1_80 packet has no DTLS-SRTP profile (RFC 5764 and RFC 7714 define
///   none), so `SRTPSession` cannot run it; its encrypted payload is checked through the RFC 6188 KDF
///   and AES-256-CM, its HMAC tag is not (no HMAC here outside libsrtp's sessions).
@Suite("SRTP vectors of RFC 3711, RFC 6188 and RFC 7714")
struct SRTPVectorTests {
    static func hex(_ text: String) -> [UInt8] {
        // The table below is literal hex; a typo must fail the test that reads it, not trap.
        (try? Hex.decode(text.filter { !$0.isWhitespace })) ?? []
    }

    // MARK: Keystream (AES-CM, RFC 3711 §4.1.1)

    struct KeystreamCase: CustomTestStringConvertible, Sendable {
        let source: String
        let sessionKey: String
        let sessionSalt: String
        /// (the counter's low 16 bits, the keystream block there), or block 0 onwards.
        let blocks: [(counter: Int, keystream: String)]
        var testDescription: String { source }
    }

    static let keystreamCases: [KeystreamCase] = [
        KeystreamCase(
            source: "RFC 3711 B.2 (AES-128-CM)", sessionKey: "2B7E151628AED2A6ABF7158809CF4F3C",
            sessionSalt: "F0F1F2F3F4F5F6F7F8F9FAFBFCFD",
            blocks: [
                (0x0000, "E03EAD0935C95E80E166B16DD92B4EB4"), (0x0001, "D23513162B02D0F72A43A2FE4A5F97AB"),
                (0x0002, "41E95B3BB0A2E8DD477901E4FCA894C0"), (0xFEFF, "EC8CDF7398607CB0F2D21675EA9EA1E4"),
                (0xFF00, "362B7C3C6773516318A077D7FC5073AE"), (0xFF01, "6A2CC3787889374FBEB4C81B17BA6C44"),
            ]),
        KeystreamCase(
            source: "RFC 6188 §7.1 (AES-256-CM)",
            sessionKey: "57f82fe3613fd170a85ec93c40b1f0922ec4cb0dc025b58272147cc438944a98",
            sessionSalt: "f0f1f2f3f4f5f6f7f8f9fafbfcfd",
            blocks: [
                (0, "92bdd28a93c3f52511c677d08b5515a4"), (1, "9da71b2378a854f67050756ded165bac"),
                (2, "63c4868b7096d88421b563b8c94c9a31"),
            ]),
    ]

    @Test("AES-CM keystream at SSRC 0, index 0 is the vector's, block by block", arguments: keystreamCases)
    func keystream(_ vector: KeystreamCase) throws {
        let key = Self.hex(vector.sessionKey)
        let aes = try LibSRTPCipher(key.count == 32 ? .aesICM256 : .aesICM128, keyAndSalt: key + Self.hex(vector.sessionSalt))
        try aes.start(iv: [UInt8](repeating: 0, count: 16))
        let last = vector.blocks.map(\.counter).max() ?? 0
        let stream = try aes.encrypt([UInt8](repeating: 0, count: 16 * (last + 1)))
        for block in vector.blocks {
            #expect(Hex.encode(stream[16 * block.counter..<16 * (block.counter + 1)]) == block.keystream.lowercased(),
                    "counter 0x\(String(block.counter, radix: 16))")
        }
    }

    // MARK: Key derivation (RFC 3711 §4.3)

    struct DerivationCase: CustomTestStringConvertible, Sendable {
        let source: String
        let masterKey: String
        let masterSalt: String
        /// (label, expected PRF output): 0x00 cipher key, 0x01 auth key, 0x02 salt (RFC 3711 §4.3.2).
        let outputs: [(label: UInt8, bytes: String)]
        var testDescription: String { source }
    }

    static let derivationCases: [DerivationCase] = [
        DerivationCase(
            source: "RFC 3711 B.3 (AES-128-CM PRF, kdr 0, index 0)", masterKey: "E1F97A0D3E018BE0D64FA32C06DE4139",
            masterSalt: "0EC675AD498AFEEBB6960B3AABE6",
            outputs: [
                (0x00, "C61E7A93744F39EE10734AFE3FF7A087"),
                (0x02, "30CBBC08863D8C85D49DB34A9AE1"),
                // All 94 bytes the RFC prints; HMAC-SHA1 keys with the first 20.
                (0x01, """
                    CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE
                    E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25
                    6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2
                    """),
            ]),
        DerivationCase(
            source: "RFC 6188 §7.2 (AES-256-CM PRF)",
            masterKey: "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6",
            masterSalt: "3b04803de51ee7c96423ab5b78d2",
            outputs: [
                (0x00, "5ba1064e30ec51613cad926c5a28ef731ec7fb397f70a960653caf06554cd8c4"),
                (0x02, "fa31791685ca444a9e07c6c64e93"),
                (0x01, "fd9c32d39ed5fbb5a9dc96b30818454d1313dc05"),
            ]),
    ]

    @Test("The AES-CM PRF derives the vector's session keys from the master key", arguments: derivationCases)
    func keyDerivation(_ vector: DerivationCase) throws {
        for output in vector.outputs {
            let expected = Self.hex(output.bytes)
            let derived = try SRTPArithmetic.derive(
                masterKey: Self.hex(vector.masterKey), masterSalt: Self.hex(vector.masterSalt), label: output.label,
                length: expected.count)
            #expect(derived == expected, "label \(output.label)")
        }
    }

    // MARK: Whole packets through SRTPSession

    struct PacketCase: CustomTestStringConvertible, Sendable {
        let source: String
        let profile: SRTPProfile
        let kind: SRTPPacketKind
        let masterKey: String
        let masterSalt: String
        let plain: String
        let protected: String
        var testDescription: String { "\(source) \(kind == .rtp ? "SRTP" : "SRTCP")" }
    }

    static let validateKey = "e1f97a0d3e018be0d64fa32c06de4139"
    static let validateSalt = "0ec675ad498afeebb6960b3aabe6"
    static let validateRTP = "800f1234decafbadcafebabeabababababababababababababababab"
    static let validateRTCP = "81c8000bcafebabeabababababababababababababababab"
    static let validateSRTP = "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb"
    static let validateSRTCP = "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798"

    static let packetCases: [PacketCase] = [
        // libsrtp test/srtp_driver.c srtp_validate(): SSRC 0xcafebabe, seq 0x1234, ROC 0; SRTCP index 1.
        // Its master key is RFC 3711 B.3's, so this also proves the KDF inside a session.
        PacketCase(
            source: "libsrtp srtp_validate (AES_CM_128_HMAC_SHA1_80)", profile: .aes128CounterHMACSHA1_80, kind: .rtp,
            masterKey: validateKey, masterSalt: validateSalt, plain: validateRTP, protected: validateSRTP),
        PacketCase(
            source: "libsrtp srtp_validate (AES_CM_128_HMAC_SHA1_80)", profile: .aes128CounterHMACSHA1_80, kind: .rtcp,
            masterKey: validateKey, masterSalt: validateSalt, plain: validateRTCP, protected: validateSRTCP),
        // Not in the file, derived from the case above by RFC rules: the _32 profile is the _80 one with
        // the HMAC truncated to its leftmost 32 bits on SRTP (RFC 3711 §4.2.1) and unchanged on SRTCP,
        // which keeps the 80-bit tag (RFC 5764 §4.1.2).
        PacketCase(
            source: "derived from srtp_validate (AES_CM_128_HMAC_SHA1_32)", profile: .aes128CounterHMACSHA1_32, kind: .rtp,
            masterKey: validateKey, masterSalt: validateSalt, plain: validateRTP,
            protected: String(validateSRTP.dropLast(2 * 6))),
        PacketCase(
            source: "derived from srtp_validate (AES_CM_128_HMAC_SHA1_32)", profile: .aes128CounterHMACSHA1_32, kind: .rtcp,
            masterKey: validateKey, masterSalt: validateSalt, plain: validateRTCP, protected: validateSRTCP),
        // libsrtp srtp_validate_gcm(): a KAT with master-key derivation, not an RFC 7714 vector.
        PacketCase(
            source: "libsrtp srtp_validate_gcm (AEAD_AES_128_GCM)", profile: .aeadAES128GCM, kind: .rtp,
            masterKey: "000102030405060708090a0b0c0d0e0f", masterSalt: "a0a1a2a3a4a5a6a7a8a9aaab",
            plain: validateRTP,
            protected: "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392"),
        PacketCase(
            source: "libsrtp srtp_validate_gcm (AEAD_AES_128_GCM)", profile: .aeadAES128GCM, kind: .rtcp,
            masterKey: "000102030405060708090a0b0c0d0e0f", masterSalt: "a0a1a2a3a4a5a6a7a8a9aaab",
            plain: validateRTCP,
            protected: "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001"),
    ]

    @Test("Protecting the plaintext gives the vector's bytes; unprotecting them gives the plaintext back", arguments: packetCases)
    func packet(_ vector: PacketCase) throws {
        let keys = try SRTPKeyMaterial(profile: vector.profile, masterKey: Self.hex(vector.masterKey), masterSalt: Self.hex(vector.masterSalt))
        let sender = try SRTPSession(keys: keys, ssrc: nil, direction: .outbound)
        let receiver = try SRTPSession(keys: keys, ssrc: 0xCAFE_BABE)
        let plain = Self.hex(vector.plain)
        let expected = Self.hex(vector.protected)
        let protected = vector.kind == .rtp ? try sender.protectRTP(plain) : try sender.protectRTCP(plain)
        #expect(Hex.encode(protected) == Hex.encode(expected))
        let recovered = vector.kind == .rtp ? try receiver.unprotectRTP(expected) : try receiver.unprotectRTCP(expected)
        #expect(recovered == plain)
    }

    @Test("libsrtp's AES_CM_256_HMAC_SHA1_80 packet: its ciphertext is the RFC 6188 KDF's key on AES-256-CM (tag not checked)")
    func aes256CounterModePayload() throws {
        let masterKey = Self.hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6")
        let masterSalt = Self.hex("3b04803de51ee7c96423ab5b78d2")
        let protected = Self.hex("800f1234decafbadcafebabef1d9de17ff251ff1aa007774b0b4b40da08d9d9a5b3a55d8873b")
        let key = try SRTPArithmetic.derive(masterKey: masterKey, masterSalt: masterSalt, label: 0, length: 32)
        let salt = try SRTPArithmetic.derive(masterKey: masterKey, masterSalt: masterSalt, label: 2, length: 14)
        let encrypted = try SRTPArithmetic.counterModeEncryptRTPPayload(Self.hex(Self.validateRTP), sessionKey: key, sessionSalt: salt)
        #expect(encrypted == Array(protected.prefix(encrypted.count)))
        #expect(protected.count == encrypted.count + 10, "an 80-bit tag follows")
    }

    // MARK: RFC 7714 §16–17, session keys

    struct SessionKeyCase: CustomTestStringConvertible, Sendable {
        enum Form: Sendable { case encryptedRTP, authenticatedRTP, encryptedRTCP, authenticatedRTCP }
        let source: String
        let form: Form
        let plain: String
        let protected: String
        let sessionKey: String
        var testDescription: String { "\(source) \(form)" }
    }

    static let gcmSalt = "517569642070726f2071756f"  // "Quid pro quo"
    static let gcmKey128 = "000102030405060708090a0b0c0d0e0f"
    static let gcmKey256 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
    static let gcmRTP = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573"
    static let gcmRTCP = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"

    static let sessionKeyCases: [SessionKeyCase] = [
        SessionKeyCase(
            source: "RFC 7714 §16.1 AEAD_AES_128_GCM", form: .encryptedRTP, plain: gcmRTP,
            protected: "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce",
            sessionKey: gcmKey128),
        SessionKeyCase(
            source: "RFC 7714 §16.1 AEAD_AES_128_GCM", form: .authenticatedRTP, plain: gcmRTP,
            protected: gcmRTP + "22493f82d2bce397e9d79e3b19aa4216", sessionKey: gcmKey128),
        SessionKeyCase(
            source: "RFC 7714 §17.1 AEAD_AES_128_GCM", form: .encryptedRTCP, plain: gcmRTCP,
            protected: "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4",
            sessionKey: gcmKey128),
        SessionKeyCase(
            source: "RFC 7714 §17.1 AEAD_AES_128_GCM", form: .authenticatedRTCP, plain: gcmRTCP,
            protected: gcmRTCP + "841dd9683dd78ec92ae58790125f62b3000005d4", sessionKey: gcmKey128),
        SessionKeyCase(
            source: "RFC 7714 §16.2 AEAD_AES_256_GCM", form: .encryptedRTP, plain: gcmRTP,
            protected: "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba63799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
            sessionKey: gcmKey256),
        SessionKeyCase(
            source: "RFC 7714 §16.2 AEAD_AES_256_GCM", form: .authenticatedRTP, plain: gcmRTP,
            protected: gcmRTP + "a866d5910f887463067ceefec45215d4", sessionKey: gcmKey256),
        SessionKeyCase(
            source: "RFC 7714 §17.2 AEAD_AES_256_GCM", form: .encryptedRTCP, plain: gcmRTCP,
            protected: "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61de0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4",
            sessionKey: gcmKey256),
        SessionKeyCase(
            source: "RFC 7714 §17.2 AEAD_AES_256_GCM", form: .authenticatedRTCP, plain: gcmRTCP,
            protected: gcmRTCP + "91db4afbfeee5a978fab4393ed2615fe000005d4", sessionKey: gcmKey256),
    ]

    @Test("libsrtp's AES-GCM with RFC 7714's IV and AAD gives the vector (SSRC 0x5501a0b2 seq 0xf17b; SRTCP index 0x5d4)", arguments: sessionKeyCases)
    func sessionKeyPacket(_ vector: SessionKeyCase) throws {
        let key = Self.hex(vector.sessionKey)
        let salt = Self.hex(Self.gcmSalt)
        let plain = Self.hex(vector.plain)
        let output: [UInt8] = switch vector.form {
        case .encryptedRTP: try SRTPArithmetic.gcmProtectRTP(plain, sessionKey: key, sessionSalt: salt)
        case .authenticatedRTP: try SRTPArithmetic.gcmProtectRTP(plain, sessionKey: key, sessionSalt: salt, encrypt: false)
        case .encryptedRTCP: try SRTPArithmetic.gcmProtectRTCP(plain, sessionKey: key, sessionSalt: salt, index: 0x5D4)
        case .authenticatedRTCP: try SRTPArithmetic.gcmProtectRTCP(plain, sessionKey: key, sessionSalt: salt, index: 0x5D4, encrypt: false)
        }
        #expect(Hex.encode(output) == vector.protected)
    }

    @Test("RFC 7714 §16 ciphertext decrypts to the plaintext under libsrtp's AES-GCM, and one flipped bit is refused", arguments: [gcmKey128, gcmKey256])
    func sessionKeyDecrypt(_ keyText: String) throws {
        let protected = Self.hex(Self.sessionKeyCases.first { $0.form == .encryptedRTP && $0.sessionKey == keyText }?.protected ?? "")
        let key = Self.hex(keyText)
        let iv = zip([0, 0, 0x55, 0x01, 0xA0, 0xB2, 0, 0, 0, 0, 0xF1, 0x7B], Self.hex(Self.gcmSalt)).map { $0 ^ $1 }
        func open(_ packet: [UInt8]) throws -> [UInt8] {
            let gcm = try LibSRTPCipher(key.count == 32 ? .aesGCM256 : .aesGCM128, keyAndSalt: key + [UInt8](repeating: 0, count: 12))
            try gcm.start(iv: iv, decrypting: true)
            try gcm.authenticate(Array(packet.prefix(12)))
            return Array(packet.prefix(12)) + (try gcm.decrypt(Array(packet.dropFirst(12))))
        }
        #expect(try open(protected) == Self.hex(Self.gcmRTP))
        var flipped = protected
        flipped[20] ^= 0x01
        #expect(throws: LibSRTPCipher.Failure.self) { try open(flipped) }
    }

    // MARK: The chain: RFC 7714 transform on KDF keys equals the session

    @Test("The GCM KAT's session keys come from the RFC 3711 KDF with the 96-bit salt zero-padded", arguments: [SRTPPacketKind.rtp, .rtcp])
    func gcmKnownAnswerByArithmetic(_ kind: SRTPPacketKind) throws {
        let vector = try #require(Self.packetCases.first { $0.profile == .aeadAES128GCM && $0.kind == kind })
        let masterKey = Self.hex(vector.masterKey)
        let masterSalt = Self.hex(vector.masterSalt)
        // RFC 3711 §4.3.2 labels: SRTP key 0x00, salt 0x02; SRTCP key 0x03, salt 0x05.
        let (keyLabel, saltLabel): (UInt8, UInt8) = kind == .rtp ? (0, 2) : (3, 5)
        let key = try SRTPArithmetic.derive(masterKey: masterKey, masterSalt: masterSalt, label: keyLabel, length: 16)
        let salt = try SRTPArithmetic.derive(masterKey: masterKey, masterSalt: masterSalt, label: saltLabel, length: 12)
        let output = kind == .rtp
            ? try SRTPArithmetic.gcmProtectRTP(Self.hex(vector.plain), sessionKey: key, sessionSalt: salt)
            : try SRTPArithmetic.gcmProtectRTCP(Self.hex(vector.plain), sessionKey: key, sessionSalt: salt, index: 1)
        #expect(Hex.encode(output) == vector.protected)
    }

    @Test("For each AEAD profile, SRTPSession sends exactly RFC 7714's transform under the keys the RFC 3711 KDF derives", arguments: [SRTPProfile.aeadAES128GCM, .aeadAES256GCM])
    func aeadSessionMatchesArithmetic(_ profile: SRTPProfile) throws {
        // The RFC 7714 session key and salt, used here as master key and salt.
        let masterKey = Self.hex(profile == .aeadAES256GCM ? Self.gcmKey256 : Self.gcmKey128)
        let masterSalt = Self.hex(Self.gcmSalt)
        let keys = try SRTPKeyMaterial(profile: profile, masterKey: masterKey, masterSalt: masterSalt)
        let sender = try SRTPSession(keys: keys, ssrc: nil, direction: .outbound)
        func derive(_ label: UInt8, _ length: Int) throws -> [UInt8] {
            try SRTPArithmetic.derive(masterKey: masterKey, masterSalt: masterSalt, label: label, length: length)
        }
        let rtp = Self.hex(Self.gcmRTP)
        #expect(try sender.protectRTP(rtp)
                == SRTPArithmetic.gcmProtectRTP(rtp, sessionKey: derive(0, masterKey.count), sessionSalt: derive(2, 12)))
        let rtcp = Self.hex(Self.gcmRTCP)
        #expect(try sender.protectRTCP(rtcp)
                == SRTPArithmetic.gcmProtectRTCP(rtcp, sessionKey: derive(3, masterKey.count), sessionSalt: derive(5, 12), index: 1))
    }
}
