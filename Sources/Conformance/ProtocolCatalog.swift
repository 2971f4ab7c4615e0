public import Foundation
public import Wire
import Fuzzing
import STUN

/// Every protocol Crucible decodes, and every input the project knows for each: the one list that
/// `crucible decode`, `crucible tour` and the corpus fuzz tests share.
public enum ProtocolCatalog {
    public static let entries: [ProtocolEntry] = [
        .codec(
            STUNCodec.self,
            invariants: [STUNInvariants.integrityComputedOnSerialisationVerifies],
            checks: { message, _, options in STUNInvariants.checks(message, password: options.password) }),
        .codec(ChannelDataCodec.self),
    ]

    public static func entry(named name: String) -> ProtocolEntry? { entries.first { $0.name == name } }

    /// Inputs that must be refused, by the rule that must refuse them: real-world negatives.
    public static let knownNegatives: [String: Expectation] = [
        "ndpi_stun.pcap#frame-195": .reject(
            rule: "STUN.fingerprint-value",
            because: "Zoom's STUN on UDP 8801 carries a FINGERPRINT that does not verify (captures README)"),
    ]

    /// Where each protocol's vectors and capture messages come from.
    static let vectorFiles: [String: [String]] = [
        "stun": ["stun_rfc5769.txt", "stun_rfc8489_appB1.txt"],
    ]
    static let captureFamilies: [String: PacketFamily] = [
        "stun": .stun,
        "channeldata": .turnChannel,
    ]

    /// The RFC 7983 family whose capture datagrams a protocol decodes, if any.
    public static func captureFamily(of name: String) -> PacketFamily? { captureFamilies[name] }

    /// Every protocol's conformance inputs: shared vectors, then the corpus, then the shared captures.
    public static func suites(shared: SharedFolder, repositoryRoot: URL) throws -> [ProtocolSuite] {
        try entries.map { entry in
            var cases: [ConformanceCase] = []
            for file in vectorFiles[entry.name] ?? [] {
                for vector in HexVectorFile.vectors(file: file, text: try shared.vectorText(file)) {
                    cases.append(ConformanceCase(name: vector.name, source: .vectors(file), bytes: vector.bytes))
                }
            }
            for seed in try CorpusDirectory(repositoryRoot: repositoryRoot, target: entry.name).entries() {
                cases.append(ConformanceCase(name: "Corpus/\(entry.name)/\(seed.name)", source: .corpus, bytes: seed.bytes))
            }
            if let family = captureFamilies[entry.name] {
                for found in try CaptureDatagrams.all(family, in: shared) {
                    cases.append(ConformanceCase(
                        name: found.name, source: .capture(found.capture), bytes: found.datagram.payload,
                        expectation: knownNegatives[found.name] ?? .accept))
                }
            }
            return ProtocolSuite(name: entry.name, target: entry.target, cases: cases)
        }
    }
}
