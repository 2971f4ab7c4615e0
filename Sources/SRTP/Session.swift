import CSRTP

/// One SRTP sender's stream state in libsrtp: the receiving side verifies and decrypts its SRTP and
/// SRTCP packets; an outbound session (`direction: .outbound`) protects them, as a sender or a test
/// that builds keyed captures does.
///
/// libsrtp keeps per-stream state, the rollover counter (RFC 3711 §3.3.1) and the replay list (§3.3.2),
/// so one session must see one sender's packets in order: make one per direction and SSRC, once, and
/// feed it every packet of that stream. A session is not safe to use from two threads at once (it is
/// not `Sendable`); distinct sessions are independent.
public final class SRTPSession {
    public let keys: SRTPKeyMaterial
    /// The SSRC this session accepts, or nil for any (libsrtp's `ssrc_any_inbound`: a stream is made
    /// from the template for each new SSRC it sees).
    public let ssrc: UInt32?
    public let direction: Direction
    private let context: srtp_t

    /// Which way packets go through the session.
    public enum Direction: Hashable, Sendable {
        /// Packets are received: `unprotectRTP` / `unprotectRTCP`.
        case inbound
        /// Packets are sent: `protectRTP` / `protectRTCP`.
        case outbound
    }

    /// A session for packets sent with `keys`, from `ssrc` only or (nil) from any SSRC.
    ///
    /// - Parameter replayWindow: packets the replay list remembers (libsrtp's default, 128, when nil;
    ///   RFC 3711 §3.3.2 requires at least 64).
    /// - Throws: `SRTPError.libraryFailure` if libsrtp cannot be initialised or refuses the policy.
    public init(keys: SRTPKeyMaterial, ssrc: UInt32?, replayWindow: Int? = nil, direction: Direction = .inbound) throws(SRTPError) {
        let initialised = SRTPLibrary.initialisation
        guard initialised == srtp_err_status_ok.rawValue else {
            throw .libraryFailure("srtp_init returned \(initialised)")
        }
        if let replayWindow, !(64...0x8000).contains(replayWindow) {
            throw .libraryFailure("replay window \(replayWindow) is outside 64…32768")
        }
        var policy = srtp_policy_t()
        let profile = srtp_profile_t(rawValue: UInt32(keys.profile.rawValue))
        guard srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, profile) == srtp_err_status_ok,
              srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, profile) == srtp_err_status_ok
        else {
            throw .unsupportedProfile(keys.profile.rawValue)
        }
        if let ssrc {
            policy.ssrc = srtp_ssrc_t(type: ssrc_specific, value: ssrc)
        } else {
            policy.ssrc = srtp_ssrc_t(type: direction == .inbound ? ssrc_any_inbound : ssrc_any_outbound, value: 0)
        }
        policy.window_size = UInt(replayWindow ?? 0)
        policy.allow_repeat_tx = 0
        policy.next = nil
        var created: srtp_t?
        // srtp_create copies the key into its own stream state, so the buffer need only live for the call.
        var keyAndSalt = keys.keyAndSalt
        let status = keyAndSalt.withUnsafeMutableBufferPointer { key in
            policy.key = key.baseAddress
            return srtp_create(&created, &policy)
        }
        guard status == srtp_err_status_ok, let created else {
            throw .libraryFailure("srtp_create returned \(status.rawValue)")
        }
        self.keys = keys
        self.ssrc = ssrc
        self.direction = direction
        self.context = created
    }

    deinit {
        srtp_dealloc(context)
    }

    /// The RTP packet inside the SRTP packet `packet` (RFC 3711 §3.3), after checking its tag and
    /// replay state. The session's rollover counter and replay list advance only when this succeeds.
    public func unprotectRTP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        // The fixed RTP header is 12 bytes (RFC 3550 §5.1); libsrtp reads it before any length check of its own.
        guard packet.count >= 12 else { throw .malformedPacket("an SRTP packet of \(packet.count) bytes has no RTP header") }
        return try run(packet) { srtp_unprotect(context, $0, $1) }
    }

    /// The RTCP compound packet inside the SRTCP packet `packet` (RFC 3711 §3.4): verified,
    /// replay-checked by its SRTCP index, and decrypted when its E flag says it is encrypted.
    public func unprotectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        // RTCP header (8) plus the SRTCP index word (4) before any tag (RFC 3711 §3.4).
        guard packet.count >= 12 else { throw .malformedPacket("an SRTCP packet of \(packet.count) bytes has no RTCP header and index") }
        return try run(packet) { srtp_unprotect_rtcp(context, $0, $1) }
    }

    /// The SRTP packet protecting the RTP packet `packet` (RFC 3711 §3.3): encrypted, index and tag added.
    public func protectRTP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        guard packet.count >= 12 else { throw .malformedPacket("an RTP packet of \(packet.count) bytes has no header") }
        return try run(packet, growing: true) { srtp_protect(context, $0, $1) }
    }

    /// The SRTCP packet protecting the RTCP compound packet `packet` (RFC 3711 §3.4).
    public func protectRTCP(_ packet: [UInt8]) throws(SRTPError) -> [UInt8] {
        guard packet.count >= 8 else { throw .malformedPacket("an RTCP packet of \(packet.count) bytes has no header") }
        return try run(packet, growing: true) { srtp_protect_rtcp(context, $0, $1) }
    }

    /// Forgets the stream libsrtp made for `ssrc` (its rollover counter and replay list): the stream is
    /// over (RTCP BYE, a stopped transceiver), and an any-SSRC session would otherwise keep it forever.
    /// A later packet from `ssrc` starts a new stream from the template, with a fresh replay list, so the
    /// caller must stop accepting that SSRC first if replays of its old packets matter.
    /// - Returns: whether a stream was there to forget.
    @discardableResult
    public func removeStream(ssrc: UInt32) -> Bool {
        // libsrtp compares this against SSRCs kept in network byte order (srtp.h, srtp_remove_stream).
        srtp_remove_stream(context, ssrc.bigEndian) == srtp_err_status_ok
    }

    /// The rollover counter of the stream of `ssrc` (RFC 3711 §3.3.1), or nil when the session has no
    /// stream for it yet.
    public func rolloverCounter(ssrc: UInt32) -> UInt32? {
        var roc: UInt32 = 0
        // srtp_get_stream_roc takes the SSRC in host byte order, unlike srtp_remove_stream.
        guard srtp_get_stream_roc(context, ssrc, &roc) == srtp_err_status_ok else { return nil }
        return roc
    }

    private func run(
        _ packet: [UInt8], growing: Bool = false,
        _ operation: (UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(SRTPError) -> [UInt8] {
        guard packet.count <= Int(Int32.max) - Int(SRTP_MAX_TRAILER_LEN) else {
            throw .malformedPacket("\(packet.count) bytes is too long")
        }
        // Both work in place: protecting appends at most SRTP_MAX_TRAILER_LEN bytes (index, MKI, tag);
        // unprotecting only shortens, and the spare room is for libsrtp versions that assume it always.
        var buffer = packet + [UInt8](repeating: 0, count: Int(SRTP_MAX_TRAILER_LEN))
        var length = Int32(packet.count)
        let status = buffer.withUnsafeMutableBytes { bytes in
            // Non-empty by the guards of the callers, so the base address exists.
            guard let base = bytes.baseAddress else { return srtp_err_status_bad_param }
            return operation(base, &length)
        }
        switch status {
        case srtp_err_status_ok:
            guard length >= 0, Int(length) <= packet.count + (growing ? Int(SRTP_MAX_TRAILER_LEN) : 0) else {
                throw .libraryFailure("libsrtp reported an output of \(length) bytes for \(packet.count) in")
            }
            return Array(buffer.prefix(Int(length)))
        case srtp_err_status_auth_fail, srtp_err_status_cipher_fail, srtp_err_status_cant_check:
            // GCM reports a failed tag as a cipher failure (RFC 7714 §9.2 has one check for both).
            // cant_check is an SRTCP packet whose E flag says "not encrypted" where the session encrypts:
            // the flag is covered by the tag (RFC 3711 §3.4), so a sender keyed like us never does that.
            throw .authenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old, srtp_err_status_pkt_idx_old:
            throw .replayed
        case srtp_err_status_bad_param, srtp_err_status_parse_err:
            throw .malformedPacket("libsrtp refused its shape (status \(status.rawValue))")
        case srtp_err_status_no_ctx:
            throw .malformedPacket("no stream for its SSRC in this session")
        case srtp_err_status_key_expired:
            throw .badKey("the key reached its packet limit (RFC 3711 §9.2)")
        default:
            throw .libraryFailure("libsrtp returned status \(status.rawValue)")
        }
    }
}

/// libsrtp's process-wide start-up. `srtp_init` sets global state, so it runs exactly once: Swift
/// initialises a global `let` lazily under a once-only lock, which makes the first use thread-safe.
enum SRTPLibrary {
    /// `srtp_init`'s status, as its raw value.
    static let initialisation: UInt32 = srtp_init().rawValue
}
