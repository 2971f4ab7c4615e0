import CrucibleTestSupport
import DataChannels
import SCTP
import SansIO
import Simulation
import Testing
import Wire

/// A data channel machine (side 0, DTLS client: even ids) against a bare SCTP association that sends
/// whatever DCEP and user messages a test chooses.
typealias RawLoop = MachinePair<DataChannelMachine, SCTPAssociation>

extension MachinePair where A == DataChannelMachine, B == SCTPAssociation {
    init(seed: SimulationSeed = channelSeed) {
        self.init(
            makeMachine(seed, "a"), SCTPAssociation(generator: seed.generator(label: "b/association")), seed: seed,
            link: LinkConditions(delay: .milliseconds(10)))
    }

    mutating func startRaw() -> Bool {
        input(a: .start(.even))
        return run(for: .seconds(10)) { loop in
            loop.eventsA.contains { if case .associationEstablished = $0 { true } else { false } }
                && loop.eventsB.contains { if case .established = $0 { true } else { false } }
        }
    }

    mutating func peerSends(stream: UInt16, _ ppid: PayloadProtocolIdentifier, _ bytes: [UInt8], ordered: Bool = true) {
        input(b: .send(SCTPMessage(stream: stream, payloadProtocol: ppid, bytes: bytes, ordered: ordered)))
    }

    mutating func peerOpens(stream: UInt16, label: String = "raw", type: DataChannelType = .reliable) {
        peerSends(stream: stream, .dcep, DCEPMessage.open(DataChannelOpen(channelType: type, priority: 256, label: label)).serialize())
    }

    mutating func settle() { run(for: .seconds(3)) }

    mutating func createOnA(_ label: String, _ options: DataChannelOptions) throws(DataChannelError) -> DataChannelHandle {
        try performOnA { machine, now throws(DataChannelError) in try machine.createChannel(label: label, options: options, at: now) }
    }

    var announcedA: [DataChannelInfo] { eventsA.compactMap { if case .announced(let info) = $0 { info } else { nil } } }
    func peerSaw(_ output: SCTPAssociationOutput) -> Bool { eventsB.contains(output) }
}

@Suite("Data channels: what a hostile or broken peer sends is counted, refused, never a trap (RFC 8832 §6)")
struct HostileTests {
    @Test("an OPEN on a stream of our parity is refused by resetting that stream and counted; the id is usable once both sides reset it")
    func wrongParity() throws {
        var loop = RawLoop()
        let started = loop.startRaw()
        #expect(started)
        loop.peerOpens(stream: 2)
        loop.settle()
        #expect(loop.announcedA.isEmpty)
        #expect(loop.a.statistics.dcepErrors == 1)
        #expect(loop.peerSaw(.streamsReset(.incoming, [2])))
        var options = DataChannelOptions()
        options.id = 2
        #expect(throws: DataChannelError.streamIdInUse(2)) { try loop.createOnA("mine", options) }
        // The peer closes its side as RFC 8831 §6.7 asks; the stream is free again.
        loop.input(b: .resetStreams([2]))
        loop.settle()
        let handle = try loop.createOnA("mine", options)
        #expect(loop.a.channel(handle)?.stream == 2)
    }

    @Test("an OPEN with a channel type RFC 8832 does not assign is refused by a reset and counted")
    func unknownChannelType() {
        var loop = RawLoop()
        let started = loop.startRaw()
        #expect(started)
        loop.peerOpens(stream: 3, type: DataChannelType(rawValue: 0x05))
        loop.settle()
        #expect(loop.announcedA.isEmpty)
        #expect(loop.a.statistics.dcepErrors == 1)
        #expect(loop.peerSaw(.streamsReset(.incoming, [3])))
    }

    @Test("an OPEN on a stream that carries a channel closes that channel (RFC 8832 §6: no ACK, close the corresponding channel)")
    func duplicateId() throws {
        var loop = RawLoop()
        let started = loop.startRaw()
        #expect(started)
        loop.peerOpens(stream: 1, label: "first")
        loop.settle()
        #expect(loop.announcedA.map(\.label) == ["first"])
        let announced = try #require(loop.announcedA.first?.handle)
        let acks = dataChunks(in: loop.sent[0]).filter { $0.payloadProtocol == .dcep && $0.streamIdentifier == 1 }.count
        loop.peerOpens(stream: 1, label: "again")
        let mine = try loop.createOnA("mine", .init())
        loop.peerOpens(stream: 0, label: "on my stream")
        loop.settle()
        #expect(loop.announcedA.count == 1)
        #expect(loop.a.statistics.dcepErrors == 2)
        #expect(dataChunks(in: loop.sent[0]).filter { $0.payloadProtocol == .dcep && $0.streamIdentifier == 1 }.count == acks)
        #expect(loop.a.channel(announced)?.state == .closing)
        #expect(loop.a.channel(mine)?.state == .closing)
        #expect(loop.peerSaw(.streamsReset(.incoming, [1])) && loop.peerSaw(.streamsReset(.incoming, [0])))
        // The peer completes the close by resetting its side (RFC 8831 §6.7).
        loop.input(b: .resetStreams([0, 1]))
        loop.settle()
        #expect(loop.eventsA.contains(.closed(announced)) && loop.eventsA.contains(.closed(mine)))
        #expect(loop.a.channels.isEmpty)
    }

    /// (name, stream, PPID, bytes, a DCEP error?, does the stream get reset?)
    static let refused: [(String, UInt16, PayloadProtocolIdentifier, [UInt8], Bool, Bool)] = [
        ("an ACK nobody waited for", 5, .dcep, [0x02], true, false),
        ("a DCEP message type RFC 8832 does not assign", 5, .dcep, [0x09, 1, 2], true, false),
        ("a truncated OPEN", 5, .dcep, [0x03, 0x00, 0x01], true, true),
        ("an OPEN whose label is not UTF-8", 5, .dcep, [0x03, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0xFF], true, true),
        ("a string on a stream without a channel", 9, .string, Array("orphan".utf8), false, false),
        ("a deprecated partial string (PPID 52)", 1, .stringPartial, [1, 2], false, false),
        ("a deprecated partial binary (PPID 54)", 1, .binaryPartial, [1, 2], false, false),
        ("a PPID WebRTC does not define", 1, PayloadProtocolIdentifier(rawValue: 99), [1], false, false),
    ]

    @Test("DCEP errors and undeliverable messages are dropped and counted; a malformed OPEN also resets its stream", arguments: refused)
    func droppedAndCounted(
        _ name: String, _ stream: UInt16, _ ppid: PayloadProtocolIdentifier, _ bytes: [UInt8], _ isDCEP: Bool, _ resets: Bool
    ) throws {
        var loop = RawLoop()
        let started = loop.startRaw()
        #expect(started)
        loop.peerOpens(stream: 1)
        loop.settle()
        let channel = try #require(loop.announcedA.first?.handle)
        loop.peerSends(stream: stream, ppid, bytes)
        loop.settle()
        let statistics = loop.a.statistics
        #expect(statistics.dcepErrors == (isDCEP ? 1 : 0))
        #expect(statistics.droppedMessages == (isDCEP ? 0 : 1))
        #expect(!loop.eventsA.contains { if case .message = $0 { true } else { false } })
        #expect(loop.a.channel(channel)?.state == .open)
        #expect(loop.peerSaw(.streamsReset(.incoming, [stream])) == resets)
    }

    @Test("random DCEP and user messages from the peer, and random bytes as packets, never trap and stay bounded")
    func randomTraffic() throws {
        var loop = RawLoop()
        let started = loop.startRaw()
        #expect(started)
        var random = SeededGenerator(seed: 2026)
        let ppids: [PayloadProtocolIdentifier] = [
            .dcep, .dcep, .dcep, .string, .binary, .stringEmpty, .binaryEmpty, .stringPartial, PayloadProtocolIdentifier(rawValue: 0),
        ]
        for round in 0..<1500 {
            let stream = UInt16.random(in: 0..<64, using: &random)
            let ppid = ppids.randomElement(using: &random) ?? .dcep
            var bytes: [UInt8]
            switch Int.random(in: 0..<4, using: &random) {
            case 0:
                let open = DataChannelOpen(
                    channelType: DataChannelType(rawValue: UInt8.random(in: 0...255, using: &random)),
                    priority: UInt16.random(in: 0...UInt16.max, using: &random),
                    reliabilityParameter: UInt32.random(in: 0...UInt32.max, using: &random), label: "l\(round)")
                bytes = DCEPMessage.open(open).serialize()
            case 1: bytes = [0x02]
            default: bytes = (0..<Int.random(in: 1...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            }
            loop.peerSends(stream: stream, ppid, bytes, ordered: Bool.random(using: &random))
            if round % 50 == 0 { loop.input(b: .resetStreams([stream])) }
            if round % 7 == 0 {
                let junk = (0..<Int.random(in: 0...80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                loop.input(a: .received(junk))
            }
            if round % 11 == 0, var packet = loop.sent[1].randomElement(using: &random), !packet.isEmpty {
                let index = Int.random(in: 0..<packet.count, using: &random)
                packet[index] ^= UInt8.random(in: 1...255, using: &random)
                loop.input(a: .received(packet))
            }
            if round % 10 == 0 { loop.run(for: .milliseconds(100)) }
        }
        loop.settle()
        let statistics = loop.a.statistics
        #expect(statistics.dcepErrors > 0)
        #expect(statistics.droppedMessages > 0)
        #expect(!loop.announcedA.isEmpty)
        #expect(loop.a.channels.count <= 64)
        #expect(loop.a.channels.allSatisfy { ($0.stream ?? 0) % 2 == 1 })
        #expect(loop.a.association.statistics.malformedPackets > 0)
    }
}
