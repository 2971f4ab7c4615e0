import SRTP
import Hashing
import DTLS
import SansIO

/// The tiny deterministic network the endpoint tests run on: two endpoints, a zero-delay link in each
/// direction, virtual time that jumps to the next deadline when nothing is in flight, and a filter that
/// may drop any datagram.
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
    }

    let client: DTLSEndpoint
    let server: DTLSEndpoint
    private(set) var now = Instant.zero
    private(set) var transmissions: [Transmission] = []
    private(set) var clientEvents: [DTLSEndpoint.Output] = []
    private(set) var serverEvents: [DTLSEndpoint.Output] = []
    private var inFlight: [(to: Side, payload: [UInt8])] = []
    private var sentCount: [Side: Int] = [:]
    /// Returns true to lose a datagram.
    var drop: (Transmission) -> Bool = { _ in false }
    /// Returns what the link delivers instead of a datagram (nil: delivers it unchanged).
    var corrupt: (Transmission) -> [UInt8]? = { _ in nil }

    init(client: DTLSEndpoint, server: DTLSEndpoint) {
        self.client = client
        self.server = server
    }

    func endpoint(_ side: Side) -> DTLSEndpoint { side == .client ? client : server }
    func events(_ side: Side) -> [DTLSEndpoint.Output] { side == .client ? clientEvents : serverEvents }

    /// Feeds one input to a side now, then lets the network settle.
    func input(_ input: DTLSEndpoint.Input, to side: Side) {
        endpoint(side).handle(input, at: now)
        drain(side)
        settle()
    }

    /// Runs until both sides are quiet and no deadline falls before `limit`.
    func run(until limit: Instant) {
        while true {
            settle()
            let deadlines = [client.nextDeadline, server.nextDeadline].compactMap { $0 }
            guard let next = deadlines.min(), next <= limit else { return }
            now = max(now, next)
            for side in [Side.client, .server] {
                if let deadline = endpoint(side).nextDeadline, deadline <= now {
                    endpoint(side).handleTimeout(at: now)
                    drain(side)
                }
            }
        }
    }

    /// Delivers everything in flight, with every output it causes, at the current instant.
    private func settle() {
        drain(.client)
        drain(.server)
        while !inFlight.isEmpty {
            let (side, payload) = inFlight.removeFirst()
            endpoint(side).handle(.received(payload), at: now)
            drain(side)
        }
    }

    private func drain(_ side: Side) {
        while let output = endpoint(side).poll() {
            if case .transmit(let payload) = output {
                let index = sentCount[side, default: 0]
                sentCount[side] = index + 1
                var transmission = Transmission(time: now, from: side, index: index, payload: payload, dropped: false)
                if drop(transmission) {
                    transmission = Transmission(time: now, from: side, index: index, payload: payload, dropped: true)
                } else {
                    inFlight.append((side == .client ? .server : .client, corrupt(transmission) ?? payload))
                }
                transmissions.append(transmission)
            } else if side == .client {
                clientEvents.append(output)
            } else {
                serverEvents.append(output)
            }
        }
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
