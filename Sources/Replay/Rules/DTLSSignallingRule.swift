import DTLSRecord
import Hashing

/// The DTLS handshake agrees with the descriptions (RFC 8842 §5, RFC 8122 §5, RFC 5763 §5):
/// - the certificate each side sends hashes to one of the `a=fingerprint` values its own description
///   gave — the check that defeats a man in the middle, so a mismatch is an error;
/// - the side that sends the ClientHello is the one `a=setup` made the DTLS client.
///
/// A certificate's sender is known from ICE (``SideAttribution``), or else from its DTLS role and
/// `a=setup`. With neither, it must match some description's fingerprint. DTLS 1.3 encrypts the
/// Certificate message, so its certificates are not seen here.
struct DTLSSignallingRule {
    static let rules = [fingerprintMatch, setupRole]

    static let fingerprintMatch = ReplayRule(
        id: "DTLS.fingerprint-match", reference: "RFC 8122 §5, RFC 8842 §5, RFC 5763 §5", severity: .error,
        summary: "the certificate a side sends in the DTLS handshake matches an a=fingerprint of its own description")
    static let setupRole = ReplayRule(
        id: "DTLS.setup-role", reference: "RFC 8842 §5.2, §5.3; RFC 5763 §5", severity: .error,
        summary: "the side a=setup made the DTLS client (active) sends the ClientHello")

    let signalling: ReplaySignalling
    /// The DTLS client's direction per flow, from its ClientHello.
    private var clientDirections: [Int: FlowDirection] = [:]
    /// Certificates and flows' roles already judged, so retransmitted flights are judged once.
    private var judged: Set<[UInt8]> = []
    private var setupJudged: Set<Int> = []
    /// What was learned, for the inventory: each certificate's SHA-256 and who sent it.
    private(set) var certificates: [SeenCertificate] = []

    struct SeenCertificate: Hashable, Sendable {
        var flow: Int
        var role: String
        var fingerprint: CertificateFingerprint
        /// Whether it matched the sender's description, when there were descriptions.
        var matchesSignalling: Bool?
    }

    init(signalling: ReplaySignalling) { self.signalling = signalling }

    /// Looks at one packet; `sides` is what ICE said so far of who sends each way.
    mutating func observe(_ decoded: DecodedPacket, sides: SideAttribution) -> [ReplayFinding] {
        guard case .dtls = decoded.content else { return [] }
        let packet = decoded.packet
        var findings: [ReplayFinding] = []
        for message in PlaintextHandshake.all(in: decoded) {
            switch message.body {
            case .clientHello?:
                clientDirections[packet.flow] = packet.direction
                if let expected = signalling.dtlsClient, let sender = sides.side(flow: packet.flow, direction: packet.direction),
                    sender != expected, setupJudged.insert(packet.flow).inserted
                {
                    findings.append(
                        ReplayFinding(
                            Self.setupRole, frame: packet.frame, flow: packet.flow,
                            "the \(sender.rawValue) sends the ClientHello, but a=setup made the \(expected.rawValue) the DTLS client"))
                }
            case .certificate(let certificate)?:
                guard let leaf = certificate.certificates.first, judged.insert(leaf).inserted else { continue }
                findings += judge(leaf, packet: packet, sides: sides)
            default:
                continue
            }
        }
        return findings
    }

    private mutating func judge(_ leaf: [UInt8], packet: ReplayPacket, sides: SideAttribution) -> [ReplayFinding] {
        let isClient = clientDirections[packet.flow].map { $0 == packet.direction }
        let role = isClient.map { $0 ? "client" : "server" } ?? "unknown role"
        let side =
            sides.side(flow: packet.flow, direction: packet.direction)
            ?? isClient.flatMap { isClient in signalling.dtlsClient.map { isClient ? $0 : $0.other } }
        var seen = SeenCertificate(flow: packet.flow, role: role, fingerprint: CertificateFingerprint(of: leaf))
        defer { certificates.append(seen) }
        guard !signalling.isEmpty else { return [] }
        let candidates = side.map { signalling.fingerprints($0) } ?? SessionSide.allCases.flatMap { signalling.fingerprints($0) }
        guard !candidates.isEmpty else { return [] }
        let matches = candidates.contains { $0.matches(certificateDER: leaf) }
        seen.matchesSignalling = matches
        guard !matches else { return [] }
        let whose = side.map { "the \($0.rawValue)'s" } ?? "any description's"
        return [
            ReplayFinding(
                Self.fingerprintMatch, frame: packet.frame, flow: packet.flow,
                "the DTLS \(role)'s certificate (\(seen.fingerprint)) matches none of \(whose) a=fingerprint (\(candidates.map(\.description).joined(separator: ", ")))")
        ]
    }
}
