import SCTP
import SansIO
import Simulation
import Testing
import Wire

@Suite("SCTP association: mixed traffic under loss and reordering")
struct AssociationStressTests {
    @Test("ordered, unordered and fragmented messages on several streams, both ways, arrive exactly once and ordered where asked", arguments: [11, 12, 13, 14, 15] as [UInt64])
    func mixedTraffic(seed: UInt64) {
        var loop = AssociationLoop(seed: SimulationSeed(seed))
        let established = loop.establish(simultaneous: seed % 2 == 0)
        #expect(established)
        loop.loss = 0.15
        loop.jitter = .milliseconds(25)
        var random = SeededGenerator(seed: seed &* 31)
        var sentBy: [[SCTPMessage]] = [[], []]
        for index in 0..<300 {
            let side = Int.random(in: 0...1, using: &random)
            let size = Bool.random(using: &random) ? Int.random(in: 1...100, using: &random) : Int.random(in: 1000...5000, using: &random)
            var bytes = [UInt8](repeating: 0, count: size)
            bytes[0] = UInt8(truncatingIfNeeded: index)
            if size > 1 { bytes[1] = UInt8(truncatingIfNeeded: index >> 8) }
            let message = SCTPMessage(
                stream: UInt16.random(in: 0...3, using: &random), payloadProtocol: .binary, bytes: bytes,
                ordered: Int.random(in: 0..<4, using: &random) != 0)
            sentBy[side].append(message)
            loop.input(side, .send(message))
            if index % 20 == 0 { loop.run(for: .milliseconds(50)) }
        }
        let done = loop.run(for: .seconds(900)) { $0.messages(0).count >= sentBy[1].count && $0.messages(1).count >= sentBy[0].count }
        #expect(done)
        for side in 0..<2 {
            let received = loop.messages(1 - side)
            #expect(received.count == sentBy[side].count)
            #expect(Set(received.map(\.bytes)) == Set(sentBy[side].map(\.bytes)))
            for stream in UInt16(0)...3 {
                let orderedSent = sentBy[side].filter { $0.stream == stream && $0.ordered }.map(\.bytes)
                let orderedReceived = received.filter { $0.stream == stream && $0.ordered }.map(\.bytes)
                #expect(orderedReceived == orderedSent)
            }
        }
        #expect(loop.sides[0].receiveBufferedBytes == 0)
        #expect(loop.sides[1].receiveBufferedBytes == 0)
    }
}
