import Pcap
import RTP
import Replay
import STUN
import Testing

/// ICE consent before data (RFC 8445 §12.1, RFC 7675 §5.3) and RTCP reports against the media seen
/// (RFC 3550 §6.4.1), on small synthetic captures.
@Suite("ICE consent and RTCP report rules")
struct ICEConsentAndReportRuleTests {
    typealias Sent = Traffic.Sent

    static let check: [STUNAttributeValue] = [.username("bob:alice"), .priority(1), .iceControlling(7), STUNRuleTests.integrity]
    static let nominating = check + [.useCandidate]
    static let carol = Endpoint(address: [10, 0, 0, 3], port: 7000)

    static func request(_ number: UInt64, _ values: [STUNAttributeValue], from: Endpoint = Traffic.alice, to: Endpoint = Traffic.bob) -> Sent {
        (from, to, Traffic.stun(STUNRuleTests.request, number, values))
    }
    static func success(_ number: UInt64, from: Endpoint = Traffic.bob, to: Endpoint = Traffic.alice) -> Sent {
        (from, to, Traffic.stun(STUNRuleTests.success, number))
    }
    static func media(_ sequence: UInt16, from: Endpoint = Traffic.alice, to: Endpoint = Traffic.bob) -> Sent {
        (from, to, Traffic.rtp(sequence: sequence, timestamp: UInt32(sequence) * 960))
    }

    static let consentCases: [(String, [Sent], [String: Int])] = [
        ("media after a successful check is clean", [request(1, check), success(1), media(1), media(2)], [:]),
        ("media before the check's success breaks consent", [request(1, check), media(1), success(1), media(2)], ["ICE.data-before-consent": 1]),
        ("a flow without any check is not judged", [media(1), media(2)], [:]),
        ("a check that only failed gives no consent", [request(1, check), (Traffic.bob, Traffic.alice, Traffic.stun(STUNMessageType(method: .binding, messageClass: .errorResponse), 1)), media(1)], ["ICE.data-before-consent": 1]),
        ("data on another pair of the same agents after nomination is a warning",
         [request(1, nominating), success(1), request(2, check, to: carol), success(2, from: carol), media(1, to: carol)], ["ICE.data-off-nominated": 1]),
        ("other agents' flows are not held to this pair's nomination",
         [request(1, nominating), success(1), request(2, [.username("dave:carol"), .priority(1), .iceControlling(9), STUNRuleTests.integrity], to: carol), success(2, from: carol), media(1, to: carol)], [:]),
    ]

    @Test("Data goes only where a check succeeded, and stays on the nominated pair", arguments: consentCases)
    func consent(_ name: String, packets: [Sent], broken: [String: Int]) {
        let report = Traffic.report(packets)
        let ice = report.brokenRules.filter { $0.key.hasPrefix("ICE.") && $0.key != "ICE.check-attributes" }
        #expect(ice == broken, "\(name)")
    }

    static func rtcp(_ body: RTCPBody, from: Endpoint = Traffic.bob, to: Endpoint = Traffic.alice) -> Sent {
        (from, to, RTCPCompound(packets: [RTCPPacket(body)]).serialize())
    }
    static func receiverReport(highest: UInt32) -> RTCPBody {
        .receiverReport(ReceiverReport(ssrc: 9, reports: [ReportBlock(ssrc: 0x1234_5678, fractionLost: 0, cumulativeLost: 0, highestSequence: highest, jitter: 0, lastSenderReport: 0, delaySinceLastSenderReport: 0)]))
    }
    static func senderReport(ntp: UInt64, packets: UInt32) -> RTCPBody {
        .senderReport(SenderReport(ssrc: 0x1234_5678, ntpTimestamp: ntp, rtpTimestamp: 0, packetCount: packets, octetCount: packets * 100, reports: []))
    }

    @Test("A receiver report may name the highest sequence sent, not one beyond it")
    func receiverReports() {
        let options = ReplayOptions(protection: .plain)
        #expect(Traffic.report([Self.media(1), Self.media(2), Self.rtcp(Self.receiverReport(highest: 2))], options: options).brokenRules["RTCP.rr-beyond-sent"] == nil)
        #expect(Traffic.report([Self.media(1), Self.media(2), Self.rtcp(Self.receiverReport(highest: 5))], options: options).brokenRules["RTCP.rr-beyond-sent"] == 1)
    }

    @Test("A sender's reports never go back in time or count")
    func senderReports() {
        let options = ReplayOptions(protection: .plain)
        let forward = [Self.rtcp(Self.senderReport(ntp: 10, packets: 5), from: Traffic.alice, to: Traffic.bob), Self.rtcp(Self.senderReport(ntp: 20, packets: 9), from: Traffic.alice, to: Traffic.bob)]
        #expect(Traffic.report(forward, options: options).brokenRules["RTCP.sr-monotonic"] == nil)
        let backward = [Self.rtcp(Self.senderReport(ntp: 20, packets: 9), from: Traffic.alice, to: Traffic.bob), Self.rtcp(Self.senderReport(ntp: 10, packets: 5), from: Traffic.alice, to: Traffic.bob)]
        #expect(Traffic.report(backward, options: options).brokenRules["RTCP.sr-monotonic"] == 1)
    }
}
