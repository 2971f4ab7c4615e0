/// Counts what a replay could not look inside, so a verdict never reads as a clean pass over layers it
/// did not judge: protected DTLS records without a key log (SCTP and DCEP unjudged), SRTP and SRTCP
/// packets without keys (payloads unjudged), and clear payloads of payload types no codec was given
/// for (`--payload-type` or `--sdp`). With a key log, undecrypted DTLS records are
/// `DTLS.undecrypted`'s to report. These are not rules broken: the report lists them beside the
/// verdict, which then reads "conformant as far as judged".
struct UnjudgedLayers: Sendable {
    let keyLogGiven: Bool
    private var dtlsRecords = 0
    private var dtlsFirstFrame: Int?
    private var srtpPackets = 0
    private var srtpFirstFrame: Int?

    init(keyLogGiven: Bool) { self.keyLogGiven = keyLogGiven }

    /// `decrypted`: the packet's SRTP layer was opened (or refused) by a key.
    mutating func observe(_ decoded: DecodedPacket, decrypted: Bool, dtlsStageRan: Bool) {
        switch decoded.content {
        case .dtls(let datagram) where !dtlsStageRan:
            let protected = datagram.records.filter(\.isEncrypted).count
            guard protected > 0 else { return }
            dtlsRecords += protected
            dtlsFirstFrame = dtlsFirstFrame ?? decoded.packet.frame
        case .rtp, .srtcp:
            guard !decrypted else { return }
            srtpPackets += 1
            srtpFirstFrame = srtpFirstFrame ?? decoded.packet.frame
        default:
            return
        }
    }

    /// One sentence per layer left unjudged, with its count and the first frame.
    func finish(uncheckedPayloads: [UInt8: Int], firstUncheckedFrame: Int?) -> [String] {
        var layers: [String] = []
        if dtlsRecords > 0, let frame = dtlsFirstFrame {
            layers.append("\(dtlsRecords) protected DTLS record(s) from frame \(frame) not decrypted (no --keylog): SCTP, DCEP and DTLS-SRTP keys unjudged")
        }
        if srtpPackets > 0, let frame = srtpFirstFrame {
            layers.append("\(srtpPackets) SRTP/SRTCP packet(s) from frame \(frame) not decrypted (no key for them): headers judged, payloads and RTCP reports not")
        }
        let unchecked = uncheckedPayloads.values.reduce(0, +)
        if unchecked > 0, let frame = firstUncheckedFrame {
            let types = uncheckedPayloads.keys.sorted().map(String.init).joined(separator: ", ")
            layers.append("\(unchecked) clear RTP payload(s) of payload type(s) \(types) from frame \(frame) not judged: no codec for them (--sdp or --payload-type)")
        }
        return layers
    }
}
