import Testing
import WebRTC
import Simulation

@Test func debugStall() async throws {
    let bench = Bench(.simulated, conditions: .loss20, seed: 0x1417, filter: "ImpairmentTests")
    var lastPair: PeerPair?
    do {
        let pair = try await bench.pair()
        lastPair = pair
        for i in 0..<200 { try await pair.offererChannel.send([UInt8](repeating: 1, count: 1 + (i * 37) % 4000)) }
        for _ in 0..<200 { _ = try await pair.answererChannel.receiveBinary() }
    } catch {
        print("ERROR \(error) stalled=\(bench.network!.isStalled) now=\(bench.network!.now)")
        if let pc = lastPair { print(await pc.offerer.diagnostics()); print(await pc.answerer.diagnostics()) }
        for line in bench.network!.traceTail(40) { print(line) }
    }
}
