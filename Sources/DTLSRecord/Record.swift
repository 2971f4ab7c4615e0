/// The record-layer content type (RFC 5246 §6.2.1, IANA "TLS ContentType"); unknown values are kept.
public struct ContentType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let changeCipherSpec = ContentType(rawValue: 20)
    public static let alert = ContentType(rawValue: 21)
    public static let handshake = ContentType(rawValue: 22)
    public static let applicationData = ContentType(rawValue: 23)
    public static let heartbeat = ContentType(rawValue: 24)
    /// RFC 9146: a DTLS 1.2 record carrying a connection id.
    public static let tls12CID = ContentType(rawValue: 25)
    /// RFC 9147 §7: DTLS 1.3 acknowledgement.
    public static let ack = ContentType(rawValue: 26)

    public var name: String? {
        switch rawValue {
        case 20: "change_cipher_spec"
        case 21: "alert"
        case 22: "handshake"
        case 23: "application_data"
        case 24: "heartbeat"
        case 25: "tls12_cid"
        case 26: "ack"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}

/// A protocol version as carried on the wire: DTLS uses the one's complement of the TLS number
/// (RFC 6347 §4.1: 1.0 = 0xFEFF, 1.2 = 0xFEFD; RFC 9147: 1.3 = 0xFEFC).
public struct ProtocolVersion: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let dtls10 = ProtocolVersion(rawValue: 0xFEFF)
    public static let dtls12 = ProtocolVersion(rawValue: 0xFEFD)
    public static let dtls13 = ProtocolVersion(rawValue: 0xFEFC)

    public var description: String {
        switch rawValue {
        case 0xFEFF: "DTLS 1.0"
        case 0xFEFD: "DTLS 1.2"
        case 0xFEFC: "DTLS 1.3"
        case 0x0303: "TLS 1.2"
        case 0x0304: "TLS 1.3"
        default: "0x" + String(rawValue, radix: 16)
        }
    }
}

/// A record with the DTLS 1.0/1.2 header (RFC 6347 §4.1), also used by DTLS 1.3 for plaintext.
///
/// With epoch 0 the fragment is a `DTLSPlaintext` body; with a later epoch it is the protected
/// `DTLSCiphertext` body and stays opaque here. The fragment is a slice of the parsed datagram, not a copy.
public struct ClassicRecord: Hashable, Sendable {
    public var contentType: ContentType
    public var version: ProtocolVersion
    public var epoch: UInt16
    /// 48 bits on the wire; serialisation keeps the low 48 bits.
    public var sequenceNumber: UInt64
    /// The connection id of a `tls12_cid` record (RFC 9146 §4), between sequence number and length;
    /// nil for every other content type.
    public var connectionID: [UInt8]?
    public var fragment: ArraySlice<UInt8>

    public init(
        contentType: ContentType, version: ProtocolVersion, epoch: UInt16, sequenceNumber: UInt64,
        connectionID: [UInt8]? = nil, fragment: ArraySlice<UInt8>
    ) {
        self.contentType = contentType
        self.version = version
        self.epoch = epoch
        self.sequenceNumber = sequenceNumber
        self.connectionID = connectionID
        self.fragment = fragment
    }

    /// Epoch 0 carries cleartext; every later epoch is protected (RFC 6347 §4.1).
    public var isEncrypted: Bool { epoch != 0 }

    /// Header bytes before the fragment (plus the connection id of a `tls12_cid` record).
    public static let headerLength = 13
    /// RFC 5246 §6.2.1: a plaintext fragment is at most 2^14 bytes.
    public static let maxPlaintextLength = 1 << 14
    /// RFC 5246 §6.2.3: a protected fragment may add up to 2048 bytes.
    public static let maxCiphertextLength = (1 << 14) + 2048
}

/// A DTLS 1.3 record with the unified header (RFC 9147 §4): `001CSLEE`, optional connection id,
/// 8- or 16-bit sequence number (encrypted on the wire), optional 16-bit length, then the opaque
/// encrypted record.
public struct UnifiedRecord: Hashable, Sendable {
    /// The connection id (C bit set when non-nil); its length is negotiated, not on the wire.
    public var connectionID: [UInt8]?
    /// True for a 16-bit sequence number (S bit), false for 8 bits.
    public var hasLongSequenceNumber: Bool
    /// The low 8 or 16 bits of the sequence number, as sent (still masked by record-number encryption).
    public var sequenceNumber: UInt16
    /// True when the header carries a length (L bit). Without it the record runs to the datagram's end,
    /// so only the last record of a datagram may omit it.
    public var hasLength: Bool
    /// The low two bits of the epoch (EE).
    public var epochLowBits: UInt8
    /// The encrypted record, opaque at this layer.
    public var encryptedRecord: ArraySlice<UInt8>

    public init(
        connectionID: [UInt8]? = nil, hasLongSequenceNumber: Bool, sequenceNumber: UInt16, hasLength: Bool,
        epochLowBits: UInt8, encryptedRecord: ArraySlice<UInt8>
    ) {
        self.connectionID = connectionID
        self.hasLongSequenceNumber = hasLongSequenceNumber
        self.sequenceNumber = sequenceNumber
        self.hasLength = hasLength
        self.epochLowBits = epochLowBits
        self.encryptedRecord = encryptedRecord
    }

    /// A first byte of the form 001xxxxx (RFC 9147 §4.1 demultiplexing).
    public static func isUnifiedHeader(firstByte: UInt8) -> Bool { firstByte & 0xE0 == 0x20 }
}

/// One record of a datagram, in either header form.
public enum DTLSRecord: Hashable, Sendable {
    case classic(ClassicRecord)
    case unified(UnifiedRecord)

    /// True for `DTLSCiphertext` (a classic record past epoch 0, or any unified-header record).
    public var isEncrypted: Bool {
        switch self {
        case .classic(let record): record.isEncrypted
        case .unified: true
        }
    }
}

/// A UDP datagram's worth of DTLS: one or more records back to back (RFC 6347 §4.1.1).
public struct DTLSDatagram: Hashable, Sendable {
    public var records: [DTLSRecord]
    public init(records: [DTLSRecord]) { self.records = records }
}
