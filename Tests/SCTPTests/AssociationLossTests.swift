import SCTP
import SansIO
import Simulation
import Testing
import Wire

/// Heavy, steady loss: the cases the engine's impairment matrix found (20–30 % loss per direction).
/// Under such loss nearly every chunk is retransmitted at some point, so the RTO must not depend on
/// samples that Karn's rule forbids, and partial reliability must settle its books.
@Suite("SCTP association under heavy loss (RFC 6298 §5, RFC 9260 §6.3, RFC 3758 §3.5)")
struct AssociationLossTests {
    /// The reliable scenario of the impairment matrix: 200 ordered binary messages of 1–4000 bytes.
    static func reliableMessages() -> [SCTPMessage] {
        (0..<200).map { index in
            let size = 1 + (index * 37) % 4000
            return SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index) })
        }
    }

    static func lossyLoop(loss: Double, seed: UInt64) -> AssociationLoop {
        var loop = AssociationLoop(seed: SimulationSeed(seed))
        loop.delay = .milliseconds(25)
        _ = loop.establish()
        loop.loss = loss
        return loop
    }

    @Test("200 ordered messages up to 4 KB all arrive, in order, within 120 s under 30 % loss each way", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func reliableUnderThirtyPercent(seed: UInt64) {
        var loop = Self.lossyLoop(loss: 0.3, seed: seed)
        #expect(loop.isEstablished(0) && loop.isEstablished(1))
        let messages = Self.reliableMessages()
        for message in messages { loop.input(0, .send(message)) }
        let done = loop.run(for: .seconds(120)) { $0.messages(1).count >= messages.count }
        #expect(done, "delivered \(loop.messages(1).count) of 200 (seed \(seed)); RTO \(loop.sides[0].retransmissionTimeout), timeouts \(loop.sides[0].statistics.timeouts), queued \(loop.sides[0].sendBufferedBytes)")
        let inOrder = loop.messages(1).map(\.bytes) == messages.map(\.bytes)
        #expect(inOrder, "exactly once and in order (seed \(seed))")
    }

    @Test("the RTO recovers from backoff once a fresh sample arrives (RFC 6298 §5.7 note)")
    func rtoRecoversAfterBlackout() {
        var loop = Self.lossyLoop(loss: 0, seed: 7)
        for index in 0..<10 { loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [UInt8(index)]))) }
        loop.run(for: .seconds(2))
        #expect(loop.sides[0].retransmissionTimeout == .milliseconds(200))
        // A blackout: every T3 expiry doubles the RTO (§6.3.3 E2).
        loop.loss = 1
        for index in 0..<10 { loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [UInt8(index)]))) }
        loop.run(for: .seconds(12))
        #expect(loop.sides[0].retransmissionTimeout >= .seconds(6))
        loop.loss = 0
        loop.run(for: .seconds(30)) { $0.sides[0].sendBufferedBytes == 0 }
        // Fresh traffic, each message sent once and acknowledged: the samples bring the RTO back down.
        for index in 0..<40 {
            loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [UInt8(index)])))
            loop.run(for: .milliseconds(100))
        }
        #expect(loop.sides[0].retransmissionTimeout < .seconds(1))
    }

    @Test("after a T3 expiry a HEARTBEAT probes the path and its answer brings the backed-off RTO back down (RFC 9260 §8.3)")
    func heartbeatProbeAfterTimeout() throws {
        // The first DATA packet of the second burst is lost; too few packets follow for fast retransmit,
        // so T3 recovers it and doubles the RTO. The retransmission cannot be sampled (Karn) and no new
        // DATA follows: only the heartbeat sent with the timeout gives a fresh sample.
        var loop = Self.lossyLoop(loss: 0, seed: 8)
        for index in 0..<20 { loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [UInt8](repeating: UInt8(index), count: 1000)))) }
        loop.run(for: .seconds(2))
        #expect(loop.sides[0].retransmissionTimeout == .milliseconds(200))
        var dropped = 0
        loop.drop = { sent in
            guard sent.side == 0, dropped < 1, let packet = try? SCTPPacket.parse(sent.payload),
                packet.chunks.contains(where: { if case .data = $0 { true } else { false } })
            else { return false }
            dropped += 1
            return true
        }
        for index in 0..<3 { loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [UInt8](repeating: UInt8(index), count: 1000)))) }
        loop.run(for: .seconds(5)) { $0.sides[0].sendBufferedBytes == 0 }
        #expect(loop.sides[0].statistics.timeouts >= 1, "recovered by T3: too few packets for fast retransmit")
        #expect(loop.sides[0].sendBufferedBytes == 0)
        let heartbeats = loop.sent[0].compactMap { try? SCTPPacket.parse($0) }.flatMap(\.chunks)
            .filter { if case .heartbeat = $0 { true } else { false } }
        #expect(heartbeats.count >= 1)
        // One T3 doubled the RTO; the heartbeat's true RTT (≈ 50 ms) brings it back to the floor.
        #expect(loop.sides[0].retransmissionTimeout == .milliseconds(200))
    }

    @Test("abandoned messages leave bufferedAmount under 20 % loss: unordered maxRetransmits(0) drains to 0 within 60 s", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func unreliableDrains(seed: UInt64) {
        var loop = Self.lossyLoop(loss: 0.2, seed: seed)
        for index in 0..<300 {
            loop.input(0, .send(SCTPMessage(
                stream: 1, payloadProtocol: .string, bytes: Array("m\(index)".utf8), ordered: false, reliability: .maxRetransmits(0))))
        }
        let drained = loop.run(for: .seconds(60)) { $0.sides[0].sendBufferedBytes == 0 }
        #expect(drained, "still queued \(loop.sides[0].sendBufferedBytes) (seed \(seed)); RTO \(loop.sides[0].retransmissionTimeout), timeouts \(loop.sides[0].statistics.timeouts)")
        let last = loop.events[0].last { if case .bufferedAmount(stream: 1, _) = $0 { true } else { false } }
        #expect(last == .bufferedAmount(stream: 1, bytes: 0))
        let received = loop.messages(1)
        #expect(Set(received.map(\.bytes)).count == received.count, "no duplicates")
        #expect(received.count > 150 && received.count < 300)
    }

    @Test("an abandoned message whose later fragments were gap-acknowledged leaves bufferedAmount entirely (RFC 3758 §3.5)")
    func abandonedAfterGapAck() {
        var loop = Self.lossyLoop(loss: 0, seed: 10)
        var dropped = 0
        loop.drop = { sent in
            guard sent.side == 0, dropped < 1, let packet = try? SCTPPacket.parse(sent.payload),
                packet.chunks.contains(where: { if case .data = $0 { true } else { false } })
            else { return false }
            dropped += 1
            return true
        }
        // Three fragments, one per packet: the first is lost, the other two are gap-acknowledged, and the
        // timer (too few SACKs for fast retransmit) abandons the message.
        loop.input(0, .send(SCTPMessage(
            stream: 1, payloadProtocol: .binary, bytes: [UInt8](repeating: 7, count: 3000), reliability: .maxRetransmits(0))))
        loop.run(for: .seconds(10))
        #expect(loop.sides[0].statistics.abandonedMessages == 1)
        #expect(loop.sides[0].sendBufferedBytes == 0)
        let last = loop.events[0].last { if case .bufferedAmount(stream: 1, _) = $0 { true } else { false } }
        #expect(last == .bufferedAmount(stream: 1, bytes: 0))
        #expect(loop.messages(1).isEmpty)
    }

    @Test("a lost FORWARD TSN is sent again until the peer's cumulative ack passes the abandoned chunk (RFC 3758 §3.5 C5)")
    func forwardTSNRetransmitted() throws {
        var loop = Self.lossyLoop(loss: 0, seed: 9)
        // The only DATA packet and the first two FORWARD TSNs are lost.
        var droppedData = 0
        var droppedForward = 0
        loop.drop = { sent in
            guard sent.side == 0, let packet = try? SCTPPacket.parse(sent.payload) else { return false }
            if packet.chunks.contains(where: { if case .data = $0 { true } else { false } }), droppedData < 1 {
                droppedData += 1
                return true
            }
            if packet.chunks.contains(where: { if case .forwardTSN = $0 { true } else { false } }), droppedForward < 2 {
                droppedForward += 1
                return true
            }
            return false
        }
        loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [1], ordered: false, reliability: .maxRetransmits(0))))
        loop.run(for: .seconds(30))
        #expect(droppedForward == 2)
        #expect(loop.sides[0].sendBufferedBytes == 0)
        let chunks = loop.sent[0].compactMap { try? SCTPPacket.parse($0) }.flatMap(\.chunks)
        let abandoned = try #require(chunks.lazy.compactMap { if case .data(let data) = $0 { data.tsn } else { nil } }.first)
        let forwards = chunks.compactMap { if case .forwardTSN(let chunk) = $0 { chunk.newCumulativeTSN } else { nil } }
        #expect(forwards.count >= 3)
        #expect(forwards.allSatisfy { $0 == abandoned })
        // The peer's last SACK acknowledges the abandoned TSN cumulatively: the sender's books are closed.
        let sacks = loop.sent[1].compactMap { try? SCTPPacket.parse($0) }.flatMap(\.chunks)
            .compactMap { if case .selectiveAck(let sack) = $0 { sack } else { nil } }
        #expect(sacks.last?.cumulativeTSNAck == abandoned)
        let timeouts = loop.sides[0].statistics.timeouts
        loop.run(for: .seconds(20))
        #expect(loop.sides[0].statistics.timeouts == timeouts, "nothing left to retransmit")
        // The association still carries data afterwards, and the abandoned message never arrives.
        loop.input(0, .send(SCTPMessage(stream: 1, payloadProtocol: .binary, bytes: [2])))
        #expect(loop.run(for: .seconds(30)) { !$0.messages(1).isEmpty })
        #expect(loop.messages(1).map(\.bytes) == [[2]])
    }
}
