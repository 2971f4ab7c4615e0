import Conformance
import Replay
import Testing

/// Each flow of the shared captures (`../shared/captures`) pinned to its class: which are WebRTC, on
/// what evidence, and that none is skipped or left unrecognised.
@Suite("Flow classes of the shared captures")
struct SharedCaptureClassificationTests {
    struct Pinned: CaptureCase {
        let capture: String
        /// The start of each flow's WebRTC evidence, in flow order.
        let evidence: [String]
    }

    static let pinned: [Pinned] = [
        // An SDES-keyed SRTP stream with no ICE or DTLS: the RTP-stream rule.
        Pinned(capture: "gteissier_marseillaise-srtp.pcap", evidence: ["RTP stream: SSRC 0xdeadbeef, 11888 packets"]),
        Pinned(
            capture: "ndpi_stun.pcap",
            evidence: [
                "TURN Allocate request (frame 17)",  // Google's TURN (frame 1 is a plain Binding; TURN is the stronger evidence)
                "STUN Binding request with the magic cookie",  // a server query over IPv6, nothing else
                "TURN Allocate request (frame 67)",  // coturn, relaying flows 3–6
                "relayed through TURN on flow 2", "relayed through TURN on flow 2", "relayed through TURN on flow 2", "relayed through TURN on flow 2",
                "ICE Binding request with USERNAME/PRIORITY/ICE-CONTROLLING (frame 162)",
                // Zoom's web client on UDP 8801 speaks standard ICE and DTLS: WebRTC, no Zoom variant.
                "ICE Binding request with USERNAME/PRIORITY/ICE-CONTROLLING/USE-CANDIDATE (frame 195)",
                "TURN ChannelBind success response (frame 199)",  // starts mid-session
            ]),
        Pinned(capture: "ndpi_stun_dtls_rtp.pcapng", evidence: ["ICE Binding request with USERNAME/PRIORITY/ICE-CONTROLLING (frame 1)"]),
        // Already-decrypted RTP: the RTP-stream rule.
        Pinned(capture: "str0m_vp8.pcap", evidence: ["RTP stream: SSRC 0xeedf3944, 104 packets"]),
        Pinned(
            capture: "veondigital_webrtc_opus_p2p.pcap",
            evidence: [
                "TURN Allocate request (frame 31)", "ICE Binding request", "ICE Binding request", "ICE Binding request", "ICE Binding request",
                "relayed through TURN on flow 0",
            ]),
        Pinned(capture: "zeek_webrtc-stun.pcap", evidence: ["ICE Binding request with USERNAME/PRIORITY/ICE-CONTROLLING/USE-CANDIDATE (frame 1)"]),
    ]

    @Test("Every flow of a shared capture is WebRTC, on the pinned evidence", arguments: pinned)
    func flows(pinned: Pinned) throws {
        let shared = try SharedFolder.locate(from: #filePath)
        let result = try CaptureClassification(path: shared.capture(pinned.capture).path)
        #expect(result.classes.count == pinned.evidence.count, "\(result.classes)")
        for (index, (flowClass, expected)) in zip(result.classes, pinned.evidence).enumerated() {
            guard case .webRTC(let evidence) = flowClass, evidence.hasPrefix(expected) else {
                Issue.record("flow \(index): \(flowClass), expected evidence starting \(expected)")
                continue
            }
        }
        #expect(result.deviations.isEmpty, "\(result.deviations)")
    }

    @Test("Every shared capture has pinned classes")
    func allPinned() throws {
        let files = try SharedFolder.locate(from: #filePath).captureFiles()
        #expect(Set(files) == Set(Self.pinned.map(\.capture)))
    }
}
