public import DTLSRecord

/// A plaintext (epoch 0) DTLS handshake fragment found in a packet, with its body when it is complete
/// and of a type the DTLSRecord module models (Hellos, HelloVerifyRequest, Certificate).
public struct PlaintextHandshake: Hashable, Sendable {
    public let header: HandshakeHeader
    public let body: HandshakeBody?

    /// Every plaintext handshake fragment in a decoded DTLS packet, in record order: as the capture-wide
    /// reassembly saw them when it ran (``DecodedPacket/handshakes``), else from this packet alone.
    public static func all(in packet: DecodedPacket) -> [PlaintextHandshake] {
        packet.handshakes ?? fragments(in: packet).map { PlaintextHandshake(complete: $0) }
    }

    /// The plaintext handshake fragments of a DTLS packet, in record order.
    static func fragments(in packet: DecodedPacket) -> [HandshakeFragment] {
        guard case .dtls(let datagram) = packet.content else { return [] }
        var found: [HandshakeFragment] = []
        for record in datagram.records {
            guard case .classic(let classic) = record, !classic.isEncrypted, classic.contentType == .handshake,
                let fragments = try? HandshakeFragment.parseAll(classic.fragment)
            else { continue }
            found += fragments
        }
        return found
    }

    /// A fragment, with its body parsed when it is a whole message of a modelled type.
    init(complete fragment: HandshakeFragment) {
        var body: HandshakeBody? = nil
        if fragment.header.isComplete, HandshakeBody.models(fragment.header.type) {
            body = try? HandshakeBody.parse(type: fragment.header.type, fragment.body)
        }
        self.init(header: fragment.header, body: body)
    }

    init(header: HandshakeHeader, body: HandshakeBody?) {
        self.header = header
        self.body = body
    }
}
