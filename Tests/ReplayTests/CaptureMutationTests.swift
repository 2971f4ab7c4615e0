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

    @Test("A DTLS datagram sent again with new bytes under its numbers breaks DTLS.record-sequence; a byte-exact copy is a duplicate")
    func repeatedRecord() throws {
        let datagrams = try Self.datagrams("zeek_webrtc-stun.pcap")
        let index = try #require(datagrams.lastIndex { PacketKind(payload: $0.payload) == .dtls })
        // Retransmissions need new numbers (RFC 6347 §4.1): the last record's bytes change, its number does not.
        var changed = datagrams[index].payload
        changed[changed.count - 1] ^= 0x01
        let reused = ReplayChecker.check(datagrams + [Self.with(datagrams[index], payload: changed)], capture: "zeek, a DTLS number reused")
        #expect(reused.brokenRules["DTLS.record-sequence"] == 1)
        #expect(reused.findings.first?.frames == [datagrams[index].frame])
        #expect(reused.exitCode == 1)
        // The same datagram again, byte for byte: a copy by the network or the capture (RFC 6347 §4.1.2.6).
        let copied = ReplayChecker.check(datagrams + [datagrams[index]], capture: "zeek, a DTLS datagram repeated")
        #expect(Set(copied.brokenRules.keys) == ["DTLS.record-duplicate"])
        #expect(copied.exitCode == 0)
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
