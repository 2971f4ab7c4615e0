public import Foundation
public import Wire
import DTLSRecord
import Fuzzing
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
        .codec(DTLSCodec.self),
        .codec(DTLSHandshakeCodec.self),
        .codec(SDPCodec.self),
        .codec(CandidateCodec.self),
    ]

    public static func entry(named name: String) -> ProtocolEntry? { entries.first { $0.name == name } }

    /// Inputs that must be refused, by the rule that must refuse them: real-world negatives and
    /// third-party vectors that are themselves wrong. A key is a case's whole name, or the part of a
    /// vector's name before the ` — ` that starts the description in its heading.
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
        ("dcep_rfc8832.txt#DATA_CHANNEL_ACK", .reject(
            rule: "DCEP.ack-length", because: "pion's 4-byte ACK; RFC 8832 §5.2 defines DATA_CHANNEL_ACK as the single byte 0x02")),
    ]

    /// What a correct codec must do with the case of this name.
    public static func expectation(for name: String) -> Expectation {
        knownNegatives.first { name == $0.name || name.hasPrefix($0.name + " —") }?.expectation ?? .accept
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
        if let kind = sdpVectorKinds[name] {
            for document in try SDPVectorDocument.load(from: shared) where document.kind == kind {
                cases.append(ConformanceCase(
                    name: document.name, source: .vectors(document.file), bytes: Array(document.text.utf8),
                    expectation: expectation(for: document.name)))
            }
        }
        return cases
    }
    static let captureFamilies: [String: PacketFamily] = [
        "stun": .stun,
        "channeldata": .turnChannel,
        "dtls": .dtls,
    ]

    /// The RFC 7983 family whose capture datagrams a protocol decodes, if any.
    public static func captureFamily(of name: String) -> PacketFamily? { captureFamilies[name] }

    /// Every protocol's conformance inputs: shared vectors, then the corpus, then the shared captures.
    public static func suites(shared: SharedFolder, repositoryRoot: URL) throws -> [ProtocolSuite] {
        try entries.map { entry in
            var cases = try vectorCases(for: entry.name, shared: shared)
            for seed in try CorpusDirectory(repositoryRoot: repositoryRoot, target: entry.name).entries() {
                let negative = seed.name.hasPrefix("negative-")
                cases.append(ConformanceCase(
                    name: "Corpus/\(entry.name)/\(seed.name)", source: .corpus, bytes: seed.bytes,
                    expectation: negative ? .refuse(because: "a negative seed, named so") : .accept))
            }
            if let family = captureFamilies[entry.name] {
                for found in try CaptureDatagrams.all(family, in: shared) {
                    cases.append(ConformanceCase(
                        name: found.name, source: .capture(found.capture), bytes: found.datagram.payload,
                        expectation: expectation(for: found.name)))
                }
            }
            return ProtocolSuite(name: entry.name, target: entry.target, cases: cases)
        }
    }
}
