import Dispatch
import Synchronization

/// A stage of work on a second thread, fed batches in order by one producer: the second half of a
/// two-stage pipeline. The producer blocks when `capacity` batches wait, so memory stays bounded
/// whatever the consumer's speed; `finish` ends the input and waits for the stage's outcome.
final class PipelineStage<Element: Sendable, Outcome: Sendable>: Sendable {
    private struct Queue {
        var batches: [[Element]] = []
        var head = 0
        var closed = false
    }

    private let queue = Mutex(Queue())
    private let outcome = Mutex<Outcome?>(nil)
    private let waiting = DispatchSemaphore(value: 0)
    private let free: DispatchSemaphore
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` on another thread; it reads its input with `next()` until nil and returns its outcome.
    init(capacity: Int, _ body: @escaping @Sendable (_ next: () -> [Element]?) -> Outcome) {
        free = DispatchSemaphore(value: max(1, capacity))
        DispatchQueue.global().async { [self] in
            let result = body { self.receive() }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    /// Hands a batch to the stage, waiting while `capacity` batches are unread.
    func send(_ batch: [Element]) {
        free.wait()
        queue.withLock { $0.batches.append(batch) }
        waiting.signal()
    }

    /// Ends the input (the stage reads what was sent, then nil) and waits for the outcome.
    func finish() -> Outcome {
        queue.withLock { $0.closed = true }
        waiting.signal()
        done.wait()
        guard let result = outcome.withLock({ $0 }) else { preconditionFailure("a pipeline stage ended without its outcome") }
        return result
    }

    /// The next batch in order, waiting for it; nil once the input ended and everything was read.
    private func receive() -> [Element]? {
        waiting.wait()
        let batch: [Element]? = queue.withLock { queue in
            guard queue.head < queue.batches.count else { return nil }
            let batch = queue.batches[queue.head]
            queue.batches[queue.head] = []
            queue.head += 1
            if queue.head == queue.batches.count {
                queue.batches.removeAll(keepingCapacity: true)
                queue.head = 0
            }
            return batch
        }
        if batch != nil { free.signal() }
        return batch
    }
}
