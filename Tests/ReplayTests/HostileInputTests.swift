import Conformance
import Pcap
import Replay
import Testing
import Wire

@Suite("Hostile input")
struct HostileInputTests {
    @Test("Random payloads in every RFC 7983 range run through the whole checker without trapping")
    func randomPayloads() {
        var generator = SeededGenerator(seed: 0x5EED_7983)
        let firsts: [UInt8] = [0, 1, 16, 22, 23, 64, 65, 128, 144, 200, 255]
        var datagrams: [ReplayDatagram] = []
        for frame in 1...3000 {
            let count = Int.random(in: 0...120, using: &generator)
            var payload = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !payload.isEmpty { payload[0] = firsts.randomElement(using: &generator) ?? 0 }
            let forward = Bool.random(using: &generator)
            datagrams.append(
                ReplayDatagram(
                    frame: frame, timestampNanoseconds: Int64(frame), source: forward ? Traffic.alice : Traffic.bob,
                    destination: forward ? Traffic.bob : Traffic.alice, payload: payload))
        }
        let report = ReplayChecker.check(datagrams, capture: "random")
        #expect(report.udpDatagrams == 3000)
        #expect(report.flows.count >= 1)
    }

    @Test("Real captures with one byte flipped per datagram run through the checker without trapping")
    func flippedCaptures() throws {
        let shared = try SharedFolder.locate(from: #filePath)
        var generator = SeededGenerator(seed: 42)
        for capture in ["zeek_webrtc-stun.pcap", "ndpi_stun.pcap", "ndpi_stun_dtls_rtp.pcapng"] {
            let datagrams = try CaptureReader(path: shared.capture(capture).path).udpDatagrams().datagrams.map { datagram in
                var payload = datagram.payload
                if !payload.isEmpty {
                    payload[Int.random(in: 0..<payload.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
                return ReplayDatagram(
                    frame: datagram.frame, timestampNanoseconds: datagram.timestampNanoseconds, source: datagram.source,
                    destination: datagram.destination, payload: payload)
            }
            let report = ReplayChecker.check(datagrams, capture: capture)
            #expect(!report.findings.isEmpty, "a flipped byte in every datagram of \(capture) went unnoticed")
        }
    }
}
