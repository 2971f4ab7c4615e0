import Foundation
import DTLS
import SansIO
import UDPDriver
public import Wire

/// Our engine on real UDP sockets and the wall clock (SwiftNIO). Binds only the configured local
/// addresses (``ConnectionConfiguration/localAddresses``, loopback by default): that list is the
/// allow-list of DESIGN §6, and each address must belong to one of the machine's interfaces.
///
/// Where datagrams may go follows from it: to loopback only while every local address is loopback (the
/// default, and what every test uses), anywhere once the user has bound an address of a real network
/// (a browser on the LAN sends from its own address, which no configuration can know in advance).
public struct NativeEngine: MachineEngine {
    public init() {}

    /// Checks that `addresses` can be bound: each is an address of one of this machine's interfaces
    /// (any of 127.0.0.0/8 and ::1 is), as a command line does before it advertises them.
    public static func validate(localAddresses addresses: [TransportAddress]) throws(WebRTCError) {
        guard !addresses.isEmpty else { throw .driver(.noLocalAddresses) }
        do { try LocalInterfaces.check(addresses) } catch { throw .driver(error) }
    }

    /// The driver configuration for a connection bound to `addresses`.
    static func driverConfiguration(_ addresses: [TransportAddress], recordingPath: String?) -> UDPDriverConfiguration {
        let loopbackOnly = addresses.allSatisfy(\.address.isLoopback)
        return UDPDriverConfiguration(
            localAddresses: addresses, localPolicy: .only(Set(addresses.map(\.address))),
            remotePolicy: loopbackOnly ? .loopbackOnly : .any, recordingPath: recordingPath)
    }

    func makeHost(
        configuration engineConfiguration: EngineConfiguration, certificate: DTLSCertificate, recording: Recording?,
        sink: @escaping @Sendable (EngineEvent) -> Void
    ) async throws(WebRTCError) -> any EngineHost {
        let driverConfiguration = Self.driverConfiguration(engineConfiguration.hostAddresses, recordingPath: recording?.capturePath)
        let waiters = Waiters()
        let driver: UDPDriver<PeerConnectionMachine>
        do {
            driver = try await UDPDriver.start(configuration: driverConfiguration, observer: { output in
                if case .event(let event) = output { sink(event) }
                waiters.wake()
            }) { bound in
                var engine = engineConfiguration
                engine.hostAddresses = bound
                // The driver's clock starts about now: RTCP sender reports carry wall-clock NTP time.
                engine.ntpAtZero = systemNTPTime()
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

/// The system clock as a 64-bit NTP timestamp (RFC 3550 §4: seconds since 1900 in the upper half).
private func systemNTPTime() -> UInt64 {
    let seconds = Date().timeIntervalSince1970 + 2_208_988_800
    let whole = UInt64(seconds)
    return whole << 32 | UInt64((seconds - Double(whole)) * 4_294_967_296)
}
