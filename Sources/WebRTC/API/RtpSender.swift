public import JSEP
public import SansIO
import Synchronization

/// W3C `RTCRtpEncodingParameters` (one encoding: Crucible sends no simulcast).
public struct RtpEncodingParameters: Hashable, Sendable {
    public var active = true
    /// Bits per second the encoder aims at; nil for the codec's default.
    public var maxBitrate: Int?
    public var maxFramerate: Double?
    public var scaleResolutionDownBy: Double?
    public var ssrc: UInt32?

    public init(active: Bool = true, maxBitrate: Int? = nil, maxFramerate: Double? = nil, scaleResolutionDownBy: Double? = nil, ssrc: UInt32? = nil) {
        self.active = active
        self.maxBitrate = maxBitrate
        self.maxFramerate = maxFramerate
        self.scaleResolutionDownBy = scaleResolutionDownBy
        self.ssrc = ssrc
    }
}

/// W3C `RTCDegradationPreference`.
public enum DegradationPreference: String, Hashable, Sendable {
    case maintainFramerate = "maintain-framerate", maintainResolution = "maintain-resolution", balanced
}

/// W3C `RTCRtpSendParameters` (Ktor's `RtpParameters`).
public struct RtpParameters: Hashable, Sendable {
    /// Changes with every ``RtpSender/parameters()``; ``RtpSender/setParameters(_:)`` must return it.
    public var transactionId: String
    public var encodings: [RtpEncodingParameters]
    /// The negotiated codecs (empty before negotiation).
    public var codecs: [RTPCodecParameters]
    /// The negotiated header extensions: URI and id.
    public var headerExtensions: [HeaderExtension]
    /// W3C `RTCRtcpParameters`.
    public var rtcp: Rtcp
    public var degradationPreference: DegradationPreference

    public struct HeaderExtension: Hashable, Sendable {
        public var uri: String
        public var id: Int
    }

    public struct Rtcp: Hashable, Sendable {
        public var cname: String
        public var reducedSize: Bool
    }
}

/// Ktor's `WebRtc.DtmfSender`. Crucible does not send DTMF yet (RFC 4733 telephone-event is not
/// negotiated), so ``RtpSender/dtmf`` is always nil.
public protocol DtmfSender: Sendable {}

/// W3C `RTCRtpSender` (Ktor's `WebRtc.RtpSender`): the sending half of one transceiver.
public final class RtpSender: Sendable {
    let connection: PeerConnection
    let transceiver: TransceiverID
    private let current: Mutex<MediaTrack?>
    private let lastTransaction = Mutex<(id: String, count: Int)>(("", 0))
    private let wanted = Mutex<(encoding: RtpEncodingParameters, degradation: DegradationPreference)>((RtpEncodingParameters(), .balanced))

    init(connection: PeerConnection, transceiver: TransceiverID, track: MediaTrack?) {
        self.connection = connection
        self.transceiver = transceiver
        current = Mutex(track)
    }

    /// The track being sent; nil after `replaceTrack(nil)` or `removeTrack`.
    public var track: MediaTrack? { current.withLock { $0 } }
    /// Always nil: DTMF is not implemented (see ``DtmfSender``).
    public var dtmf: (any DtmfSender)? { nil }

    /// W3C `replaceTrack`: sends `track` instead, without renegotiation; nil sends nothing.
    /// - Throws: `.invalidState` when the kinds differ.
    public func replaceTrack(_ track: MediaTrack?) async throws(WebRTCError) {
        try await connection.replaceTrack(on: transceiver, with: track)
        current.withLock { $0 = track }
    }

    func trackRemoved() { current.withLock { $0 = nil } }

    /// When a synthetic source made (or will make) its frame `number`, on the connection's clock (the
    /// clock ``ReceivedMediaFrame/receivedAt`` is read from): its start plus `number` frame intervals.
    /// Nil before the source started (SRTP not keyed yet) or for a pushed source. A frame that comes back
    /// to this connection (an echo) measures its round trip against it.
    public func captureTime(ofFrame number: Int) async throws(WebRTCError) -> Instant? {
        let id = transceiver
        return try await connection.core.host.call { machine, _ in
            guard let sender = machine.media.senders[id], let start = sender.startedAt, sender.track.source != .pushed else { return nil }
            return start + sender.frameInterval * number
        }
    }

    /// W3C `getParameters`: the encoding and what negotiation settled.
    public func parameters() async throws(WebRTCError) -> RtpParameters {
        let state = try await connection.transceiverState(transceiver)
        let negotiated = state?.negotiated
        let transaction = lastTransaction.withLock { last in
            last.count += 1
            last.id = "t\(last.count)"
            return last.id
        }
        let wish = wanted.withLock { $0 }
        var encoding = wish.encoding
        encoding.ssrc = state?.ssrc
        return RtpParameters(
            transactionId: transaction, encodings: [encoding],
            codecs: negotiated?.codecs.filter { $0.format != nil } ?? [],
            headerExtensions: negotiated?.headerExtensions.map { .init(uri: $0.uri, id: Int($0.id)) } ?? [],
            rtcp: .init(cname: await connection.cname, reducedSize: negotiated?.rtcpReducedSize ?? true),
            degradationPreference: wish.degradation)
    }

    /// W3C `setParameters`: the `transactionId` must be the last `parameters()` gave (InvalidStateError
    /// otherwise), one encoding only (InvalidModificationError), `scaleResolutionDownBy` at least 1.
    /// Applied at once, without renegotiation: `active` false sends nothing, `maxBitrate` sets the
    /// encoder's target (and caps what the peer's REMB allows), `maxFramerate` skips frames,
    /// `scaleResolutionDownBy` scales each picture down before VP8. `degradationPreference` is kept and
    /// reported back (the encoder does not trade frame rate for resolution on its own).
    public func setParameters(_ parameters: RtpParameters) async throws(WebRTCError) {
        guard !parameters.transactionId.isEmpty, parameters.transactionId == lastTransaction.withLock({ $0.id }) else {
            throw .invalidState("setParameters with a stale or unknown transactionId (W3C InvalidStateError)")
        }
        guard parameters.encodings.count == 1, let encoding = parameters.encodings.first else {
            throw .invalidModification("exactly one encoding is sent (no simulcast)")
        }
        if let scale = encoding.scaleResolutionDownBy, scale < 1 {
            throw .invalidModification("scaleResolutionDownBy must be at least 1 (W3C RangeError)")
        }
        let id = transceiver
        try await connection.core.host.call { machine, now throws(WebRTCError) in try machine.setEncoding(encoding, for: id, at: now) }
        wanted.withLock { $0 = (encoding, parameters.degradationPreference) }
        lastTransaction.withLock { $0.id = "" }
    }
}
