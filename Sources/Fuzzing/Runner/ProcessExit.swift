public import Foundation

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

    /// Waits for the child's end by polling ``pollTermination()`` every 2 ms; use it instead of
    /// `waitUntilExit`.
    public func waitForTermination() -> Termination {
        while true {
            if let end = pollTermination() { return end }
            usleep(2_000)
        }
    }
}
