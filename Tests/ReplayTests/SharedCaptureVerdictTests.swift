import Conformance
import Foundation
import Pcap
import Replay
import STUN
import Testing

/// Every capture in `../shared/captures` gets a verdict pinned here: the rules it breaks, how often, and
/// the flows found. Each finding is explained; a change in any of them is a change in the checker.
@Suite("Verdicts on the shared captures")
struct SharedCaptureVerdictTests {
    struct Verdict: CaptureCase {
        let capture: String
        let protection: RTPProtection
        let broken: [String: Int]
        /// (a, b, relayed through, packets per kind).
        let flows: [(String, String, Int?, [String: Int])]
    }

    static let verdicts: [Verdict] = [
        // SDES-keyed SRTP, one direction, 11,888 packets with no gap: clean.
        Verdict(
            capture: "gteissier_marseillaise-srtp.pcap", protection: .automatic, broken: [:],
            flows: [("10.1.1.1:10000", "10.2.2.2:10000", nil, ["rtp": 11888])]),
        Verdict(
            capture: "ndpi_stun.pcap", protection: .automatic,
            broken: [
                // Frame 195: Zoom's STUN on UDP 8801, whose FINGERPRINT does not verify (the README's real negative).
                "STUN.fingerprint-value": 1,
                // Frame 196: Zoom's proprietary packet on the same port starts in the DTLS range (RFC 7983) but is
                // not DTLS: the record header it reaches at offset 92 has version 0x000a.
                "DTLS.record-version": 1,
                // Frame 170: the Google server's Finished (epoch 1, record 0) is captured after its first
                // application-data record (epoch 1, record 1): reordering, not reuse.
                "DTLS.record-reorder": 1,
                // Frames 199 and 201: the last flow starts in the middle of a TURN session, so the ChannelBind
                // and Binding requests these answer precede the capture, and frame 200's channel was bound before it.
                "STUN.unmatched-response": 2, "TURN.channel-bound": 1,
                // Frame 30 resends frame 29's request after 2.9 ms; eight ICE checks through the TURN relay
                // (flows 3 and 5) get no answer in the capture: notes only.
                "STUN.retransmission": 1, "STUN.unanswered": 8,
            ],
            flows: [
                ("192.168.12.169:43016", "74.125.247.128:3478", nil, ["stun": 8]),
                ("[3516:bf0b:fc53:75e7:70af:f67f:8e49:f603]:56880", "[2a38:e156:8167:a333:face:b00c:0:24d9]:3478", nil, ["stun": 42]),
                ("192.168.12.169:38123", "31.13.86.54:40003", nil, ["stun": 57, "turn-channel": 18]),
                ("192.168.12.169:38123", "185.170.139.1:44459", 2, ["stun": 3]),
                ("192.168.12.169:38123", "185.170.139.1:12176", 2, ["rtcp": 11, "stun": 22]),
                ("192.168.12.169:38123", "185.170.139.1:42272", 2, ["stun": 15]),
                ("192.168.12.169:38123", "31.13.86.54:57556", 2, ["stun": 4]),
                ("192.168.12.169:49153", "142.250.82.99:3478", nil, ["dtls": 14, "rtcp": 3, "rtp": 6, "stun": 10]),
                ("192.168.43.169:48854", "134.224.90.111:8801", nil, ["dtls": 2, "stun": 2]),
                ("[2600:1900:4160:5999:0:19:0:0]:3478", "[2001:b07:a3d:c112:48a1:1094:1227:281e]:48094", nil, ["stun": 2, "turn-channel": 1]),
            ]),
        // Frame 9: the same Google server behaviour as ndpi_stun.pcap frame 170 (Finished after application data).
        Verdict(
            capture: "ndpi_stun_dtls_rtp.pcapng", protection: .automatic, broken: ["DTLS.record-reorder": 1],
            flows: [("192.168.12.156:37967", "142.250.82.76:19305", nil, ["dtls": 23, "rtcp": 1, "rtp": 11, "stun": 4])]),
        // Already-decrypted RTP (VP8, RFC 8285 extensions), read as plaintext: clean.
        Verdict(
            capture: "str0m_vp8.pcap", protection: .plain, broken: [:],
            flows: [("10.2.2.2:62132", "10.1.1.1:5443", nil, ["rtp": 104])]),
        // ICE over a LAN with a TURN allocation: ten requests to the TURN server (flow 0: Binding, Allocate,
        // CreatePermission) are retransmitted after 100–130 ms (RFC 8489 §6.2.1 RTO); three checks to candidates
        // on other addresses (flows 1, 2, 4) get no answer. RTP in both directions has no gap.
        Verdict(
            capture: "veondigital_webrtc_opus_p2p.pcap", protection: .automatic,
            broken: ["STUN.retransmission": 10, "STUN.unanswered": 3],
            flows: [
                ("192.168.1.142:51466", "54.175.233.40:3478", nil, ["stun": 44]),
                ("192.168.1.142:51466", "10.216.229.200:54116", nil, ["stun": 1]),
                ("192.168.1.142:51466", "79.173.86.242:57062", nil, ["stun": 1]),
                ("192.168.1.142:51466", "192.168.1.130:57062", nil, ["rtcp": 8, "rtp": 999, "stun": 60]),
                ("192.168.1.142:51466", "217.118.78.111:64325", nil, ["stun": 1]),
                ("192.168.1.142:51466", "54.175.233.40:57205", 0, ["stun": 4]),
            ]),
        // ICE checks and a DTLS 1.0 handshake with use_srtp: clean.
        Verdict(
            capture: "zeek_webrtc-stun.pcap", protection: .automatic, broken: [:],
            flows: [("192.168.6.82:51462", "74.201.205.9:43044", nil, ["dtls": 4, "stun": 10])]),
    ]

    static func report(_ verdict: Verdict) throws -> ReplayReport {
        let shared = try SharedFolder.locate(from: #filePath)
        return try ReplayChecker.check(
            capturePath: shared.capture(verdict.capture).path, name: verdict.capture,
            options: ReplayOptions(protection: verdict.protection))
    }

    @Test("Every shared capture has a pinned verdict")
    func everyCaptureCovered() throws {
        let files = try SharedFolder.locate(from: #filePath).captureFiles()
        #expect(Set(files) == Set(Self.verdicts.map(\.capture)))
    }

    @Test("The capture breaks exactly the pinned rules, with the pinned counts", arguments: verdicts)
    func rulesBroken(verdict: Verdict) throws {
        let report = try Self.report(verdict)
        #expect(report.brokenRules == verdict.broken, "\(report.text())")
    }

    @Test("The capture's flows are the pinned ones, with their packet counts per protocol", arguments: verdicts)
    func flows(verdict: Verdict) throws {
        let report = try Self.report(verdict)
        #expect(report.flows.count == verdict.flows.count)
        for (found, expected) in zip(report.flows, verdict.flows) {
            #expect(found.a == expected.0 && found.b == expected.1 && found.relayedThrough == expected.2)
            #expect(found.packets == expected.3, "flow \(found.id)")
        }
    }

    @Test("Only ndpi_stun.pcap breaks an error-severity rule, and only in Zoom's frames 195 and 196")
    func exitCodes() throws {
        for verdict in Self.verdicts {
            let report = try Self.report(verdict)
            let errorFrames = report.findings.filter { $0.rule.severity == .error }.flatMap(\.frames).sorted()
            #expect(errorFrames == (verdict.capture == "ndpi_stun.pcap" ? [195, 196] : []), "\(verdict.capture)")
            #expect(report.exitCode == (errorFrames.isEmpty ? 0 : 1))
        }
    }

    /// The README's counts: 13 of ndpi_stun.pcap's 14 FINGERPRINTs verify (frame 195 fails), all 10 of zeek's.
    /// They count datagrams as sent; the 44 STUN messages inside ndpi_stun.pcap's TURN relay all verify too.
    @Test("FINGERPRINT census: 13 of 14 in ndpi_stun.pcap (frame 195 fails), 10 of 10 in zeek's capture", arguments: [
        ("ndpi_stun.pcap", 14, [195], 44), ("zeek_webrtc-stun.pcap", 10, [], 0), ("ndpi_stun_dtls_rtp.pcapng", 4, [], 0),
    ] as [(String, Int, [Int], Int)])
    func fingerprintCensus(capture: String, outer: Int, failing: [Int], relayed: Int) throws {
        let shared = try SharedFolder.locate(from: #filePath)
        var demultiplexer = Demultiplexer()
        var outerCount = 0, relayedCount = 0
        var failed: [Int] = []
        for datagram in try CaptureReader(path: shared.capture(capture).path).udpDatagrams().datagrams {
            for packet in demultiplexer.packets(for: ReplayDatagram(datagram)) where packet.kind == .stun {
                guard let message = try? STUNMessage.parse(packet.payload, checkFingerprint: false) else { continue }
                let verification = message.verifyFingerprint()
                guard verification != .absent else { continue }
                if packet.encapsulation == .none { outerCount += 1 } else { relayedCount += 1 }
                if verification == .invalid { failed.append(packet.frame) }
            }
        }
        #expect(outerCount == outer)
        #expect(failed == failing)
        #expect(relayedCount == relayed)
        let report = try ReplayChecker.check(capturePath: shared.capture(capture).path)
        #expect(report.findings.first { $0.rule.id == "STUN.fingerprint-value" }?.frames ?? [] == failing)
    }
}
