import JSEP
import SDP

/// One W3C `RTCRtpTransceiver` on the machine: a sender and a receiver sharing one m= section.
struct Transceiver {
    let id: TransceiverID
    let kind: MediaKind
    /// Fixed when first offered or matched to a remote offer (JSEP §5.2.1, §5.10).
    var mid: String?
    /// W3C `direction`: what the application wants.
    var direction: Direction
    /// W3C `currentDirection`: what the last completed exchange gave (nil before one).
    var currentDirection: Direction?
    /// W3C `stopped`: its section is rejected from the next description on.
    var isStopped = false
    /// The track being sent, if any.
    var track: LocalTrackDescription?
    /// The stream ids `addTrack` named.
    var streamIDs: [String]
    /// Our SSRCs for this sender, drawn once (RFC 3550 §8.1: random).
    let ssrc: UInt32
    let rtxSSRC: UInt32
    /// The peer's section as last described, when it has one.
    var remote: RTPSectionParameters?
    /// The codecs and extensions the last completed exchange settled on (offerer's payload types).
    var negotiated: RTPSectionParameters?
    /// The remote track, while the peer sends on this transceiver.
    var remoteTrack: RemoteTrackInfo?
    /// Created for a remote offer's section rather than by `addTrack` (W3C: reusable by addTrack once).
    let createdByRemote: Bool

    /// Our section in the next description.
    func localSection(cname: String) -> LocalMediaSection? {
        guard let mid else { return nil }
        let sender = track.map { track in
            LocalMediaSection.Sender(
                streamIDs: streamIDs, trackID: track.id, ssrc: ssrc, rtxSSRC: kind == .video ? rtxSSRC : nil, cname: cname)
        }
        return LocalMediaSection(
            mid: mid, kind: kind.sectionKind, direction: direction, isStopped: isStopped, sender: sender,
            codecs: negotiated?.codecs, headerExtensions: negotiated?.headerExtensions)
    }

    /// What this side may do now, from the last exchange: send when we said send and the peer said receive.
    var sends: Bool { !isStopped && (currentDirection?.sends ?? false) }
    var receives: Bool { !isStopped && (currentDirection?.receives ?? false) }
}
