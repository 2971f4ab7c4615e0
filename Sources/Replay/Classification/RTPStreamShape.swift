/// Whether a flow's packets look like one or more RTP streams (RFC 3550 §5.1): version 2, a stable
/// SSRC, and sequence numbers that advance. Bounded: at most `maximumStreams` SSRCs are followed.
///
/// Why a stream of RTP with nothing else is judged as WebRTC: a capture often starts in the middle of a
/// call, after ICE and DTLS are over, and then SRTP and SRTCP are all there is. Their RFC 3550 rules
/// (sequence, timestamps, RTCP) hold whatever set the call up, so judging them is useful; and random or
/// foreign bytes (a DNS id that starts 0x80–0xBF, a vendor's payload) do not form eight packets of one
/// SSRC in sequence, so the cost of the guess is low.
struct RTPStreamShape: Sendable {
    static let maximumStreams = 4
    /// Packets of one SSRC a stream needs before it counts.
    static let minimumPackets = 8

    struct Stream: Sendable {
        let ssrc: UInt32
        let firstFrame: Int
        var lastFrame: Int
        var lastSequence: UInt16
        var packets = 1
        /// Packets whose sequence number is 1–16 past the previous one (RFC 3550 §A.1 tolerates loss).
        var advancing = 0
    }

    private(set) var streams: [Stream] = []
    private(set) var rtpShaped = 0
    private(set) var rtcpShaped = 0
    private(set) var other = 0

    mutating func observe(_ payload: [UInt8], kind: PacketKind, frame: Int) {
        switch kind {
        case .rtp where payload.count >= 12 && payload[0] >> 6 == 2 && 12 + 4 * Int(payload[0] & 0x0F) <= payload.count:
            rtpShaped += 1
            let sequence = UInt16(payload[2]) << 8 | UInt16(payload[3])
            let ssrc = payload[8...11].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            if let index = streams.firstIndex(where: { $0.ssrc == ssrc }) {
                if (1...16).contains(sequence &- streams[index].lastSequence) { streams[index].advancing += 1 }
                streams[index].lastSequence = sequence
                streams[index].lastFrame = frame
                streams[index].packets += 1
            } else if streams.count < Self.maximumStreams {
                streams.append(Stream(ssrc: ssrc, firstFrame: frame, lastFrame: frame, lastSequence: sequence))
            }
        case .rtcp where payload.count >= 8 && payload[0] >> 6 == 2:
            rtcpShaped += 1
        default:
            other += 1
        }
    }

    /// The stream that shows the flow is RTP, when one does: at least `minimumPackets` packets, nine in
    /// ten of them advancing, and RTP/RTCP-shaped packets at least two thirds of the flow.
    var evidence: Stream? {
        let total = rtpShaped + rtcpShaped + other
        guard total > 0, 3 * (rtpShaped + rtcpShaped) >= 2 * total else { return nil }
        return streams.filter { $0.packets >= Self.minimumPackets && 10 * $0.advancing >= 9 * ($0.packets - 1) }
            .max { $0.packets < $1.packets }
    }
}
