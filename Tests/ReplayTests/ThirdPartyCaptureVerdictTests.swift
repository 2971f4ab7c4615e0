import Replay
import Testing

/// nDPI 4.2's test captures (`tests/pcap/` of ntop's nDPI, LGPL-3.0, from Debian's `ndpi_4.2.orig.tar.gz`,
/// fetched by `Scripts/bootstrap` into `.captures-thirdparty/ndpi-4.2/`) judged with pinned verdicts: real
/// calls of Teams, Skype, Hangouts, WhatsApp, Signal, Facebook, Snapchat, Viber, Telegram, Webex and Zoom,
/// DTLS captures, and UDP that is not WebRTC. Per capture: the class tally of its flows, the rules broken
/// and how often, no finding on a flow that is not WebRTC, and no error-severity rule broken. Every
/// finding is explained where it is pinned; frame numbers are Wireshark's.
@Suite("Verdicts on nDPI's test captures")
struct ThirdPartyCaptureVerdictTests {
    struct Verdict: CaptureCase {
        let capture: String
        /// ``CaptureClassification/tally``: flows, WebRTC, skipped by protocol, unrecognised.
        let tally: String
        var broken: [String: Int] = [:]
    }

    static let verdicts: [Verdict] = [
        // MARK: Real calls

        // Teams (flows 26–39): Microsoft's relays speak MS-TURN; 18 of the 20 Vendor.microsoft warnings are Allocate
        // requests (8), success (6) and error (4) responses with MS-VERSION / the old MAGIC-COOKIE attribute, the
        // responses unpadded (frame 2489: length 167); the other 2 (frames 2685, 2688) are Binding success responses behind Microsoft's 12-byte 0xFF header.
        // Frames 2519 and 2542: Allocate answers from 52.114.250.123 to requests sent to .141 and .137 (frames 2494,
        // 2520), so no request on their own flow (RFC 8489 §6.3). The checks to 192.168.0.4 (frames 2665, 2666) are
        // resent every ~305 ms four times each (8 notes) and never answered; with frames 2682, 2683 (the relays'
        // checks to the client) and 2756, 5 requests go unanswered. Flows 29 and 31 hold only MS-TURN (skipped,
        // Microsoft); flow 25 (52.114.77.136:3478, STUN 11 and 20 others without ICE or TURN) and a Spotify
        // broadcast stay unrecognised. Earlier hand checks also found 0 errors.
        Verdict(
            capture: "teams.pcap", tally: "40 flows: webRTC 10, skipped 28 [DHCP 2, DNS 22, Dropbox LAN sync 2, Microsoft 2], unrecognised 2",
            broken: ["Vendor.microsoft": 20, "STUN.unmatched-response": 2, "STUN.retransmission": 8, "STUN.unanswered": 5]),
        // Signal's traffic here is TLS over TCP (628 of 637 frames); its UDP is DHCP and DNS only.
        Verdict(capture: "signal.pcap", tally: "3 flows: webRTC 0, skipped 3 [DHCP 1, DNS 2], unrecognised 0"),
        // Signal over ICE: 23 candidate pairs checked every ~250 ms while ICE runs; 82 retransmissions (RFC 8489
        // §6.2.1) and 12 checks never answered (frames 3, 6, 12, 13, 57, 62, 66, 68, 291–293, 305), notes only.
        Verdict(
            capture: "stun_signal.pcapng", tally: "23 flows: webRTC 23, skipped 0 [], unrecognised 0",
            broken: ["STUN.retransmission": 82, "STUN.unanswered": 12]),
        // Messenger: 8 checks on flows 1 and 3 (frames 11, 12, 31, 33, 35, 43, 58, 68) get no answer in the capture.
        Verdict(capture: "stun_facebook.pcapng", tally: "5 flows: webRTC 5, skipped 0 [], unrecognised 0", broken: ["STUN.unanswered": 8]),
        // Skype's ICE: frames 5 and 7 resend the checks of frames 2 and 1 after 55 and 100 ms.
        Verdict(capture: "skype-conference-call.pcap", tally: "1 flows: webRTC 1, skipped 0 [], unrecognised 0", broken: ["STUN.retransmission": 2]),
        // Hangouts: only Google's side (74.125.134.127:19305) was captured, 19 Binding success responses whose
        // requests are not in the file (frames 1–19).
        Verdict(capture: "hangout.pcap", tally: "1 flows: webRTC 1, skipped 0 [], unrecognised 0", broken: ["STUN.unmatched-response": 19]),
        // WhatsApp video: 121 Vendor.whatsapp = Allocate requests and answers with its 0x4000 attributes (frames 23–32,
        // length 106 unpadded), its relay's ASCII "health" / "OK" checks (frames 84 and 87, 5 of each) and 17 RTCP-framed
        // type-199 packets of 20 bytes that are not SRTCP (frame 111). Allocate requests of frames 26, 28, 30 and
        // checks on flows 8 and 9 go unanswered (25 notes). On SSRC 0xdec0b0a1 (PT 120, 320 ticks a packet) the
        // timestamps step back 10 packets at sequence 37, 50, 54, 57 (frames 279, 293, 362, 389: WhatsApp resends
        // earlier audio under new numbers); frame 569 repeats sequence 52 of frame 295, 2.9 s later; sequences
        // 75–86, 107 and 109–144 are in no flow of the capture (frames 717, 845, 1144: 3 gaps).
        Verdict(
            capture: "wa_video.pcap", tally: "13 flows: webRTC 7, skipped 5 [DHCP 1, Dropbox LAN sync 1, SSDP 3], unrecognised 1",
            broken: [
                "Vendor.whatsapp": 121, "STUN.unanswered": 25, "RTP.timestamp-monotonic": 4, "RTP.sequence-duplicate": 1, "RTP.sequence-gap": 3,
            ]),
        // WhatsApp voice: 67 Vendor.whatsapp (0x4000 attributes from frame 215, and 9 "health" / "OK" pairs from
        // frame 384); 22 requests unanswered (Allocates of frames 218–224, checks from frame 465).
        Verdict(
            capture: "wa_voice.pcap", tally: "21 flows: webRTC 7, skipped 13 [DHCP 1, DNS 4, Dropbox LAN sync 1, SSDP 5, mDNS 2], unrecognised 1",
            broken: ["Vendor.whatsapp": 67, "STUN.unanswered": 22]),
        // WhatsApp sends each Allocate twice within 0.1 ms (frames 219 and 220: same transaction, new IP id): 16 notes;
        // 28 checks on flows 12, 27 and 28 get no answer.
        Verdict(
            capture: "whatsapp_login_call.pcap", tally: "29 flows: webRTC 20, skipped 8 [DHCP 1, DNS 2, Dropbox LAN sync 1, mDNS 4], unrecognised 1",
            broken: ["Vendor.whatsapp": 80, "STUN.retransmission": 16, "STUN.unanswered": 28]),
        // 44 Vendor.whatsapp (attributes 0x4000 and 0x4002 from frame 26); Allocates resent after 200–340 ms (frame 28 on).
        Verdict(
            capture: "whatsapp_voice_and_message.pcap", tally: "8 flows: webRTC 8, skipped 0 [], unrecognised 0",
            broken: ["Vendor.whatsapp": 44, "STUN.retransmission": 9]),
        // Webex: 22 SIP datagrams on UDP 5060 and 14 of its own on 9000 (no ICE, DTLS, TURN or RTP stream): never judged;
        // the rest of the capture is TCP.
        Verdict(capture: "webex.pcap", tally: "2 flows: webRTC 0, skipped 0 [], unrecognised 2"),
        // Zoom's client: its SFU encapsulation on 8801 and RFC 3489 STUN, both skipped, naming them.
        Verdict(
            capture: "zoom.pcap", tally: "17 flows: webRTC 0, skipped 15 [DHCP 1, DNS 6, SSDP 1, STUN (RFC 3489) 3, Zoom 3, mDNS 1], unrecognised 2"),
        // 11,977 frames of Zoom media on 8801, three flows, all skipped as Zoom's.
        Verdict(capture: "zoom2.pcap", tally: "3 flows: webRTC 0, skipped 3 [Zoom 3], unrecognised 0"),
        // Viber's and Telegram's own media transports, and Snapchat's call over QUIC: nothing is WebRTC.
        Verdict(capture: "viber.pcap", tally: "14 flows: webRTC 0, skipped 9 [DNS 8, mDNS 1], unrecognised 5"),
        Verdict(capture: "snapchat_call.pcapng", tally: "1 flows: webRTC 0, skipped 1 [QUIC 1], unrecognised 0"),
        Verdict(
            capture: "telegram.pcap",
            tally: "48 flows: webRTC 0, skipped 31 [DHCP 2, DNS 9, Dropbox LAN sync 2, NetBIOS-DGM 1, NetBIOS-NS 1, QUIC 2, SSDP 5, mDNS 9], unrecognised 17"),
        // TCP only: no UDP flow at all.
        Verdict(capture: "facebook.pcap", tally: "0 flows: webRTC 0, skipped 0 [], unrecognised 0"),

        // MARK: DTLS

        // Frame 2 is frame 1 again, byte for byte (same IP id, same time): a copy, not a reused number (RFC 6347 §4.1.2.6).
        Verdict(capture: "dtls.pcap", tally: "1 flows: webRTC 1, skipped 0 [], unrecognised 0", broken: ["DTLS.record-duplicate": 1]),
        Verdict(capture: "dtls2.pcap", tally: "1 flows: webRTC 1, skipped 0 [], unrecognised 0"),
        Verdict(capture: "dtls_certificate_fragments.pcap", tally: "1 flows: webRTC 1, skipped 0 [], unrecognised 0"),
        Verdict(capture: "dtls_session_id_and_coockie_both.pcap", tally: "1 flows: webRTC 1, skipped 0 [], unrecognised 0"),

        // MARK: UDP that is not WebRTC

        // Google QUIC on 443 without the QUIC shape the classifier knows: unrecognised, so never judged.
        Verdict(capture: "quic.pcap", tally: "10 flows: webRTC 0, skipped 0 [], unrecognised 10"),
        Verdict(capture: "dns_ambiguous_names.pcap", tally: "10 flows: webRTC 0, skipped 10 [DNS 10], unrecognised 0"),
        Verdict(capture: "dns_fragmented.pcap", tally: "19 flows: webRTC 0, skipped 19 [DNS 19], unrecognised 0"),
        Verdict(capture: "ssdp-m-search.pcap", tally: "1 flows: webRTC 0, skipped 0 [], unrecognised 1"),
        Verdict(capture: "NTPv4.pcap", tally: "1 flows: webRTC 0, skipped 1 [NTP 1], unrecognised 0"),
        Verdict(capture: "netbios.pcap", tally: "14 flows: webRTC 0, skipped 14 [NetBIOS-DGM 2, NetBIOS-NS 12], unrecognised 0"),
        Verdict(capture: "syslog.pcapng", tally: "7 flows: webRTC 0, skipped 7 [Syslog 7], unrecognised 0"),
        Verdict(capture: "teredo.pcap", tally: "5 flows: webRTC 0, skipped 0 [], unrecognised 5"),
        // GTP-U whose first byte looks like a DTLS 1.3 unified header: not WebRTC (nDPI's own false-positive case).
        Verdict(capture: "gtp_false_positive.pcapng", tally: "3 flows: webRTC 0, skipped 0 [], unrecognised 3"),
        Verdict(capture: "wireguard.pcap", tally: "1 flows: webRTC 0, skipped 0 [], unrecognised 1"),
        Verdict(capture: "steam_datagram_relay_ping.pcapng", tally: "1 flows: webRTC 0, skipped 0 [], unrecognised 1"),
        Verdict(capture: "dhcp-fuzz.pcapng", tally: "1 flows: webRTC 0, skipped 1 [DHCP 1], unrecognised 0"),
    ]

    @Test(
        "The capture's flows are classed as pinned, it breaks exactly the pinned rules, none on a flow that is not WebRTC, and no error",
        arguments: verdicts)
    func verdict(_ verdict: Verdict) throws {
        let path = try ThirdPartyCaptures.ndpi.path(verdict.capture)
        let classification = try CaptureClassification(path: path)
        #expect(classification.tally == verdict.tally)
        let report = try ReplayChecker.check(capturePath: path, name: verdict.capture)
        #expect(report.brokenRules == verdict.broken, "\(report.text())")
        // Only WebRTC flows are judged: a finding's flow, or every flow of its frame when it names none
        // (TURN.channel-bound), is WebRTC.
        for rule in report.findings {
            for occurrence in rule.occurrences {
                let flows = occurrence.flow.map { [$0] } ?? Array(classification.flowsOfFrame[occurrence.frame] ?? [])
                let classes = flows.map { flow in report.flows.first { $0.id == flow }?.classification }
                #expect(
                    !classes.isEmpty && classes.allSatisfy { $0?.isJudged == true },
                    "\(rule.rule.id) at frame \(occurrence.frame) on flows \(flows): \(classes)")
            }
        }
        // Vendors' deviations are warnings; what is left of these real stacks breaks no error-severity rule.
        #expect(report.exitCode == 0, "\(report.findings.filter { $0.rule.severity == .error }.map(\.rule.id))")
    }

    @Test("Every capture Scripts/bootstrap extracts has a verdict, and every verdict's capture is extracted")
    func everyCapturePinned() throws {
        #expect(Set(try ThirdPartyCaptures.bootstrapList()) == Set(Self.verdicts.map(\.capture)))
        #expect(Self.verdicts.count == 33)
    }
}
