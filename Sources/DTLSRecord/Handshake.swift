/// `HandshakeType` (IANA "TLS HandshakeType"); unknown values are kept.
public struct HandshakeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let helloRequest = HandshakeType(rawValue: 0)
    public static let clientHello = HandshakeType(rawValue: 1)
    public static let serverHello = HandshakeType(rawValue: 2)
    public static let helloVerifyRequest = HandshakeType(rawValue: 3)
    public static let newSessionTicket = HandshakeType(rawValue: 4)
    public static let certificate = HandshakeType(rawValue: 11)
    public static let serverKeyExchange = HandshakeType(rawValue: 12)
    public static let certificateRequest = HandshakeType(rawValue: 13)
    public static let serverHelloDone = HandshakeType(rawValue: 14)
    public static let certificateVerify = HandshakeType(rawValue: 15)
    public static let clientKeyExchange = HandshakeType(rawValue: 16)
    public static let finished = HandshakeType(rawValue: 20)

    public var name: String? {
        switch rawValue {
        case 0: "hello_request"
        case 1: "client_hello"
        case 2: "server_hello"
        case 3: "hello_verify_request"
        case 4: "new_session_ticket"
        case 5: "end_of_early_data"
        case 8: "encrypted_extensions"
        case 11: "certificate"
        case 12: "server_key_exchange"
        case 13: "certificate_request"
        case 14: "server_hello_done"
        case 15: "certificate_verify"
        case 16: "client_key_exchange"
        case 20: "finished"
        case 24: "key_update"
        case 254: "message_hash"
        default: nil
        }
    }

    public var description: String { name ?? "unknown(\(rawValue))" }
}

/// The DTLS handshake header (RFC 6347 §4.2.2): 12 bytes in front of every handshake fragment.
public struct HandshakeHeader: Hashable, Sendable {
    public var type: HandshakeType
    /// Length of the whole message body (24 bits).
    public var length: UInt32
    public var messageSequence: UInt16
    /// Where this fragment starts inside the body (24 bits).
    public var fragmentOffset: UInt32
    /// Bytes of body in this fragment (24 bits).
    public var fragmentLength: UInt32

    public init(type: HandshakeType, length: UInt32, messageSequence: UInt16, fragmentOffset: UInt32, fragmentLength: UInt32) {
        self.type = type
        self.length = length
        self.messageSequence = messageSequence
        self.fragmentOffset = fragmentOffset
        self.fragmentLength = fragmentLength
    }

    public static let byteCount = 12

    /// True when the fragment carries the whole message (offset 0, fragment_length = length).
    public var isComplete: Bool { fragmentOffset == 0 && fragmentLength == length }
}

/// One handshake fragment: its header and the slice of body it carries.
///
/// `body.count` always equals `header.fragmentLength` for parsed values; serialisation writes the header
/// as given, so a value built by hand should keep them equal.
public struct HandshakeFragment: Hashable, Sendable {
    public var header: HandshakeHeader
    public var body: ArraySlice<UInt8>

    public init(header: HandshakeHeader, body: ArraySlice<UInt8>) {
        self.header = header
        self.body = body
    }

    /// A complete (unfragmented) message of `type` carrying `body`.
    public init(type: HandshakeType, messageSequence: UInt16, body: [UInt8]) {
        let length = UInt32(truncatingIfNeeded: body.count)
        self.header = HandshakeHeader(
            type: type, length: length, messageSequence: messageSequence, fragmentOffset: 0, fragmentLength: length)
        self.body = body[...]
    }
}
