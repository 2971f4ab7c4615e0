import Conformance
import SCTP
import Testing
import Wire

/// What `crucible decode sctp` / `dcep` print: named fields, in protocol order, with findings.
@Suite("SCTP and DCEP descriptions")
struct DescribeTests {
    @Test("An INIT is described with its named parameters")
    func initDescribed() throws {
        let vector = try #require(try SharedFolder.hexVectors("sctp_packets.txt").first { $0.heading.hasPrefix("pion TestChromeChunk1Init") })
        let text = SCTPCodec.describe(try SCTPCodec.parse(vector.bytes)).renderText()
        #expect(text.contains("type: INIT"))
        #expect(text.contains("parameter: Forward-TSN-Supported"))
        #expect(text.contains("parameter: Supported Extensions"))
        #expect(text.contains("checksum: CRC-32c (verified)"))
        #expect(!text.contains("findings"))
    }

    @Test("Findings are part of the description")
    func findingsDescribed() throws {
        let vector = try #require(try SharedFolder.hexVectors("sctp_packets.txt").first { $0.heading.hasPrefix("aiortc sctp_init_bad_verification.bin") })
        let text = SCTPCodec.describe(try SCTPCodec.parse(vector.bytes)).renderText()
        #expect(text.contains("SCTP.init-verification-tag"))
    }

    @Test("A Protocol Violation's text and a DATA chunk's PPID are shown readably")
    func textCauses() throws {
        let abort = SCTPPacket(sourcePort: 1, destinationPort: 2, verificationTag: 3, chunks: [
            .abort(AbortChunk(causes: [.protocolViolation(Array("bad TSN".utf8))])),
            .data(DataChunk(tsn: 1, streamIdentifier: 0, streamSequenceNumber: 0, payloadProtocol: .dcep, userData: [2])),
        ])
        let json = SCTPCodec.describe(abort).renderJSON()
        #expect(json.contains("\"value\":\"bad TSN\""))
        #expect(json.contains("\"ppid\":\"50 (dcep)\""))
    }

    @Test("DATA_CHANNEL_OPEN is described field by field")
    func dcepDescribed() {
        let open = DCEPMessage.open(DataChannelOpen(channelType: .partialReliableTimed, priority: 256, reliabilityParameter: 1500, label: "chat"))
        #expect(DCEPCodec.describe(open).renderJSON()
            == #"{"message type":"DATA_CHANNEL_OPEN","channel type":"partialReliableTimed","priority":256,"reliability parameter":1500,"label":"chat","protocol":""}"#)
    }
}
