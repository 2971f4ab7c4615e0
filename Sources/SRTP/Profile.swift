/// An SRTP protection profile: the cipher, tag length and key sizes one SRTP stream uses.
///
/// This is the one home of the profile for the whole stack: DTLS offers and negotiates it in `use_srtp`
/// (RFC 5764 §4.1.2), the engine keys its sessions with it, and the replay checker decrypts with it.
/// Raw values are the DTLS-SRTP protection profile identifiers (RFC 5764 §4.1.2 for the AES-CM ones,
/// RFC 7714 §14.2 for the AEAD ones), so a `use_srtp` extension's choice maps directly.
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

    /// The name OpenSSL's `SSL_CTX_set_tlsext_use_srtp` takes (OpenSSL's own spelling, not IANA's).
    public var openSSLName: String {
        switch self {
        case .aes128CounterHMACSHA1_80: "SRTP_AES128_CM_SHA1_80"
        case .aes128CounterHMACSHA1_32: "SRTP_AES128_CM_SHA1_32"
        case .aeadAES128GCM: "SRTP_AEAD_AES_128_GCM"
        case .aeadAES256GCM: "SRTP_AEAD_AES_256_GCM"
        }
    }

    /// The order WebRTC endpoints usually offer: AEAD first (RFC 8827 §6.5 wants AEAD suites preferred),
    /// then the AES-CM profile every WebRTC endpoint must support (RFC 8827 §6.5).
    public static let webRTCDefault: [SRTPProfile] = [.aeadAES128GCM, .aes128CounterHMACSHA1_80]

    /// The IANA registry name of any DTLS-SRTP protection profile code point, including the two NULL-cipher
    /// profiles this module does not run (RFC 5764 §4.1.2), or nil for an unregistered one.
    public static func registryName(of code: UInt16) -> String? {
        switch code {
        case 0x0001: "SRTP_AES128_CM_HMAC_SHA1_80"
        case 0x0002: "SRTP_AES128_CM_HMAC_SHA1_32"
        case 0x0005: "SRTP_NULL_HMAC_SHA1_80"
        case 0x0006: "SRTP_NULL_HMAC_SHA1_32"
        case 0x0007: "SRTP_AEAD_AES_128_GCM"
        case 0x0008: "SRTP_AEAD_AES_256_GCM"
        default: nil
        }
    }
}
