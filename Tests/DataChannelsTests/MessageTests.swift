import DataChannels
import SCTP
import SansIO
import Simulation
import Testing
import Wire

/// Two started machines with one in-band channel from side 0 open on both sides.
func openChannel(
    _ options: DataChannelOptions = .init(), seed: SimulationSeed = channelSeed,
    configure: (inout SCTPAssociationConfiguration) -> Void = { _ in }
) throws -> (loop: ChannelLoop, local: DataChannelHandle, remote: DataChannelHandle) {
    var loop = ChannelLoop(seed: seed, configure: configure)
    let started = loop.start()
    try #require(started)
    let local = try loop.create(0, "test", options)
    let opened = loop.run(for: .seconds(10)) { $0.has(0, .open(local)) && !$0.announced(1).isEmpty }
    try #require(opened)
    let remote = try #require(loop.announced(1).first?.handle)
    return (loop, local, remote)
}

@Suite("Data channels: messages, PPIDs and reliability (RFC 8831 §6.1, §6.6, §8)")
struct MessageTests {
    static let kinds: [(String, DataChannelMessage, PayloadProtocolIdentifier, [UInt8])] = [
        ("text", .text("héllo"), .string, Array("héllo".utf8)),
        ("binary", .binary([0, 1, 255]), .binary, [0, 1, 255]),
        ("empty text", .text(""), .stringEmpty, [0]),
        ("empty binary", .binary([]), .binaryEmpty, [0]),
    ]

    @Test(
        "text, binary, empty text and empty binary round trip with PPIDs 51, 53, 56 and 57 (an empty message is one zero byte)",
        arguments: kinds)
    func roundTrip(_ name: String, _ message: DataChannelMessage, _ ppid: PayloadProtocolIdentifier, _ wire: [UInt8]) throws {
        var (loop, local, remote) = try openChannel()
        try loop.send(0, message, on: local)
        #expect(loop.run(for: .seconds(5)) { !$0.messages(1).isEmpty })
        #expect(loop.messages(1, on: remote) == [message])
        let chunk = try #require(dataChunks(in: loop.sent[0]).last { $0.payloadProtocol != .dcep })
        #expect(chunk.payloadProtocol == ppid)
        #expect(Array(chunk.userData) == wire)
        #expect(loop.a.statistics.channels[local]?.messagesSent == 1)
        #expect(loop.a.statistics.channels[local]?.bytesSent == message.byteCount)
        #expect(loop.b.statistics.channels[remote]?.messagesReceived == 1)
        #expect(loop.b.statistics.channels[remote]?.bytesReceived == message.byteCount)
        // An empty message leaves no buffered amount behind, though one byte went on the wire.
        #expect(loop.run(for: .seconds(5)) { $0.a.association.sendBufferedBytes == 0 })
        #expect(loop.a.bufferedAmount(local) == 0)
    }

    @Test("1000 ordered messages arrive in order, exactly once, under 10 % loss")
    func orderedUnderLoss() throws {
        var (loop, local, remote) = try openChannel()
        loop.loss = 0.1
        for index in 0..<1000 { try loop.send(0, .text("message \(index)"), on: local) }
        #expect(loop.run(for: .seconds(600)) { $0.messages(1).count >= 1000 && $0.a.bufferedAmount(local) == 0 })
        #expect(loop.messages(1, on: remote) == (0..<1000).map { .text("message \($0)") })
        #expect(loop.a.association.statistics.retransmittedChunks > 0)
    }

    @Test("unordered maxRetransmits(0) under 20 % loss delivers a subset of what was sent, never a duplicate")
    func unreliableUnordered() throws {
        var options = DataChannelOptions()
        options.ordered = false
        options.maxRetransmits = 0
        var (loop, local, remote) = try openChannel(options)
        loop.loss = 0.2
        loop.jitter = .milliseconds(20)
        let sent = (0..<300).map { DataChannelMessage.binary(Array("unreliable \($0)".utf8)) }
        for message in sent { try loop.send(0, message, on: local) }
        loop.input(0, .send(local, .text("sentinel")))
        #expect(loop.run(for: .seconds(300)) { $0.a.association.sendBufferedBytes == 0 })
        loop.loss = 0
        loop.run(for: .seconds(5))
        let received = loop.messages(1, on: remote).filter { $0 != .text("sentinel") }
        #expect(Set(received).count == received.count)
        #expect(Set(received).isSubset(of: Set(sent)))
        #expect(received.count < sent.count)
        #expect(received.count > sent.count / 2)
        #expect(loop.a.association.statistics.abandonedMessages > 0)
        #expect(loop.a.bufferedAmount(local) == 0)
    }

    @Test("maxPacketLifeTime: messages still unacknowledged after their lifetime are abandoned, later ones get through")
    func packetLifetime() throws {
        var options = DataChannelOptions()
        options.maxPacketLifeTime = .milliseconds(100)
        var (loop, local, remote) = try openChannel(options)
        var blackout = true
        loop.drop = { sent in sent.side == 0 && blackout }
        for index in 0..<20 { try loop.send(0, .text("doomed \(index)"), on: local) }
        loop.run(for: .seconds(3))
        blackout = false
        try loop.send(0, .text("survivor"), on: local)
        #expect(loop.run(for: .seconds(10)) { $0.messages(1).contains(.text("survivor")) && $0.a.bufferedAmount(local) == 0 })
        #expect(loop.messages(1, on: remote) == [.text("survivor")])
        #expect(loop.a.association.statistics.abandonedMessages >= 1)
        let chunks = dataChunks(in: loop.sent[0]).filter { $0.payloadProtocol == .string }
        #expect(chunks.contains { Array($0.userData) == Array("doomed 0".utf8) })
    }

    @Test("a message above max-message-size throws messageTooLarge at the call, and as an input gives an error output")
    func oversized() throws {
        var (loop, local, _) = try openChannel { $0.peerMaxMessageSize = 1000 }
        #expect(throws: DataChannelError.messageTooLarge(size: 1001, limit: 1000)) {
            try loop.send(0, .binary([UInt8](repeating: 7, count: 1001)), on: local)
        }
        loop.input(0, .send(local, .text(String(repeating: "x", count: 2000))))
        #expect(loop.has(0, .error(local, .messageTooLarge(size: 2000, limit: 1000))))
        try loop.send(0, .binary([UInt8](repeating: 7, count: 1000)), on: local)
        #expect(loop.run(for: .seconds(5)) { !$0.messages(1).isEmpty })
    }

    @Test("a 200 KB message crosses fragmented and whole")
    func largeMessage() throws {
        var (loop, local, remote) = try openChannel()
        loop.loss = 0.05
        var random = SeededGenerator(seed: 3)
        let payload = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        try loop.send(0, .binary(payload), on: local)
        #expect(loop.run(for: .seconds(120)) { !$0.messages(1).isEmpty })
        #expect(loop.messages(1, on: remote) == [.binary(payload)])
    }

    @Test(
        "any mix of text, binary and empty messages arrives unchanged and in order on a reliable channel, over lossy links",
        arguments: [UInt64(1), 2, 3, 4, 5])
    func randomMessages(seed: UInt64) throws {
        var (loop, local, remote) = try openChannel(seed: SimulationSeed(seed))
        loop.loss = 0.05
        loop.jitter = .milliseconds(5)
        var generator = SeededGenerator(seed: seed &* 7919)
        let sent = (0..<60).map { _ in DataChannelMessage.random(using: &generator, maxSize: 3000) }
        for message in sent { try loop.send(0, message, on: local) }
        #expect(loop.run(for: .seconds(120)) { $0.messages(1).count >= sent.count })
        #expect(loop.messages(1, on: remote) == sent)
    }

    @Test("messages sent on a negotiated channel before the association is up are held and delivered once it is")
    func negotiatedHeld() throws {
        var loop = ChannelLoop()
        var options = DataChannelOptions()
        options.negotiated = true
        options.id = 3
        let left = try loop.create(0, "n", options)
        let right = try loop.create(1, "n", options)
        try loop.send(0, .text("early"), on: left)
        try loop.send(0, .binary([]), on: left)
        #expect(loop.a.bufferedAmount(left) == 5)
        #expect(loop.has(0, .bufferedAmount(left, 5)))
        let started = loop.start()
        #expect(started)
        #expect(loop.run(for: .seconds(5)) { $0.messages(1).count == 2 })
        #expect(loop.messages(1, on: right) == [.text("early"), .binary([])])
    }

    @Test("held messages are bounded by the send buffer: beyond it, sendBufferFull")
    func heldBound() throws {
        var loop = ChannelLoop { $0.sendBufferSize = 1000 }
        let handle = try loop.create(0, "bounded")
        try loop.send(0, .binary([UInt8](repeating: 1, count: 600)), on: handle)
        #expect(throws: DataChannelError.sendBufferFull(queued: 600, limit: 1000)) {
            try loop.send(0, .binary([UInt8](repeating: 1, count: 401)), on: handle)
        }
        try loop.send(0, .binary([UInt8](repeating: 1, count: 400)), on: handle)
    }
}
