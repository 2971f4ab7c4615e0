import CrucibleTestSupport
import Replay
import STUN
import Testing
import Wire

@Suite("STUN rules")
struct STUNRuleTests {
    typealias Sent = Traffic.Sent
    static let request = STUNMessageType.bindingRequest
    static let success = STUNMessageType.bindingSuccess
    static let allocateSuccess = STUNMessageType(method: .allocate, messageClass: .successResponse)

    static let transactionCases: [(String, [Sent], [String: Int])] = [
        ("a request answered the other way is clean",
         [Traffic.aliceToBob(Traffic.stun(request, 1)), Traffic.bobToAlice(Traffic.stun(success, 1))], [:]),
        ("an error response answers too",
         [Traffic.aliceToBob(Traffic.stun(request, 1)), Traffic.bobToAlice(Traffic.stun(.bindingError, 1, [.errorCode(.init(code: 487, reason: "Role Conflict"))]))], [:]),
        ("a response to a request the capture does not hold is a warning",
         [Traffic.bobToAlice(Traffic.stun(success, 1))], ["STUN.unmatched-response": 1]),
        ("a response travelling the same way as its request breaks the match",
         [Traffic.aliceToBob(Traffic.stun(request, 1)), Traffic.aliceToBob(Traffic.stun(success, 1))], ["STUN.transaction-match": 1, "STUN.unanswered": 1]),
        ("a response of another method breaks the match",
         [Traffic.aliceToBob(Traffic.stun(request, 1)), Traffic.bobToAlice(Traffic.stun(allocateSuccess, 1))], ["STUN.transaction-match": 1, "STUN.unanswered": 1]),
        ("a retransmitted request is noted",
         [Traffic.aliceToBob(Traffic.stun(request, 1)), Traffic.aliceToBob(Traffic.stun(request, 1)), Traffic.bobToAlice(Traffic.stun(success, 1))],
         ["STUN.retransmission": 1]),
        ("an unanswered request is noted",
         [Traffic.aliceToBob(Traffic.stun(request, 1))], ["STUN.unanswered": 1]),
        ("indications need no answer",
         [Traffic.aliceToBob(Traffic.stun(.bindingIndication, 1))], [:]),
    ]

    @Test("Every response answers a request of the same transaction and method, sent the other way (RFC 8489 §6.3, §6.2.1)", arguments: transactionCases)
    func transactions(name: String, traffic: [Sent], broken: [String: Int]) {
        #expect(Traffic.report(traffic).brokenRules == broken, "\(name)")
    }

    @Test("The retransmission note gives the interval since the previous transmission")
    func retransmissionInterval() {
        let report = Traffic.report([Traffic.aliceToBob(Traffic.stun(Self.request, 1)), Traffic.aliceToBob(Traffic.stun(Self.request, 1))])
        let note = report.findings.first { $0.rule.id == "STUN.retransmission" }?.occurrences.first
        #expect(note?.frame == 2)
        #expect(note?.detail.contains("after 10.0 ms") == true)
    }

    static let integrity = STUNAttributeValue.messageIntegrity(Array(repeating: 0, count: 20))
    static let check: [STUNAttributeValue] = [.username("bob:alice"), .priority(1), .iceControlling(7), integrity]
    static let fingerprintCases: [(String, [Sent], [String: Int])] = [
        ("an ICE check and its response with FINGERPRINT are clean",
         [Traffic.aliceToBob(Traffic.stun(request, 1, check)), Traffic.bobToAlice(Traffic.stun(success, 1))], [:]),
        ("an ICE check and its response without FINGERPRINT are both flagged",
         [Traffic.aliceToBob(Traffic.stun(request, 1, check, fingerprint: false)), Traffic.bobToAlice(Traffic.stun(success, 1, fingerprint: false))],
         ["STUN.fingerprint-present": 2]),
        ("a plain STUN Binding (no ICE attributes) needs no FINGERPRINT",
         [Traffic.aliceToBob(Traffic.stun(request, 1, fingerprint: false)), Traffic.bobToAlice(Traffic.stun(success, 1, fingerprint: false))], [:]),
    ]

    @Test("ICE connectivity checks and their responses carry FINGERPRINT (RFC 8445 §7)", arguments: fingerprintCases)
    func fingerprintPresence(name: String, traffic: [Sent], broken: [String: Int]) {
        #expect(Traffic.report(traffic).brokenRules == broken, "\(name)")
    }

    /// RFC 5769 §2.1 sample request (short-term credential, password "VOkJxbRl1RmTxUk/WvJxBt").
    static let rfc5769Request = Hex.literal(
        "000100582112a442b7e7a701bc34d686fa87dfae802200105354554e207465737420636c69656e74"
            + "002400046e0001ff80290008932ff9b151263b36000600096576746a3a6836765920202000080014"
            + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a280280004e57a3bcf")

    @Test(
        "MESSAGE-INTEGRITY verifies with a known ICE password; with none known the rule is silent (RFC 8489 §14.5)",
        arguments: [
            (["VOkJxbRl1RmTxUk/WvJxBt"], [:]), (["wrong", "VOkJxbRl1RmTxUk/WvJxBt"], [:]),
            (["wrong"], ["STUN.message-integrity": 1]), ([], [:]),
        ] as [([String], [String: Int])])
    func integrity(passwords: [String], broken: [String: Int]) {
        var found = Traffic.report([Traffic.aliceToBob(Self.rfc5769Request)], options: ReplayOptions(icePasswords: passwords)).brokenRules
        found["STUN.unanswered"] = nil
        #expect(found == broken)
    }

    static let checkCases: [(String, [STUNAttributeValue], Int)] = [
        ("a complete controlling check", check, 0),
        ("a controlled check", [.username("b:a"), .priority(1), .iceControlled(7), integrity], 0),
        ("a nominating controlling check", [.username("b:a"), .priority(1), .iceControlling(7), .useCandidate, integrity], 0),
        ("no PRIORITY", [.username("b:a"), .iceControlling(7), integrity], 1),
        ("no role", [.username("b:a"), .priority(1), integrity], 1),
        ("both roles", [.username("b:a"), .priority(1), .iceControlling(7), .iceControlled(8), integrity], 1),
        ("USE-CANDIDATE from the controlled agent", [.username("b:a"), .priority(1), .iceControlled(7), .useCandidate, integrity], 1),
        ("no USERNAME", [.priority(1), .iceControlling(7), integrity], 1),
        ("no MESSAGE-INTEGRITY", [.username("b:a"), .priority(1), .iceControlling(7)], 1),
    ]

    @Test("An ICE check has PRIORITY, one role, USERNAME and MESSAGE-INTEGRITY; USE-CANDIDATE only when controlling (RFC 8445 §7)", arguments: checkCases)
    func iceCheck(name: String, values: [STUNAttributeValue], broken: Int) {
        let report = Traffic.report([Traffic.aliceToBob(Traffic.stun(Self.request, 1, values)), Traffic.bobToAlice(Traffic.stun(Self.success, 1))])
        #expect(report.brokenRules["ICE.check-attributes", default: 0] == broken, "\(name)")
        #expect(report.brokenRules.count == (broken == 0 ? 0 : 1), "\(name): \(report.brokenRules)")
    }
}
