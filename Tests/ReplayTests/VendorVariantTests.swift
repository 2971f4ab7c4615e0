import Pcap
import Replay
import STUN
import Testing

/// Packets that are not WebRTC's STUN, DTLS or RTP but are recognised: RFC 3489 messages and vendors'
/// own variants are reported under their own warning, instead of the codec's refusal.
@Suite("Classic STUN and vendor variants in the decoder")
struct VendorVariantTests {
    static let zoomFlow = Flow(id: 0, a: Traffic.alice, b: Endpoint(address: [192, 0, 2, 80], port: 8801))
    static let otherFlow = Flow(id: 0, a: Traffic.alice, b: Traffic.bob)

    static func packet(_ payload: [UInt8]) -> ReplayPacket {
        ReplayPacket(frame: 3, timestampNanoseconds: 0, flow: 0, direction: .aToB, kind: PacketKind(payload: payload), payload: payload)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let payload: [UInt8]
        let flow: Flow?
        /// Rule ids reported, in order.
        let rules: [String]
        /// Whether the message still reaches the stateful rules as STUN.
        var decodedAsSTUN = false
        var testDescription: String { name }
    }

    static let whatsAppAllocate = STUNMessage(
        type: .init(method: .allocate, messageClass: .request), transactionID: Traffic.transaction(1),
        attributes: [STUNAttribute(type: STUNAttributeType(0x4000), value: [1, 2, 3, 4]), STUNAttribute(type: .requestedTransport, value: [17, 0, 0, 0])]
    ).serialize()

    /// An Allocate error response as Teams' relays send it ([MS-TURN]): the old MAGIC-COOKIE attribute,
    /// MS-VERSION, then an ERROR-CODE whose 9-byte reason is not padded to 4 bytes (message length 33).
    static let microsoftAllocateError: [UInt8] =
        [0x01, 0x13, 0, 33, 0x21, 0x12, 0xA4, 0x42] + Array(1...12)
        + [0x00, 0x0F, 0, 4, 0x72, 0xC6, 0x4B, 0xC6] + [0x80, 0x08, 0, 4, 0, 0, 0, 6] + [0x00, 0x09, 0, 13, 0, 0, 4, 1] + Array("Forbidden".utf8)

    /// WhatsApp's 0x4000 attribute with 5 bytes and no padding: the codec's padding error is WhatsApp's deviation.
    static let whatsAppUnpadded: [UInt8] =
        [0x00, 0x03, 0, 9, 0x21, 0x12, 0xA4, 0x42] + Array(1...12) + [0x40, 0x00, 0, 5, 1, 2, 3, 4, 5]

    /// A Binding success response behind the 12-byte header Teams' relays put before it (teams.pcap frame 2685):
    /// 0xFF 0x10, the length of the rest after four bytes, then eight bytes of Microsoft's own.
    static let microsoftWrapped: [UInt8] = {
        let stun = Traffic.stun(.bindingSuccess, 1)
        return [0xFF, 0x10, UInt8((stun.count + 8) >> 8), UInt8((stun.count + 8) & 0xFF), 0xDE, 0xAA, 0x29, 0x67, 0x08, 0xF7, 0x08, 0xFC] + stun
    }()

    static let cases: [Case] = [
        // wa_video.pcap frames 84 and 87, wa_voice.pcap frames 384 and 386: WhatsApp's relay health check.
        Case(name: "WhatsApp's \"health\": Vendor.whatsapp, not Demux.unexpected", payload: Array("health".utf8), flow: nil, rules: ["Vendor.whatsapp"]),
        Case(name: "WhatsApp's \"OK\" (ChannelData range): Vendor.whatsapp, not STUN.truncated", payload: Array("OK".utf8), flow: nil,
             rules: ["Vendor.whatsapp"]),
        // wa_video.pcap frame 111.
        Case(name: "WhatsApp's 20-byte RTCP type 199: Vendor.whatsapp, not RTCP.srtcp-trailer",
             payload: [0x80, 0xC7, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0x01, 0xF4, 0x00, 0x01, 0x04, 0, 0, 0, 0, 0], flow: nil, rules: ["Vendor.whatsapp"]),
        Case(name: "an RTCP type 199 that is not 20 bytes is not WhatsApp's", payload: [0x80, 0xC7, 0x00, 0x01, 0, 0, 0, 0], flow: nil,
             rules: []),
        Case(name: "STUN behind Microsoft's 12-byte header: Vendor.microsoft, not Demux.unexpected", payload: microsoftWrapped, flow: nil,
             rules: ["Vendor.microsoft"]),
        Case(name: "a 0xFF datagram without STUN at offset 12 is not Microsoft's", payload: [0xFF, 0x10, 0x00, 0x1C] + [UInt8](repeating: 0, count: 28),
             flow: nil, rules: ["Demux.unexpected"]),
        Case(name: "RFC 3489 Binding Request: STUN.classic, not STUN.magic-cookie",
             payload: [0, 1, 0, 8] + Array(1...16) + [0, 3, 0, 4, 0, 0, 0, 0], flow: nil, rules: ["STUN.classic"]),
        Case(name: "RFC 3489 Binding Response", payload: [1, 1, 0, 12] + Array(1...16) + [0, 1, 0, 8, 0, 1, 0x0D, 0x96, 192, 0, 2, 1], flow: nil,
             rules: ["STUN.classic"]),
        Case(name: "broken STUN that is not classic stays the codec's error", payload: [0, 1, 0, 6] + Array(1...16) + [0, 0, 0, 0, 0, 0], flow: nil,
             rules: ["STUN.magic-cookie"]),
        Case(name: "Discord IP discovery request", payload: [0, 1, 0, 70, 0, 0, 0xAC, 0xE3] + [UInt8](repeating: 0, count: 66), flow: nil,
             rules: ["Vendor.discord"]),
        Case(name: "Discord IP discovery response", payload: [0, 2, 0, 70, 0, 0, 0xAC, 0xE3] + Array("84.59.132.100".utf8) + [UInt8](repeating: 0, count: 53),
             flow: nil, rules: ["Vendor.discord"]),
        Case(name: "Discord keep-alive (ZRTP range): Vendor.discord, not Demux.unexpected", payload: [0x13, 0x37, 0xCA, 0xFE, 1, 0, 0, 0], flow: nil,
             rules: ["Vendor.discord"]),
        Case(name: "WhatsApp method 0x0801 (first byte 8): Vendor.whatsapp, not Demux.unexpected",
             payload: [0x08, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42] + Array(1...12), flow: nil, rules: ["Vendor.whatsapp"]),
        Case(name: "WhatsApp attribute 0x4000 in an Allocate: reported, and the Allocate still judged",
             payload: whatsAppAllocate, flow: nil, rules: ["Vendor.whatsapp"], decodedAsSTUN: true),
        Case(name: "Zoom SFU packet on 8801", payload: [0x05, 0x15, 1, 0, 0, 0, 0, 0, 0x10] + [UInt8](repeating: 0, count: 30), flow: zoomFlow,
             rules: ["Vendor.zoom"]),
        Case(name: "Zoom SFU type 1 on 8801 (STUN range)", payload: [0x01, 0x00, 0x02, 0x7D] + [UInt8](repeating: 0, count: 30), flow: zoomFlow,
             rules: ["Vendor.zoom"]),
        Case(name: "the same bytes off Zoom's ports are not Zoom's", payload: [0x05, 0x15, 1, 0, 0, 0, 0, 0, 0x10] + [UInt8](repeating: 0, count: 30),
             flow: otherFlow, rules: ["Demux.unexpected"]),
        Case(name: "Microsoft's MS-TURN Allocate error, attributes unpadded: Vendor.microsoft with the codec rule it breaks, not an error",
             payload: microsoftAllocateError, flow: nil, rules: ["Vendor.microsoft"], decodedAsSTUN: true),
        Case(name: "WhatsApp's unpadded attribute: one Vendor.whatsapp warning, not STUN.length-multiple-of-4 as well",
             payload: whatsAppUnpadded, flow: nil, rules: ["Vendor.whatsapp"], decodedAsSTUN: true),
        Case(name: "standard ICE on 8801 is not a Zoom variant (Zoom's web client)", payload: Traffic.stun(.bindingRequest, 1), flow: zoomFlow, rules: [],
             decodedAsSTUN: true),
    ]

    @Test("Each packet is reported under the rule that names it", arguments: cases)
    func reported(testCase: Case) {
        let (decoded, findings) = PacketDecoder().decode(Self.packet(testCase.payload), flow: testCase.flow)
        #expect(findings.map(\.rule.id) == testCase.rules, "\(findings.map(\.detail))")
        if case .stun = decoded.content { #expect(testCase.decodedAsSTUN) } else { #expect(!testCase.decodedAsSTUN) }
    }

    @Test("The vendor is named in the finding")
    func vendorNamed() {
        #expect(VendorVariant.recognise([0x13, 0x37, 0xCA, 0xFE, 1, 0, 0, 0])?.vendor == "Discord")
        #expect(VendorVariant.recognise([0x08, 0x02, 0, 0, 0x21, 0x12, 0xA4, 0x42] + Array(1...12))?.vendor == "WhatsApp")
        #expect(VendorVariant.recognise([0x05, 0x15, 1, 0, 0, 0, 0, 0, 0x10], flow: Self.zoomFlow)?.vendor == "Zoom")
        #expect(VendorVariant.recognise(Self.microsoftAllocateError)?.vendor == "Microsoft")
        #expect(VendorVariant.recognise(Self.microsoftWrapped)?.vendor == "Microsoft")
        #expect(VendorVariant.recognise(Array("OK".utf8))?.vendor == "WhatsApp")
    }

    @Test("A vendor message the STUN codec refuses: the refusal is in the vendor's finding, under its rule id")
    func refusalFolded() {
        let (_, findings) = PacketDecoder().decode(Self.packet(Self.microsoftAllocateError))
        #expect(findings.count == 1)
        #expect(findings.first?.rule.severity == .warning)
        #expect(findings.first?.detail.contains("STUN.length-multiple-of-4") == true, "\(findings.map(\.detail))")
    }

    /// wa_video.pcap frames 23 and 37: WhatsApp's Allocate request (unpadded 0x4000 attribute) and its answer.
    @Test("A vendor's TURN request the codec refuses still matches its response: the transaction rule sees its header")
    func refusedRequestAnswered() throws {
        let transaction = try #require(STUNTransactionID(bytes: Array(UInt8(1)...12)))
        let response = STUNMessage(type: .init(method: .allocate, messageClass: .successResponse), transactionID: transaction).serialize()
        let report = Traffic.report([Traffic.aliceToBob(Self.whatsAppUnpadded), Traffic.bobToAlice(response)])
        #expect(report.brokenRules == ["Vendor.whatsapp": 1], "no STUN.unmatched-response, no STUN.unanswered")
    }

    @Test("The new rules are in the catalogue, as warnings with an RFC reference")
    func catalogue() {
        for rule in ClassificationRules.rules {
            #expect(ReplayRules.catalogue.contains(rule))
            #expect(rule.severity == .warning)
            #expect(rule.reference.hasPrefix("RFC "))
        }
    }
}
