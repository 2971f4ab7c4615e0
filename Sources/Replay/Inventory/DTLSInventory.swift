import DTLSRecord

/// The DTLS associations of a capture for the inventory, from their plaintext hellos: which way the
/// ClientHello went, the version (supported_versions, RFC 8446 §4.2.1 as RFC 9147 uses it), the cipher
/// suite, and the use_srtp profile the server chose (RFC 5764 §4.1.2). Certificates come from
/// ``DTLSSignallingRule``, which judges them.
struct DTLSInventory: Sendable {
    private var entries: [Int: DTLSAssociationEntry] = [:]
    /// The client random of each flow's handshake: a ClientHello repeating it is a retransmission.
    private var clientRandoms: [Int: [UInt8]] = [:]
    let signalling: ReplaySignalling

    init(signalling: ReplaySignalling) { self.signalling = signalling }

    mutating func observe(_ decoded: DecodedPacket) {
        guard case .dtls = decoded.content else { return }
        let packet = decoded.packet
        for message in PlaintextHandshake.all(in: decoded) {
            switch message.body {
            case .clientHello(let hello)?:
                // A retransmission (the same random, RFC 6347 §4.2.1) continues the handshake; a new random starts another.
                guard clientRandoms[packet.flow] != hello.random || entries[packet.flow]?.clientDirection != packet.direction.rawValue else { continue }
                clientRandoms[packet.flow] = hello.random
                entries[packet.flow] = DTLSAssociationEntry(
                    flow: packet.flow, clientDirection: packet.direction.rawValue, clientSide: signalling.dtlsClient?.rawValue)
            case .serverHello(let hello)?:
                guard entries[packet.flow] != nil else { continue }
                var version = hello.serverVersion
                for case .selectedVersion(let selected) in hello.extensions ?? [] { version = selected }
                entries[packet.flow]?.version = version.description
                entries[packet.flow]?.cipherSuite = "0x" + String(hello.cipherSuite, radix: 16)
                if let profile = DTLSUseSRTPRule.useSRTP(hello.extensions)?.profiles.first {
                    entries[packet.flow]?.srtpProfile = DTLSUseSRTPRule.name(profile)
                }
            default:
                continue
            }
        }
    }

    /// The rows, with the certificates the signalling rule saw.
    func entries(certificates: [DTLSSignallingRule.SeenCertificate]) -> [DTLSAssociationEntry] {
        entries.keys.sorted().compactMap { flow in
            guard var entry = entries[flow] else { return nil }
            for certificate in certificates where certificate.flow == flow {
                entry.certificates[certificate.role] = certificate.fingerprint.description
                if let matches = certificate.matchesSignalling { entry.certificatesMatchSignalling[certificate.role] = matches }
            }
            return entry
        }
    }
}
