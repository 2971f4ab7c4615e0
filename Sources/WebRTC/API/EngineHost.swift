import SansIO

/// Where one peer connection's machine runs, and how its awaiting calls wait: on real sockets with the
/// wall clock (``NativeEngine``), or inside a simulation whose clock moves only while someone waits
/// (``SimulatedEngine``), which keeps a scripted session a function of its seed.
///
/// Internal on purpose (issue 13): how a host owns and steps the machine is an implementation detail of
/// the engines that run Crucible's own `PeerConnectionMachine`, not part of the client API.
protocol EngineHost: AnyObject, Sendable {
    /// Runs `body` on the machine at the host's current instant and handles its outputs. Nil when the
    /// host has stopped.
    func perform<Result: Sendable>(_ body: @escaping @Sendable (inout PeerConnectionMachine, Instant) -> Result) async -> Result?
    /// True once `condition` holds; false when `timeout` passes first (virtual time in a simulation).
    func wait(until condition: @escaping @Sendable () -> Bool, timeout: Duration) async -> Bool
    /// Stops carrying datagrams and timers; the machine gets nothing more.
    func stop() async
}

extension EngineHost {
    /// Runs a machine call that may fail, rethrowing its typed error.
    func call<Value: Sendable>(
        _ body: @escaping @Sendable (inout PeerConnectionMachine, Instant) throws(WebRTCError) -> Value
    ) async throws(WebRTCError) -> Value {
        let result = await perform { machine, now -> Result<Value, WebRTCError> in
            do throws(WebRTCError) {
                return .success(try body(&machine, now))
            } catch {
                return .failure(error)
            }
        }
        guard let result else { throw .invalidState("the peer connection's runtime has stopped") }
        return try result.get()
    }
}
