/// A DTLS-SRTP protection profile that `use_srtp` can negotiate (RFC 5764 §4.1.2, RFC 7714 §14.2).
/// Raw values are the profile identifiers the extension carries.
public enum DTLSSRTPProfile: UInt16, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 5764 §4.1.2).
    case aes128CounterHMACSHA1_80 = 0x0001
    /// SRTP_AEAD_AES_128_GCM (RFC 7714 §14.2).
    case aeadAES128GCM = 0x0007

    /// The name OpenSSL's `SSL_CTX_set_tlsext_use_srtp` takes.
    public var openSSLName: String {
        switch self {
        case .aes128CounterHMACSHA1_80: "SRTP_AES128_CM_SHA1_80"
        case .aeadAES128GCM: "SRTP_AEAD_AES_128_GCM"
        }
    }

    /// Master key length in bytes (RFC 5764 §4.1.2, RFC 7714 §12).
    public var masterKeyLength: Int { 16 }

    /// Master salt length in bytes: 112 bits for AES-CM (RFC 3711 §8.2), 96 for GCM (RFC 7714 §12).
    public var masterSaltLength: Int {
        switch self {
        case .aes128CounterHMACSHA1_80: 14
        case .aeadAES128GCM: 12
        }
    }

    public var description: String { openSSLName }

    /// The order WebRTC endpoints usually offer: AEAD first (RFC 8827 §6.5 wants AEAD suites preferred).
    public static let webRTCDefault: [DTLSSRTPProfile] = [.aeadAES128GCM, .aes128CounterHMACSHA1_80]
}

/// The SRTP master keys and salts of both directions exported from a DTLS handshake (RFC 5764 §4.2):
/// `2 × (key + salt)` bytes of `EXTRACTOR-dtls_srtp`, laid out as client key ‖ server key ‖
/// client salt ‖ server salt.
public struct DTLSSRTPKeyingMaterial: Hashable, Sendable {
    public let profile: DTLSSRTPProfile
    /// The key the DTLS client protects what it sends with.
    public let clientMasterKey: [UInt8]
    public let clientMasterSalt: [UInt8]
    /// The key the DTLS server protects what it sends with.
    public let serverMasterKey: [UInt8]
    public let serverMasterSalt: [UInt8]

    /// The exporter label (RFC 5764 §4.2).
    public static let exporterLabel = "EXTRACTOR-dtls_srtp"

    /// Number of exporter bytes `profile` needs.
    public static func exportLength(for profile: DTLSSRTPProfile) -> Int {
        2 * (profile.masterKeyLength + profile.masterSaltLength)
    }

    /// Splits exported material per RFC 5764 §4.2. Nil when `material` is not exactly
    /// `exportLength(for: profile)` bytes.
    public init?(profile: DTLSSRTPProfile, exported material: [UInt8]) {
        let key = profile.masterKeyLength
        let salt = profile.masterSaltLength
        guard material.count == Self.exportLength(for: profile) else { return nil }
        self.profile = profile
        clientMasterKey = Array(material[0..<key])
        serverMasterKey = Array(material[key..<2 * key])
        clientMasterSalt = Array(material[2 * key..<2 * key + salt])
        serverMasterSalt = Array(material[2 * key + salt..<2 * (key + salt)])
    }

    /// The key and salt this side sends with, for `role`.
    public func local(for role: DTLSRole) -> (key: [UInt8], salt: [UInt8]) {
        role == .client ? (clientMasterKey, clientMasterSalt) : (serverMasterKey, serverMasterSalt)
    }

    /// The key and salt the peer sends with, for this side's `role`.
    public func remote(for role: DTLSRole) -> (key: [UInt8], salt: [UInt8]) {
        local(for: role == .client ? .server : .client)
    }
}
