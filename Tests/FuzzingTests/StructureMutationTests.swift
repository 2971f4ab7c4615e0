import Conformance
import Foundation
import Fuzzing
import Testing
import Wire

/// Every codec's structure-aware mutator and dictionary (DESIGN §4), over its corpus with a fixed seed.
///
/// A mutant "passes the first gate" when its target accepts it or refuses it for a rule other than the
/// framing rules below (truncation, header lengths, magic values, checksums): those are what havoc
/// mutants break, and what a structure-aware mutant exists to get past.
@Suite("Structure-aware mutators and dictionaries")
struct StructureMutationTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The first gate of each target: rules that refuse input whose framing is broken.
    static let framingRules: [String: Set<String>] = [
        "stun": ["STUN.truncated", "STUN.leading-zero-bits", "STUN.magic-cookie", "STUN.length-multiple-of-4",
                 "STUN.length-matches-datagram", "STUN.attribute-within-message", "STUN.fingerprint-value"],
        "channeldata": ["STUN.truncated", "TURN.channeldata-length"],
        "sctp": ["SCTP.truncated", "SCTP.checksum", "SCTP.no-chunks", "SCTP.chunk-length", "SCTP.padding"],
        "dcep": ["DCEP.truncated", "DCEP.label-length", "DCEP.protocol-length", "DCEP.trailing-bytes"],
        "rtp": ["RTP.truncated", "RTP.version", "RTP.padding", "RTP.csrc-list", "RTP.extension-length"],
        "srtp": ["RTP.truncated", "RTP.version", "RTP.padding", "RTP.csrc-list", "RTP.extension-length"],
        "rtcp": ["RTCP.truncated", "RTCP.version", "RTCP.length", "RTCP.padding"],
        "srtcp": ["RTCP.truncated", "RTCP.version", "RTCP.length", "RTCP.padding", "RTCP.srtcp-trailer"],
        "vp8": ["VP8.truncated"],
        "opus": ["Opus.truncated", "Opus.empty"],
        "dtls": ["DTLS.truncated", "DTLS.record-version", "DTLS.record-length"],
        "dtls-handshake": ["DTLS.truncated", "DTLS.handshake-fragment-range", "DTLS.handshake-fragment-length"],
        "sdp": ["SDP.truncated", "SDP.invalid-utf8", "SDP.line-syntax"],
        "candidate": ["SDP.truncated", "SDP.invalid-utf8"],
    ]

    /// The share of mutants past the first gate, as measured with seed 4 and 3000 mutants (stun 100 %,
    /// channeldata 100 %, sctp 92 %, dcep 99 %, rtp 100 %, srtp 100 %, rtcp 86 %, srtcp 100 %, vp8 100 %,
    /// opus 100 %, dtls 88 %, dtls-handshake 94 %, sdp 99 %, candidate 100 %), less about ten points:
    /// a floor, so a mutator that regresses into producing garbage fails here.
    static let acceptanceFloors: [String: Double] = [
        "stun": 0.9, "channeldata": 0.9, "sctp": 0.8, "dcep": 0.9, "rtp": 0.9, "srtp": 0.9, "rtcp": 0.75,
        "srtcp": 0.9, "vp8": 0.9, "opus": 0.9, "dtls": 0.75, "dtls-handshake": 0.8, "sdp": 0.9, "candidate": 0.9,
    ]

    /// One token each dictionary must hold, because the protocol cannot be spoken without it.
    static let requiredTokens: [String: [UInt8]] = [
        "stun": [0x21, 0x12, 0xA4, 0x42],  // the magic cookie, RFC 8489 §5
        "channeldata": [0x40, 0x00],  // the first channel number, RFC 8656 §12
        "sctp": [0x00],  // DATA's chunk type, RFC 9260 §3.2
        "dcep": [0x03],  // DATA_CHANNEL_OPEN, RFC 8832 §8.2.1
        "rtp": [0xBE, 0xDE],  // the one-byte header extension profile, RFC 8285 §4.2
        "srtp": [0xBE, 0xDE],
        "rtcp": [0x80, 0xC8],  // V=2 and SR's packet type 200, RFC 3550 §6.4.1
        "srtcp": [0x80, 0xC8],
        "vp8": [0x90],  // X and S set, RFC 7741 §4.2
        "opus": [0xFC],  // config 31, stereo, one frame: RFC 6716 §3.1
        "dtls": [0xFE, 0xFD],  // DTLS 1.2's version, RFC 6347 §4.1
        "dtls-handshake": [0x01],  // client_hello, RFC 6347 §4.3.2
        "sdp": Array("a=rtpmap:".utf8),
        "candidate": Array(" typ host".utf8),
    ]

    static let mutantsPerTarget = 3000

    static func acceptedSeeds(of target: FuzzTarget) throws -> [[UInt8]] {
        try CorpusDirectory(repositoryRoot: repositoryRoot, target: target.corpusName).entries()
            .map(\.bytes).filter { target.run($0) == .accepted }
    }

    @Test("Each codec's mutator changes accepted seeds, keeps a healthy share past the first gate, and never breaks an oracle",
          arguments: ProtocolCatalog.entries.map(\.name))
    func mutants(target name: String) throws {
        let target = try #require(ProtocolCatalog.fuzzTarget(named: name))
        let mutate = try #require(target.mutate, "\(name) has no structure-aware mutator")
        let seeds = try Self.acceptedSeeds(of: target)
        try #require(!seeds.isEmpty, "Corpus/\(name)/ has no accepted seeds")
        let gate = try #require(Self.framingRules[name])
        var generator = SeededGenerator(seed: 4)
        var produced = 0, changed = 0, pastGate = 0, accepted = 0
        var refusals: [String: Int] = [:]
        for index in 0..<Self.mutantsPerTarget {
            let seed = seeds[index % seeds.count]
            guard let mutant = mutate(seed, &generator) else { continue }
            produced += 1
            if mutant != seed { changed += 1 }
            switch target.run(mutant) {
            case .accepted:
                accepted += 1
                pastGate += 1
            case .rejected(let rule):
                if !gate.contains(rule) { pastGate += 1 }
                refusals[rule, default: 0] += 1
            case .finding(let finding):
                Issue.record("\(finding)\nmutant: \(Hex.encode(mutant))")
            }
        }
        let share = Double(pastGate) / Double(max(produced, 1))
        print("\(name): \(produced) mutants, \(changed) changed, \(pastGate) past the first gate (\(Int(share * 100)) %), \(accepted) accepted; refused by "
              + refusals.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        #expect(produced == Self.mutantsPerTarget, "the mutator gave nil for an accepted seed")
        #expect(Double(changed) >= 0.8 * Double(produced), "only \(changed) of \(produced) mutants differ from their seed")
        #expect(share >= Self.acceptanceFloors[name] ?? 1, "only \(pastGate) of \(produced) mutants pass the first gate")
    }

    @Test("Mutants of mutants (chains of 20) serialise without trapping and never break an oracle",
          arguments: ProtocolCatalog.entries.map(\.name))
    func chains(target name: String) throws {
        let target = try #require(ProtocolCatalog.fuzzTarget(named: name))
        let mutate = try #require(target.mutate)
        let seeds = try Self.acceptedSeeds(of: target)
        var generator = SeededGenerator(seed: 5)
        for chain in 0..<150 {
            var current = seeds[chain % seeds.count]
            for _ in 0..<20 {
                // A mutant the codec refuses has no model to mutate further: the chain goes on from its parent.
                guard let mutant = mutate(current, &generator) else { break }
                let outcome = target.run(mutant)
                if case .finding(let finding) = outcome {
                    Issue.record("\(finding)\nmutant: \(Hex.encode(mutant))")
                    return
                }
                if outcome == .accepted { current = mutant }
            }
        }
    }

    @Test("Each codec's dictionary is non-empty and holds the token its protocol cannot do without",
          arguments: ProtocolCatalog.entries.map(\.name))
    func dictionary(target name: String) throws {
        let target = try #require(ProtocolCatalog.fuzzTarget(named: name))
        let required = try #require(Self.requiredTokens[name])
        #expect(!target.dictionary.isEmpty)
        #expect(target.dictionary.contains(required), "\(name)'s dictionary lacks \(Hex.encode(required))")
        #expect(target.dictionary.allSatisfy { !$0.isEmpty }, "\(name)'s dictionary has an empty token")
    }
}
