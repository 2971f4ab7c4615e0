import CrucibleTestSupport
import Conformance
import SCTP
import Testing
import Wire

/// Input each rule refuses, with the offset the error must point at. Packets get a correct CRC-32c so
/// the structural rule, not the checksum, is what refuses them.
@Suite("SCTP malformed input")
struct SCTPMalformedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let chunks: String
        let rule: SCTPRule
        let offset: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "common header without a chunk", chunks: "", rule: .noChunks, offset: 12),
        Case(name: "chunk length 0", chunks: "00 03 00 00", rule: .chunkLength, offset: 14),
        Case(name: "chunk length 3, below the chunk header", chunks: "0b 00 00 03", rule: .chunkLength, offset: 14),
        Case(name: "chunk length past the end of the packet", chunks: "00 03 00 40 00000001 0000 0000 00000033 61 000000", rule: .chunkLength, offset: 14),
        Case(name: "3 bytes after an aligned chunk cannot hold a chunk header", chunks: "0b 00 00 04 00 00 00", rule: .truncated, offset: 18),
        Case(name: "DATA shorter than its 16 fixed bytes", chunks: "00 03 00 0c 00000001 0000 0000", rule: .chunkValueLength, offset: 14),
        Case(name: "I-DATA shorter than its 20 fixed bytes", chunks: "40 03 00 10 00000001 0000 0000 00000001", rule: .chunkValueLength, offset: 14),
        Case(name: "INIT shorter than its 20 fixed bytes", chunks: "01 00 00 10 00000001 00010000 0001 0001", rule: .chunkValueLength, offset: 14),
        Case(name: "SACK whose counts need more bytes than its length", chunks: "03 00 00 14 00000001 00010000 0002 0000 00010001", rule: .chunkValueLength, offset: 14),
        Case(name: "SACK with bytes beyond its counts", chunks: "03 00 00 14 00000001 00010000 0000 0000 00010001", rule: .chunkValueLength, offset: 14),
        Case(name: "SHUTDOWN longer than 8", chunks: "07 00 00 0c 00000001 00000000", rule: .chunkValueLength, offset: 14),
        Case(name: "SHUTDOWN shorter than 8", chunks: "07 00 00 06 0001 0000", rule: .chunkValueLength, offset: 14),
        Case(name: "SHUTDOWN ACK with a value", chunks: "08 00 00 08 00000000", rule: .chunkValueLength, offset: 14),
        Case(name: "COOKIE ACK with a value", chunks: "0b 00 00 08 00000000", rule: .chunkValueLength, offset: 14),
        Case(name: "SHUTDOWN COMPLETE with a value", chunks: "0e 00 00 08 00000000", rule: .chunkValueLength, offset: 14),
        Case(name: "FORWARD TSN with half a stream entry", chunks: "c0 00 00 0a 00000001 0001 0000", rule: .chunkValueLength, offset: 14),
        Case(name: "I-FORWARD-TSN with half a stream entry", chunks: "c2 00 00 0c 00000001 0001 0000", rule: .chunkValueLength, offset: 14),
        Case(name: "non-zero padding between chunks", chunks: "00 03 00 11 00000001 0000 0000 00000033 61 000100 0b 00 00 04", rule: .padding, offset: 29),
        Case(name: "non-zero padding after the last chunk", chunks: "00 03 00 11 00000001 0000 0000 00000033 61 000001", rule: .padding, offset: 29),
        Case(name: "part of the last chunk's padding", chunks: "00 03 00 11 00000001 0000 0000 00000033 61 00", rule: .padding, offset: 29),
        Case(name: "parameter length below 4", chunks: "01 00 00 18 00000001 00010000 0001 0001 00000001 c000 0003", rule: .parameterLength, offset: 34),
        Case(name: "parameter length past the chunk", chunks: "01 00 00 18 00000001 00010000 0001 0001 00000001 0007 0010", rule: .parameterLength, offset: 34),
        Case(name: "2 bytes left in a chunk for a parameter header", chunks: "01 00 00 16 00000001 00010000 0001 0001 00000001 c000 0000", rule: .parameterLength, offset: 32),
        Case(name: "IPv4 Address of 6 bytes", chunks: "01 00 00 1a 00000001 00010000 0001 0001 00000001 0005 0006 c0a8 0000", rule: .parameterValueLength, offset: 34),
        Case(name: "IPv6 Address of 8 bytes", chunks: "01 00 00 1c 00000001 00010000 0001 0001 00000001 0006 0008 20010db8", rule: .parameterValueLength, offset: 34),
        Case(name: "Forward-TSN-Supported with a value", chunks: "01 00 00 1c 00000001 00010000 0001 0001 00000001 c000 0008 00000000", rule: .parameterValueLength, offset: 34),
        Case(name: "Zero Checksum Acceptable without its EDMID", chunks: "01 00 00 18 00000001 00010000 0001 0001 00000001 8001 0004", rule: .parameterValueLength, offset: 34),
        Case(name: "Supported Address Types of odd length", chunks: "01 00 00 1b 00000001 00010000 0001 0001 00000001 000c 0007 000500 00", rule: .parameterValueLength, offset: 34),
        Case(name: "Re-configuration Response of 16 bytes", chunks: "82 00 00 14 0010 0010 00000001 00000000 00000001", rule: .parameterValueLength, offset: 18),
        Case(name: "Outgoing SSN Reset Request without its TSN", chunks: "82 00 00 10 000d 000c 00000001 00000002", rule: .parameterValueLength, offset: 18),
        Case(name: "Add Outgoing Streams of 8 bytes", chunks: "82 00 00 0c 0011 0008 00000001", rule: .parameterValueLength, offset: 18),
        Case(name: "non-zero padding after a parameter", chunks: "82 00 00 18 000e 000a 00000001 0003 0100 000f 0008 00000002", rule: .padding, offset: 26),
        Case(name: "error cause length past the chunk", chunks: "09 00 00 0c 0001 0010 0001 0000", rule: .causeLength, offset: 18),
        Case(name: "error cause length below 4", chunks: "06 00 00 08 000d 0002 0000", rule: .causeLength, offset: 18),
        Case(name: "Invalid Stream Identifier of 6 bytes", chunks: "09 00 00 0a 0001 0006 0001 0000", rule: .causeValueLength, offset: 18),
        Case(name: "Missing Mandatory Parameter counting 2 types but holding 1", chunks: "09 00 00 0e 0002 000a 00000002 0007 0000", rule: .causeValueLength, offset: 18),
        Case(name: "Out of Resource with a value", chunks: "09 00 00 0c 0004 0008 00000000", rule: .causeValueLength, offset: 18),
        Case(name: "No User Data without its TSN", chunks: "09 00 00 08 0009 0004", rule: .causeValueLength, offset: 18),
    ]

    @Test("Malformed packets are refused with the rule and offset", arguments: cases)
    func refused(_ testCase: Case) {
        do {
            let parsed = try SCTPPacket.parse(packet(chunks: testCase.chunks))
            Issue.record("accepted: \(parsed)")
        } catch {
            #expect(error.rule == testCase.rule, "\(error)")
            #expect(error.offset == testCase.offset, "\(error)")
        }
    }

    @Test("Each thrown rule of SCTPRule has a malformed case (findings are never thrown)")
    func everyThrownRuleCovered() {
        let thrown: Set<SCTPRule> = [
            .truncated, .checksum, .noChunks, .chunkLength, .chunkValueLength, .padding, .parameterLength,
            .parameterValueLength, .causeLength, .causeValueLength,
        ]
        #expect(Set(Self.cases.map(\.rule)).union([.checksum]) == thrown)
        #expect(Set(SCTPRule.allCases).subtracting(thrown) == [
            .bundling, .initVerificationTag, .initFields, .mandatoryParameter, .noUserData, .unrecognizedChunk, .unrecognizedParameter,
        ])
    }

    @Test("A flipped bit anywhere in a packet breaks the CRC-32c (RFC 9260 §6.8)")
    func everyBitFlipBreaksTheChecksum() throws {
        let good = packet(chunks: "00 03 00 14 00000001 0000 0000 00000033 70696e67")
        #expect(sctpRule(good) == nil)
        for index in good.indices {
            for bit in 0..<8 {
                var bad = good
                bad[index] ^= 1 << bit
                #expect(sctpRule(bad) == .checksum, "byte \(index) bit \(bit)")
            }
        }
    }

    @Test("A zero checksum is refused unless RFC 9653 was agreed, with the offset of the field")
    func zeroChecksumRefusedByDefault() throws {
        var zero = packet(chunks: "0b 00 00 04")
        zero.replaceSubrange(8..<12, with: [0, 0, 0, 0])
        do {
            _ = try SCTPPacket.parse(zero)
            Issue.record("zero checksum accepted by default")
        } catch {
            #expect(error.rule == .checksum && error.offset == 8)
        }
        #expect(try SCTPPacket.parse(zero, checksum: .zeroAllowed).checksum == .zero)
    }

    @Test("The checksum's bytes are read least significant first: the big-endian reading is refused")
    func checksumByteOrder() {
        var swapped = packet(chunks: "0b 00 00 04")
        swapped[8...11].reverse()
        #expect(sctpRule(swapped) == .checksum)
    }

    @Test("Every truncation of every accepted shared packet is refused, or is whole chunks that round-trip")
    func truncationAtEveryOffset() throws {
        for vector in try SharedFolder.hexVectors("sctp_packets.txt") {
            guard let original = try? SCTPPacket.parse(vector.bytes, checksum: .zeroAllowed) else { continue }
            let firstChunkEnd = 12 + (Int(vector.bytes[14]) << 8 | Int(vector.bytes[15]))
            for length in 0..<vector.bytes.count {
                var prefix = Array(vector.bytes[..<length])
                if length >= 12 { prefix.replaceSubrange(8..<12, with: [0, 0, 0, 0]) }
                do {
                    let parsed = try SCTPPacket.parse(prefix, checksum: .zeroAllowed)
                    #expect(length >= firstChunkEnd, "\(vector.name) cut at \(length) inside the first chunk was accepted")
                    #expect(parsed.serialize() == prefix, "\(vector.name) cut at \(length)")
                    #expect(Array(original.chunks.prefix(parsed.chunks.count)) == parsed.chunks, "\(vector.name) cut at \(length)")
                } catch {
                    if length < 12 { #expect(error.rule == .truncated, "\(vector.name) cut at \(length)") }
                }
            }
        }
    }
}

/// DCEP messages RFC 8832 §5 refuses.
@Suite("DCEP malformed input")
struct DCEPMalformedTests {
    static let cases: [Named<(hex: String, rule: DCEPRule, offset: Int)>] = [
        Named("empty message", ("", .truncated, 0)),
        Named("ACK with three extra bytes (pion's form)", ("02 000000", .ackLength, 1)),
        Named("ACK with one extra byte", ("02 00", .ackLength, 1)),
        Named("OPEN cut inside its fixed fields", ("03 00 0000 00000000 00", .truncated, 8)),
        Named("OPEN without its lengths", ("03 00 0000 00000000", .truncated, 8)),
        Named("Label Length past the end", ("03 00 0000 00000000 0004 0000 666f6f", .labelLength, 8)),
        Named("Protocol Length past the end", ("03 00 0000 00000000 0003 0004 666f6f 626172", .protocolLength, 10)),
        Named("bytes after the Protocol", ("03 00 0000 00000000 0003 0000 666f6f 00", .trailingBytes, 15)),
        Named("Label not UTF-8 (lone continuation byte)", ("03 00 0000 00000000 0002 0000 66 80", .labelUTF8, 12)),
        Named("Label not UTF-8 (encoded surrogate)", ("03 00 0000 00000000 0003 0000 eda080", .labelUTF8, 12)),
        Named("Label not UTF-8 (overlong NUL)", ("03 00 0000 00000000 0002 0000 c080", .labelUTF8, 12)),
        Named("Protocol not UTF-8 (cut sequence)", ("03 00 0000 00000000 0000 0002 e282", .protocolUTF8, 12)),
    ]

    @Test("Malformed DCEP messages are refused with the rule and offset", arguments: cases)
    func refused(_ row: Named<(hex: String, rule: DCEPRule, offset: Int)>) {
        do {
            let message = try DCEPMessage.parse(Hex.literal(row.value.hex))
            Issue.record("accepted: \(message)")
        } catch {
            #expect(error.rule == row.value.rule, "\(error)")
            #expect(error.offset == row.value.offset, "\(error)")
        }
    }

    @Test("Every truncation of a DATA_CHANNEL_OPEN is refused")
    func truncationAtEveryOffset() {
        let open = Hex.literal("03 81 0100 00000003 0004 0003 63686174 787878")
        #expect((try? DCEPMessage.parse(open)) != nil)
        for length in 0..<open.count {
            #expect(throws: DCEPError.self, "cut at \(length)") { try DCEPMessage.parse(Array(open[..<length])) }
        }
    }
}

/// The checksum helpers the fuzz mutators and tools use.
@Suite("SCTP checksum helpers")
struct SCTPChecksumHelperTests {
    @Test("withComputedChecksum repairs an edited packet, and checksumIsValid agrees with the parser")
    func repair() {
        var edited = packet(chunks: "07 00 00 08 00000001")
        edited[19] = 2
        #expect(!SCTPPacket.checksumIsValid(edited))
        #expect(sctpRule(edited) == .checksum)
        let repaired = SCTPPacket.withComputedChecksum(edited)
        #expect(SCTPPacket.checksumIsValid(repaired))
        #expect(sctpRule(repaired) == nil)
        #expect(repaired == packet(chunks: "07 00 00 08 00000002"))
        #expect(!SCTPPacket.checksumIsValid([1, 2, 3]))
    }
}
