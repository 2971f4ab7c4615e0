import Conformance
import Foundation
import Pcap
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

    /// A file of our own `Captures/` folder.
    static func recorded(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Captures").appendingPathComponent(name).path
    }

    @Test("Beside one of our recordings, its key log and offer/answer are read by name: every layer judged, the inventory printed")
    func sidecars() throws {
        let result = try Crucible.run(["replay", Self.recorded("engine-engine-media.pcapng")])
        #expect(result.status == 0, "\(result.standardError)")
        let output = result.standardOutput
        #expect(output.contains("signalling: offerer engine-engine-media.offer.sdp, answerer engine-engine-media.answer.sdp; DTLS client: answerer"))
        #expect(output.contains("PT 111 opus/48000: 150 packets"))
        #expect(output.contains("(matches a=fingerprint)"))
        #expect(output.contains("verdict: conformant (no rule broken)"))
        let bare = try Crucible.run(["replay", "--no-sidecars", Self.recorded("engine-engine-media.pcapng")])
        #expect(bare.status == 0)
        #expect(bare.standardOutput.contains("not judged:"))
        #expect(bare.standardOutput.contains("verdict: conformant as far as judged"))
    }

    @Test("--sdp offer:FILE / answer:FILE: a description the session disagrees with breaks its rule")
    func descriptions() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-sdp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let offer = try String(contentsOfFile: Self.recorded("engine-engine-loopback.offer.sdp"), encoding: .utf8)
        let tampered = folder.appendingPathComponent("offer.sdp")
        try offer.replacingOccurrences(of: "max-message-size:262144", with: "max-message-size:10").write(to: tampered, atomically: true, encoding: .utf8)
        let result = try Crucible.run([
            "replay", Self.recorded("engine-engine-loopback.pcapng"), "--sdp", "offer:\(tampered.path)",
            "--sdp", "answer:\(Self.recorded("engine-engine-loopback.answer.sdp"))",
        ])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("error SCTP.max-message-size"))
        #expect(try Crucible.run(["replay", Self.recorded("engine-engine-loopback.pcapng"), "--sdp", "/nonexistent.sdp"]).status == 2)
    }

    @Test("Flows that are not WebRTC are listed as skipped and not judged; --all-udp judges them")
    func classification() throws {
        // A DNS response whose first byte (its ID, 0x80…) falls in RFC 7983's RTP range, sent twice: judged
        // as RTP it would be a duplicate packet; told as DNS by its port and header, it is skipped.
        let response: [UInt8] =
            [0x80, 0x01, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 7] + Array("example".utf8) + [3] + Array("com".utf8)
            + [0, 0, 1, 0, 1, 0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1]
        let resolver = Endpoint(address: [192, 0, 2, 53], port: 53)
        let client = Endpoint(address: [192, 0, 2, 10], port: 40000)
        var writer = PcapngWriter()
        for frame in 1...2 {
            writer.append(UDPDatagram(frame: frame, timestampNanoseconds: Int64(frame) * 1_000_000, source: resolver, destination: client, payload: response))
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-dns-\(UUID().uuidString).pcapng").path
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try Crucible.run(["replay", path])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("skipped, DNS: UDP 53 and a DNS header"))
        #expect(result.standardOutput.contains("verdict: conformant (no rule broken)"))
        let all = try Crucible.run(["replay", "--all-udp", path])
        #expect(all.standardOutput.contains("RTP.sequence-duplicate"))
    }

    @Test("--rules prints the catalogue")
    func rules() throws {
        let result = try Crucible.run(["replay", "--rules"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("STUN.transaction-match [error] (RFC 8489 §6.3)"))
    }
}
