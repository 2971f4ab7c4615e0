import Foundation
import Testing

/// The aiortc webrtc-echoes peer (`Scripts/interop/aiortc_peer.py`) against itself: its `connect`
/// scenarios against its own `serve`. When a scenario fails between our stack and aiortc, this test tells
/// whether the harness itself still works. aiortc comes from `Scripts/bootstrap`; without it this fails
/// with the command that installs it.
@Suite("The aiortc webrtc-echoes harness", .serialized)
struct AiortcHarnessTests {
    static let negotiatedID = 5

    @Test("the aiortc harness passes its own scenarios against itself")
    func harnessAgainstItself() async throws {
        try await AiortcPeer.Server.with(negotiated: [Self.negotiatedID]) { server in
            let url = "http://127.0.0.1:\(server.port)/offer"
            let scenarios = ["text", "binary", "ordered-1000", "unreliable", "negotiated", "close-by-offerer", "close-by-answerer", "bulk"]
            for scenario in scenarios {
                let result = try await AiortcPeer.connect(url, scenario: scenario, arguments: ["--id", String(Self.negotiatedID)])
                #expect(result["ok"] == "1", "\(scenario): \(result["detail"] ?? "?")\n\(result["output"] ?? "")")
                #expect(result["exit"] == "0" || result["exit"] == "unknown", "\(scenario) exit status")
                if scenario == "bulk" {
                    #expect(result["bytes"] == String(16 << 20))
                    print("aiortc ↔ aiortc bulk: \(result["megabytesPerSecond"] ?? "?") MB/s")
                }
            }
            // What the answering side saw: each channel with the options the offerer gave it, and the closes.
            let unreliable = try #require(server.channel("unreliable"))
            #expect(unreliable["ordered"] == "0" || unreliable["ordered"] == "false")
            #expect(unreliable["maxRetransmits"] == "0")
            let negotiated = try #require(server.channel("negotiated-\(Self.negotiatedID)"))
            #expect(negotiated["id"] == String(Self.negotiatedID))
            try await server.wait(for: "closed events of both close scenarios") { events in
                let closed = Set(events.filter { $0["event"] == "closed" }.compactMap { $0["label"] })
                return closed.isSuperset(of: ["close-by-offerer", "close-by-answerer"])
            }
            #expect(server.events("offer").count == scenarios.count)
        }
    }
}
