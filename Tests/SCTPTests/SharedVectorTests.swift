import Conformance
import SCTP
import Testing
import Wire

/// Every packet of ../shared/vectors/sctp_packets.txt (aiortc, pion/sctp and dcSCTP test data), judged
/// as RFC 9260 does rather than as the source project did.
@Suite("SCTP shared vectors")
struct SCTPSharedVectorTests {
    enum Expected: Equatable {
        /// Parses and re-serialises byte-exact; the packet breaks exactly these finding rules.
        case accepted(findings: [SCTPRule])
        /// Refused with this rule.
        case rejected(SCTPRule)
    }

    /// Keyed by the heading up to " — ".
    static let expectations: [String: Expected] = [
        "aiortc sctp_abort.bin": .accepted(findings: []),
        "aiortc sctp_cookie_echo.bin": .accepted(findings: []),
        "aiortc sctp_data.bin": .accepted(findings: []),
        "aiortc sctp_data_padding.bin": .accepted(findings: []),
        // The DATA header says length 8 but only its 4 header bytes are in the packet: the length runs past
        // the end (RFC 9260 §3.2), checked before DATA's own 16-byte minimum (§3.3.1, see the malformed table).
        "aiortc sctp_data_truncated.bin": .rejected(.chunkLength),
        // A chunk length below the 4-byte chunk header (RFC 9260 §3.2).
        "aiortc sctp_data_zero_length.bin": .rejected(.chunkLength),
        "aiortc sctp_error.bin": .accepted(findings: []),
        "aiortc sctp_forward_tsn.bin": .accepted(findings: []),
        "aiortc sctp_heartbeat.bin": .accepted(findings: []),
        "aiortc sctp_init.bin": .accepted(findings: []),
        // Well-formed bytes, but a packet carrying INIT must have Verification Tag 0 (RFC 9260 §8.5.1 A):
        // reported for the association to discard, not a format error.
        "aiortc sctp_init_bad_verification.bin": .accepted(findings: [.initVerificationTag]),
        "aiortc sctp_reconfig_add_out.bin": .accepted(findings: []),
        "aiortc sctp_reconfig_reset_out.bin": .accepted(findings: []),
        "aiortc sctp_reconfig_response.bin": .accepted(findings: []),
        "aiortc sctp_sack.bin": .accepted(findings: []),
        "aiortc sctp_shutdown.bin": .accepted(findings: []),
        "aiortc sctp_shutdown_ack.bin": .accepted(findings: []),
        "pion TestInitChunk": .accepted(findings: []),
        "pion TestInitAck": .accepted(findings: []),
        "pion TestChromeChunk1Init": .accepted(findings: []),
        "pion TestChromeChunk2InitAck": .accepted(findings: []),
        "pion TestPayloadDataMarshalUnmarshal": .accepted(findings: []),
        "pion TestSelectAckChunk": .accepted(findings: []),
        "pion TestReconfigChunk": .accepted(findings: []),
        "pion TestForwardTSNChunk": .accepted(findings: []),
        "dcsctp DeserializeSimplePacketFromCapture": .accepted(findings: []),
        "dcsctp DeserializePacketWithTwoChunks": .accepted(findings: []),
        // Deliberate negative: the CRC-32c does not match (RFC 9260 §6.8).
        "dcsctp DeserializePacketWithWrongChecksum": .rejected(.checksum),
        // Deliberate negative under the default policy: zero is acceptable only after RFC 9653 was agreed
        // (see `zeroChecksumAcceptedWhenAgreed`).
        "dcsctp AcceptsZeroSetZeroChecksum": .rejected(.checksum),
    ]

    static func key(_ vector: HexVector) -> String {
        String(vector.heading.split(separator: " — ", maxSplits: 1).first ?? "")
    }

    @Test("The file holds the 29 packets this suite judges, each judged once")
    func everyVectorHasAnExpectation() throws {
        let vectors = try SharedFolder.hexVectors("sctp_packets.txt")
        #expect(vectors.count == 29)
        #expect(Set(vectors.map(Self.key)) == Set(Self.expectations.keys))
    }

    @Test("Each shared packet is accepted (round-tripping byte-exact) or refused with the RFC's rule")
    func judgeEveryVector() throws {
        for vector in try SharedFolder.hexVectors("sctp_packets.txt") {
            let expected = try #require(Self.expectations[Self.key(vector)], "\(vector.name)")
            switch expected {
            case .rejected(let rule):
                #expect(sctpRule(vector.bytes) == rule, "\(vector.name)")
            case .accepted(let findings):
                let parsed = try SCTPPacket.parse(vector.bytes)
                #expect(parsed.serialize() == vector.bytes, "\(vector.name) round trip")
                #expect(parsed.findings.map(\.rule) == findings, "\(vector.name): \(parsed.findings)")
                #expect(SCTPCodec.serialize(try SCTPCodec.parse(vector.bytes)) == vector.bytes)
                #expect(!SCTPCodec.describe(parsed).renderJSON().isEmpty)
            }
        }
    }

    @Test("A zero checksum is accepted when RFC 9653 was agreed, and re-serialised as zero")
    func zeroChecksumAcceptedWhenAgreed() throws {
        let vector = try #require(try SharedFolder.hexVectors("sctp_packets.txt").first { Self.key($0) == "dcsctp AcceptsZeroSetZeroChecksum" })
        let parsed = try SCTPPacket.parse(vector.bytes, checksum: .zeroAllowed)
        #expect(parsed.checksum == .zero)
        #expect(parsed.serialize() == vector.bytes)
        guard case .selectiveAck(let sack) = parsed.chunks.first else {
            Issue.record("expected a SACK")
            return
        }
        #expect(sack.cumulativeTSNAck == 0x5508_3640)
        #expect(sack.advertisedReceiverWindowCredit == 0x0002_0000)
    }

    @Test("A wrong checksum stays wrong when zero checksums are allowed: only zero itself is exempt")
    func wrongChecksumRejectedEvenWhenZeroAllowed() throws {
        let vector = try #require(try SharedFolder.hexVectors("sctp_packets.txt").first { Self.key($0) == "dcsctp DeserializePacketWithWrongChecksum" })
        #expect(sctpRule(vector.bytes, checksum: .zeroAllowed) == .checksum)
    }

    @Test("DATA_CHANNEL_OPEN inside pion's COOKIE ECHO + DATA packet decodes as DCEP (PPID 50)")
    func dcepInsideSCTP() throws {
        let vector = try #require(try SharedFolder.hexVectors("sctp_packets.txt").first { Self.key($0) == "pion TestPayloadDataMarshalUnmarshal" })
        let parsed = try SCTPPacket.parse(vector.bytes)
        #expect(parsed.chunks.count == 2)
        guard case .data(let data) = parsed.chunks.last else {
            Issue.record("expected DATA last")
            return
        }
        #expect(data.payloadProtocol == .dcep)
        #expect(try DCEPMessage.parse(data.userData) == .open(DataChannelOpen(channelType: .reliable, label: "foo")))
    }
}

/// ../shared/vectors/dcep_rfc8832.txt (pion/datachannel test data), judged by RFC 8832 §5.
@Suite("DCEP shared vectors")
struct DCEPSharedVectorTests {
    @Test("The file's messages are judged as RFC 8832 §5 does")
    func judgeEveryVector() throws {
        let vectors = try SharedFolder.hexVectors("dcep_rfc8832.txt")
        // Three sections; the ACK section holds two runs of hex separated by a comment (pion's 4-byte
        // form, then the RFC's 1-byte form), which the vector reader gives as two vectors.
        #expect(vectors.count == 4)
        for vector in vectors {
            if vector.name == "dcep_rfc8832.txt#DATA_CHANNEL_ACK" {
                // pion's ACK is 4 bytes, but RFC 8832 §5.2 defines DATA_CHANNEL_ACK as the single byte 0x02:
                // a conformant parser refuses the extra bytes.
                #expect(vector.bytes == [0x02, 0x00, 0x00, 0x00])
                #expect { try DCEPMessage.parse(vector.bytes) } throws: { ($0 as? DCEPError)?.rule == .ackLength }
                continue
            }
            if vector.name == "dcep_rfc8832.txt#DATA_CHANNEL_ACK [2]" {
                #expect(vector.bytes == [0x02])
                #expect(try DCEPMessage.parse(vector.bytes) == .ack)
                #expect(DCEPMessage.ack.serialize() == vector.bytes)
                continue
            }
            let message = try DCEPMessage.parse(vector.bytes)
            #expect(message.serialize() == vector.bytes, "\(vector.name)")
            guard case .open(let open) = message else {
                Issue.record("\(vector.name): expected DATA_CHANNEL_OPEN")
                continue
            }
            #expect(open.channelType == .reliable)
            #expect(open.label == "foo")
            #expect(open.priority == 0 && open.reliabilityParameter == 0)
            #expect(["bar", ""].contains(open.protocol))
        }
    }
}
