public import Pcap
import RTP
import STUN
import Wire

/// What a packet carries, after RFC 7983 §7 demultiplexing and, in the RTP range, RFC 5761 §4.
public enum PacketKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// STUN, including ICE checks and TURN control messages (RFC 8489, 8445, 8656).
    case stun
    /// TURN ChannelData (RFC 8656 §12.4).
    case turnChannel = "turn-channel"
    /// DTLS records (RFC 6347, 9147).
    case dtls
    /// RTP or SRTP (RFC 3550, 3711).
    case rtp
    /// RTCP or SRTCP, told from RTP by its packet type (RFC 5761 §4).
    case rtcp
    /// The ZRTP range (RFC 6189): WebRTC never uses it, so it is reported as unexpected.
    case zrtp
    /// A first byte outside every range, or a datagram too short to classify.
    case unknown

    /// The kind of a UDP payload.
    public init(payload: [UInt8]) {
        switch PacketFamily(datagram: payload) {
        case .stun: self = .stun
        case .zrtp: self = .zrtp
        case .dtls: self = .dtls
        case .turnChannel: self = .turnChannel
        case .unknown: self = .unknown
        case .rtp:
            switch RTPMultiplexKind(datagram: payload) {
            case .rtp?: self = .rtp
            case .rtcp?: self = .rtcp
            case nil: self = .unknown
            }
        }
    }
}

/// How a packet reached the capture: directly, or inside a TURN relay message (RFC 8656).
public enum Encapsulation: Hashable, Sendable {
    case none
    /// The DATA attribute of a Send or Data indication (RFC 8656 §11).
    case turnIndication
    /// The data of a ChannelData message on this channel (RFC 8656 §12).
    case turnChannel(UInt16)
}

/// One packet in capture order, attributed to a flow and a direction, ready for decoding.
public struct ReplayPacket: Hashable, Sendable {
    public let frame: Int
    public let timestampNanoseconds: Int64
    public let flow: Int
    public let direction: FlowDirection
    public let kind: PacketKind
    public let payload: [UInt8]
    public let encapsulation: Encapsulation

    public init(
        frame: Int, timestampNanoseconds: Int64, flow: Int, direction: FlowDirection, kind: PacketKind,
        payload: [UInt8], encapsulation: Encapsulation = .none
    ) {
        self.frame = frame
        self.timestampNanoseconds = timestampNanoseconds
        self.flow = flow
        self.direction = direction
        self.kind = kind
        self.payload = payload
        self.encapsulation = encapsulation
    }
}

/// Sorts datagrams into flows and packets, unwrapping TURN relay messages to the relayed flow inside.
///
/// Sans-IO: feed datagrams in capture order with `packets(for:)`; it remembers flows and TURN channel
/// bindings (a ChannelBind request and its success response, RFC 8656 §12.1) between calls.
public struct Demultiplexer: Sendable {
    /// Every flow seen so far, in order of first appearance; a flow's `id` is its index here.
    public private(set) var flows: [Flow] = []
    /// ChannelData frames on channels no ChannelBind success in the capture had bound (frame numbers).
    public private(set) var unboundChannelFrames: [Int] = []

    private var outerFlows: [EndpointPair: Int] = [:]
    private var relayedFlows: [RelayKey: Int] = [:]
    private var channels: [ChannelKey: Binding] = [:]
    private var pendingBinds: [PendingKey: (channel: UInt16, binding: Binding)] = [:]

    /// Both endpoints of a flow, whichever sent: the key of its 5-tuple (the transport is always UDP).
    private struct EndpointPair: Hashable {
        let low: Endpoint
        let high: Endpoint

        init(_ one: Endpoint, _ other: Endpoint) {
            (low, high) = one.precedes(other) ? (one, other) : (other, one)
        }
    }
    private struct RelayKey: Hashable { let outer: Int; let client: Endpoint; let peer: Endpoint }
    private struct ChannelKey: Hashable { let outer: Int; let channel: UInt16 }
    private struct PendingKey: Hashable { let outer: Int; let transaction: STUNTransactionID }
    private struct Binding: Hashable { let client: Endpoint; let peer: Endpoint }

    public init() {}

    /// The packets in one datagram: the datagram itself and, for a TURN relay message, its inner payload.
    public mutating func packets(for datagram: ReplayDatagram) -> [ReplayPacket] {
        let (outer, direction) = flow(from: datagram.source, to: datagram.destination)
        let kind = PacketKind(payload: datagram.payload)
        var result = [
            ReplayPacket(
                frame: datagram.frame, timestampNanoseconds: datagram.timestampNanoseconds, flow: outer,
                direction: direction, kind: kind, payload: datagram.payload)
        ]
        if let inner = unwrap(datagram, kind: kind, outer: outer) { result.append(inner) }
        return result
    }

    private mutating func flow(from source: Endpoint, to destination: Endpoint) -> (Int, FlowDirection) {
        let key = EndpointPair(source, destination)
        if let id = outerFlows[key] { return (id, flows[id].a == source ? .aToB : .bToA) }
        let id = flows.count
        flows.append(Flow(id: id, a: source, b: destination))
        outerFlows[key] = id
        return (id, .aToB)
    }

    private mutating func relayedFlow(outer: Int, client: Endpoint, peer: Endpoint) -> Int {
        let key = RelayKey(outer: outer, client: client, peer: peer)
        if let id = relayedFlows[key] { return id }
        let id = flows.count
        flows.append(Flow(id: id, a: client, b: peer, relayedThrough: outer))
        relayedFlows[key] = id
        return id
    }

    /// The relayed packet inside a TURN message, remembering channel bindings on the way.
    private mutating func unwrap(_ datagram: ReplayDatagram, kind: PacketKind, outer: Int) -> ReplayPacket? {
        switch kind {
        case .stun:
            guard let message = try? STUNMessage.parse(datagram.payload, checkFingerprint: false) else { return nil }
            noteChannelBind(message, datagram: datagram, outer: outer)
            return relayedIndication(message, datagram: datagram, outer: outer)
        case .turnChannel:
            guard let channelData = try? ChannelData.parse(datagram.payload) else { return nil }
            let key = ChannelKey(outer: outer, channel: channelData.channelNumber)
            guard let binding = channels[key] else {
                unboundChannelFrames.append(datagram.frame)
                return nil
            }
            let fromClient = datagram.source == binding.client
            return innerPacket(
                Array(channelData.data), datagram: datagram,
                flow: relayedFlow(outer: outer, client: binding.client, peer: binding.peer),
                direction: fromClient ? .aToB : .bToA, encapsulation: .turnChannel(channelData.channelNumber))
        default:
            return nil
        }
    }

    /// A Send indication goes client → server, a Data indication server → client (RFC 8656 §11.1, §11.4).
    private mutating func relayedIndication(_ message: STUNMessage, datagram: ReplayDatagram, outer: Int) -> ReplayPacket? {
        guard message.type.messageClass == .indication,
            message.type.method == .send || message.type.method == .data,
            case .data(let data)? = message.value(of: .data),
            case .xorPeerAddress(let peer)? = message.value(of: .xorPeerAddress)
        else { return nil }
        let fromClient = message.type.method == .send
        let client = fromClient ? datagram.source : datagram.destination
        let flow = relayedFlow(outer: outer, client: client, peer: Endpoint(address: peer.address.bytes, port: peer.port))
        return innerPacket(data, datagram: datagram, flow: flow, direction: fromClient ? .aToB : .bToA, encapsulation: .turnIndication)
    }

    /// RFC 8656 §12.1–12.2: a channel is bound when the server answers a ChannelBind request with success.
    private mutating func noteChannelBind(_ message: STUNMessage, datagram: ReplayDatagram, outer: Int) {
        guard message.type.method == .channelBind else { return }
        let key = PendingKey(outer: outer, transaction: message.transactionID)
        switch message.type.messageClass {
        case .request:
            guard case .channelNumber(let channel)? = message.value(of: .channelNumber),
                case .xorPeerAddress(let peer)? = message.value(of: .xorPeerAddress)
            else { return }
            let binding = Binding(client: datagram.source, peer: Endpoint(address: peer.address.bytes, port: peer.port))
            pendingBinds[key] = (channel, binding)
        case .successResponse:
            guard let pending = pendingBinds.removeValue(forKey: key) else { return }
            channels[ChannelKey(outer: outer, channel: pending.channel)] = pending.binding
        default:
            return
        }
    }

    private func innerPacket(
        _ payload: [UInt8], datagram: ReplayDatagram, flow: Int, direction: FlowDirection, encapsulation: Encapsulation
    ) -> ReplayPacket {
        ReplayPacket(
            frame: datagram.frame, timestampNanoseconds: datagram.timestampNanoseconds, flow: flow,
            direction: direction, kind: PacketKind(payload: payload), payload: payload, encapsulation: encapsulation)
    }
}
