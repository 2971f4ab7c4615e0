import DTLSRecord

/// Puts plaintext DTLS handshake messages fragmented across datagrams back together for the rules and
/// the decryption stage (RFC 6347 §4.2.3), per flow and direction, in capture order.
///
/// Chromium's ClientHello carries a post-quantum key share (X25519MLKEM768) and is some 1,400 bytes, so it
/// goes in two fragments; judged one datagram at a time, neither fragment is a ClientHello and the
/// handshake (its randoms, use_srtp, which side is the client) would be invisible.
struct HandshakeReassemblyStage {
    /// Bounds per flow and direction.
    static let limits = HandshakeReassembler.Limits(maxMessageLength: 32 * 1024, maxBufferedBytes: 64 * 1024)
    /// Bound over the whole capture: a hostile one opening partial messages on many flows gets this much
    /// reassembled and no more; fragments past it are judged one datagram at a time, as before.
    static let totalBufferedBytes = 16 << 20

    private struct Side: Hashable { let flow: Int; let direction: FlowDirection }
    private var reassemblers: [Side: HandshakeReassembler] = [:]
    private var buffered = 0

    /// The packet with its handshake messages as the capture so far explains them: each fragment keeps
    /// its header, and the one that completes a message carries the whole message's header and body.
    mutating func attach(to decoded: DecodedPacket) -> DecodedPacket {
        let fragments = PlaintextHandshake.fragments(in: decoded)
        guard !fragments.isEmpty else {
            // Said once here, so the stages after do not look for handshake records again.
            var none = decoded
            none.handshakes = []
            return none
        }
        let side = Side(flow: decoded.packet.flow, direction: decoded.packet.direction)
        var messages: [PlaintextHandshake] = []
        for fragment in fragments {
            // A ClientHello begins a handshake (or repeats its start): message_seq starts over on both
            // sides, so what they completed before must not make the new fragments look like repeats.
            if fragment.header.type == .clientHello, fragment.header.fragmentOffset == 0 {
                for reset in [side, Side(flow: side.flow, direction: side.direction.reversed)] {
                    buffered -= reassemblers.removeValue(forKey: reset)?.bufferedBytes ?? 0
                }
            }
            if fragment.header.isComplete {
                messages.append(PlaintextHandshake(complete: fragment))
                continue
            }
            guard buffered + Int(fragment.header.length) <= Self.totalBufferedBytes else {
                messages.append(PlaintextHandshake(header: fragment.header, body: nil))
                continue
            }
            var reassembler = reassemblers[side] ?? HandshakeReassembler(limits: Self.limits)
            let before = reassembler.bufferedBytes
            let outcome = try? reassembler.receive(fragment)
            buffered += reassembler.bufferedBytes - before
            reassemblers[side] = reassembler
            if case .completed(let whole)? = outcome {
                messages.append(PlaintextHandshake(complete: whole))
            } else {
                messages.append(PlaintextHandshake(header: fragment.header, body: nil))
            }
        }
        var attached = decoded
        attached.handshakes = messages
        return attached
    }
}
