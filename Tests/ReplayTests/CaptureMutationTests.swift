import Conformance
import Pcap
import Replay
import Testing

/// A clean real capture, changed in one known way, breaks exactly the rule that change is about.
@Suite("Mutated real captures")
struct CaptureMutationTests {
    static func datagrams(_ capture: String) throws -> [ReplayDatagram] {
        let shared = try SharedFolder.locate(from: #filePath)
        return try CaptureReader(path: shared.capture(capture).path).udpDatagrams().datagrams.map(ReplayDatagram.init)
    }

    static func with(_ datagram: ReplayDatagram, payload: [UInt8]) -> ReplayDatagram {
        ReplayDatagram(
            frame: datagram.frame, timestampNanoseconds: datagram.timestampNanoseconds, source: datagram.source,
            destination: datagram.destination, payload: payload)
    }

    @Test("A changed last byte of a STUN message breaks STUN.fingerprint-value at that frame")
    func fingerprint() throws {
        var datagrams = try Self.datagrams("zeek_webrtc-stun.pcap")
        let index = try #require(datagrams.firstIndex { PacketKind(payload: $0.payload) == .stun })
        var payload = datagrams[index].payload
        payload[payload.count - 1] ^= 0x01
        datagrams[index] = Self.with(datagrams[index], payload: payload)
        let report = ReplayChecker.check(datagrams, capture: "zeek, one FINGERPRINT changed")
        #expect(report.brokenRules == ["STUN.fingerprint-value": 1])
        #expect(report.findings.first?.frames == [datagrams[index].frame])
    }

    @Test("A DTLS datagram sent twice breaks DTLS.record-sequence (retransmissions need new numbers)")
    func repeatedRecord() throws {
        var datagrams = try Self.datagrams("zeek_webrtc-stun.pcap")
        let index = try #require(datagrams.lastIndex { PacketKind(payload: $0.payload) == .dtls })
        datagrams.append(datagrams[index])
        let report = ReplayChecker.check(datagrams, capture: "zeek, a DTLS datagram repeated")
        // One finding per record of the repeated datagram, all at its frame.
        #expect(Set(report.brokenRules.keys) == ["DTLS.record-sequence"])
        #expect(report.findings.first?.frames == [datagrams[index].frame])
        #expect(report.exitCode == 1)
    }

    @Test("A dropped RTP packet is a gap, a repeated one a duplicate")
    func rtp() throws {
        let datagrams = try Self.datagrams("str0m_vp8.pcap")
        var dropped = datagrams
        dropped.remove(at: 50)
        #expect(ReplayChecker.check(dropped, capture: "str0m, one dropped", options: .init(protection: .plain)).brokenRules == ["RTP.sequence-gap": 1])
        var repeated = datagrams
        repeated.insert(datagrams[50], at: 60)
        #expect(
            ReplayChecker.check(repeated, capture: "str0m, one repeated", options: .init(protection: .plain)).brokenRules
                == ["RTP.sequence-duplicate": 1])
    }
}
