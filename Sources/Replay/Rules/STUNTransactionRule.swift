import STUN

/// STUN transactions (RFC 8489 §6): every response answers a request with the same transaction id and
/// method that travelled the other way on the same flow (a response to a request the capture does not
/// hold is only a warning: captures start late); retransmitted requests are noted with the
/// interval since the previous transmission (§6.2.1), and requests never answered are listed at the end.
public struct STUNTransactionRule: PacketRule {
    public static let rules = [
        ReplayRules.stunTransactionMatch, ReplayRules.stunUnmatchedResponse, ReplayRules.stunRetransmission,
        ReplayRules.stunUnanswered,
    ]

    private struct Key: Hashable { let flow: Int; let transaction: STUNTransactionID }
    private struct Request {
        let method: STUNMethod
        let direction: FlowDirection
        let firstFrame: Int
        var lastTime: Int64
        var answered: Bool
    }

    private var requests: [Key: Request] = [:]
    private var order: [Key] = []

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        guard case .stun(let message) = decoded.content else { return [] }
        let packet = decoded.packet
        let key = Key(flow: packet.flow, transaction: message.transactionID)
        switch message.type.messageClass {
        case .indication:
            return []
        case .request:
            guard var request = requests[key] else {
                requests[key] = Request(
                    method: message.type.method, direction: packet.direction, firstFrame: packet.frame,
                    lastTime: packet.timestampNanoseconds, answered: false)
                order.append(key)
                return []
            }
            let interval = Double(packet.timestampNanoseconds - request.lastTime) / 1_000_000
            request.lastTime = packet.timestampNanoseconds
            requests[key] = request
            return [
                ReplayFinding(
                    ReplayRules.stunRetransmission, frame: packet.frame, flow: packet.flow,
                    "\(message.type) \(message.transactionID) first sent in frame \(request.firstFrame), "
                        + "retransmitted after \(Self.milliseconds(interval)) ms")
            ]
        case .successResponse, .errorResponse:
            guard var request = requests[key] else {
                return [
                    ReplayFinding(
                        ReplayRules.stunUnmatchedResponse, frame: packet.frame, flow: packet.flow,
                        "\(message.type) \(message.transactionID) answers no request seen on this flow")
                ]
            }
            if request.method != message.type.method {
                return [
                    ReplayFinding(
                        ReplayRules.stunTransactionMatch, frame: packet.frame, flow: packet.flow,
                        "\(message.type) answers the \(request.method) request of frame \(request.firstFrame)")
                ]
            }
            if request.direction == packet.direction {
                return [
                    ReplayFinding(
                        ReplayRules.stunTransactionMatch, frame: packet.frame, flow: packet.flow,
                        "\(message.type) travels the same way as its request (frame \(request.firstFrame))")
                ]
            }
            request.answered = true
            requests[key] = request
            return []
        }
    }

    public mutating func finish() -> [ReplayFinding] {
        order.compactMap { key in
            guard let request = requests[key], !request.answered else { return nil }
            return ReplayFinding(
                ReplayRules.stunUnanswered, frame: request.firstFrame, flow: key.flow,
                "\(request.method) request \(key.transaction) got no response in the capture")
        }
    }

    private static func milliseconds(_ value: Double) -> String {
        String(Double((value * 10).rounded()) / 10)
    }
}
