/// An SRTP protection profile: the cipher, tag length and key sizes one SRTP stream uses.
///
/// Raw values are the DTLS-SRTP profile identifiers (RFC 5764 §4.1.2 for the AES-CM ones, RFC 7714
/// §14.2 for AEAD_AES_128_GCM and AEAD_AES_256_GCM), so a `use_srtp` extension's choice maps directly.
public enum SRTPProfile: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// AES-128 counter mode with an 80-bit HMAC-SHA1 tag (RFC 3711 §4, RFC 5764 §4.1.2).
    case aes128CounterHMACSHA1_80 = 0x0001
    /// As above with a 32-bit tag on SRTP; SRTCP keeps the 80-bit tag (RFC 5764 §4.1.2).
    case aes128CounterHMACSHA1_32 = 0x0002
    /// AES-128 in Galois/Counter mode with a 16-byte tag (RFC 7714 §14.2).
    case aeadAES128GCM = 0x0007
    /// AES-256 in Galois/Counter mode with a 16-byte tag (RFC 7714 §14.2).
    case aeadAES256GCM = 0x0008

    /// Length of the master key in bytes (RFC 5764 §4.1.2, RFC 7714 §12).
    public var masterKeyLength: Int {
        switch self {
        case .aes128CounterHMACSHA1_80, .aes128CounterHMACSHA1_32, .aeadAES128GCM: 16
        case .aeadAES256GCM: 32
        }
    }

    /// Length of the master salt in bytes: 112 bits for AES-CM (RFC 3711 §8.2), 96 for GCM (RFC 7714 §12).
    public var masterSaltLength: Int {
        switch self {
        case .aes128CounterHMACSHA1_80, .aes128CounterHMACSHA1_32: 14
        case .aeadAES128GCM, .aeadAES256GCM: 12
        }
    }

    /// The name RFC 5764 / RFC 7714 give the profile, as SDP `a=crypto` lines and Wireshark use it.
    public var description: String {
        switch self {
        case .aes128CounterHMACSHA1_80: "AES_CM_128_HMAC_SHA1_80"
        case .aes128CounterHMACSHA1_32: "AES_CM_128_HMAC_SHA1_32"
        case .aeadAES128GCM: "AEAD_AES_128_GCM"
        case .aeadAES256GCM: "AEAD_AES_256_GCM"
        }
    }
}

/// The keys one SRTP sender protects its packets with: a profile, a master key and a master salt.
///
/// Both lengths are checked against the profile when the value is made, so a session built from one
/// never fails for a key of the wrong size.
public struct SRTPKeyMaterial: Hashable, Sendable {
    public let profile: SRTPProfile
    public let masterKey: [UInt8]
    public let masterSalt: [UInt8]

    /// Keys of the lengths `profile` requires.
    /// - Throws: `DecryptionError.badKey` when a length is wrong.
    public init(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8]) throws(DecryptionError) {
        guard masterKey.count == profile.masterKeyLength else {
            throw .badKey("\(profile) needs a \(profile.masterKeyLength)-byte master key, got \(masterKey.count)")
        }
        guard masterSalt.count == profile.masterSaltLength else {
            throw .badKey("\(profile) needs a \(profile.masterSaltLength)-byte master salt, got \(masterSalt.count)")
        }
        self.profile = profile
        self.masterKey = masterKey
        self.masterSalt = masterSalt
    }

    /// Keys from one byte string holding the master key followed by the master salt, the form SDES
    /// `inline:` parameters (RFC 4568 §6.1) and `--srtp-key SSRC=BASE64` carry.
    public init(profile: SRTPProfile, keyAndSalt: [UInt8]) throws(DecryptionError) {
        let expected = profile.masterKeyLength + profile.masterSaltLength
        guard keyAndSalt.count == expected else {
            throw .badKey("\(profile) needs \(expected) bytes of key and salt, got \(keyAndSalt.count)")
        }
        try self.init(
            profile: profile,
            masterKey: Array(keyAndSalt.prefix(profile.masterKeyLength)),
            masterSalt: Array(keyAndSalt.dropFirst(profile.masterKeyLength)))
    }

    /// Keys from base64 text of key ‖ salt (RFC 4648 §4 alphabet, padding optional).
    public init(profile: SRTPProfile, base64 text: String) throws(DecryptionError) {
        guard let bytes = Base64.decode(text) else {
            throw .badKey("not base64: \"\(text.prefix(64))\"")
        }
        try self.init(profile: profile, keyAndSalt: bytes)
    }

    /// Master key ‖ master salt: the layout libsrtp reads its policy key from.
    public var keyAndSalt: [UInt8] { masterKey + masterSalt }
}
