public import DTLSRecord

/// A plaintext (epoch 0) DTLS handshake fragment found in a packet, with its body when it is complete
/// and of a type the DTLSRecord module models (Hellos, HelloVerifyRequest, Certificate).
public struct PlaintextHandshake: Hashable, Sendable {
    public let header: HandshakeHeader
    public let body: HandshakeBody?

    /// Every plaintext handshake fragment in a decoded DTLS packet, in record order.
    public static func all(in packet: DecodedPacket) -> [PlaintextHandshake] {
        guard case .dtls(let datagram) = packet.content else { return [] }
        var found: [PlaintextHandshake] = []
        for record in datagram.records {
            guard case .classic(let classic) = record, !classic.isEncrypted, classic.contentType == .handshake,
                let fragments = try? HandshakeFragment.parseAll(classic.fragment)
            else { continue }
            for fragment in fragments {
                var body: HandshakeBody? = nil
                if fragment.header.isComplete, HandshakeBody.models(fragment.header.type) {
                    body = try? HandshakeBody.parse(type: fragment.header.type, fragment.body)
                }
                found.append(PlaintextHandshake(header: fragment.header, body: body))
            }
        }
        return found
    }
}
