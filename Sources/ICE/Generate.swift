import SDP
import SansIO
public import Wire

// Random values for property tests and the fuzz runner (which reuse them from here).

extension ICECandidate {
    /// A random candidate: any kind, a loopback IPv4 or ::1 address, a valid priority.
    public static func random<R: RandomNumberGenerator>(using generator: inout R) -> ICECandidate {
        let kind = ICECandidateKind.allCases.randomElement(using: &generator) ?? .host
        let address: IPAddress = Bool.random(using: &generator)
            ? .v4(0x7F00_0000 | UInt32.random(in: 1...0xFF_FFFE, using: &generator)) : .loopbackV6
        let transport = TransportAddress(address, port: UInt16.random(in: 1...UInt16.max, using: &generator))
        let priority = ICECandidate.priority(
            typePreference: kind.typePreference, localPreference: UInt32.random(in: 0...65_535, using: &generator))
        return ICECandidate(
            kind: kind, address: transport, priority: max(1, priority),
            foundation: ICECandidate.foundation(kind: kind, baseAddress: address, server: nil),
            relatedAddress: kind == .host ? nil : transport)
    }
}

extension ICEInput {
    /// A random input for an agent bound to `bases`: mostly datagrams to those bases (random bytes, or
    /// random bytes that start like STUN), sometimes signalling, restarts, data and close.
    public static func random<R: RandomNumberGenerator>(to bases: [TransportAddress], using generator: inout R) -> ICEInput {
        let base = bases.randomElement(using: &generator) ?? TransportAddress(.loopbackV4, port: 9)
        let source = TransportAddress(.v4(0x7F00_0000 | UInt32.random(in: 1...0xFF_FFFE, using: &generator)),
                                      port: UInt16.random(in: 1...UInt16.max, using: &generator))
        switch UInt8.random(in: 0..<20, using: &generator) {
        case 0: return .startGathering
        case 1:
            return .setRemoteCredentials(
                ufrag: ICECredentials.random(using: &generator).ufrag, pwd: ICECredentials.random(using: &generator).pwd,
                isLite: Bool.random(using: &generator))
        case 2, 3: return .addRemoteCandidate(ICECandidate.random(using: &generator).sdpCandidate)
        case 4: return .endOfRemoteCandidates
        case 5: return .addRelayedCandidate(relayed: source, mapped: source)
        case 6: return .relayGatheringFinished
        case 7: return UInt8.random(in: 0..<10, using: &generator) == 0 ? .restart : .send([0x80, 1, 2])
        case 8: return UInt8.random(in: 0..<50, using: &generator) == 0 ? .close : .send([0x17])
        default:
            var payload = (0..<Int.random(in: 0...120, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if payload.count >= 20, Bool.random(using: &generator) {
                // A STUN header: Binding request or response class, the right length and the magic cookie.
                payload[0] = UInt8.random(in: 0...1, using: &generator)
                payload[1] = [0x01, 0x11][Int.random(in: 0...1, using: &generator)]
                payload[2] = UInt8(truncatingIfNeeded: (payload.count - 20) >> 8)
                payload[3] = UInt8(truncatingIfNeeded: (payload.count - 20) & ~3)
                payload[4] = 0x21; payload[5] = 0x12; payload[6] = 0xA4; payload[7] = 0x42
            }
            return .received(Datagram(from: source, to: base, payload: payload))
        }
    }
}
