import Foundation
import Testing

/// Sessions with Chromium under random loss, captured at one end of the lossy link (issue 16): the
/// replay checker must still key the DTLS handshakes it holds, retransmitted hellos and all, and judge
/// every record. `Scripts/lossy-namespace` runs `crucible interop` in a network namespace whose
/// loopback drops 5 % of UDP datagrams (nftables; DESIGN §6).
@Suite("Interop with Chromium under 5 % loss")
struct LossyInteropTests {
    struct Cell: Decodable {
        struct Replay: Decodable {
            let decrypted: Bool
            let errors: [String: Int]
        }
        let offerer: String
        let answerer: String
        let verdict: String
        let replay: Replay?
    }

    @Test("Chromium as DTLS client (it answers active) and as server: every cell passes, keys and decrypts, with no replay error")
    func chromiumUnderLoss() throws {
        guard getuid() == 0 else {
            Issue.record("this test makes a network namespace and needs root (CI runs as root)")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-lossy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try Crucible.run(
            ["interop", "--peers", "crucible,chromium", "--scenarios", "ordered-1000", "--json", "--out", folder.path],
            wrappedIn: [Crucible.repositoryRoot.appendingPathComponent("Scripts/lossy-namespace").path, "5"])
        #expect(result.status != 2, "\(result.standardError)")
        let cells = try JSONDecoder().decode([Cell].self, from: Data(result.standardOutput.utf8))
        let withChromium = cells.filter { $0.offerer == "chromium" || $0.answerer == "chromium" }
        #expect(withChromium.count == 2)
        for cell in withChromium {
            #expect(cell.verdict == "pass", "\(cell.offerer)→\(cell.answerer): \(result.standardError)")
            #expect(cell.replay?.decrypted == true, "\(cell.offerer)→\(cell.answerer): its capture was not decrypted")
            #expect(cell.replay?.errors == [:], "\(cell.offerer)→\(cell.answerer)")
        }
    }
}
