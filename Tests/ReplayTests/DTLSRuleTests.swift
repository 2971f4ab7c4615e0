import DTLSRecord
import Replay
import Testing

@Suite("DTLS rules")
struct DTLSRuleTests {
    typealias Sent = Traffic.Sent

    /// A record from Alice (`a`) or Bob (`b`) in an epoch with a sequence number.
    static func record(_ from: Character, epoch: UInt16, _ sequence: UInt64) -> Sent {
        let record = epoch == 0
            ? Traffic.record(.changeCipherSpec, sequence: sequence, [1])
            : Traffic.record(.applicationData, epoch: epoch, sequence: sequence, Array(repeating: 0xEE, count: 24))
        let bytes = Traffic.dtls([record])
        return from == "a" ? Traffic.aliceToBob(bytes) : Traffic.bobToAlice(bytes)
    }

    /// A ChangeCipherSpec record from Alice whose body is `body` (the standard one is [1]).
    static func changeCipherSpec(_ sequence: UInt64, body: [UInt8]) -> Sent {
        Traffic.aliceToBob(Traffic.dtls([Traffic.record(.changeCipherSpec, sequence: sequence, body)]))
    }

    static let sequenceCases: [(String, [Sent], [String: Int])] = [
        ("increasing numbers per direction", [record("a", epoch: 0, 0), record("a", epoch: 0, 1), record("b", epoch: 0, 0)], [:]),
        ("a new epoch starts again from 0", [record("a", epoch: 0, 5), record("a", epoch: 1, 0), record("a", epoch: 1, 1)], [:]),
        ("a number used again for other bytes is an error", [record("a", epoch: 0, 0), changeCipherSpec(0, body: [2])], ["DTLS.record-sequence": 1]),
        // nDPI's dtls.pcap: one ClientHello captured twice (same IP id, same time).
        ("the same record twice, byte for byte, is a copy: a warning", [record("a", epoch: 0, 0), record("a", epoch: 0, 0)], ["DTLS.record-duplicate": 1]),
        ("a lower, new number is reordering", [record("a", epoch: 1, 1), record("a", epoch: 1, 0)], ["DTLS.record-reorder": 1]),
    ]

    @Test("Record sequence numbers are never reused per epoch and direction (RFC 6347 §4.1)", arguments: sequenceCases)
    func recordSequence(name: String, traffic: [Sent], broken: [String: Int]) {
        #expect(Traffic.report(traffic).brokenRules == broken, "\(name)")
    }

    /// A handshake conversation: who sends which message with which message_seq; record numbers follow.
    static func handshake(_ steps: [(Character, HandshakeType, HandshakeBody, UInt16)]) -> [Sent] {
        var next: [Character: UInt64] = [:]
        return steps.map { from, type, body, messageSequence in
            let sequence = next[from, default: 0]
            next[from] = sequence + 1
            let bytes = Traffic.handshake(body, type: type, messageSequence: messageSequence, recordSequence: sequence)
            return from == "a" ? Traffic.aliceToBob(bytes) : Traffic.bobToAlice(bytes)
        }
    }

    static let hello = Traffic.clientHello(profiles: [1])
    static let serverHello = Traffic.serverHello(profiles: [1])
    static let opaque = HandshakeBody.opaque([0x00, 0x01, 0x02])
    static let empty = HandshakeBody.opaque([])

    static let orderCases: [(String, [Sent], [String: Int])] = [
        ("a full DTLS 1.2 exchange", handshake([
            ("a", .clientHello, hello, 0), ("b", .serverHello, serverHello, 0), ("b", .serverKeyExchange, opaque, 1),
            ("b", .serverHelloDone, empty, 2), ("a", .clientKeyExchange, opaque, 1),
        ]), [:]),
        ("with the cookie exchange", handshake([
            ("a", .clientHello, hello, 0), ("b", .helloVerifyRequest, Traffic.helloVerifyRequest(cookie: [1, 2]), 0),
            ("a", .clientHello, Traffic.clientHello(profiles: [1], cookie: [1, 2]), 1), ("b", .serverHello, serverHello, 1),
        ]), [:]),
        ("a retransmitted ClientHello (same message_seq) counts once", handshake([
            ("a", .clientHello, hello, 0), ("a", .clientHello, hello, 0), ("b", .serverHello, serverHello, 0),
        ]), [:]),
        ("the second ClientHello must echo the cookie", handshake([
            ("a", .clientHello, hello, 0), ("b", .helloVerifyRequest, Traffic.helloVerifyRequest(cookie: [1, 2]), 0),
            ("a", .clientHello, hello, 1),
        ]), ["DTLS.handshake-order": 1]),
        ("ServerHello after ServerHelloDone", handshake([
            ("a", .clientHello, hello, 0), ("b", .serverHelloDone, empty, 0), ("b", .serverHello, serverHello, 1),
        ]), ["DTLS.handshake-order": 1]),
        ("a handshake that starts with ServerHello", handshake([("b", .serverHello, serverHello, 0)]), ["DTLS.handshake-order": 1]),
        ("a client sending a server message", handshake([
            ("a", .clientHello, hello, 0), ("a", .serverKeyExchange, opaque, 1),
        ]), ["DTLS.handshake-order": 1]),
    ]

    @Test("Plaintext handshake messages follow the DTLS 1.2 flight order (RFC 6347 §4.2)", arguments: orderCases)
    func handshakeOrder(name: String, traffic: [Sent], broken: [String: Int]) {
        #expect(Traffic.report(traffic).brokenRules == broken, "\(name)")
    }

    static let srtpCases: [([UInt16]?, [UInt16]?, Int)] = [
        ([1, 7], [7], 0), ([1], nil, 0), (nil, nil, 0),
        ([1, 2], [2], 0), ([1], [7], 1), ([1, 7], [1, 7], 1), (nil, [1], 1),
    ]

    @Test("The server's use_srtp names exactly one profile the client offered (RFC 5764 §4.1.1)", arguments: srtpCases)
    func useSRTP(offered: [UInt16]?, chosen: [UInt16]?, broken: Int) {
        let traffic = Self.handshake([
            ("a", .clientHello, Traffic.clientHello(profiles: offered), 0),
            ("b", .serverHello, Traffic.serverHello(profiles: chosen), 0),
        ])
        let report = Traffic.report(traffic)
        #expect(report.brokenRules["DTLS.use-srtp-agreement", default: 0] == broken, "\(report.text())")
    }
}
