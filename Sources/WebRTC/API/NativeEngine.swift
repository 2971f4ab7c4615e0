import DTLS
import SansIO
import UDPDriver

/// Our engine on real UDP sockets and the wall clock (SwiftNIO). Binds only the configured local
/// addresses, loopback by default (DESIGN §6).
public struct NativeEngine: MachineEngine {
    public init() {}

    func makeHost(
        configuration engineConfiguration: EngineConfiguration, certificate: DTLSCertificate, recording: Recording?,
        sink: @escaping @Sendable (EngineEvent) -> Void
    ) async throws(WebRTCError) -> any EngineHost {
        let driverConfiguration = UDPDriverConfiguration(
            localAddresses: engineConfiguration.hostAddresses, recordingPath: recording?.capturePath)
        let waiters = Waiters()
        let driver: UDPDriver<PeerConnectionMachine>
        do {
            driver = try await UDPDriver.start(configuration: driverConfiguration, observer: { output in
                if case .event(let event) = output { sink(event) }
                waiters.wake()
            }) { bound in
                var engine = engineConfiguration
                engine.hostAddresses = bound
                return PeerConnectionMachine(configuration: engine, certificate: certificate)
            }
        } catch {
            throw .driver(error)
        }
        return UDPHost(driver: driver, waiters: waiters)
    }
}

/// A connection on a ``UDPDriver``: events reach the connection's state on the driver's loop as the
/// machine emits them (so a call's events are in before the call returns), and waiting is waiting for
/// the next event.
final class UDPHost: EngineHost {
    let driver: UDPDriver<PeerConnectionMachine>
    private let waiters: Waiters

    init(driver: UDPDriver<PeerConnectionMachine>, waiters: Waiters) {
        self.driver = driver
        self.waiters = waiters
    }

    func perform<Result: Sendable>(_ body: @escaping @Sendable (inout PeerConnectionMachine, Instant) -> Result) async -> Result? {
        await driver.perform(body)
    }

    func wait(until condition: @escaping @Sendable () -> Bool, timeout: Duration) async -> Bool {
        await waiters.wait(until: condition, timeout: timeout)
    }

    func stop() async {
        await driver.stop()
        waiters.wake()
    }
}
