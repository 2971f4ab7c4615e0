import Synchronization

/// Callers suspended until a condition on a connection's state holds, for the wall-clock runtime:
/// every new event wakes them to check again. A waiter also ends at its timeout.
final class Waiters: Sendable {
    private struct Waiter {
        var condition: @Sendable () -> Bool
        var continuation: CheckedContinuation<Bool, Never>
        var timeout: Task<Void, Never>?
    }

    private let waiters = Mutex<(next: Int, entries: [Int: Waiter])>((0, [:]))

    /// True once `condition` holds; false when `timeout` passes first.
    func wait(until condition: @escaping @Sendable () -> Bool, timeout: Duration) async -> Bool {
        if condition() { return true }
        return await withCheckedContinuation { continuation in
            let id = waiters.withLock { state -> Int in
                let id = state.next
                state.next += 1
                state.entries[id] = Waiter(condition: condition, continuation: continuation, timeout: nil)
                return id
            }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                self.resume(id, with: false)
            }
            let stillWaiting = waiters.withLock { state -> Bool in
                guard state.entries[id] != nil else { return false }
                state.entries[id]?.timeout = timer
                return true
            }
            if !stillWaiting { timer.cancel() }
            // The condition may have come true between the first check and the registration.
            wake()
        }
    }

    /// Re-checks every waiter; those whose condition holds resume with true.
    func wake() {
        let ready = waiters.withLock { state -> [Waiter] in
            let ids = state.entries.filter { $0.value.condition() }.map(\.key)
            return ids.compactMap { state.entries.removeValue(forKey: $0) }
        }
        for waiter in ready {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: true)
        }
    }

    private func resume(_ id: Int, with value: Bool) {
        guard let waiter = waiters.withLock({ $0.entries.removeValue(forKey: id) }) else { return }
        waiter.continuation.resume(returning: value)
    }
}
