import DTLSRecord

/// The plaintext part of a DTLS 1.2 handshake follows the flight order (RFC 6347 §4.2, RFC 5246 §7.3):
/// the client sends ClientHello (again, with the cookie, after a HelloVerifyRequest, §4.2.1), then
/// Certificate?, ClientKeyExchange, CertificateVerify?; the server answers HelloVerifyRequest? or
/// ServerHello, Certificate?, ServerKeyExchange?, CertificateRequest?, ServerHelloDone, and may send
/// NewSessionTicket before its ChangeCipherSpec (RFC 5077 §3.3). Messages are taken once per
/// message_seq, so retransmissions and further fragments do not count twice. A second handshake on the
/// same flow (message_seq starting again at 0) is not followed yet.
public struct DTLSHandshakeOrderRule: PacketRule {
    public static let rules = [ReplayRules.dtlsHandshakeOrder]

    /// Position of each message in the client's flights.
    static let clientOrder: [HandshakeType: Int] = [
        .clientHello: 0, .certificate: 1, .clientKeyExchange: 2, .certificateVerify: 3,
    ]
    /// Position of each message in the server's flights.
    static let serverOrder: [HandshakeType: Int] = [
        .helloVerifyRequest: 0, .serverHello: 1, .certificate: 2, .serverKeyExchange: 3, .certificateRequest: 4,
        .serverHelloDone: 5, .newSessionTicket: 6,
    ]

    private struct Side {
        var lastSequence: Int = -1
        var lastRank: Int = -1
        var lastType: HandshakeType? = nil
    }
    private struct Handshake {
        var client: FlowDirection? = nil
        var sides: [FlowDirection: Side] = [:]
        var cookie: [UInt8]? = nil
    }

    private var handshakes: [Int: Handshake] = [:]

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        let messages = PlaintextHandshake.all(in: decoded)
        guard !messages.isEmpty else { return [] }
        let packet = decoded.packet
        var handshake = handshakes[packet.flow] ?? Handshake()
        defer { handshakes[packet.flow] = handshake }
        var findings: [ReplayFinding] = []
        func broken(_ detail: String) {
            findings.append(ReplayFinding(ReplayRules.dtlsHandshakeOrder, frame: packet.frame, flow: packet.flow, detail))
        }
        for message in messages {
            let type = message.header.type
            var side = handshake.sides[packet.direction] ?? Side()
            guard Int(message.header.messageSequence) > side.lastSequence else { continue }
            if handshake.client == nil {
                handshake.client = Self.clientOrder[type] != nil && Self.serverOrder[type] == nil ? packet.direction : packet.direction.reversed
                if type != .clientHello { broken("the handshake starts with \(type), not ClientHello") }
            }
            let isClient = handshake.client == packet.direction
            let rank = (isClient ? Self.clientOrder : Self.serverOrder)[type]
            if let rank {
                if rank < side.lastRank {
                    broken("\(type) (message_seq \(message.header.messageSequence)) after \(side.lastType.map(String.init(describing:)) ?? "?")")
                }
                side.lastRank = max(side.lastRank, rank)
            } else if type != .finished {
                broken("\(type) is not a plaintext \(isClient ? "client" : "server") handshake message")
            }
            switch message.body {
            case .helloVerifyRequest(let request)?: handshake.cookie = request.cookie
            case .clientHello(let hello)? where handshake.cookie != nil:
                if hello.cookie != handshake.cookie {
                    broken("ClientHello after HelloVerifyRequest does not echo its cookie (RFC 6347 §4.2.1)")
                }
            default: break
            }
            side.lastSequence = Int(message.header.messageSequence)
            side.lastType = type
            handshake.sides[packet.direction] = side
        }
        return findings
    }
}
