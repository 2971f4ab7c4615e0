import Wire

/// A STUN attribute type (RFC 8489 §14, §18.3): 16 bits, of which the range below 0x8000 is
/// comprehension-required and the range from 0x8000 comprehension-optional.
public struct STUNAttributeType: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ rawValue: UInt16) { self.rawValue = rawValue }

    /// A receiver that does not understand such an attribute must reject a request with 420 and ignore
    /// a response or indication that contains it (RFC 8489 §14).
    public var isComprehensionRequired: Bool { rawValue < 0x8000 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    // RFC 8489 §18.3
    public static var mappedAddress: Self { Self(0x0001) }
    public static var username: Self { Self(0x0006) }
    public static var messageIntegrity: Self { Self(0x0008) }
    public static var errorCode: Self { Self(0x0009) }
    public static var unknownAttributes: Self { Self(0x000A) }
    public static var realm: Self { Self(0x0014) }
    public static var nonce: Self { Self(0x0015) }
    public static var messageIntegritySHA256: Self { Self(0x001C) }
    public static var passwordAlgorithm: Self { Self(0x001D) }
    public static var userhash: Self { Self(0x001E) }
    public static var xorMappedAddress: Self { Self(0x0020) }
    public static var passwordAlgorithms: Self { Self(0x8002) }
    public static var alternateDomain: Self { Self(0x8003) }
    public static var software: Self { Self(0x8022) }
    public static var alternateServer: Self { Self(0x8023) }
    public static var fingerprint: Self { Self(0x8028) }
    // RFC 8445 §16.1 (ICE)
    public static var priority: Self { Self(0x0024) }
    public static var useCandidate: Self { Self(0x0025) }
    public static var iceControlled: Self { Self(0x8029) }
    public static var iceControlling: Self { Self(0x802A) }
    // RFC 8656 §18 (TURN)
    public static var channelNumber: Self { Self(0x000C) }
    public static var lifetime: Self { Self(0x000D) }
    public static var xorPeerAddress: Self { Self(0x0012) }
    public static var data: Self { Self(0x0013) }
    public static var xorRelayedAddress: Self { Self(0x0016) }
    public static var requestedAddressFamily: Self { Self(0x0017) }
    public static var evenPort: Self { Self(0x0018) }
    public static var requestedTransport: Self { Self(0x0019) }
    public static var dontFragment: Self { Self(0x001A) }
    public static var reservationToken: Self { Self(0x0022) }
    public static var additionalAddressFamily: Self { Self(0x8000) }
    public static var addressErrorCode: Self { Self(0x8001) }
    public static var icmp: Self { Self(0x8004) }

    /// Every attribute type this codec decodes into a typed value.
    public static let known: [STUNAttributeType] = [
        .mappedAddress, .username, .messageIntegrity, .errorCode, .unknownAttributes, .channelNumber, .lifetime,
        .xorPeerAddress, .data, .realm, .nonce, .xorRelayedAddress, .requestedAddressFamily, .evenPort,
        .requestedTransport, .dontFragment, .messageIntegritySHA256, .passwordAlgorithm, .userhash,
        .xorMappedAddress, .reservationToken, .priority, .useCandidate, .additionalAddressFamily,
        .addressErrorCode, .passwordAlgorithms, .alternateDomain, .icmp, .software, .alternateServer,
        .fingerprint, .iceControlled, .iceControlling,
    ]

    /// The registered name, or nil for a type this codec does not know.
    public var name: String? {
        switch rawValue {
        case 0x0001: "MAPPED-ADDRESS"
        case 0x0006: "USERNAME"
        case 0x0008: "MESSAGE-INTEGRITY"
        case 0x0009: "ERROR-CODE"
        case 0x000A: "UNKNOWN-ATTRIBUTES"
        case 0x000C: "CHANNEL-NUMBER"
        case 0x000D: "LIFETIME"
        case 0x0012: "XOR-PEER-ADDRESS"
        case 0x0013: "DATA"
        case 0x0014: "REALM"
        case 0x0015: "NONCE"
        case 0x0016: "XOR-RELAYED-ADDRESS"
        case 0x0017: "REQUESTED-ADDRESS-FAMILY"
        case 0x0018: "EVEN-PORT"
        case 0x0019: "REQUESTED-TRANSPORT"
        case 0x001A: "DONT-FRAGMENT"
        case 0x001C: "MESSAGE-INTEGRITY-SHA256"
        case 0x001D: "PASSWORD-ALGORITHM"
        case 0x001E: "USERHASH"
        case 0x0020: "XOR-MAPPED-ADDRESS"
        case 0x0022: "RESERVATION-TOKEN"
        case 0x0024: "PRIORITY"
        case 0x0025: "USE-CANDIDATE"
        case 0x8000: "ADDITIONAL-ADDRESS-FAMILY"
        case 0x8001: "ADDRESS-ERROR-CODE"
        case 0x8002: "PASSWORD-ALGORITHMS"
        case 0x8003: "ALTERNATE-DOMAIN"
        case 0x8004: "ICMP"
        case 0x8022: "SOFTWARE"
        case 0x8023: "ALTERNATE-SERVER"
        case 0x8028: "FINGERPRINT"
        case 0x8029: "ICE-CONTROLLED"
        case 0x802A: "ICE-CONTROLLING"
        default: nil
        }
    }

    /// The name, or `0xNNNN` for an unknown type.
    public var description: String { name ?? "0x" + hex4(rawValue) }
}

/// Four lowercase hex digits.
func hex4(_ value: UInt16) -> String { Hex.integer(value, prefix: "") }
