import Conformance
import Replay
import Testing

/// The inventory of every capture in `../shared/captures` (origins in its README.md), judged with the
/// options of ``SharedCaptureVerdictTests``: ICE pairs, DTLS associations, media streams, data channels and
/// what stayed unjudged. One line per entry, so a change reads as a changed line.
///
/// Where the numbers were checked: RTP packets and loss against `tshark -q -z rtp,streams` (decoding the
/// flow as RTP where Wireshark does not by itself), bytes against the sum of `udp.length - 8` over the
/// stream's packets, Binding requests and responses per direction against `stun.type == 0x0001 / 0x0101`
/// counts, DTLS version and suite against the ServerHello's `dtls.record.version` and
/// `dtls.handshake.ciphersuite`. Jitter needs the codec's clock, known only for static payload types.
@Suite("Inventories of the shared captures")
struct SharedCaptureInventoryTests {
    struct Inventory: CaptureCase {
        let capture: String
        var icePairs: [String] = []
        var dtls: [String] = []
        var media: [String] = []
        var unjudged: [String] = []
    }

    static let inventories: [Inventory] = [
        // tshark: 0xDEADBEEF g711A, 11888 packets, 0 lost; 2,163,616 bytes. No ICE, no DTLS (SDES keys).
        Inventory(
            capture: "gteissier_marseillaise-srtp.pcap",
            media: ["[0] a->b SSRC 0xdeadbeef PT 8 PCMA/8000: 11888 packets, 2163616 B, 0 lost, jitter"],
            unjudged: ["11888 SRTP/SRTCP packet(s) from frame 1 not decrypted (no key for them): headers judged, payloads and RTCP reports not"]),
        // Flows 3–6 are relayed through coturn (flow 2); the client nominates on flow 4 (USE-CANDIDATE), Google's
        // server on flow 7, Zoom's web client on flow 8 (its one check of frame 195, whose FINGERPRINT fails).
        // Flow 7's DTLS: ServerHello (frame 166) DTLS 1.2, 0xc02f, use_srtp 0x0001. Flow 8: Zoom's web client sends
        // a ClientHello (frame 198) the capture holds no answer to, so version, suite and profile stay unknown.
        // tshark: 0xD3F9FD82 RTPType-111, 6 packets, 0 lost, 399 B.
        Inventory(
            capture: "ndpi_stun.pcap",
            icePairs: [
                "[3] 192.168.12.169:38123 -> 185.170.139.1:44459: 3 checks, 0 successes, 0 errors",
                "[4] 185.170.139.1:12176 -> 192.168.12.169:38123: 6 checks, 6 successes, 0 errors",
                "[4] 192.168.12.169:38123 -> 185.170.139.1:12176: 5 checks, 5 successes, 0 errors, nominated, 4 consent",
                "[5] 185.170.139.1:42272 -> 192.168.12.169:38123: 5 checks, 5 successes, 0 errors",
                "[5] 192.168.12.169:38123 -> 185.170.139.1:42272: 5 checks, 0 successes, 0 errors",
                "[6] 31.13.86.54:57556 -> 192.168.12.169:38123: 1 checks, 1 successes, 0 errors",
                "[6] 192.168.12.169:38123 -> 31.13.86.54:57556: 1 checks, 1 successes, 0 errors",
                "[7] 192.168.12.169:49153 -> 142.250.82.99:3478: 5 checks, 5 successes, 0 errors, nominated, 3 consent",
                "[8] 192.168.43.169:48854 -> 134.224.90.111:8801: 1 checks, 1 successes, 0 errors, nominated, 0 consent",
            ],
            dtls: [
                "[7] client a->b, DTLS 1.2, suite 0xc02f, SRTP_AES128_CM_HMAC_SHA1_80, certificates: client, server",
                "[8] client a->b, ?, suite ?, ?, certificates: none",
            ],
            media: ["[7] a->b SSRC 0xd3f9fd82 PT 111 unknown: 6 packets, 399 B, 0 lost, no jitter"],
            unjudged: [
                "12 protected DTLS record(s) from frame 167 not decrypted (no --keylog): SCTP, DCEP and DTLS-SRTP keys unjudged",
                "20 SRTP/SRTCP packet(s) from frame 102 not decrypted (no key for them): headers judged, payloads and RTCP reports not",
            ]),
        // tshark: 2 Binding requests from the client, 2 responses from Google; ServerHello 0xc02f, use_srtp 0x0008
        // (AEAD_AES_256_GCM). SSRC 0x6d1c3cfa (decoded as RTP on 37967): 11 packets, 980 B.
        Inventory(
            capture: "ndpi_stun_dtls_rtp.pcapng",
            icePairs: ["[0] 192.168.12.156:37967 -> 142.250.82.76:19305: 2 checks, 2 successes, 0 errors, nominated, 0 consent"],
            dtls: ["[0] client a->b, DTLS 1.2, suite 0xc02f, SRTP_AEAD_AES_256_GCM, certificates: client, server"],
            media: ["[0] a->b SSRC 0x6d1c3cfa PT 111 unknown: 11 packets, 980 B, 0 lost, no jitter"],
            unjudged: [
                "21 protected DTLS record(s) from frame 6 not decrypted (no --keylog): SCTP, DCEP and DTLS-SRTP keys unjudged",
                "12 SRTP/SRTCP packet(s) from frame 24 not decrypted (no key for them): headers judged, payloads and RTCP reports not",
            ]),
        // Plain RTP (judged with --rtp plain). tshark: 0xEEDF3944 RTPType-96, 104 packets, 0 lost; 64,655 B.
        Inventory(
            capture: "str0m_vp8.pcap",
            media: ["[0] a->b SSRC 0xeedf3944 PT 96 unknown: 104 packets, 64655 B, 0 lost, no jitter"],
            unjudged: ["104 clear RTP payload(s) of payload type(s) 96 from frame 1 not judged: no codec for them (--sdp or --payload-type)"]),
        // tshark: 192.168.1.142 sends 20 checks, all with USE-CANDIDATE, and answers 10; .130 sends 10 and answers 20.
        // Streams: 0x20C23467 501 packets (49,187 B), 0xE3B9FC5E 498 (47,704 B), neither losing any.
        Inventory(
            capture: "veondigital_webrtc_opus_p2p.pcap",
            icePairs: [
                "[1] 192.168.1.142:51466 -> 10.216.229.200:54116: 1 checks, 0 successes, 0 errors",
                "[2] 192.168.1.142:51466 -> 79.173.86.242:57062: 1 checks, 0 successes, 0 errors",
                "[3] 192.168.1.142:51466 -> 192.168.1.130:57062: 20 checks, 20 successes, 0 errors, nominated, 19 consent",
                "[4] 192.168.1.142:51466 -> 217.118.78.111:64325: 1 checks, 0 successes, 0 errors",
                "[3] 192.168.1.130:57062 -> 192.168.1.142:51466: 10 checks, 10 successes, 0 errors",
                "[5] 54.175.233.40:57205 -> 192.168.1.142:51466: 2 checks, 2 successes, 0 errors",
            ],
            media: [
                "[3] a->b SSRC 0x20c23467 PT 111 unknown: 501 packets, 49187 B, 0 lost, no jitter",
                "[3] b->a SSRC 0xe3b9fc5e PT 111 unknown: 498 packets, 47704 B, 0 lost, no jitter",
            ],
            unjudged: ["1007 SRTP/SRTCP packet(s) from frame 139 not decrypted (no key for them): headers judged, payloads and RTCP reports not"]),
        // tshark: 192.168.6.82 sends 2 checks and answers 3, 74.201.205.9 sends 3 and answers 2. The ClientHello comes
        // from 74.201.205.9 (b), the ServerHello (frame 11) picks 0xc00a in DTLS 1.0 (0xfeff) records.
        Inventory(
            capture: "zeek_webrtc-stun.pcap",
            icePairs: [
                "[0] 192.168.6.82:51462 -> 74.201.205.9:43044: 2 checks, 2 successes, 0 errors, nominated, 1 consent",
                "[0] 74.201.205.9:43044 -> 192.168.6.82:51462: 3 checks, 3 successes, 0 errors",
            ],
            dtls: ["[0] client b->a, DTLS 1.0, suite 0xc00a, SRTP_AES128_CM_HMAC_SHA1_80, certificates: client, server"],
            unjudged: ["2 protected DTLS record(s) from frame 13 not decrypted (no --keylog): SCTP, DCEP and DTLS-SRTP keys unjudged"]),
    ]

    static func line(_ pair: CandidatePairEntry) -> String {
        "[\(pair.flow)] \(pair.from) -> \(pair.to): \(pair.requests) checks, \(pair.successes) successes, \(pair.errors) errors"
            + (pair.nominated ? ", nominated, \(pair.consentChecks) consent" : "")
    }

    static func line(_ association: DTLSAssociationEntry) -> String {
        let certificates = association.certificates.keys.sorted().joined(separator: ", ")
        return "[\(association.flow)] client \(association.clientDirection), \(association.version ?? "?"), "
            + "suite \(association.cipherSuite ?? "?"), \(association.srtpProfile ?? "?"), certificates: \(certificates.isEmpty ? "none" : certificates)"
    }

    static func line(_ stream: MediaStreamEntry) -> String {
        let types = stream.payloadTypesInOrder.map { "PT \($0.payloadType) \($0.codec)" }.joined(separator: ", ")
        return "[\(stream.flow)] \(stream.direction) SSRC 0x\(String(stream.ssrc, radix: 16)) \(types): \(stream.packets) packets, "
            + "\(stream.bytes) B, \(stream.lost) lost, \(stream.jitterMilliseconds == nil ? "no jitter" : "jitter")"
    }

    @Test("The capture's inventory is the pinned one", arguments: inventories)
    func inventory(_ pinned: Inventory) throws {
        let verdict = try #require(SharedCaptureVerdictTests.verdicts.first { $0.capture == pinned.capture })
        let report = try SharedCaptureVerdictTests.report(verdict)
        let inventory = report.inventory
        #expect(inventory.icePairs.map(Self.line) == pinned.icePairs)
        #expect(inventory.dtlsAssociations.map(Self.line) == pinned.dtls)
        #expect(inventory.mediaStreams.map(Self.line) == pinned.media)
        // None of these captures can be decrypted to its SCTP, so none shows a data channel.
        #expect(inventory.dataChannels.isEmpty)
        #expect(inventory.mediaStreams.allSatisfy { !$0.isRetransmission })
        #expect(report.unjudged == pinned.unjudged)
    }

    @Test("Every shared capture has a pinned inventory")
    func everyCaptureCovered() throws {
        let files = try SharedFolder.locate(from: #filePath).captureFiles()
        #expect(Set(files) == Set(Self.inventories.map(\.capture)))
    }
}
