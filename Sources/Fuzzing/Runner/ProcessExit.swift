public import Foundation
import Synchronization

extension Process {
    /// How a child ended: `.exit` with its exit code, or `.uncaughtSignal` with the signal number.
    public typealias Termination = (reason: TerminationReason, status: Int32)

    /// Whether the child has ended, asked of the kernel (`waitpid` with `WNOHANG`), and how; nil while it
    /// runs. Foundation learns of a child's exit on libdispatch worker threads; on a two-core machine two
    /// callers blocked in `waitUntilExit` inside Swift concurrency can occupy every such thread, and then
    /// no exit is ever noticed. So every synchronous wait on a child in this project polls this instead.
    /// Once this has reaped the child, Foundation's `isRunning` and `terminationStatus` are not to be
    /// trusted: keep the returned value.
    public func pollTermination() -> Termination? {
        if !isRunning { return (terminationReason, terminationStatus) }
        var status: Int32 = 0
        let result = waitpid(processIdentifier, &status, WNOHANG)
        if result == processIdentifier {
            // The <sys/wait.h> layout: the low 7 bits are the signal, 0 for an exit with its code above.
            let signal = status & 0x7F
            return signal == 0 ? (.exit, (status >> 8) & 0xFF) : (.uncaughtSignal, signal)
        }
        guard result == -1, errno == ECHILD else { return nil }
        // Foundation reaped it first: give its bookkeeping a moment to say how it ended.
        let deadline = Date().addingTimeInterval(5)
        while isRunning, Date() < deadline { usleep(2_000) }
        return isRunning ? (.exit, -1) : (terminationReason, terminationStatus)
    }

    /// Starts the child with no signal blocked. `run()` hands the child the calling thread's signal mask,
    /// and a libdispatch worker thread (every Swift concurrency thread) blocks nearly every signal: a child
    /// started from one never sees SIGINT or SIGTERM, so `ProcessWatch.end` could only kill it, and a
    /// program that finishes its work on SIGINT (dumpcap closing its capture file) would be cut short.
    public func runWithSignalsUnblocked() throws {
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try run()
    }

    /// Waits for the child's end by polling ``pollTermination()`` every 2 ms; use it instead of
    /// `waitUntilExit` (or keep a ``ProcessWatch`` to ask more than once).
    public func waitForTermination() -> Termination { ProcessWatch(self).wait() }
}

/// A started `Process` watched through the kernel (``Foundation/Process/pollTermination()``): the one
/// way this project asks whether a child still runs, waits for its end with a deadline, and ends it.
/// It keeps how the child ended once seen, since after that Foundation's own `isRunning` and
/// `terminationStatus` are not to be trusted. Shared by the fuzz runner (`ChildProcess`) and the tests'
/// outside peers (coturn, aioice, aiortc, Python).
public final class ProcessWatch: Sendable {
    public let process: Process
    /// How the child ended, once seen; the lock also keeps two threads from polling at once, where the
    /// one that lost the race to reap the child would not learn how it ended.
    private let ended = Mutex<Process.Termination?>(nil)

    /// Watches `process`, which must have been started (`run()`).
    public init(_ process: Process) { self.process = process }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// How the child ended; nil while it runs.
    public var termination: Process.Termination? {
        ended.withLock { ended in
            if ended == nil { ended = process.pollTermination() }
            return ended
        }
    }

    public var isRunning: Bool { termination == nil }

    /// Waits for the child's end, polling every 2 ms (never `waitUntilExit`, see `pollTermination()`).
    public func wait() -> Process.Termination {
        while true {
            if let end = termination { return end }
            usleep(2_000)
        }
    }

    /// Waits at most `timeout` for the child's end; nil when it still runs then.
    public func wait(timeout: Duration) -> Process.Termination? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while true {
            if let end = termination { return end }
            guard clock.now < deadline else { return nil }
            usleep(2_000)
        }
    }

    /// Sends `signal` to the child if it still runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(process.processIdentifier, signal) }
    }

    /// Ends the child: `signal` (SIGTERM unless told), then SIGKILL if it still runs after `grace`; waits
    /// for the end and says how it came.
    @discardableResult
    public func end(signal: Int32 = SIGTERM, grace: Duration) -> Process.Termination {
        send(signal)
        if let end = wait(timeout: grace) { return end }
        send(SIGKILL)
        return wait()
    }
}
