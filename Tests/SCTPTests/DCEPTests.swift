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

    @Test("DCEP messages decode from a DATA chunk's user data in place")
    func fromSlice() throws {
        let buffer: [UInt8] = [0xFF, 0xFF, 0x02, 0xFF]
        #expect(try DCEPMessage.parse(buffer[2..<3]) == .ack)
    }
}
