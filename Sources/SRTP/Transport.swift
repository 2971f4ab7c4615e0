public import Wire

/// The SRTP context of one DTLS-SRTP transport: what the engine protects its RTP and RTCP with before a
/// datagram leaves, and what every SRTP or SRTCP datagram goes through before anything reads it.
///
/// Made from the keys the DTLS handshake exported and our DTLS role (RFC 5764 §4.2): the DTLS client
/// protects with the client keys and unprotects with the server keys; the server the other way round.
/// Each direction is one libsrtp session keyed by direction, not by stream (a template that makes a
/// stream, with its rollover counter and replay list, for each SSRC on its first good packet), because
/// DTLS-SRTP keys every SSRC of a direction alike (RFC 5764 §4.2) and BUNDLE puts every stream on the
/// one transport (RFC 8843).
///
/// Every refused packet throws an `SRTPDrop` with its reason and is counted in `statistics`; an inbound
/// packet is returned only after its tag verified and it was decrypted, so nothing undecrypted is ever
/// passed on. What a peer can make this grow is bounded: libsrtp makes an inbound stream only for a
/// packet that authenticates, and at most `maximumInboundStreams` of them (the packets of one more SSRC
/// are dropped as `tooManyStreams` until `forgetInboundStream(_:)` frees a place).
///
/// Retransmissions: libsrtp refuses to protect an RTP index twice, and `allow_repeat_tx` stays off, so a
/// repeated index is refused as `.replayed` rather than sent with a reused keystream (RFC 3711 §9.1). The
/// engine retransmits on NACK through RTX (RFC 4588), which gives the copy its own SSRC and sequence
/// number, so it never needs the repeat.
///
/// A transport is not `Sendable`: one owner (the peer connection's machine) uses it at a time.
public final class SRTPTransport {
    /// Our side of the DTLS handshake that exported the keys (RFC 5764 §4.2).
    public enum Role: Hashable, Sendable, CaseIterable {
        /// The DTLS client (`a=setup:active` in the end, RFC 8842 §5).
        case client
        /// The DTLS server.
        case server
    }

    /// Inbound streams a peer may make us track unless told otherwise. A call carries a few SSRCs per
    /// track (media, RTX, FEC, and RTCP from receive-only SSRCs), so 64 leaves ample room while it
    /// bounds libsrtp's stream list, which it searches linearly on every packet.
    public static let defaultMaximumInboundStreams = 64

    /// The RTP replay window by default. RFC 3711 §3.3.2 asks for at least 64; video bursts of a
    /// keyframe reorder by hundreds of packets on real paths, and browsers use windows this large too.
    public static let defaultReplayWindow = 1024

    /// The profile both directions use.
    public let profile: SRTPProfile
    /// Our DTLS role, which chose the keys of each direction.
    public let role: Role
    /// The most inbound SSRCs tracked at once.
    public let maximumInboundStreams: Int
    /// Counters of everything the transport did; a copy.
    public private(set) var statistics = SRTPStatistics()
    /// The SSRCs whose inbound streams libsrtp holds: each sent at least one packet that verified.
    public private(set) var inboundStreams: Set<UInt32> = []

    /// The SSRCs RTP may come from, once signalling names them (`a=ssrc`, RFC 5576; or the SSRCs the
    /// mid extension bound, RFC 8843 §9.2); nil, the default, accepts any. Other SSRCs are dropped as
    /// `unknownSSRC` before any cryptography. RTCP is not filtered: a receive-only peer reports from an
    /// SSRC its description never names (libwebrtc uses 1 when it has no send stream), and RTCP's
    /// streams count against `maximumInboundStreams` like any other.
    public var expectedSSRCs: Set<UInt32>?

    private let outbound: SRTPSession
    private let inbound: SRTPSession
    /// Whether libsrtp protects and verifies (always, outside a fuzzing build: `IntegrityChecks`).
    private let integrity: IntegrityChecks
    #if CRUCIBLE_FUZZING_UNSAFE
    /// The next SRTCP index of a fixed-protection packet (RFC 3711 §3.4: 31 bits).
    private var fixedRTCPIndex: UInt32 = 0
    #endif

    /// A transport for the keys a DTLS-SRTP handshake exported, seen from `role`.
    ///
    /// - Parameters:
    ///   - replayWindow: RTP packets the inbound replay list remembers (64…32768). SRTCP's replay list
    ///     is libsrtp's fixed 128 (RFC 3711 §3.3.2 asks at least 64 of it too).
    ///   - maximumInboundStreams: inbound SSRCs tracked at once (at least 1).
    ///   - integrity: `.enforced` everywhere but in a fuzzing build's cross-layer targets, where packets
    ///     go out in clear with a zero tag (and SRTCP index) and come in with any tag, so that fuzzed RTP
    ///     reaches the receivers. The SSRC, size and stream-count checks stay.
    /// - Throws: `SRTPError` when libsrtp refuses the keys or the window.
    public init(
        keys: DTLSSRTPKeys, role: Role, replayWindow: Int = defaultReplayWindow,
        maximumInboundStreams: Int = defaultMaximumInboundStreams, integrity: IntegrityChecks = .enforced
    ) throws(SRTPError) {
        guard maximumInboundStreams >= 1 else {
            throw .libraryFailure("an SRTP transport must accept at least one inbound stream, not \(maximumInboundStreams)")
        }
        let (sending, receiving) = role == .client ? (keys.client, keys.server) : (keys.server, keys.client)
        outbound = try SRTPSession(keys: sending, ssrc: nil, direction: .outbound)
        inbound = try SRTPSession(keys: receiving, ssrc: nil, replayWindow: replayWindow, direction: .inbound)
        profile = keys.profile
        self.role = role
        self.maximumInboundStreams = maximumInboundStreams
        self.integrity = integrity
    }

    // MARK: Outbound

    /// The SRTP packet for the RTP packet `packet` (RFC 3711 §3.3, RFC 7714 §8).
    /// - Throws: `SRTPDrop` (`.malformed` for less than an RTP header, `.replayed` for an index
    ///   protected before).
    public func protectRTP(_ packet: [UInt8]) throws(SRTPDrop) -> [UInt8] {
        try protect(packet, kind: .rtp)
    }

    /// The SRTCP packet for the RTCP compound packet `packet` (RFC 3711 §3.4, RFC 7714 §9): encrypted,
    /// with the next SRTCP index, E flag set, and tag.
    public func protectRTCP(_ packet: [UInt8]) throws(SRTPDrop) -> [UInt8] {
        try protect(packet, kind: .rtcp)
    }

    // MARK: Inbound

    /// The RTP packet inside the SRTP packet `packet`, once its SSRC is acceptable, its tag verified and
    /// its index passed the replay window (RFC 3711 §3.3). Advances the stream's rollover counter.
    /// - Throws: `SRTPDrop` with the reason; the packet is counted and gone.
    public func unprotectRTP(_ packet: [UInt8]) throws(SRTPDrop) -> [UInt8] {
        try unprotect(packet, kind: .rtp)
    }

    /// The RTCP compound packet inside the SRTCP packet `packet`, verified, replay-checked by its SRTCP
    /// index, and decrypted (RFC 3711 §3.4).
    public func unprotectRTCP(_ packet: [UInt8]) throws(SRTPDrop) -> [UInt8] {
        try unprotect(packet, kind: .rtcp)
    }

    /// Forgets the inbound stream of `ssrc` (its stream ended: BYE, a stopped transceiver), freeing its
    /// place under `maximumInboundStreams`. A later packet of `ssrc` starts a new stream with an empty
    /// replay list, so take `ssrc` out of `expectedSSRCs` too when replays of its old packets matter.
    public func forgetInboundStream(_ ssrc: UInt32) {
        inbound.removeStream(ssrc: ssrc)
        inboundStreams.remove(ssrc)
    }

    /// The rollover counter of an inbound stream (RFC 3711 §3.3.1), nil for an SSRC not tracked.
    public func inboundRolloverCounter(ssrc: UInt32) -> UInt32? { inbound.rolloverCounter(ssrc: ssrc) }

    /// The rollover counter of an outbound stream, nil for an SSRC not yet protected.
    public func outboundRolloverCounter(ssrc: UInt32) -> UInt32? { outbound.rolloverCounter(ssrc: ssrc) }

    // MARK: Steps

    private func protect(_ packet: [UInt8], kind: SRTPPacketKind) throws(SRTPDrop) -> [UInt8] {
        let ssrc = Self.ssrc(of: packet, kind: kind)
        do throws(SRTPError) {
            let protected: [UInt8]
            if let fixed = try fixedProtection(packet, kind: kind) {
                protected = fixed
            } else {
                protected = kind == .rtp ? try outbound.protectRTP(packet) : try outbound.protectRTCP(packet)
            }
            statistics.outbound[kind].packets += 1
            statistics.outbound[kind].bytes += protected.count
            return protected
        } catch {
            throw drop(.init(error), kind: kind, ssrc: ssrc, direction: \.outbound)
        }
    }

    private func unprotect(_ packet: [UInt8], kind: SRTPPacketKind) throws(SRTPDrop) -> [UInt8] {
        guard let ssrc = Self.ssrc(of: packet, kind: kind) else {
            throw drop(.malformed, kind: kind, ssrc: nil, direction: \.inbound)
        }
        // Checked here so the reason is exact: the smallest packet is a header with index and tag.
        let smallest = kind == .rtp ? 12 + profile.rtpTagLength : 8 + profile.rtcpOverhead
        guard packet.count >= smallest, packet[0] >> 6 == 2 else {
            throw drop(.malformed, kind: kind, ssrc: ssrc, direction: \.inbound)
        }
        if kind == .rtp, let expectedSSRCs, !expectedSSRCs.contains(ssrc) {
            throw drop(.unknownSSRC, kind: kind, ssrc: ssrc, direction: \.inbound)
        }
        let known = inboundStreams.contains(ssrc)
        guard known || inboundStreams.count < maximumInboundStreams else {
            throw drop(.tooManyStreams, kind: kind, ssrc: ssrc, direction: \.inbound)
        }
        let plain: [UInt8]
        do throws(SRTPError) {
            if let fixed = try fixedProtection(removedFrom: packet, kind: kind) {
                plain = fixed
            } else {
                plain = kind == .rtp ? try inbound.unprotectRTP(packet) : try inbound.unprotectRTCP(packet)
            }
        } catch {
            throw drop(.init(error), kind: kind, ssrc: ssrc, direction: \.inbound)
        }
        // libsrtp made the stream from its template only now that a packet verified.
        if !known { inboundStreams.insert(ssrc) }
        statistics.inbound[kind].packets += 1
        statistics.inbound[kind].bytes += packet.count
        return plain
    }

    /// In a fuzzing build with bypassed integrity, `packet` with a zero tag (RTCP: and an SRTCP index word
    /// with E set) instead of libsrtp's protection; nil in every other build.
    private func fixedProtection(_ packet: [UInt8], kind: SRTPPacketKind) throws(SRTPError) -> [UInt8]? {
        #if CRUCIBLE_FUZZING_UNSAFE
        guard integrity.bypassed else { return nil }
        guard packet.count >= (kind == .rtp ? 12 : 8) else { throw .malformedPacket("\(packet.count) bytes has no header") }
        switch kind {
        case .rtp:
            return packet + [UInt8](repeating: 0, count: profile.rtpTagLength)
        case .rtcp:
            let word = 0x8000_0000 | fixedRTCPIndex
            fixedRTCPIndex = (fixedRTCPIndex + 1) & 0x7FFF_FFFF
            return packet + (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * $0)) }
                + [UInt8](repeating: 0, count: profile.rtcpTagLength)
        }
        #else
        return nil
        #endif
    }

    /// In a fuzzing build with bypassed integrity, `packet` without its tag (RTCP: and index word),
    /// whatever they hold; nil in every other build. The caller checked it is long enough.
    private func fixedProtection(removedFrom packet: [UInt8], kind: SRTPPacketKind) throws(SRTPError) -> [UInt8]? {
        #if CRUCIBLE_FUZZING_UNSAFE
        guard integrity.bypassed else { return nil }
        return Array(packet.dropLast(kind == .rtp ? profile.rtpTagLength : profile.rtcpOverhead))
        #else
        return nil
        #endif
    }

    private func drop(
        _ reason: SRTPDropReason, kind: SRTPPacketKind, ssrc: UInt32?,
        direction: WritableKeyPath<SRTPStatistics, SRTPStatistics.Direction>
    ) -> SRTPDrop {
        statistics[keyPath: direction][kind].dropped[reason] += 1
        return SRTPDrop(reason: reason, kind: kind, ssrc: ssrc)
    }

    /// The SSRC a packet names: the RTP header's (RFC 3550 §5.1) or the first RTCP packet's sender
    /// (RFC 3550 §6.4.1), which is the one SRTCP is keyed by (RFC 3711 §3.4). Nil when too short.
    static func ssrc(of packet: [UInt8], kind: SRTPPacketKind) -> UInt32? {
        let offset = kind == .rtp ? 8 : 4
        guard packet.count >= offset + 4 else { return nil }
        return packet[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
