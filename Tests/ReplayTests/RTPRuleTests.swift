import RTP
import Replay
import Testing

@Suite("RTP rules")
struct RTPRuleTests {
    static let cases: [(String, [(UInt16, UInt32)], [String: Int])] = [
        ("consecutive sequence numbers and rising timestamps are clean", [(1, 0), (2, 160), (3, 320)], [:]),
        ("sequence numbers wrap at 2^16", [(65534, 0), (65535, 160), (0, 320), (1, 480)], [:]),
        ("timestamps wrap at 2^32", [(1, 0xFFFF_FF00), (2, 0x0000_0100)], [:]),
        ("a skipped number is a gap", [(1, 0), (2, 160), (5, 640)], ["RTP.sequence-gap": 1]),
        ("a number seen twice is a duplicate", [(1, 0), (2, 160), (2, 160)], ["RTP.sequence-duplicate": 1]),
        ("a late packet is reordering (and left a gap before it came)", [(1, 0), (3, 320), (2, 160)],
         ["RTP.sequence-gap": 1, "RTP.sequence-reorder": 1]),
        ("a timestamp going back as the sequence advances", [(1, 1000), (2, 500)], ["RTP.timestamp-monotonic": 1]),
        ("equal timestamps (one frame in several packets) are fine", [(1, 1000), (2, 1000), (3, 1000)], [:]),
    ]

    @Test("Sequence continuity and timestamp monotonicity per SSRC (RFC 3550 §A.1, §5.1)", arguments: cases)
    func sequence(name: String, packets: [(UInt16, UInt32)], broken: [String: Int]) {
        let traffic = packets.map { Traffic.aliceToBob(Traffic.rtp(sequence: $0.0, timestamp: $0.1)) }
        let report = Traffic.report(traffic)
        #expect(report.brokenRules == broken, "\(name)")
        #expect(report.exitCode == 0, "RTP sequence rules are warnings")
    }

    @Test("A padding-only probe sets no timestamp reference: the media after it is not 'before' it (RFC 3550 §5.1)")
    func paddingProbe() {
        // libwebrtc probes bandwidth with padding-only packets carrying the last media timestamp it sent,
        // which before any media is 0; the next media packet's timestamp is nothing to compare with.
        let probe = RTPPacket(
            header: RTPHeader(hasPadding: true, payloadType: 111, sequenceNumber: 9952, timestamp: 0xF000_0000, ssrc: 7),
            payload: [], padding: Array(repeating: 0, count: 32)
        ).serialize()
        let traffic = [Traffic.aliceToBob(probe), Traffic.aliceToBob(Traffic.rtp(sequence: 9953, timestamp: 1000, ssrc: 7))]
        #expect(Traffic.report(traffic).brokenRules == [:])
    }

    @Test("Retransmissions (an RTX payload type) carry their original's timestamp, which may go back (RFC 4588 §4)")
    func retransmissionTimestamps() {
        func packet(_ payloadType: UInt8, _ sequence: UInt16, _ timestamp: UInt32) -> Traffic.Sent {
            Traffic.aliceToBob(
                RTPPacket(header: RTPHeader(payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: 9), payload: [0, 1, 2])
                    .serialize())
        }
        let traffic = [packet(97, 1, 9000), packet(97, 2, 3000)]
        #expect(Traffic.report(traffic).brokenRules == ["RTP.timestamp-monotonic": 1], "without the descriptions, 97 is any payload type")
        let options = ReplayOptions(signalling: SignallingFixtures.media)
        #expect(Traffic.report(traffic, options: options).brokenRules["RTP.timestamp-monotonic"] == nil, "97 is rtx in the descriptions")
    }

    @Test("Each SSRC is followed on its own")
    func perSSRC() {
        var traffic: [Traffic.Sent] = []
        for index in 0..<4 {
            let step = UInt16(index)
            traffic.append(Traffic.aliceToBob(Traffic.rtp(sequence: 100 + step, timestamp: UInt32(step) * 160, ssrc: 1)))
            traffic.append(Traffic.aliceToBob(Traffic.rtp(sequence: 7000 + step, timestamp: UInt32(step) * 3000, ssrc: 2)))
        }
        #expect(Traffic.report(traffic).brokenRules == [:])
    }
}

@Suite("RTCP rules")
struct RTCPRuleTests {
    static let receiverReport: [UInt8] = [0x80, 201, 0, 1, 0, 0, 0, 1]
    static let cname: [UInt8] = [0x81, 202, 0, 3, 0, 0, 0, 1, 1, 2, 0x61, 0x62, 0, 0, 0, 0]
    static let bye: [UInt8] = [0x81, 203, 0, 1, 0, 0, 0, 1]

    @Test(
        "Plaintext compound RTCP follows RFC 3550 §6.1 (warnings); reduced-size RTCP (RFC 5506) is exempt",
        arguments: [
            ("RR + SDES CNAME", receiverReport + cname, [:]),
            ("RR + SDES CNAME + BYE", receiverReport + cname + bye, [:]),
            ("a lone BYE is reduced-size", bye, [:]),
            ("RR without CNAME", receiverReport, ["RTCP.compound-cname": 1]),
            ("SDES first", cname + receiverReport, ["RTCP.compound-first-packet": 1]),
            ("a report after the BYE of its SSRC", receiverReport + cname + bye + receiverReport, ["RTCP.compound-bye-last": 1]),
        ] as [(String, [UInt8], [String: Int])])
    func compound(name: String, bytes: [UInt8], broken: [String: Int]) {
        let report = Traffic.report([Traffic.aliceToBob(bytes)], options: ReplayOptions(protection: .plain))
        #expect(report.brokenRules == broken, "\(name): \(report.text())")
        #expect(report.exitCode == 0)
    }
}
