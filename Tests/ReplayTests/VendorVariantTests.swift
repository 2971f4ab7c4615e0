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

    static let cases: [Case] = [
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
             payload: microsoftAllocateError, flow: nil, rules: ["Vendor.microsoft"]),
        Case(name: "WhatsApp's unpadded attribute: one Vendor.whatsapp warning, not STUN.length-multiple-of-4 as well",
             payload: whatsAppUnpadded, flow: nil, rules: ["Vendor.whatsapp"]),
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
    }

    @Test("A vendor message the STUN codec refuses: the refusal is in the vendor's finding, under its rule id")
    func refusalFolded() {
        let (_, findings) = PacketDecoder().decode(Self.packet(Self.microsoftAllocateError))
        #expect(findings.count == 1)
        #expect(findings.first?.rule.severity == .warning)
        #expect(findings.first?.detail.contains("STUN.length-multiple-of-4") == true, "\(findings.map(\.detail))")
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
