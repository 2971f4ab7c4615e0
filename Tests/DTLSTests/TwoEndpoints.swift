import SRTP
import Hashing
import DTLS
import SansIO
import Simulation
import CrucibleTestSupport

/// The endpoint tests' network: two endpoints on the simulator (`MachinePair`, the client as `a`), a perfect
/// link each way (every datagram arrives the instant it is sent) and a filter that may drop or alter
/// any datagram. Build seeded endpoints (`randomness:`) for runs that replay byte for byte.
final class TwoEndpoints {
    enum Side: Hashable, CustomStringConvertible {
        case client, server
        var description: String { self == .client ? "client" : "server" }
    }

    struct Transmission {
        let time: Instant
        let from: Side
        /// 0 for the first datagram this side sent, 1 for the next…
        let index: Int
        let payload: [UInt8]
        let dropped: Bool

        init(_ sent: PeerTransmission) {
            time = sent.instant
            from = sent.side == 0 ? .client : .server
            index = sent.index
            payload = sent.payload
            dropped = sent.dropped
        }
    }

    let client: DTLSEndpoint
    let server: DTLSEndpoint
    /// The simulated pair underneath: its link, seed and trace.
    var network: MachinePair<DTLSEndpoint, DTLSEndpoint>
    /// Returns true to lose a datagram.
    var drop: (Transmission) -> Bool = { _ in false } {
        didSet { network.drop = { [drop] in drop(Transmission($0)) } }
    }
    /// Returns what the link delivers instead of a datagram (nil: delivers it unchanged).
    var corrupt: (Transmission) -> [UInt8]? = { _ in nil } {
        didSet { network.corrupt = { [corrupt] in corrupt(Transmission($0)) } }
    }

    init(client: DTLSEndpoint, server: DTLSEndpoint, seed: SimulationSeed = dtlsSeed) {
        self.client = client
        self.server = server
        network = MachinePair(client, server, seed: seed, names: ("client", "server"))
    }

    var now: Instant { network.now }
    var transmissions: [Transmission] { network.transmissions.map(Transmission.init) }
    var clientEvents: [DTLSEndpoint.Output] { network.eventsA }
    var serverEvents: [DTLSEndpoint.Output] { network.eventsB }

    func endpoint(_ side: Side) -> DTLSEndpoint { side == .client ? client : server }
    func events(_ side: Side) -> [DTLSEndpoint.Output] { side == .client ? clientEvents : serverEvents }

    /// Feeds one input to a side now, then lets the network settle.
    func input(_ input: DTLSEndpoint.Input, to side: Side) {
        if side == .client { network.input(a: input) } else { network.input(b: input) }
        network.runEventsDueNow()
    }

    /// Runs every datagram and deadline up to `limit`; the clock then reads `limit`.
    func run(until limit: Instant) {
        guard limit > now else { return network.runEventsDueNow() }
        network.run(for: limit - now)
    }

    // MARK: Reading the record

    func connectionInfo(_ side: Side) -> DTLSConnectionInfo? {
        for case .connected(let info) in events(side) { return info }
        return nil
    }

    func failure(_ side: Side) -> DTLSEndpointError? {
        for case .failed(let error) in events(side) { return error }
        return nil
    }

    func applicationData(_ side: Side) -> [[UInt8]] {
        events(side).compactMap { if case .applicationData(let bytes) = $0 { bytes } else { nil } }
    }

    func keyLogLines(_ side: Side) -> [String] {
        events(side).compactMap { if case .keyLog(let line) = $0 { line } else { nil } }
    }

    func sent(by side: Side) -> [Transmission] { transmissions.filter { $0.from == side } }
}

/// The seed of every endpoint test's network: `CRUCIBLE_SEED` when set.
let dtlsSeed = SimulationSeed.fromEnvironment(default: 0xD715)

/// Endpoints with fresh certificates that expect each other's fingerprints.
enum Fixture {
    static func pair(
        clientProfiles: [SRTPProfile] = SRTPProfile.webRTCDefault,
        serverProfiles: [SRTPProfile] = SRTPProfile.webRTCDefault,
        keyLog: Bool = false, mtu: Int = 1200,
        clientExpects: CertificateFingerprint? = nil, serverExpects: CertificateFingerprint? = nil,
        clientCertificate: Bool = true, serverCertificate: Bool = true
    ) throws -> TwoEndpoints {
        let clientCertificate = clientCertificate ? try DTLSCertificate(commonName: "client") : nil
        let serverCertificate = serverCertificate ? try DTLSCertificate(commonName: "server") : nil
        let stranger = try DTLSCertificate(commonName: "stranger").fingerprint()
        let client = try DTLSEndpoint(
            role: .client, certificate: clientCertificate,
            expectedPeerFingerprint: clientExpects ?? serverCertificate?.fingerprint() ?? stranger,
            srtpProfiles: clientProfiles, mtu: mtu, keyLog: keyLog)
        let server = try DTLSEndpoint(
            role: .server, certificate: serverCertificate,
            expectedPeerFingerprint: serverExpects ?? clientCertificate?.fingerprint() ?? stranger,
            srtpProfiles: serverProfiles, mtu: mtu, keyLog: keyLog)
        return TwoEndpoints(client: client, server: server)
    }
}
