import Synchronization
import UDPDriver

/// Collects a driver's outputs as they come, so a test can wait for one with a timeout.
public final class Collector<Output: Sendable>: Sendable {
    private final class Items: Sendable {
        let list = Mutex<[Output]>([])
    }

    private let items = Items()
    private let task: Task<Void, Never>

    public init(_ stream: AsyncStream<Output>) {
        let items = self.items
        task = Task { for await item in stream { items.list.withLock { $0.append(item) } } }
    }

    deinit { task.cancel() }

    public var all: [Output] { items.list.withLock { $0 } }

    /// Waits (polling every 5 ms, up to `timeout`) until `condition` holds for the outputs so far.
    @discardableResult
    public func wait(timeout: Duration = .seconds(5), until condition: ([Output]) -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(all)
    }
}
