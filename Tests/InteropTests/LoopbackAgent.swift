import Foundation
import ICE
import SDP
import SansIO
import Synchronization
import UDPDriver
import Wire

/// Our `ICEAgent` on a `UDPDriver` bound to 127.0.0.1 with a system-chosen port, its outputs collected
/// as they come so a test can wait for one (with a bound: the machine is loaded, nothing is timed).
final class LoopbackAgent: Sendable {
    let driver: UDPDriver<ICEAgent>
    let local: TransportAddress
    private let collected = Mutex<[ICEOutput]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init(driver: UDPDriver<ICEAgent>, local: TransportAddress) {
        self.driver = driver
        self.local = local
    }

    static func start(
        role: ICERole, nomination: NominationMode = .regular, seed: UInt64, recordingPath: String? = nil
    ) async throws -> LoopbackAgent {
        let driver = try await UDPDriver.start(
            configuration: UDPDriverConfiguration(localAddresses: [TransportAddress(.loopbackV4, port: 0)], recordingPath: recordingPath)
        ) { addresses in
            ICEAgent(
                configuration: ICEConfiguration(hostAddresses: addresses, nomination: nomination), role: role,
                generator: SeededGenerator(seed: seed))
        }
        guard let local = driver.boundAddresses.first else { throw InteropError(message: "the driver bound nothing") }
        let agent = LoopbackAgent(driver: driver, local: local)
        let stream = driver.outputs
        agent.task.withLock { task in
            task = Task { [agent] in for await output in stream { agent.collected.withLock { $0.append(output) } } }
        }
        return agent
    }

    /// Runs `body` with an agent that is closed and stopped afterwards (its recording, if any, complete),
    /// whatever `body` does.
    static func with<Result>(
        role: ICERole, nomination: NominationMode = .regular, seed: UInt64, recordingPath: String? = nil,
        _ body: (LoopbackAgent) async throws -> Result
    ) async throws -> Result {
        let agent = try await start(role: role, nomination: nomination, seed: seed, recordingPath: recordingPath)
        do {
            let result = try await body(agent)
            await agent.stop()
            return result
        } catch {
            await agent.stop()
            throw error
        }
    }

    func stop() async {
        await driver.handle(.close)
        await driver.stop()
        task.withLock { $0?.cancel() }
    }

    var outputs: [ICEOutput] { collected.withLock { $0 } }

    func handle(_ input: ICEInput) async { await driver.handle(input) }

    func read<Value: Sendable>(_ body: @escaping @Sendable (ICEAgent) -> Value) async throws -> Value {
        guard let value = await driver.inspect(body) else { throw InteropError(message: "the driver has stopped") }
        return value
    }

    /// Waits (polling, bounded by `timeout`) for the first output after the first `after` that `matches`.
    @discardableResult
    func output<Value>(
        after: Int = 0, timeout: Duration = .seconds(30), _ what: String, _ matches: (ICEOutput) -> Value?
    ) async throws -> Value {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while true {
            if let found = outputs.dropFirst(after).lazy.compactMap(matches).first { return found }
            guard clock.now < end else {
                throw InteropError(message: "no \(what) from our agent within \(timeout); outputs: \(outputs.map { "\($0)" }.joined(separator: "\n"))")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The first `.received` payload after `after` from `source`.
    func received(from source: TransportAddress, after: Int = 0) async throws -> [UInt8] {
        try await output(after: after, "data from \(source)") {
            if case .received(let payload, let from) = $0, from == source { payload } else { nil }
        }
    }

    /// The first selected pair after `after` whose remote is `remote`.
    func selectedPair(remote: TransportAddress, after: Int = 0) async throws -> ICECandidatePair {
        try await output(after: after, "a selected pair to \(remote)") {
            if case .selectedPairChanged(let pair) = $0, pair.remote.address == remote { pair } else { nil }
        }
    }

    /// Every connection state reported after `after`.
    func states(after: Int = 0) -> [IceConnectionState] {
        outputs.dropFirst(after).compactMap { if case .connectionStateChanged(let state) = $0 { state } else { nil } }
    }
}
