import DTLSRecord
import Fuzzing
import Wire

/// What the `dtls-endpoint` harness knows of the peer's records (RFC 6347 §4.1: epoch and 48-bit
/// sequence number per record), and the datagrams it forges from that knowledge: records with the live
/// epoch and sequence numbers just past the peer's, so they reach the machine's record layer past the
/// replay window (§4.1.2.6) and must then fail authentication (§4.1.2.1) or be refused on their content.
struct DTLSWireModel {
    /// The highest sequence number the peer used in each epoch it sent.
    private(set) var peerSequence: [UInt16: UInt64] = [:]

    static func parse(_ bytes: [UInt8]) -> DTLSDatagram? { try? DTLSCodec.parse(bytes) }

    mutating func observe(fromPeer bytes: [UInt8]) {
        guard let datagram = Self.parse(bytes) else { return }
        for case .classic(let record) in datagram.records {
            peerSequence[record.epoch] = max(peerSequence[record.epoch] ?? 0, record.sequenceNumber)
        }
    }

    /// The peer's newest epoch.
    var peerEpoch: UInt16 { peerSequence.keys.max() ?? 0 }

    /// A forged datagram of kind `kind` (0 to 3), `detail` picking among its variations.
    /// 0. A datagram the `DTLSRecord` generator draws (RFC 6347 §4.1 framing, any content).
    /// 1. Application data in the peer's newest epoch, ahead of its sequence numbers: ciphertext no key
    ///    made, which AES-GCM must refuse (RFC 5288 §3) without ending the association (§4.1.2.7).
    /// 2. A plaintext alert at epoch 0 (RFC 5246 §7.2): before the handshake it is unauthenticated and
    ///    may end it; after, epoch 0 is no longer the peer's.
    /// 3. A plaintext handshake message the generator draws, at epoch 0 just past the peer's numbers.
    func forged(kind: Int, detail: UInt8, using generator: inout SeededGenerator) -> [UInt8] {
        let epoch = peerEpoch
        let next = (peerSequence[epoch] ?? 0) &+ 1 &+ UInt64(detail & 0x07)
        switch kind {
        case 0:
            return DTLSCodec.serialize(DTLSDatagram.random(using: &generator))
        case 1:
            let length = [0, 23, 24, 40, 100][Int(detail >> 3) % 5]
            let fragment = (0..<length).map { _ in generator.byte() }
            return record(.applicationData, epoch: max(epoch, 1), sequence: next, fragment: fragment)
        case 2:
            let alert = Alert(level: detail & 0x08 == 0 ? .fatal : .warning, description: AlertDescription(rawValue: generator.byte()))
            return record(.alert, epoch: 0, sequence: (peerSequence[0] ?? 0) &+ 1, fragment: alert.serialize())
        default:
            let messages = [HandshakeMessage.random(using: &generator)]
            return record(.handshake, epoch: 0, sequence: (peerSequence[0] ?? 0) &+ 1, fragment: DTLSHandshakeCodec.serialize(messages))
        }
    }

    private func record(_ type: ContentType, epoch: UInt16, sequence: UInt64, fragment: [UInt8]) -> [UInt8] {
        let record = ClassicRecord(contentType: type, version: .dtls12, epoch: epoch, sequenceNumber: sequence, fragment: fragment[...])
        return DTLSCodec.serialize(DTLSDatagram(records: [.classic(record)]))
    }

    /// `DTLSCodec.mutate` over the datagram (one change to its record list, one record's header or
    /// fragment, or one plaintext handshake message); bytes the codec cannot frame get one byte flipped.
    static func mutated(_ bytes: [UInt8], seed: UInt8, salt: Int) -> [UInt8] {
        var generator = SeededGenerator(seed: UInt64(seed) << 32 | UInt64(truncatingIfNeeded: salt))
        guard var datagram = parse(bytes) else {
            guard !bytes.isEmpty else { return [seed] }
            var flipped = bytes
            flipped[generator.below(bytes.count)] ^= seed
            return flipped
        }
        _ = DTLSCodec.mutate(&datagram, using: &generator)
        return DTLSCodec.serialize(datagram)
    }
}
