/// A chunk parameter (RFC 9260 §3.2.1): those of INIT/INIT ACK and HEARTBEAT that WebRTC meets, and the
/// re-configuration parameters of RFC 6525 §4. Types not listed are kept as `.unknown`.
public enum SCTPParameter: Hashable, Sendable {
    /// 1: Heartbeat Info, opaque to the receiver (RFC 9260 §3.3.5).
    case heartbeatInfo([UInt8])
    /// 5: IPv4 Address (RFC 9260 §3.3.2.1).
    case ipv4Address(UInt32)
    /// 6: IPv6 Address.
    case ipv6Address(IPv6Address)
    /// 7: State Cookie (INIT ACK), opaque.
    case stateCookie([UInt8])
    /// 8: Unrecognized Parameter (INIT ACK): the whole TLV the peer did not understand.
    case unrecognizedParameter([UInt8])
    /// 9: Cookie Preservative: suggested cookie life-span increment in milliseconds.
    case cookiePreservative(UInt32)
    /// 11: Host Name Address (deprecated by RFC 9260 §3.3.2.1), kept as bytes.
    case hostName([UInt8])
    /// 12: Supported Address Types: parameter types 5, 6, 11.
    case supportedAddressTypes([UInt16])
    /// 13: Outgoing SSN Reset Request (RFC 6525 §4.1).
    case outgoingSSNResetRequest(OutgoingSSNResetRequest)
    /// 14: Incoming SSN Reset Request (RFC 6525 §4.2).
    case incomingSSNResetRequest(IncomingSSNResetRequest)
    /// 15: SSN/TSN Reset Request (RFC 6525 §4.3): the request sequence number.
    case ssnTSNResetRequest(UInt32)
    /// 16: Re-configuration Response (RFC 6525 §4.4).
    case reconfigurationResponse(ReconfigurationResponse)
    /// 17: Add Outgoing Streams Request (RFC 6525 §4.5).
    case addOutgoingStreams(AddStreamsRequest)
    /// 18: Add Incoming Streams Request (RFC 6525 §4.6).
    case addIncomingStreams(AddStreamsRequest)
    /// 0x8000: ECN Capable (RFC 9260 Appendix A of RFC 4960 reserves it), no value.
    case ecnCapable
    /// 0x8001: Zero Checksum Acceptable with its Error Detection Method Identifier (RFC 9653 §4).
    case zeroChecksumAcceptable(edmid: UInt32)
    /// 0x8002: Random (RFC 4895 §3.1), kept as bytes.
    case random([UInt8])
    /// 0x8003: Chunk List (RFC 4895 §3.2), kept as bytes.
    case chunkList([UInt8])
    /// 0x8004: Requested HMAC Algorithm (RFC 4895 §3.3), kept as bytes.
    case requestedHMACAlgorithms([UInt8])
    /// 0x8005: Padding (RFC 4820 §4): bytes that only make the INIT bigger, ignored by the receiver.
    case padding([UInt8])
    /// 0x8008: Supported Extensions (RFC 5061 §4.2.7): chunk types the sender implements.
    case supportedExtensions([UInt8])
    /// 0xC000: Forward-TSN-Supported (RFC 3758 §3.1), no value.
    case forwardTSNSupported
    /// Any other type, kept byte-exact; its two high bits say what a receiver does (RFC 9260 §3.2.1).
    case unknown(type: UInt16, value: [UInt8])

    /// EDMID 1: SCTP over DTLS as the alternate error detection method (RFC 9653), what WebRTC uses.
    public static let edmidDTLS: UInt32 = 1

    /// The Parameter Type.
    public var type: UInt16 {
        switch self {
        case .heartbeatInfo: 1
        case .ipv4Address: 5
        case .ipv6Address: 6
        case .stateCookie: 7
        case .unrecognizedParameter: 8
        case .cookiePreservative: 9
        case .hostName: 11
        case .supportedAddressTypes: 12
        case .outgoingSSNResetRequest: 13
        case .incomingSSNResetRequest: 14
        case .ssnTSNResetRequest: 15
        case .reconfigurationResponse: 16
        case .addOutgoingStreams: 17
        case .addIncomingStreams: 18
        case .ecnCapable: 0x8000
        case .zeroChecksumAcceptable: 0x8001
        case .random: 0x8002
        case .chunkList: 0x8003
        case .requestedHMACAlgorithms: 0x8004
        case .padding: 0x8005
        case .supportedExtensions: 0x8008
        case .forwardTSNSupported: 0xC000
        case .unknown(let type, _): type
        }
    }
}

/// A 128-bit IPv6 address as two big-endian halves.
public struct IPv6Address: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}

/// RFC 6525 §4.1: ask the peer to reset the incoming side of these streams (all when empty).
public struct OutgoingSSNResetRequest: Hashable, Sendable {
    public var requestSequenceNumber: UInt32
    public var responseSequenceNumber: UInt32
    public var senderLastAssignedTSN: UInt32
    public var streams: [UInt16]
    public init(requestSequenceNumber: UInt32, responseSequenceNumber: UInt32, senderLastAssignedTSN: UInt32, streams: [UInt16]) {
        self.requestSequenceNumber = requestSequenceNumber
        self.responseSequenceNumber = responseSequenceNumber
        self.senderLastAssignedTSN = senderLastAssignedTSN
        self.streams = streams
    }
}

/// RFC 6525 §4.2: ask the peer to reset its outgoing side of these streams (all when empty).
public struct IncomingSSNResetRequest: Hashable, Sendable {
    public var requestSequenceNumber: UInt32
    public var streams: [UInt16]
    public init(requestSequenceNumber: UInt32, streams: [UInt16]) {
        self.requestSequenceNumber = requestSequenceNumber
        self.streams = streams
    }
}

/// RFC 6525 §4.4: the answer to a request.
public struct ReconfigurationResponse: Hashable, Sendable {
    /// The two optional TSNs, sent only in answer to an SSN/TSN Reset Request.
    public struct NextTSNs: Hashable, Sendable {
        public var sender: UInt32
        public var receiver: UInt32
        public init(sender: UInt32, receiver: UInt32) {
            self.sender = sender
            self.receiver = receiver
        }
    }

    public var responseSequenceNumber: UInt32
    /// The Result field; `resultName` gives the meanings of RFC 6525 §4.4.
    public var result: UInt32
    public var nextTSNs: NextTSNs?

    public init(responseSequenceNumber: UInt32, result: UInt32, nextTSNs: NextTSNs? = nil) {
        self.responseSequenceNumber = responseSequenceNumber
        self.result = result
        self.nextTSNs = nextTSNs
    }

    /// The meaning of `result` (RFC 6525 §4.4), or nil for a value it does not define.
    public var resultName: String? {
        switch result {
        case 0: "Success - Nothing to do"
        case 1: "Success - Performed"
        case 2: "Denied"
        case 3: "Error - Wrong SSN"
        case 4: "Error - Request already in progress"
        case 5: "Error - Bad Sequence Number"
        case 6: "In progress"
        default: nil
        }
    }
}

/// RFC 6525 §4.5 and §4.6: ask for more streams in one direction.
public struct AddStreamsRequest: Hashable, Sendable {
    public var requestSequenceNumber: UInt32
    public var newStreams: UInt16
    /// Reserved, sent as 0; kept as received.
    public var reserved: UInt16
    public init(requestSequenceNumber: UInt32, newStreams: UInt16, reserved: UInt16 = 0) {
        self.requestSequenceNumber = requestSequenceNumber
        self.newStreams = newStreams
        self.reserved = reserved
    }
}
