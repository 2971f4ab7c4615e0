import SRTP

/// A ClientHello or ServerHello extension (RFC 5246 §7.4.1.4, RFC 8446 §4.2).
///
/// The extensions a WebRTC handshake uses are typed; any other type is kept byte-exact in `.unknown`.
/// `.unknown` is meant for types without a case here: one built by hand with a typed code point
/// re-parses as its typed case.
public enum HelloExtension: Hashable, Sendable {
    /// RFC 5764 §4.1.1 (type 14).
    case useSRTP(UseSRTP)
    /// RFC 8422 §5.1.1 / RFC 8446 §4.2.7 (type 10): named groups.
    case supportedGroups([UInt16])
    /// RFC 5246 §7.4.1.4.1 / RFC 8446 §4.2.3 (type 13): (hash, signature) pairs as 16-bit code points.
    case signatureAlgorithms([UInt16])
    /// RFC 7627 (type 23): always empty.
    case extendedMasterSecret
    /// RFC 5746 §3.2 (type 0xff01): the renegotiated connection's verify data (empty initially).
    case renegotiationInfo([UInt8])
    /// RFC 7301 §3.1 (type 16): protocol names, each 1–255 bytes.
    case applicationLayerProtocolNegotiation([[UInt8]])
    /// RFC 8449 §4 (type 28).
    case recordSizeLimit(UInt16)
    /// RFC 8422 §5.1.2 (type 11).
    case ecPointFormats([UInt8])
    /// RFC 5077 §3.2 (type 35): the ticket, empty when merely offered.
    case sessionTicket([UInt8])
    /// RFC 8446 §4.2.1 (type 43) in a ClientHello: the versions offered.
    case supportedVersions([ProtocolVersion])
    /// RFC 8446 §4.2.1 (type 43) in a ServerHello: the version chosen.
    case selectedVersion(ProtocolVersion)
    /// RFC 8446 §4.2.2 (type 44).
    case cookie([UInt8])
    /// RFC 8446 §4.2.8 (type 51) in a ClientHello: the key shares offered.
    case keyShares([KeyShareEntry])
    /// RFC 8446 §4.2.8 (type 51) in a ServerHello: the share chosen.
    case serverKeyShare(KeyShareEntry)
    /// RFC 8446 §4.2.8 (type 51) in a HelloRetryRequest: only the group asked for.
    case keyShareSelectedGroup(UInt16)
    /// Any other extension, with its body exactly as received.
    case unknown(type: UInt16, data: [UInt8])

    /// The extension type code point.
    public var type: UInt16 {
        switch self {
        case .useSRTP: ExtensionType.useSRTP
        case .supportedGroups: ExtensionType.supportedGroups
        case .signatureAlgorithms: ExtensionType.signatureAlgorithms
        case .extendedMasterSecret: ExtensionType.extendedMasterSecret
        case .renegotiationInfo: ExtensionType.renegotiationInfo
        case .applicationLayerProtocolNegotiation: ExtensionType.applicationLayerProtocolNegotiation
        case .recordSizeLimit: ExtensionType.recordSizeLimit
        case .ecPointFormats: ExtensionType.ecPointFormats
        case .sessionTicket: ExtensionType.sessionTicket
        case .supportedVersions, .selectedVersion: ExtensionType.supportedVersions
        case .cookie: ExtensionType.cookie
        case .keyShares, .serverKeyShare, .keyShareSelectedGroup: ExtensionType.keyShare
        case .unknown(let type, _): type
        }
    }
}

/// Extension type code points (IANA "TLS ExtensionType Values") for the extensions typed here.
public enum ExtensionType {
    public static let supportedGroups: UInt16 = 10
    public static let ecPointFormats: UInt16 = 11
    public static let signatureAlgorithms: UInt16 = 13
    public static let useSRTP: UInt16 = 14
    public static let applicationLayerProtocolNegotiation: UInt16 = 16
    public static let extendedMasterSecret: UInt16 = 23
    public static let recordSizeLimit: UInt16 = 28
    public static let sessionTicket: UInt16 = 35
    public static let supportedVersions: UInt16 = 43
    public static let cookie: UInt16 = 44
    public static let keyShare: UInt16 = 51
    public static let renegotiationInfo: UInt16 = 0xFF01

    /// The IANA name of `type`, or nil.
    public static func name(of type: UInt16) -> String? {
        switch type {
        case 0: "server_name"
        case 5: "status_request"
        case 10: "supported_groups"
        case 11: "ec_point_formats"
        case 13: "signature_algorithms"
        case 14: "use_srtp"
        case 16: "application_layer_protocol_negotiation"
        case 18: "signed_certificate_timestamp"
        case 21: "padding"
        case 23: "extended_master_secret"
        case 28: "record_size_limit"
        case 35: "session_ticket"
        case 41: "pre_shared_key"
        case 43: "supported_versions"
        case 44: "cookie"
        case 45: "psk_key_exchange_modes"
        case 51: "key_share"
        case 54: "connection_id"
        case 0xFF01: "renegotiation_info"
        default: nil
        }
    }
}

/// The use_srtp extension body (RFC 5764 §4.1.1): protection profiles and an MKI.
public struct UseSRTP: Hashable, Sendable {
    /// `SRTPProtectionProfile` code points, kept raw so unknown ones round-trip (at least one, RFC 5764 §4.1.1: `<2..2^16-1>` bytes).
    public var profiles: [UInt16]
    /// `srtp_mki`, 0–255 bytes.
    public var mki: [UInt8]

    public init(profiles: [UInt16], mki: [UInt8] = []) {
        self.profiles = profiles
        self.mki = mki
    }

    /// The IANA name of an SRTP protection profile code point, or nil (the names live with the
    /// profiles, in the SRTP module).
    public static func profileName(_ profile: UInt16) -> String? { SRTPProfile.registryName(of: profile) }
}

/// A `KeyShareEntry` (RFC 8446 §4.2.8): a named group and a non-empty key exchange value.
public struct KeyShareEntry: Hashable, Sendable {
    public var group: UInt16
    public var keyExchange: [UInt8]

    public init(group: UInt16, keyExchange: [UInt8]) {
        self.group = group
        self.keyExchange = keyExchange
    }
}
