import DTLSRecord
import Pcap
import RTP
import Replay
import STUN
import Wire

/// Builders for small synthetic captures: the rule tests state traffic, not bytes.
enum Traffic {
    static let alice = Endpoint(address: [10, 0, 0, 1], port: 5000)
    static let bob = Endpoint(address: [10, 0, 0, 2], port: 6000)
    static let turnServer = Endpoint(address: [10, 0, 0, 9], port: 3478)
    static let peer = Endpoint(address: [192, 0, 2, 7], port: 7000)

    typealias Sent = (from: Endpoint, to: Endpoint, bytes: [UInt8])

    /// Datagrams numbered from frame 1, 10 ms apart.
    static func datagrams(_ packets: [Sent]) -> [ReplayDatagram] {
        packets.enumerated().map { index, packet in
            ReplayDatagram(
                frame: index + 1, timestampNanoseconds: Int64(index) * 10_000_000, source: packet.from,
                destination: packet.to, payload: packet.bytes)
        }
    }

    /// Judges every flow: these few packets are about rules, not about telling WebRTC flows apart.
    static func report(_ packets: [Sent], options: ReplayOptions = .init()) -> ReplayReport {
        var options = options
        options.allUDP = true
        return ReplayChecker.check(datagrams(packets), capture: "synthetic", options: options)
    }

    static func aliceToBob(_ bytes: [UInt8]) -> Sent { (alice, bob, bytes) }
    static func bobToAlice(_ bytes: [UInt8]) -> Sent { (bob, alice, bytes) }

    // MARK: STUN

    static func transaction(_ number: UInt64) -> STUNTransactionID { STUNTransactionID(high: 0x0102_0304, low: number) }

    static func stun(
        _ type: STUNMessageType, _ number: UInt64, _ values: [STUNAttributeValue] = [], fingerprint: Bool = true
    ) -> [UInt8] {
        let message = STUNMessage(type: type, transactionID: transaction(number), values: values)
        return (fingerprint ? message.withFingerprint() : message).serialize()
    }

    static func address(_ endpoint: Endpoint) -> STUNTransportAddress {
        STUNTransportAddress(STUNIPAddress(bytes: endpoint.address)!, port: endpoint.port)
    }

    // MARK: RTP

    static func rtp(sequence: UInt16, timestamp: UInt32, ssrc: UInt32 = 0x1234_5678) -> [UInt8] {
        RTPPacket(header: RTPHeader(payloadType: 111, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc), payload: [1, 2, 3, 4])
            .serialize()
    }

    // MARK: DTLS

    static func record(_ type: ContentType, epoch: UInt16 = 0, sequence: UInt64, _ fragment: [UInt8]) -> DTLSRecord {
        .classic(ClassicRecord(contentType: type, version: .dtls12, epoch: epoch, sequenceNumber: sequence, fragment: fragment[...]))
    }

    static func dtls(_ records: [DTLSRecord]) -> [UInt8] { DTLSDatagram(records: records).serialize() }

    /// One handshake record holding one complete message.
    static func handshake(_ body: HandshakeBody, type: HandshakeType, messageSequence: UInt16, recordSequence: UInt64) -> [UInt8] {
        var writer = ByteWriter()
        HandshakeMessage(type: type, messageSequence: messageSequence, body: body).write(to: &writer)
        return dtls([record(.handshake, sequence: recordSequence, writer.bytes)])
    }

    static func clientHello(profiles: [UInt16]?, cookie: [UInt8] = []) -> HandshakeBody {
        .clientHello(
            ClientHello(
                clientVersion: .dtls12, random: Array(repeating: 7, count: 32), cookie: cookie, cipherSuites: [0xC02B],
                extensions: profiles.map { [.useSRTP(UseSRTP(profiles: $0))] } ?? []))
    }

    static func serverHello(profiles: [UInt16]?) -> HandshakeBody {
        .serverHello(
            ServerHello(
                serverVersion: .dtls12, random: Array(repeating: 9, count: 32), cipherSuite: 0xC02B,
                extensions: profiles.map { [.useSRTP(UseSRTP(profiles: $0))] } ?? []))
    }

    static func helloVerifyRequest(cookie: [UInt8]) -> HandshakeBody {
        .helloVerifyRequest(HelloVerifyRequest(serverVersion: .dtls10, cookie: cookie))
    }
}
