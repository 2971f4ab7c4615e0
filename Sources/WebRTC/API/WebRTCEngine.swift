import Foundation
import DTLS

/// What runs a peer connection's machine (DESIGN §3): ``NativeEngine`` on real sockets, or
/// ``SimulatedEngine`` inside a seeded network simulation. The client API above is the same for both,
/// so one scenario runs on either.
///
/// Both run Crucible's own `PeerConnectionMachine` (see `MachineEngine`); an engine that drives another
/// stack through the same API is not written yet, and `WebRTCClient` refuses an engine that hosts no
/// machine with a typed error.
public protocol WebRTCEngine: Sendable {
    /// The seed of the next connection's random choices when its configuration names none.
    func nextConnectionSeed() -> UInt64

    /// How long an event sequence waits for its next element before it ends.
    func sequenceTimeout(operationTimeout: Duration) -> Duration

    /// The id of the next local track (W3C: a UUID).
    func nextTrackID() -> String
}

/// An engine that hosts Crucible's `PeerConnectionMachine`. Internal: the machine and the way a host
/// steps it are not client API.
protocol MachineEngine: WebRTCEngine {
    /// Makes the host of one peer connection; `sink` receives the machine's events in order.
    func makeHost(
        configuration: EngineConfiguration, certificate: DTLSCertificate, recording: Recording?,
        sink: @escaping @Sendable (EngineEvent) -> Void
    ) async throws(WebRTCError) -> any EngineHost

    /// The identity of a new connection whose random choices come from `seed`.
    func makeCertificate(seed: UInt64) throws(WebRTCError) -> DTLSCertificate
}

extension MachineEngine {
    /// A fresh identity from OpenSSL's generator: right for real sockets.
    func makeCertificate(seed: UInt64) throws(WebRTCError) -> DTLSCertificate {
        try PeerConnectionMachine.makeCertificate()
    }
}

extension WebRTCEngine {
    /// Fresh randomness: right for real sockets, where nothing is replayed.
    public func nextConnectionSeed() -> UInt64 { UInt64.random(in: .min ... .max) }

    /// A fresh random UUID.
    public func nextTrackID() -> String { UUID().uuidString.lowercased() }

    /// On the wall clock a listener may wait for events as long as the connection lives.
    public func sequenceTimeout(operationTimeout: Duration) -> Duration { .seconds(365 * 86_400) }
}

extension WebRTCEngine where Self == NativeEngine {
    /// Our engine on loopback UDP sockets (or the addresses the configuration allows).
    public static var native: NativeEngine { NativeEngine() }
}

extension WebRTCEngine where Self == SimulatedEngine {
    /// Our engine inside `network`, a deterministic simulation.
    public static func simulated(_ network: SimulatedNetwork) -> SimulatedEngine { SimulatedEngine(network: network) }
}
