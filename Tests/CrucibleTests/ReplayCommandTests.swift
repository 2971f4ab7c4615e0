import Conformance
import Foundation
import Testing

/// `crucible replay` as users run it: the report and the exit-code contract
/// (0 no error-severity rule broken, 1 one is, 2 unreadable input or a wrong call).
@Suite("crucible replay")
struct ReplayCommandTests {
    static func capture(_ name: String) throws -> String {
        try SharedFolder.locate(from: #filePath).capture(name).path
    }

    @Test("A clean capture exits 0 with the flow summary and verdict")
    func clean() throws {
        let result = try Crucible.run(["replay", try Self.capture("zeek_webrtc-stun.pcap")])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("192.168.6.82:51462 <-> 74.201.205.9:43044: dtls 4, stun 10"))
        #expect(result.standardOutput.contains("verdict: conformant"))
    }

    @Test("A capture that breaks an error rule exits 1 and names the rule and frame; --json is machine-readable")
    func broken() throws {
        let result = try Crucible.run(["replay", try Self.capture("ndpi_stun.pcap")])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("error STUN.fingerprint-value (RFC 8489 §14.7)"))
        #expect(result.standardOutput.contains("frame 195"))
        let json = try Crucible.run(["replay", "--json", try Self.capture("ndpi_stun.pcap")])
        #expect(json.status == 1)
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        #expect((object?["flows"] as? [Any])?.count == 10)
        #expect(object?["exitCode"] as? Int == 1)
        #expect((object?["brokenRules"] as? [String: Int])?["STUN.fingerprint-value"] == 1)
    }

    @Test("--ice-pwd turns on MESSAGE-INTEGRITY checks: a wrong password breaks them")
    func icePassword() throws {
        let result = try Crucible.run(["replay", "--ice-pwd", "not-the-password", try Self.capture("zeek_webrtc-stun.pcap")])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("error STUN.message-integrity"))
    }

    @Test("Unreadable input and wrong calls exit 2", arguments: [
        ["replay", "/nonexistent/capture.pcap"], ["replay", "Package.swift"], ["replay"], ["replay", "x.pcap", "--rtp", "bogus"],
    ])
    func unreadable(arguments: [String]) throws {
        #expect(try Crucible.run(arguments).status == 2)
    }

    @Test("--rules prints the catalogue")
    func rules() throws {
        let result = try Crucible.run(["replay", "--rules"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("STUN.transaction-match [error] (RFC 8489 §6.3)"))
    }
}
