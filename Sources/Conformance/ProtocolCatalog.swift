public import Foundation
import Wire
import DTLSRecord
public import Fuzzing
import RTP
import SCTP
import SDP
import STUN

/// Every protocol Crucible decodes, and every input the project knows for each: the one list that
/// `crucible decode`, `crucible tour` and the corpus fuzz tests share.
public enum ProtocolCatalog {
    public static let entries: [ProtocolEntry] = [
        .codec(
            STUNCodec.self,
            invariants: [STUNInvariants.integrityComputedOnSerialisationVerifies],
            repair: STUNInvariants.repairFingerprint,
            checks: { message, _, options in STUNInvariants.checks(message, password: options.password) }),
        .codec(ChannelDataCodec.self),
        .codec(
            SCTPCodec.self,
            invariants: [SCTPInvariants.computedChecksumVerifies],
            repair: { SCTPPacket.withComputedChecksum($0) },
            checks: { packet, _, _ in SCTPInvariants.checks(packet) }),
        .codec(DCEPCodec.self),
        .codec(RTPCodec.self),
        .codec(SRTPCodec.self),
        .codec(RTCPCodec.self),
        .codec(SRTCPCodec.self),
        .codec(VP8PayloadCodec.self),
        .codec(OpusPayloadCodec.self),
        .codec(DTLSCodec.self),
        .codec(DTLSHandshakeCodec.self),
        .codec(SDPCodec.self),
        .codec(CandidateCodec.self),
    ]

    public static func entry(named name: String) -> ProtocolEntry? { entries.first { $0.name == name } }

    /// Targets that drive stateful pieces rather than one codec: the RTP receiver path (receiver,
    /// reorder buffer, depacketizer), the SRTP unprotect path, and the machines (issue 17): an SCTP
    /// association, the data channels over one, an ICE agent, a TURN client, and two peer connections
    /// driven through every order of the W3C calls; in a fuzzing build, the cross-layer targets too.
    public static let pathTargets: [FuzzTarget] = [
        RTPReceiverFuzzTarget.target, SRTPFuzzTarget.target,
        SCTPAssociationFuzzTarget.target, DataChannelsFuzzTarget.target, ICEAgentFuzzTarget.target, TURNClientFuzzTarget.target,
        PeerConnectionFuzzTarget.target, DTLSEndpointFuzzTarget.target, RTPSessionFuzzTarget.target,
        JSEPSignalingFuzzTarget.target,
    ] + CrossLayerFuzzTargets.targets

    /// Every fuzz target `crucible fuzz` and the libFuzzer binaries know: one per protocol, the paths,
    /// and the runner's planted-bug self-tests, which `all` leaves out.
    public static let fuzzTargets: [FuzzTarget] = entries.map(\.target) + pathTargets + plantedTargets

    /// The self-tests: the runner's planted STUN bugs, and a bug planted in each machine target's view of
    /// its machine, which its target must find (issue 17).
    public static let plantedTargets: [FuzzTarget] = PlantedBug.allCases.map(\.target) + [
        SCTPAssociationFuzzTarget.plantedTarget, DataChannelsFuzzTarget.plantedTarget, ICEAgentFuzzTarget.plantedTarget,
        TURNClientFuzzTarget.plantedTarget, PeerConnectionFuzzTarget.plantedTarget, DTLSEndpointFuzzTarget.plantedTarget,
        RTPSessionFuzzTarget.plantedTarget, JSEPSignalingFuzzTarget.plantedTarget,
    ]

    /// The targets `all` means: every protocol's and every path's.
    public static var protocolTargetNames: [String] { entries.map(\.name) + pathTargets.map(\.name).filter { !underTriage.keys.contains($0) } }

    /// What `all` means to the libFuzzer engine: the same, and the cross-layer targets, which its binary
    /// (a fuzzing build, `Scripts/build-fuzzers`) has even when this build does not.
    public static var libFuzzerTargetNames: [String] {
        protocolTargetNames + CrossLayerFuzzTargets.names.filter { !protocolTargetNames.contains($0) }
    }

    /// Targets whose first libFuzzer campaign (CI, 30 s each) found failures not yet triaged: their
    /// inputs are in `Corpus/<target>/crashes/`, each with the command that reproduces it. They run by
    /// name but stay out of `all`, so CI's short campaign judges the rest, until each input is either a
    /// machine bug fixed (and moved to `regressions/`) or a harness oracle corrected.
    /// Empty now: the six inputs of the first campaign were triaged (README, Corpus/<target>/README.md).
    public static let underTriage: [String: String] = [:]

    public static func fuzzTarget(named name: String) -> FuzzTarget? { fuzzTargets.first { $0.name == name } }

    /// Inputs that must be refused, by the rule that must refuse them: real-world negatives and
    /// third-party vectors that are themselves wrong (../shared/vectors/README.md names pion's RTCP
    /// lengths). A key is a case's whole name, the part of a vector's name before the ` — ` that starts
    /// the description in its heading, or, where headings share that part, a longer prefix that
    /// includes the ` — `.
    public static let knownNegatives: [(name: String, expectation: Expectation)] = [
        ("ndpi_stun.pcap#frame-195", .reject(
            rule: "STUN.fingerprint-value",
            because: "Zoom's STUN on UDP 8801 carries a FINGERPRINT that does not verify (captures README)")),
        ("ndpi_stun.pcap#frame-196", .reject(
            rule: "DTLS.record-version",
            because: "UDP to Zoom's port 8801 that starts like DTLS but is not: its first record's fields do not hold (RFC 6347 §4.1)")),
        ("sctp_packets.txt#aiortc sctp_data_truncated.bin", .reject(
            rule: "SCTP.chunk-length", because: "its DATA chunk claims 8 bytes where 4 are present (RFC 9260 §3.2)")),
        ("sctp_packets.txt#aiortc sctp_data_zero_length.bin", .reject(
            rule: "SCTP.chunk-length", because: "a chunk length of 0 is below the 4-byte chunk header (RFC 9260 §3.2)")),
        ("sctp_packets.txt#dcsctp DeserializePacketWithWrongChecksum", .reject(
            rule: "SCTP.checksum", because: "the CRC-32c is wrong (RFC 9260 §6.8)")),
        ("sctp_packets.txt#dcsctp AcceptsZeroSetZeroChecksum", .reject(
            rule: "SCTP.checksum",
            because: "a zero checksum is valid only once RFC 9653 zero-checksum was agreed; the codec's default is strict")),
        ("rtp_rtcp_packets.txt#SR (PT 200) — pion sender_report_test.go TestSenderReportUnmarshal/'valid'", .reject(rule: "RTCP.report-count", because: "pion's length field (7) is too short for the report block it carries (RFC 3550 §6.4.1); Wireshark agrees")),
        ("rtp_rtcp_packets.txt#SDES (PT 202) — pion source_description_test.go TestSourceDescriptionUnmarshal/'zero item chunk'", .reject(rule: "RTCP.length", because: "the length field does not match the bytes (RFC 3550 §6.4.1); Wireshark agrees")),
        ("rtp_rtcp_packets.txt#SDES (PT 202) — pion source_description_test.go TestSourceDescriptionUnmarshal/'empty string'", .reject(rule: "RTCP.length", because: "the length field does not match the bytes (RFC 3550 §6.4.1)")),
        ("rtp_rtcp_packets.txt#SDES (PT 202) — pion source_description_test.go TestSourceDescriptionUnmarshal/'two items'", .reject(rule: "RTCP.length", because: "the length field does not match the bytes (RFC 3550 §6.4.1)")),
        ("rtp_rtcp_packets.txt#SDES (PT 202) — pion source_description_test.go TestSourceDescriptionUnmarshal/'two chunks'", .reject(rule: "RTCP.length", because: "the length field does not match the bytes (RFC 3550 §6.4.1)")),
        ("rtp_rtcp_packets.txt#BYE (PT 203) — pion goodbye_test.go TestGoodbyeUnmarshal/'valid'", .reject(rule: "RTCP.length", because: "the length field does not match the bytes (RFC 3550 §6.4.1)")),
        ("rtp_rtcp_packets.txt#BYE (PT 203) — pion goodbye_test.go TestGoodbyeUnmarshal/'short reason'", .reject(rule: "RTCP.length", because: "the length field does not match the bytes (RFC 3550 §6.4.1)")),
        ("rtp_rtcp_packets.txt#APP (PT 204) — pion application_defined_test.go TestTApplicationPacketUnmarshal/'validWithPadding'", .reject(rule: "RTCP.app-data", because: "application data must be whole 32-bit words (RFC 3550 §6.7)")),
        ("rtp_rtcp_packets.txt#TWCC (PT 205 FMT 15) — pion transport_layer_cc_test.go TestTransportLayerCC_Unmarshal/'example2'", .reject(rule: "RTCP.twcc-status", because: "uses the reserved packet status symbol 3 (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1.1)")),
        ("rtp_rtcp_packets.txt#TWCC (PT 205 FMT 15) — pion transport_layer_cc_test.go TestTransportLayerCC_Unmarshal/'example3'", .reject(rule: "RTCP.padding", because: "P bit set with a padding count of 0 (RFC 3550 §6.4.1)")),
        ("rtp_rtcp_packets.txt#TWCC (PT 205 FMT 15) — pion transport_layer_cc_test.go TestTransportLayerCC_Unmarshal/'example5'", .reject(rule: "RTCP.twcc-deltas", because: "the padding overlaps the last receive delta")),
        ("rtp_rtcp_packets.txt#aiortc rtcp_bye_invalid.bin", .reject(rule: "RTCP.report-count", because: "promises 17 sources in a one-word packet (aiortc's own negative)")),
        ("rtp_rtcp_packets.txt#aiortc rtcp_psfb_invalid.bin", .reject(rule: "RTCP.feedback-length", because: "feedback without its media SSRC (RFC 4585 §6.1; aiortc's own negative)")),
        ("rtp_rtcp_packets.txt#aiortc rtcp_rr_invalid.bin", .reject(rule: "RTCP.report-count", because: "the length is too short for its report blocks (aiortc's own negative)")),
        ("rtp_rtcp_packets.txt#aiortc rtcp_rtpfb_invalid.bin", .reject(rule: "RTCP.feedback-length", because: "feedback without its media SSRC (RFC 4585 §6.1; aiortc's own negative)")),
        ("rtp_rtcp_packets.txt#aiortc rtcp_sdes_item_truncated.bin", .reject(rule: "RTCP.sdes-item", because: "an SDES item cut off (aiortc's own negative)")),
        ("rtp_rtcp_packets.txt#aiortc rtcp_sdes_source_truncated.bin", .reject(rule: "RTCP.sdes-item", because: "an SDES chunk cut off (aiortc's own negative)")),
        ("rtp_rtcp_packets.txt#aiortc rtcp_sr_invalid.bin", .reject(rule: "RTCP.length", because: "the length field does not match the bytes (aiortc's own negative)")),
        ("dcep_rfc8832.txt#DATA_CHANNEL_ACK", .reject(
            rule: "DCEP.ack-length", because: "pion's 4-byte ACK; RFC 8832 §5.2 defines DATA_CHANNEL_ACK as the single byte 0x02")),
    ]

    /// What a correct codec must do with the case of this name.
    public static func expectation(for name: String) -> Expectation {
        knownNegatives.first {
            name == $0.name || name.hasPrefix($0.name + " —") || ($0.name.contains(" — ") && name.hasPrefix($0.name))
        }?.expectation ?? .accept
    }

    /// Some vectors of a binary vector file: all of them, or those whose headings start with one of
    /// `headings` (a file may mix layers: whole datagrams, bare handshake messages, bare bodies).
    struct VectorSelection {
        let file: String
        var headings: [String]? = nil

        func includes(_ vector: HexVector) -> Bool {
            headings.map { $0.contains { vector.heading.hasPrefix($0) } } ?? true
        }
    }

    /// Binary vector files, in the `## heading` + hex layout `HexVectorFile` reads. Vector E of the
    /// DTLS file is a bare ClientHello body, which no codec takes alone; `Tests/DTLSRecordTests` checks it.
    static let hexVectorFiles: [String: [VectorSelection]] = [
        "stun": [VectorSelection(file: "stun_rfc5769.txt"), VectorSelection(file: "stun_rfc8489_appB1.txt")],
        "sctp": [VectorSelection(file: "sctp_packets.txt")],
        "dcep": [VectorSelection(file: "dcep_rfc8832.txt")],
        "dtls": [VectorSelection(file: "dtls_clienthello_use_srtp.txt", headings: ["A —", "B —", "C —"])],
        "dtls-handshake": [VectorSelection(file: "dtls_clienthello_use_srtp.txt", headings: ["D —"])],
    ]
    /// Text vectors: the SDP documents and trickled candidate lines of the `sdp_*.txt` files.
    static let sdpVectorKinds: [String: SDPVectorDocument.Kind] = [
        "sdp": .sessionDescription,
        "candidate": .candidate,
    ]

    /// A protocol's cases from `../shared/vectors`.
    static func vectorCases(for name: String, shared: SharedFolder) throws -> [ConformanceCase] {
        var cases: [ConformanceCase] = []
        for selection in hexVectorFiles[name] ?? [] {
            let file = selection.file
            for vector in HexVectorFile.vectors(file: file, text: try shared.vectorText(file)) where selection.includes(vector) {
                cases.append(ConformanceCase(
                    name: vector.name, source: .vectors(file), bytes: vector.bytes, expectation: expectation(for: vector.name)))
            }
        }
        if let routed = routedVectors[name] {
            for vector in HexVectorFile.vectors(file: routed.file, text: try shared.vectorText(routed.file)) where routed.belongs(vector.bytes) {
                cases.append(ConformanceCase(
                    name: vector.name, source: .vectors(routed.file), bytes: vector.bytes, expectation: expectation(for: vector.name)))
            }
        }
        if let kind = sdpVectorKinds[name] {
            for document in try SDPVectorDocument.load(from: shared) where document.kind == kind {
                cases.append(ConformanceCase(
                    name: document.name, source: .vectors(document.file), bytes: Array(document.text.utf8),
                    expectation: expectation(for: document.name)))
            }
        }
        return cases
    }
    /// Which capture datagrams a protocol judges: a RFC 7983 family, narrowed for RTP and RTCP (RFC 5761
    /// §4 splits them by payload type) and by whether the capture's media is encrypted.
    struct CaptureSelection: Sendable {
        let family: PacketFamily
        var accepts: @Sendable (CaptureDatagram) -> Bool = { _ in true }
    }

    /// The one capture whose RTP is in clear (str0m's decrypted VP8); every other capture carries SRTP.
    static let plaintextRTPCaptures: Set<String> = ["str0m_vp8.pcap"]

    static let captureSelections: [String: CaptureSelection] = [
        "stun": CaptureSelection(family: .stun),
        "channeldata": CaptureSelection(family: .turnChannel),
        "dtls": CaptureSelection(family: .dtls),
        "rtp": CaptureSelection(family: .rtp) {
            RTPMultiplexKind(datagram: $0.datagram.payload) == .rtp && plaintextRTPCaptures.contains($0.capture)
        },
        "srtp": CaptureSelection(family: .rtp) {
            RTPMultiplexKind(datagram: $0.datagram.payload) == .rtp && !plaintextRTPCaptures.contains($0.capture)
        },
        "srtcp": CaptureSelection(family: .rtp) { RTPMultiplexKind(datagram: $0.datagram.payload) == .rtcp },
    ]

    /// Binary vector files whose vectors go to one of two codecs by a rule of their own.
    static let routedVectors: [String: (file: String, belongs: @Sendable ([UInt8]) -> Bool)] = [
        "rtp": ("rtp_rtcp_packets.txt", { RTPMultiplexKind(datagram: $0) == .rtp }),
        "rtcp": ("rtp_rtcp_packets.txt", { RTPMultiplexKind(datagram: $0) == .rtcp }),
    ]

    /// The RFC 7983 family whose capture datagrams a protocol decodes, if any.
    /// Whether a protocol has datagrams to judge in captures.
    public static func readsCaptures(_ name: String) -> Bool { captureSelections[name] != nil }

    /// The capture datagrams a protocol judges, in capture then frame order.
    public static func captureDatagrams(for name: String, shared: SharedFolder) throws -> [CaptureDatagram] {
        guard let selection = captureSelections[name] else { return [] }
        return try CaptureDatagrams.all(selection.family, in: shared).filter(selection.accepts)
    }

    /// Every protocol's conformance inputs: shared vectors, then the corpus, then the shared captures.
    public static func suites(shared: SharedFolder, repositoryRoot: URL) throws -> [ProtocolSuite] {
        try entries.map { entry in
            var cases = try vectorCases(for: entry.name, shared: shared)
            for seed in try CorpusDirectory(repositoryRoot: repositoryRoot, target: entry.name).entries() {
                // The file's own name says it (a seed of `regressions/` too: a fixed bug whose input must be refused).
                let negative = seed.name.split(separator: "/").last?.hasPrefix("negative-") ?? false
                cases.append(ConformanceCase(
                    name: "Corpus/\(entry.name)/\(seed.name)", source: .corpus, bytes: seed.bytes,
                    expectation: negative ? .refuse(because: "a negative seed, named so") : .accept))
            }
            for found in try captureDatagrams(for: entry.name, shared: shared) {
                    cases.append(ConformanceCase(
                        name: found.name, source: .capture(found.capture), bytes: found.datagram.payload,
                        expectation: expectation(for: found.name)))
            }
            return ProtocolSuite(name: entry.name, target: entry.target, cases: cases)
        }
    }
}
