import Wire

/// The keys one SRTP sender protects its packets with: a profile, a master key and a master salt.
///
/// Both lengths are checked against the profile when the value is made, so a session built from one
/// never fails for a key of the wrong size.
public struct SRTPKeyMaterial: Hashable, Sendable {
    public let profile: SRTPProfile
    public let masterKey: [UInt8]
    public let masterSalt: [UInt8]

    /// Keys of the lengths `profile` requires.
    /// - Throws: `SRTPError.badKey` when a length is wrong.
    public init(profile: SRTPProfile, masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError) {
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
    public init(profile: SRTPProfile, keyAndSalt: [UInt8]) throws(SRTPError) {
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
    public init(profile: SRTPProfile, base64 text: String) throws(SRTPError) {
        guard let bytes = Base64.decode(text) else {
            throw .badKey("not base64: \"\(text.prefix(64))\"")
        }
        try self.init(profile: profile, keyAndSalt: bytes)
    }

    /// Master key ‖ master salt: the layout libsrtp reads its policy key from.
    public var keyAndSalt: [UInt8] { masterKey + masterSalt }
}
