import DataChannels
import SCTP
import SansIO
import Testing
import Wire

@Suite("Data channels: bufferedAmount, closing, association end (W3C, RFC 8831 §6.7)")
struct LifecycleTests {
    func lowEvents(_ loop: ChannelLoop, _ handle: DataChannelHandle) -> Int {
        loop.events(0).filter { $0 == .bufferedAmountLow(handle) }.count
    }

    @Test("bufferedAmount rises at send and falls to 0 as data is acknowledged; bufferedAmountLow fires exactly once per downward crossing")
    func bufferedAmountLow() throws {
        var (loop, local, _) = try openChannel()
        loop.input(0, .setBufferedAmountLowThreshold(local, 1000))
        for _ in 0..<10 { try loop.send(0, .binary([UInt8](repeating: 1, count: 500)), on: local) }
        #expect(loop.a.bufferedAmount(local) == 5000)
        #expect(loop.has(0, .bufferedAmount(local, 5000)))
        #expect(loop.run(for: .seconds(10)) { $0.a.bufferedAmount(local) == 0 })
        #expect(loop.has(0, .bufferedAmount(local, 0)))
        #expect(lowEvents(loop, local) == 1)
        // Staying at or below the threshold is no crossing.
        try loop.send(0, .binary([UInt8](repeating: 1, count: 100)), on: local)
        #expect(loop.run(for: .seconds(10)) { $0.a.bufferedAmount(local) == 0 })
        #expect(lowEvents(loop, local) == 1)
        // A second rise above it and fall: a second event.
        for _ in 0..<5 { try loop.send(0, .binary([UInt8](repeating: 1, count: 500)), on: local) }
        #expect(loop.run(for: .seconds(10)) { $0.a.bufferedAmount(local) == 0 })
        #expect(lowEvents(loop, local) == 2)
    }

    @Test("with the default threshold 0, bufferedAmountLow fires once when everything is acknowledged")
    func defaultThreshold() throws {
        var (loop, local, _) = try openChannel()
        for index in 0..<20 { try loop.send(0, .text("m\(index)"), on: local) }
        #expect(loop.run(for: .seconds(10)) { $0.a.bufferedAmount(local) == 0 })
        #expect(lowEvents(loop, local) == 1)
        let amounts = loop.events(0).compactMap { if case .bufferedAmount(local, let n) = $0 { n } else { nil } }
        #expect(amounts.first == 2)
        #expect(amounts.last == 0)
    }

    @Test("bufferedAmount counts only what the application sent, not the DATA_CHANNEL_OPEN ahead of it nor an empty message's byte")
    func bufferedAmountExcludesDCEP() throws {
        var loop = ChannelLoop()
        let started = loop.start()
        #expect(started)
        // The last fragment (736 bytes, bundled with the empty message's byte) is lost once, so the OPEN
        // and the first two fragments are acknowledged before it.
        var dropped = false
        loop.drop = { sent in
            guard sent.side == 0, !dropped, dataChunks(in: [sent.payload]).contains(where: { $0.userData.count == 736 }) else { return false }
            dropped = true
            return true
        }
        let handle = try loop.create(0, "a label long enough to notice")
        try loop.send(0, .binary([UInt8](repeating: 1, count: 3000)), on: handle)
        try loop.send(0, .text(""), on: handle)
        #expect(loop.a.bufferedAmount(handle) == 3000)
        #expect(loop.a.association.sendBufferedBytes > 3001)
        #expect(loop.run(for: .seconds(5)) { $0.a.association.sendBufferedBytes == 0 })
        #expect(dropped)
        let amounts = loop.events(0).compactMap { if case .bufferedAmount(handle, let n) = $0 { n } else { nil } }
        // Released in order: 1132 bytes per full fragment (RFC 9260 fragmenting to 1160-byte packets).
        #expect(amounts == [3000, 1868, 736, 0])
        #expect(lowEvents(loop, handle) == 1)
    }

    @Test("close is seen by both sides as closing then closed, and the stream id is free again")
    func closeBothSides() throws {
        var (loop, local, remote) = try openChannel()
        try loop.send(0, .text("last words"), on: local)
        loop.input(0, .close(local))
        #expect(loop.a.channel(local)?.state == .closing)
        #expect(loop.run(for: .seconds(10)) { $0.has(0, .closed(local)) && $0.has(1, .closed(remote)) })
        #expect(loop.lifecycle(0, local) == [.open(local), .closing(local), .closed(local)])
        #expect(loop.lifecycle(1, remote).suffix(2) == [.closing(remote), .closed(remote)])
        // RFC 8831 §6.7: data sent before close is delivered first.
        #expect(loop.messages(1, on: remote) == [.text("last words")])
        #expect(loop.a.channels.isEmpty && loop.b.channels.isEmpty)
        #expect(loop.a.statistics.dataChannelsClosed == 1)
        let again = try loop.create(0, "reused")
        #expect(loop.a.channel(again)?.stream == 0)
        #expect(loop.run(for: .seconds(5)) { $0.has(0, .open(again)) && $0.announced(1).count == 2 })
        let second = try #require(loop.announced(1).last)
        #expect(second.stream == 0 && second.label == "reused")
        try loop.send(0, .text("again"), on: again)
        #expect(loop.run(for: .seconds(5)) { !$0.messages(1, on: second.handle).isEmpty })
        #expect(loop.messages(1, on: second.handle) == [.text("again")])
    }

    @Test("a close by the side that did not open the channel closes it on both sides too")
    func closeByAnnouncingSide() throws {
        var (loop, local, remote) = try openChannel()
        loop.input(1, .close(remote))
        #expect(loop.run(for: .seconds(10)) { $0.has(0, .closed(local)) && $0.has(1, .closed(remote)) })
        #expect(loop.lifecycle(0, local) == [.open(local), .closing(local), .closed(local)])
    }

    @Test("closing a channel before the association is up closes it at once, with nothing on the wire")
    func closeBeforeStart() throws {
        var loop = ChannelLoop()
        let handle = try loop.create(0, "short-lived")
        loop.input(0, .close(handle))
        #expect(loop.events(0) == [.closing(handle), .closed(handle)])
        let started = loop.start()
        #expect(started)
        loop.run(for: .seconds(2))
        #expect(loop.announced(1).isEmpty)
    }

    @Test("send after close fails with notOpen: closing right after close, closed once it is")
    func sendAfterClose() throws {
        var (loop, local, _) = try openChannel()
        loop.input(0, .close(local))
        #expect(throws: DataChannelError.notOpen(local, .closing)) { try loop.send(0, .text("late"), on: local) }
        #expect(loop.run(for: .seconds(10)) { $0.has(0, .closed(local)) })
        #expect(throws: DataChannelError.notOpen(local, .closed)) { try loop.send(0, .text("later"), on: local) }
        loop.input(0, .send(local, .binary([1])))
        #expect(loop.has(0, .error(local, .notOpen(local, .closed))))
        let stranger = DataChannelHandle(rawValue: 999)
        #expect(throws: DataChannelError.unknownChannel(stranger)) { try loop.send(0, .text("?"), on: stranger) }
    }

    @Test("a peer ABORT gives every channel an error then closed, then associationFailed")
    func peerAbort() throws {
        var (loop, local, remote) = try openChannel()
        let other = try loop.create(0, "second")
        #expect(loop.run(for: .seconds(5)) { $0.has(0, .open(other)) })
        loop.input(1, .abort)
        #expect(loop.run(for: .seconds(5)) { $0.events(0).contains { if case .associationFailed = $0 { true } else { false } } })
        let tail = Array(loop.events(0).suffix(5))
        #expect(tail.prefix(4) == [
            .error(local, .association(.notOpen)), .closed(local), .error(other, .association(.notOpen)), .closed(other),
        ])
        if case .associationFailed(.peer) = tail.last {} else {
            Issue.record("expected associationFailed(.peer), got \(String(describing: tail.last))")
        }
        #expect(loop.has(1, .closed(remote)))
        #expect(loop.a.channels.isEmpty)
        #expect(throws: DataChannelError.association(.notOpen)) { try loop.create(0, "after the end") }
    }

    @Test("SHUTDOWN delivers what is queued, then every channel on both sides is closed before associationClosed")
    func shutdown() throws {
        var (loop, local, remote) = try openChannel()
        loop.loss = 0.1
        for index in 0..<30 { try loop.send(0, .text("queued \(index)"), on: local) }
        loop.input(0, .shutdown)
        #expect(loop.run(for: .seconds(120)) { $0.has(0, .associationClosed) && $0.has(1, .associationClosed) })
        #expect(loop.messages(1, on: remote).count == 30)
        #expect(loop.events(0).suffix(2) == [.closed(local), .associationClosed])
        #expect(loop.events(1).suffix(2) == [.closed(remote), .associationClosed])
        #expect(loop.lifecycle(0, local) == [.open(local), .closing(local), .closed(local)])
    }

    @Test("during SHUTDOWN no channel can be created, and data for a closing channel is discarded (W3C receiving messages)")
    func duringShutdown() throws {
        var (loop, local, remote) = try openChannel()
        loop.input(0, .shutdown)
        #expect(throws: DataChannelError.association(.notOpen)) { try loop.create(0, "too late") }
        #expect(throws: DataChannelError.notOpen(local, .closing)) { try loop.send(0, .text("too late"), on: local) }
        try loop.send(1, .text("into a closing channel"), on: remote)
        #expect(loop.run(for: .seconds(30)) { $0.has(0, .associationClosed) && $0.has(1, .associationClosed) })
        #expect(loop.messages(0).isEmpty)
        #expect(loop.a.statistics.droppedMessages == 1)
    }

    @Test("a path that goes silent ends in associationFailed(retransmissionLimitReached), each channel getting an error and closed first")
    func retransmissionLimit() throws {
        var (loop, local, _) = try openChannel()
        loop.drop = { _ in true }
        try loop.send(0, .text("into the void"), on: local)
        #expect(loop.run(for: .seconds(3600)) { $0.has(0, .associationFailed(.retransmissionLimitReached)) })
        #expect(loop.events(0).suffix(3) == [
            .error(local, .association(.notOpen)), .closed(local), .associationFailed(.retransmissionLimitReached),
        ])
    }

    @Test("the same seeds give the same event trace on both sides (DESIGN §1.5)")
    func deterministic() throws {
        func trace() throws -> [String] {
            var (loop, local, _) = try openChannel()
            loop.loss = 0.15
            loop.jitter = .milliseconds(15)
            for index in 0..<100 { try loop.send(0, .text("t\(index)"), on: local) }
            loop.input(0, .close(local))
            loop.run(for: .seconds(60))
            return (loop.events(0) + loop.events(1)).map { "\($0)" } + loop.sent[0].map { "\($0)" }
        }
        let first = try trace()
        #expect(first.count > 200)
        #expect(try trace() == first)
    }
}
