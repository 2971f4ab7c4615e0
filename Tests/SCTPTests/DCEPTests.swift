import CrucibleTestSupport
import SCTP
import Testing
import Wire

/// DATA_CHANNEL_OPEN and DATA_CHANNEL_ACK laid out by hand from RFC 8832 §5.
@Suite("DCEP messages")
struct DCEPTests {
    static let rows: [Named<(hex: String, message: DCEPMessage)>] = [
        Named("ACK is the single byte 0x02 (§5.2)", ("02", .ack)),
        Named("OPEN reliable, label 'foo', protocol 'bar' (§5.1)", (
            "03 00 0000 00000000 0003 0003 666f6f 626172",
            .open(DataChannelOpen(channelType: .reliable, label: "foo", protocol: "bar"))
        )),
        Named("OPEN reliable unordered (0x80), high priority, empty label", (
            "03 80 0200 00000000 0000 0000",
            .open(DataChannelOpen(channelType: .reliableUnordered, priority: 512, label: ""))
        )),
        Named("OPEN partial reliable rexmit (0x01), 3 retransmissions", (
            "03 01 0100 00000003 0001 0000 61",
            .open(DataChannelOpen(channelType: .partialReliableRexmit, priority: 256, reliabilityParameter: 3, label: "a"))
        )),
        Named("OPEN partial reliable rexmit unordered (0x81)", (
            "03 81 0100 00000000 0001 0000 61",
            .open(DataChannelOpen(channelType: .partialReliableRexmitUnordered, priority: 256, label: "a"))
        )),
        Named("OPEN partial reliable timed (0x02), 1500 ms, UTF-8 label", (
            "03 02 0080 000005dc 0005 0000 68c3a96c6c",
            .open(DataChannelOpen(channelType: .partialReliableTimed, priority: 128, reliabilityParameter: 1500, label: "héll"))
        )),
        Named("OPEN partial reliable timed unordered (0x82), four-byte UTF-8 protocol", (
            "03 82 0400 000003e8 0000 0004 f09f9881",
            .open(DataChannelOpen(channelType: .partialReliableTimedUnordered, priority: 1024, reliabilityParameter: 1000, label: "", protocol: "😁"))
        )),
        Named("OPEN with an unassigned channel type keeps it", (
            "03 7f 0000 00000000 0000 0000",
            .open(DataChannelOpen(channelType: DataChannelType(rawValue: 0x7F), label: ""))
        )),
        Named("An unassigned message type is kept with its body", ("05 0102", .unknown(messageType: 5, body: [1, 2]))),
    ]

    @Test("Each message decodes to its model and the model encodes to the same bytes", arguments: rows)
    func message(_ row: Named<(hex: String, message: DCEPMessage)>) throws {
        #expect(try DCEPMessage.parse(Hex.literal(row.value.hex)) == row.value.message)
        #expect(row.value.message.serialize() == Hex.literal(row.value.hex))
    }

    @Test("The six channel types of RFC 8832 §8.2.2, the high bit meaning unordered")
    func channelTypes() {
        #expect(DataChannelType.Known.allCases.map(\.rawValue).sorted() == [0x00, 0x01, 0x02, 0x80, 0x81, 0x82])
        for known in DataChannelType.Known.allCases {
            #expect(DataChannelType(known).isUnordered == (known.rawValue >= 0x80))
        }
        #expect(DataChannelType(rawValue: 0x03).known == nil)
    }

    @Test("Pion's 4-byte ACK: the strict parse throws DCEP.ack-length, the tolerant one gives .ack and records the deviation")
    func pionAck() throws {
        let pion: [UInt8] = [0x02, 0x00, 0x00, 0x00]
        #expect(throws: DCEPError(.ackLength, at: 1, "DATA_CHANNEL_ACK is 1 byte, this one has 4")) { try DCEPMessage.parse(pion) }
        #expect(throws: DCEPError.self) { try DCEPMessage.parse(pion[...], mode: .strict) }
        let tolerant = try DCEPMessage.parse(pion[...], mode: .tolerant)
        #expect(tolerant.value == .ack)
        #expect(tolerant.deviations == [ToleratedDeviation(.dcepAckTrailingBytes, at: 1, "DATA_CHANNEL_ACK is 1 byte, this one has 4")])
        // The tolerated message serialises to its conformant form: the checker's round trip would differ.
        #expect(tolerant.value.serialize() == [0x02])
    }

    @Test("Tolerant parsing reports nothing for conformant messages and is as strict as ever about the rest", arguments: [
        ("the RFC's 1-byte ACK", "02", nil),
        ("an OPEN", "03 00 0000 00000000 0003 0003 666f6f 626172", nil),
        ("an OPEN with trailing bytes", "03 00 0000 00000000 0000 0000 00", DCEPRule.trailingBytes),
        ("a truncated OPEN", "03 00 01", DCEPRule.truncated),
        ("nothing at all", "", DCEPRule.truncated),
    ] as [(String, String, DCEPRule?)])
    func tolerantIsOtherwiseStrict(_ name: String, hex: String, rule: DCEPRule?) throws {
        let bytes = Hex.literal(hex)
        if let rule {
            #expect { try DCEPMessage.parse(bytes[...], mode: .tolerant) } throws: { ($0 as? DCEPError)?.rule == rule }
        } else {
            let parsed = try DCEPMessage.parse(bytes[...], mode: .tolerant)
            #expect(parsed.deviations.isEmpty)
            #expect(parsed.value == (try DCEPMessage.parse(bytes)))
        }
    }

    @Test("The tolerance names the codec's own rule and reference, and is in the one table")
    func toleranceMatchesRule() {
        #expect(Tolerance.dcepAckTrailingBytes.rule == DCEPRule.ackLength.id)
        #expect(Tolerance.dcepAckTrailingBytes.reference == DCEPRule.ackLength.reference)
        #expect(Tolerance.all.contains(.dcepAckTrailingBytes))
    }

    @Test("DCEP messages decode from a DATA chunk's user data in place")
    func fromSlice() throws {
        let buffer: [UInt8] = [0xFF, 0xFF, 0x02, 0xFF]
        #expect(try DCEPMessage.parse(buffer[2..<3]) == .ack)
    }
}
