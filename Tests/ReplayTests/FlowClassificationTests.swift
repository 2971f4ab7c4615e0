import Foundation
import Pcap
import Replay
import STUN
import Testing

/// The flow classifier's rules, one named case each: what makes a flow WebRTC, which well-known
/// protocols are skipped and how they are told, and what stays unrecognised.
@Suite("Flow classification")
struct FlowClassificationTests {
    // MARK: Endpoints

    static let alice = Traffic.alice
    static let bob = Traffic.bob
    static func at(_ address: [UInt8], _ port: UInt16) -> Endpoint { Endpoint(address: address, port: port) }
    static let resolver = at([10, 0, 0, 53], 53)
    static let ipv6AllDHCP = at([0xFF, 0x02] + Array(repeating: 0, count: 11) + [0x01, 0x00, 0x02], 547)
    static let ipv6Link = at([0xFE, 0x80] + Array(repeating: 0, count: 13) + [0x01], 546)

    // MARK: Payloads

    static func dnsName(_ labels: [String]) -> [UInt8] {
        labels.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }
    /// RFC 1035 §4.1.1 header, one question for example.com A IN, and `answers` A records.
    static func dns(id: UInt16, flags: UInt16, answers: Int = 0) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF), 0, 1, 0, UInt8(answers), 0, 0, 0, 0]
        bytes += dnsName(["example", "com"]) + [0, 1, 0, 1]
        for _ in 0..<answers { bytes += [0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, 93, 184, 216, 34] }
        return bytes
    }
    static let dhcpDiscover: [UInt8] = {
        var bytes = [UInt8](repeating: 0, count: 240)
        bytes[0] = 1  // BOOTREQUEST
        bytes[1] = 1  // Ethernet
        bytes[2] = 6
        bytes.replaceSubrange(236..<240, with: [0x63, 0x82, 0x53, 0x63])
        return bytes + [53, 1, 1, 255]
    }()
    static let ntpRequest: [UInt8] = [0x23] + [UInt8](repeating: 0, count: 47)  // VN 4, mode 3 (client)
    static let ssdpSearch = Array("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n\r\n".utf8)
    static let quicInitial: [UInt8] = [0xC3, 0, 0, 0, 1, 8] + [UInt8](repeating: 0xAB, count: 1194)
    static let wsProbe = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope/>".utf8)
    static let iceCheck = Traffic.stun(.bindingRequest, 1, [.username("bob1:alice1"), .priority(0x6E7F_00FF), .iceControlling(7)])
    static func rtpStream(_ count: Int, ssrc: UInt32 = 0x1234_5678) -> [[UInt8]] {
        (0..<count).map { Traffic.rtp(sequence: UInt16(100 + $0), timestamp: UInt32(960 * $0), ssrc: ssrc) }
    }
    static let zoomSFU: [UInt8] = [0x05, 0x15, 0x01, 0, 0, 0, 0, 0, 0x10] + [UInt8](repeating: 0x42, count: 40)
    static let discordDiscovery: [UInt8] = [0, 1, 0, 70, 0, 0, 0xAC, 0xE3] + [UInt8](repeating: 0, count: 66)
    static let whatsAppPing: [UInt8] = [0x08, 0x01, 0, 0, 0x21, 0x12, 0xA4, 0x42] + Array(1...12)
    static let classicBinding: [UInt8] = [0, 1, 0, 0] + Array(1...16)

    // MARK: The table

    enum Expected: Sendable, CustomStringConvertible {
        /// WebRTC, with evidence that contains the text.
        case webRTC(String)
        /// Skipped as the protocol.
        case skipped(String)
        /// Unrecognised, with a reason that contains the text.
        case unrecognised(String)

        var description: String {
            switch self {
            case .webRTC(let text): "WebRTC (\(text))"
            case .skipped(let name): "skipped as \(name)"
            case .unrecognised(let text): "unrecognised (\(text))"
            }
        }

        func matches(_ flowClass: FlowClass) -> Bool {
            switch (self, flowClass) {
            case (.webRTC(let text), .webRTC(let evidence)): evidence.contains(text)
            case (.skipped(let name), .skipped(let found, _)): name == found
            case (.unrecognised(let text), .unrecognised(let reason)): reason.contains(text)
            default: false
            }
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let traffic: [Traffic.Sent]
        let expected: Expected
        var iceUfrags: Set<String> = []
        var candidates: Set<Endpoint> = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // WebRTC evidence (RFC 8445, 6347, 8656)
        Case(name: "ICE check: Binding request with USERNAME and PRIORITY/ICE-CONTROLLING", traffic: [(alice, bob, iceCheck)],
             expected: .webRTC("ICE Binding request with USERNAME/PRIORITY/ICE-CONTROLLING (frame 1)")),
        Case(name: "ICE check: USERNAME naming an SDP ufrag, without ICE attributes",
             traffic: [(alice, bob, Traffic.stun(.bindingRequest, 1, [.username("bob1:alice1")]))],
             expected: .webRTC("the SDP's ufrag \"alice1\""), iceUfrags: ["alice1"]),
        Case(name: "ICE check's answer alone (one-way capture): Binding success with MESSAGE-INTEGRITY",
             traffic: [(bob, alice, Traffic.stun(.bindingSuccess, 1, [.messageIntegrity([UInt8](repeating: 1, count: 20))]))],
             expected: .webRTC("MESSAGE-INTEGRITY")),
        Case(name: "DTLS ClientHello", traffic: [(alice, bob, Traffic.handshake(Traffic.clientHello(profiles: [1]), type: .clientHello, messageSequence: 0, recordSequence: 0))],
             expected: .webRTC("DTLS ClientHello (frame 1)")),
        Case(name: "DTLS HelloVerifyRequest", traffic: [(bob, alice, Traffic.handshake(Traffic.helloVerifyRequest(cookie: [1, 2]), type: .helloVerifyRequest, messageSequence: 0, recordSequence: 0))],
             expected: .webRTC("DTLS HelloVerifyRequest")),
        Case(name: "TURN Allocate", traffic: [(alice, Traffic.turnServer, Traffic.stun(.init(method: .allocate, messageClass: .request), 1, [.requestedTransport(17)]))],
             expected: .webRTC("TURN Allocate request")),
        Case(name: "STUN server query: plain Binding with the magic cookie", traffic: [(alice, at([192, 0, 2, 1], 19302), Traffic.stun(.bindingRequest, 1, fingerprint: false))],
             expected: .webRTC("server-reflexive")),
        Case(name: "an endpoint that is an SDP candidate", traffic: [(alice, bob, [0xF0, 1, 2, 3])],
             expected: .webRTC("10.0.0.2:6000 matches an SDP candidate"), candidates: [bob]),
        Case(name: "RTP stream caught after ICE and DTLS", traffic: rtpStream(10).map { (alice, bob, $0) },
             expected: .webRTC("RTP stream: SSRC 0x12345678, 10 packets in sequence")),
        // Evidence wins over the port
        Case(name: "ICE check on UDP 443 is not QUIC", traffic: [(alice, at([192, 0, 2, 9], 443), iceCheck)], expected: .webRTC("ICE Binding request")),
        Case(name: "TURN on UDP 53 is not DNS", traffic: [(alice, at([192, 0, 2, 9], 53), Traffic.stun(.init(method: .allocate, messageClass: .request), 1))],
             expected: .webRTC("TURN Allocate")),
        // Well-known protocols, by port and bytes
        Case(name: "DNS query and response on 53", traffic: [(alice, resolver, dns(id: 0x1234, flags: 0x0100)), (resolver, alice, dns(id: 0x1234, flags: 0x8180, answers: 1))],
             expected: .skipped("DNS")),
        Case(name: "DNS response whose first byte is in the RTP range (0x80–0xBF) is skipped, not judged",
             traffic: [(resolver, alice, dns(id: 0x8A12, flags: 0x8180, answers: 1))], expected: .skipped("DNS")),
        Case(name: "mDNS on 5353 to 224.0.0.251", traffic: [(at([10, 0, 0, 1], 5353), at([224, 0, 0, 251], 5353), dns(id: 0, flags: 0x8400, answers: 1))],
             expected: .skipped("mDNS")),
        Case(name: "LLMNR on 5355", traffic: [(alice, at([224, 0, 0, 252], 5355), dns(id: 0x0101, flags: 0))], expected: .skipped("LLMNR")),
        Case(name: "DHCP on 67/68 with the BOOTP magic cookie", traffic: [(at([0, 0, 0, 0], 68), at([255, 255, 255, 255], 67), dhcpDiscover)],
             expected: .skipped("DHCP")),
        Case(name: "DHCPv6 on 546/547", traffic: [(ipv6Link, ipv6AllDHCP, [1, 0x12, 0x34, 0x56, 0, 8, 0, 2, 0, 0])], expected: .skipped("DHCPv6")),
        Case(name: "NTP on 123", traffic: [(alice, at([192, 0, 2, 123], 123), ntpRequest)], expected: .skipped("NTP")),
        Case(name: "NetBIOS name service on 137", traffic: [(at([10, 0, 0, 1], 137), at([10, 0, 0, 255], 137), dns(id: 0x8001, flags: 0x0110))],
             expected: .skipped("NetBIOS-NS")),
        Case(name: "NetBIOS datagram on 138", traffic: [(at([10, 0, 0, 1], 138), at([10, 0, 0, 255], 138), [0x11, 0x02] + [UInt8](repeating: 0, count: 20))],
             expected: .skipped("NetBIOS-DGM")),
        Case(name: "SSDP M-SEARCH on 1900", traffic: [(alice, at([239, 255, 255, 250], 1900), ssdpSearch)], expected: .skipped("SSDP")),
        Case(name: "QUIC long header on 443", traffic: [(alice, at([192, 0, 2, 9], 443), quicInitial)], expected: .skipped("QUIC")),
        Case(name: "WS-Discovery on 3702", traffic: [(alice, at([239, 255, 255, 250], 3702), wsProbe)], expected: .skipped("WS-Discovery")),
        // Vendors' own transports and RFC 3489
        Case(name: "Zoom SFU encapsulation on 8801", traffic: Array(repeating: (alice, at([192, 0, 2, 80], 8801), zoomSFU), count: 3), expected: .skipped("Zoom")),
        Case(name: "Discord IP discovery", traffic: [(alice, at([192, 0, 2, 50], 50004), discordDiscovery)], expected: .skipped("Discord")),
        Case(name: "WhatsApp STUN-framed ping without TURN", traffic: [(alice, Traffic.turnServer, whatsAppPing)], expected: .skipped("WhatsApp")),
        Case(name: "RFC 3489 Binding only", traffic: [(alice, Traffic.turnServer, classicBinding)], expected: .skipped("STUN (RFC 3489)")),
        // Unrecognised
        Case(name: "UDP 53 without a DNS header", traffic: [(alice, resolver, [0xFF, 0xFF, 0xFF])], expected: .unrecognised("no packet has a DNS header")),
        Case(name: "bytes in no range", traffic: [(alice, bob, [0xF0, 1, 2, 3])], expected: .unrecognised("1 packet(s) (unknown 1)")),
        Case(name: "RTP-shaped packets with a new SSRC each: no stream",
             traffic: (0..<12).map { (alice, bob, Traffic.rtp(sequence: 1, timestamp: 0, ssrc: UInt32($0))) }, expected: .unrecognised("rtp 12")),
        Case(name: "Zoom-shaped bytes off Zoom's ports", traffic: [(alice, bob, zoomSFU)], expected: .unrecognised("unknown 1")),
    ]

    @Test("Each flow is classified by the rule it exercises", arguments: cases)
    func classification(testCase: Case) throws {
        let classifier = FlowClassifier(iceUfrags: testCase.iceUfrags, candidates: testCase.candidates)
        let result = CaptureClassification(Traffic.datagrams(testCase.traffic), classifier: classifier)
        let first = try #require(result.classes.first)
        #expect(testCase.expected.matches(first), "got \(first)")
    }

    @Test("A TURN-relayed flow is WebRTC because its outer flow is")
    func relayed() throws {
        let peer = Traffic.address(Traffic.peer)
        let send = STUNMessageType(method: .send, messageClass: .indication)
        let result = CaptureClassification(
            Traffic.datagrams([
                (Self.alice, Traffic.turnServer, Traffic.stun(.init(method: .allocate, messageClass: .request), 1)),
                (Self.alice, Traffic.turnServer, Traffic.stun(send, 2, [.xorPeerAddress(peer), .data([0xF0, 1, 2, 3])])),
            ]))
        #expect(result.flows.count == 2)
        #expect(result.flows[1].relayedThrough == 0)
        guard case .webRTC(let evidence) = result.classes[1] else { Issue.record("\(result.classes[1])"); return }
        #expect(evidence.hasPrefix("relayed through TURN on flow 0, which carries TURN Allocate request"))
    }

    /// A protected DTLS 1.2 record of epoch 1 (application data), as an association carries after its handshake.
    static let protectedRecord = Traffic.dtls([Traffic.record(.applicationData, epoch: 1, sequence: 5, [UInt8](repeating: 0xEE, count: 40))])

    @Test("Protected DTLS records on a flow of their own are WebRTC only when the capture holds a DTLS handshake elsewhere (an association ICE moved)")
    func movedAssociation() throws {
        let newPair = (Self.at([10, 0, 0, 1], 5100), Self.at([10, 0, 0, 2], 6100))
        let hello = Traffic.handshake(Traffic.clientHello(profiles: [1]), type: .clientHello, messageSequence: 0, recordSequence: 0)
        let moved = CaptureClassification(Traffic.datagrams([(Self.alice, Self.bob, hello), (newPair.0, newPair.1, Self.protectedRecord)]))
        guard case .webRTC(let evidence) = moved.classes[1] else { Issue.record("\(moved.classes[1])"); return }
        #expect(evidence.contains("DTLS handshake is on flow 0"))
        let alone = CaptureClassification(Traffic.datagrams([(newPair.0, newPair.1, Self.protectedRecord)]))
        #expect(!alone.classes[0].isJudged, "\(alone.classes[0])")
        // GTP-U (UDP 2152) starts with 0x30, which is also a DTLS 1.3 unified header's first byte: not evidence.
        let gtp = CaptureClassification(
            Traffic.datagrams([(Self.alice, Self.bob, hello), (Self.at([10, 0, 0, 7], 2152), Self.at([10, 0, 0, 8], 2152), [0x30, 0xFF, 0, 8, 0, 0, 0, 1] + [UInt8](repeating: 0x45, count: 8))]))
        #expect(!gtp.classes[1].isJudged, "\(gtp.classes[1])")
    }

    @Test("Classes round-trip through Codable")
    func codable() throws {
        let classes: [FlowClass] = [.webRTC(evidence: "DTLS ClientHello (frame 9)"), .skipped(protocol: "DNS", reason: "UDP 53"), .unrecognised(reason: "nothing")]
        let data = try JSONEncoder().encode(classes)
        #expect(try JSONDecoder().decode([FlowClass].self, from: data) == classes)
        #expect(classes.map(\.isJudged) == [true, false, false])
    }

    @Test("A 100,000-packet capture classifies in one pass; state is per flow, not per packet")
    func large() {
        var classifier = FlowClassifier()
        for index in 0..<100_000 {
            let payload = Traffic.rtp(sequence: UInt16(truncatingIfNeeded: index), timestamp: UInt32(index) * 960, ssrc: 0xABCD)
            classifier.observe(ReplayPacket(frame: index + 1, timestampNanoseconds: 0, flow: index % 4, direction: .aToB, kind: .rtp, payload: payload))
        }
        for id in 0..<4 {
            let flowClass = classifier.classification(of: Flow(id: id, a: Self.alice, b: Self.at([10, 0, 1, UInt8(id)], 7000)))
            // Every fourth sequence number of one SSRC: advancing by 4, within RFC 3550's loss tolerance.
            #expect(flowClass.isJudged, "flow \(id): \(flowClass)")
        }
        #expect(classifier.classification(of: Flow(id: 9, a: Self.alice, b: Self.bob)) == .unrecognised(reason: "no packet observed"))
    }
}
