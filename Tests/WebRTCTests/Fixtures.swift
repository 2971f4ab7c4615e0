import DataChannels
import Foundation
import Simulation
import Testing
import Harness
import WebRTC

/// The two runtimes every two-engine scenario runs on (issue 7: "on the simulator and on loopback UDP").
enum Runtime: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case simulated
    case loopback

    var testDescription: String { rawValue }
}

/// One client on a runtime, with the clock its timings are read from.
struct Bench: Sendable {
    let client: WebRTCClient
    let network: SimulatedNetwork?
    let clock: @Sendable () -> Duration
    /// Printed with every expectation: the seed and how to replay it (DESIGN §1.5).
    let replay: Comment

    init(_ runtime: Runtime, conditions: LinkConditions = .perfect, seed defaultSeed: UInt64 = 7, filter: String = "WebRTCTests", recording: Bool = false) {
        switch runtime {
        case .simulated:
            let seed = SimulationSeed.fromEnvironment(default: defaultSeed)
            let network = SimulatedNetwork(seed: seed, conditions: conditions, recording: recording)
            self.network = network
            client = WebRTCClient(engine: .simulated(network)) {
                $0.defaultConnection.operationTimeout = .seconds(120)
                $0.defaultConnection.keyLog = recording
            }
            clock = { let now = network.now; return .nanoseconds(Int64(clamping: now.nanoseconds)) }
            replay = Comment(rawValue: "seed \(seed); replay: \(seed.replayCommand(filter: filter))")
        case .loopback:
            network = nil
            client = WebRTCClient(engine: .native) { $0.defaultConnection.operationTimeout = .seconds(20) }
            let origin = ContinuousClock.now
            clock = { ContinuousClock.now - origin }
            replay = "loopback UDP"
        }
    }

    /// Two connected peers with one channel open.
    func pair(label: String = "chat", options: DataChannelOptions = DataChannelOptions()) async throws -> PeerPair {
        try await PeerPair.connect(client: client, label: label, options: options, clock: clock)
    }
}

