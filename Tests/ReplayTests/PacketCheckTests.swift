import Replay
import STUN
import Testing

@Suite("Per-packet decoding")
struct PacketCheckTests {
    static func packet(_ payload: [UInt8]) -> ReplayPacket {
        ReplayPacket(frame: 7, timestampNanoseconds: 0, flow: 0, direction: .aToB, kind: PacketKind(payload: payload), payload: payload)
    }

    @Test("A packet its codec accepts and re-serialises exactly has no finding")
    func clean() {
        let (decoded, findings) = PacketDecoder().decode(Self.packet(Traffic.stun(.bindingRequest, 1)))
        #expect(findings.isEmpty)
        guard case .stun = decoded.content else { Issue.record("not decoded as STUN"); return }
    }

    @Test("A wrong FINGERPRINT is a finding under the codec's rule, and the message still reaches the stateful rules")
    func wrongFingerprint() {
        var bytes = Traffic.stun(.bindingRequest, 1)
        bytes[bytes.count - 1] ^= 0xFF
        let (decoded, findings) = PacketDecoder().decode(Self.packet(bytes))
        #expect(findings.map(\.rule.id) == ["STUN.fingerprint-value"])
        #expect(findings.first?.rule.reference == "RFC 8489 §14.7")
        #expect(findings.first?.frame == 7)
        guard case .stun = decoded.content else { Issue.record("not decoded as STUN"); return }
    }

    @Test("A packet its codec refuses is a finding with the codec's rule id and the offset")
    func refused() {
        // A STUN header with a wrong magic cookie (RFC 8489 §5).
        let bytes: [UInt8] = [0, 1, 0, 0, 0x21, 0x12, 0xA4, 0x43] + Array(repeating: 0, count: 12)
        let (decoded, findings) = PacketDecoder().decode(Self.packet(bytes))
        #expect(findings.map(\.rule.id) == ["STUN.magic-cookie"])
        #expect(findings.first?.detail.contains("offset 4") == true)
        #expect(decoded.content == .undecoded)
    }

    @Test("ZRTP-range and unclassifiable payloads are unexpected (RFC 7983 §7)", arguments: [[0x10, 0, 0, 0], [0xFF, 0]] as [[UInt8]])
    func unexpected(payload: [UInt8]) {
        let (_, findings) = PacketDecoder().decode(Self.packet(payload))
        #expect(findings.map(\.rule.id) == ["Demux.unexpected"])
    }

    @Test("RTCP is read as plaintext when it parses as a compound packet and as SRTCP otherwise")
    func rtcpProtection() {
        // A receiver report without report blocks (RFC 3550 §6.4.2): 8 bytes, length field 1.
        let plain: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]
        let (decoded, findings) = PacketDecoder().decode(Self.packet(plain))
        #expect(findings.isEmpty)
        guard case .rtcp = decoded.content else { Issue.record("not read as RTCP"); return }
        let (secure, secureFindings) = PacketDecoder().decode(Self.packet(plain + [0x80, 0, 0, 1] + Array(repeating: 0xAA, count: 10)))
        #expect(secureFindings.isEmpty)
        guard case .srtcp = secure.content else { Issue.record("not read as SRTCP"); return }
    }
}
