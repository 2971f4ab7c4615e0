/// One chunk of an SCTP packet (RFC 9260 §3.2 and §3.3, RFC 3758, RFC 6525, RFC 8260, RFC 4820).
///
/// Chunk Flags that a chunk type leaves undefined must be sent as 0 and ignored on receipt (RFC 9260
/// §3.3); the `flags` fields keep them as received, so any accepted packet re-serialises byte-exact.
public enum SCTPChunk: Hashable, Sendable {
    case data(DataChunk)
    case initiation(InitChunk)
    case initiationAck(InitChunk)
    case selectiveAck(SelectiveAckChunk)
    case heartbeat(HeartbeatChunk)
    case heartbeatAck(HeartbeatChunk)
    case abort(AbortChunk)
    case shutdown(ShutdownChunk)
    case shutdownAck(EmptyChunk)
    case error(ErrorChunk)
    case cookieEcho(CookieEchoChunk)
    case cookieAck(EmptyChunk)
    /// Same layout as ABORT without causes: the T bit only (RFC 9260 §3.3.13).
    case shutdownComplete(ShutdownCompleteChunk)
    case forwardTSN(ForwardTSNChunk)
    case reconfig(ReconfigChunk)
    case iData(IDataChunk)
    case iForwardTSN(IForwardTSNChunk)
    case pad(PadChunk)
    /// A chunk type this codec does not know, kept byte-exact.
    case unknown(UnknownChunk)

    /// The Chunk Type byte.
    public var type: UInt8 {
        switch self {
        case .data: SCTPChunkType.data
        case .initiation: SCTPChunkType.initiation
        case .initiationAck: SCTPChunkType.initiationAck
        case .selectiveAck: SCTPChunkType.selectiveAck
        case .heartbeat: SCTPChunkType.heartbeat
        case .heartbeatAck: SCTPChunkType.heartbeatAck
        case .abort: SCTPChunkType.abort
        case .shutdown: SCTPChunkType.shutdown
        case .shutdownAck: SCTPChunkType.shutdownAck
        case .error: SCTPChunkType.error
        case .cookieEcho: SCTPChunkType.cookieEcho
        case .cookieAck: SCTPChunkType.cookieAck
        case .shutdownComplete: SCTPChunkType.shutdownComplete
        case .forwardTSN: SCTPChunkType.forwardTSN
        case .reconfig: SCTPChunkType.reconfig
        case .iData: SCTPChunkType.iData
        case .iForwardTSN: SCTPChunkType.iForwardTSN
        case .pad: SCTPChunkType.pad
        case .unknown(let chunk): chunk.type
        }
    }

    /// A short name for people: `DATA`, `INIT ACK`, `unknown(0x0f)`.
    public var name: String {
        switch self {
        case .data: "DATA"
        case .initiation: "INIT"
        case .initiationAck: "INIT ACK"
        case .selectiveAck: "SACK"
        case .heartbeat: "HEARTBEAT"
        case .heartbeatAck: "HEARTBEAT ACK"
        case .abort: "ABORT"
        case .shutdown: "SHUTDOWN"
        case .shutdownAck: "SHUTDOWN ACK"
        case .error: "ERROR"
        case .cookieEcho: "COOKIE ECHO"
        case .cookieAck: "COOKIE ACK"
        case .shutdownComplete: "SHUTDOWN COMPLETE"
        case .forwardTSN: "FORWARD TSN"
        case .reconfig: "RE-CONFIG"
        case .iData: "I-DATA"
        case .iForwardTSN: "I-FORWARD-TSN"
        case .pad: "PAD"
        case .unknown(let chunk): "unknown(\(chunk.type))"
        }
    }
}

/// A chunk with no value (SHUTDOWN ACK, COOKIE ACK): only its flags, which are reserved.
public struct EmptyChunk: Hashable, Sendable {
    /// Reserved Chunk Flags as received (sent as 0).
    public var flags: UInt8
    public init(flags: UInt8 = 0) { self.flags = flags }
}

/// SHUTDOWN (RFC 9260 §3.3.8): the cumulative TSN acknowledged.
public struct ShutdownChunk: Hashable, Sendable {
    public var cumulativeTSNAck: UInt32
    public var flags: UInt8
    public init(cumulativeTSNAck: UInt32, flags: UInt8 = 0) {
        self.cumulativeTSNAck = cumulativeTSNAck
        self.flags = flags
    }
}

/// SHUTDOWN COMPLETE (RFC 9260 §3.3.13).
public struct ShutdownCompleteChunk: Hashable, Sendable {
    /// The T bit: the sender had no TCB and reflected the peer's tag.
    public var reflectedTag: Bool
    /// The other seven flag bits, reserved.
    public var reservedFlags: UInt8
    public init(reflectedTag: Bool = false, reservedFlags: UInt8 = 0) {
        self.reflectedTag = reflectedTag
        self.reservedFlags = reservedFlags & 0xFE
    }
}

/// COOKIE ECHO (RFC 9260 §3.3.11): the state cookie from the INIT ACK, opaque.
public struct CookieEchoChunk: Hashable, Sendable {
    public var cookie: [UInt8]
    public var flags: UInt8
    public init(cookie: [UInt8], flags: UInt8 = 0) {
        self.cookie = cookie
        self.flags = flags
    }
}

/// PAD (RFC 4820 §3): bytes that only make the packet bigger (path MTU probing).
public struct PadChunk: Hashable, Sendable {
    /// The Padding Data, ignored by the receiver and kept as received.
    public var padding: [UInt8]
    public var flags: UInt8
    public init(padding: [UInt8], flags: UInt8 = 0) {
        self.padding = padding
        self.flags = flags
    }
}

/// A chunk of a type this codec does not implement, kept byte-exact.
public struct UnknownChunk: Hashable, Sendable {
    public var type: UInt8
    public var flags: UInt8
    public var value: [UInt8]
    public init(type: UInt8, flags: UInt8 = 0, value: [UInt8]) {
        self.type = type
        self.flags = flags
        self.value = value
    }

    /// What RFC 9260 §3.2 tells a receiver to do with it.
    public var action: UnrecognizedTypeAction { UnrecognizedTypeAction(chunkType: type) }
}
