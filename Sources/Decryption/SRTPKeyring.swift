public import SRTP

/// One `--srtp-key` assignment: the SSRC a sender uses and the keys it protects that stream with.
public struct SRTPKeyAssignment: Hashable, Sendable {
    public let ssrc: UInt32
    public let keys: SRTPKeyMaterial

    public init(ssrc: UInt32, keys: SRTPKeyMaterial) {
        self.ssrc = ssrc
        self.keys = keys
    }

    /// Parses `SSRC=BASE64` or `SSRC=PROFILE:BASE64`: the SSRC in decimal or `0x` hex, the profile by
    /// its RFC name (`AES_CM_128_HMAC_SHA1_80`, `AEAD_AES_128_GCM`…), defaulting to `defaultProfile`,
    /// and base64 of master key ‖ master salt as SDES `inline:` carries it (RFC 4568 §6.1).
    public init(parsing text: String, defaultProfile: SRTPProfile = .aes128CounterHMACSHA1_80) throws(DecryptionError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw .badKey("expected SSRC=BASE64 or SSRC=PROFILE:BASE64, found no '='")
        }
        let ssrcText = text[..<equals]
        var keyText = text[text.index(after: equals)...]
        let parsedSSRC: UInt32? = if ssrcText.hasPrefix("0x") || ssrcText.hasPrefix("0X") {
            UInt32(ssrcText.dropFirst(2), radix: 16)
        } else {
            UInt32(ssrcText)
        }
        guard let ssrc = parsedSSRC else { throw .badKey("\"\(ssrcText.prefix(40))\" is not an SSRC (decimal or 0x hex, 32 bits)") }
        var profile = defaultProfile
        // Base64 has no ':', so a colon can only end a profile name.
        if let colon = keyText.firstIndex(of: ":") {
            let name = keyText[..<colon]
            guard let named = SRTPProfile.allCases.first(where: { $0.description == name }) else {
                throw .badKey("unknown SRTP profile \"\(name.prefix(40))\"; known: \(SRTPProfile.allCases.map(\.description).joined(separator: ", "))")
            }
            profile = named
            keyText = keyText[keyText.index(after: colon)...]
        }
        let keys: SRTPKeyMaterial
        do { keys = try SRTPKeyMaterial(profile: profile, base64: String(keyText)) } catch { throw .srtp(error) }
        self.init(ssrc: ssrc, keys: keys)
    }
}

/// SRTP and SRTCP decryption for a capture: the keys by SSRC, and one libsrtp session per SSRC,
/// made on the stream's first packet and kept, because each carries that stream's rollover counter
/// and replay list (RFC 3711 §3.3.1–3.3.2). Packets must be given in capture order.
public final class SRTPKeyring {
    private let keys: [UInt32: SRTPKeyMaterial]
    private let anySSRC: SRTPKeyMaterial?
    private var sessions: [UInt32: SRTPSession] = [:]

    /// A keyring for these assignments; a later assignment for an SSRC replaces an earlier one.
    /// `anySSRC` keys every other SSRC: DTLS-SRTP keys a direction, not a stream (RFC 5764 §4.2).
    public init(_ assignments: [SRTPKeyAssignment], anySSRC: SRTPKeyMaterial? = nil) {
        var keys: [UInt32: SRTPKeyMaterial] = [:]
        for assignment in assignments { keys[assignment.ssrc] = assignment.keys }
        self.keys = keys
        self.anySSRC = anySSRC
    }

    /// The SSRCs that have keys.
    public var ssrcs: Set<UInt32> { Set(keys.keys) }

    /// The RTP packet inside an SRTP packet, decrypted with the keys of its SSRC (RTP header bytes
    /// 8–11, RFC 3550 §5.1). Throws `.noKey` for an SSRC without keys.
    public func unprotectRTP(_ packet: [UInt8]) throws(DecryptionError) -> [UInt8] {
        guard packet.count >= 12 else { throw .malformedPacket("an SRTP packet of \(packet.count) bytes has no RTP header") }
        let session = try session(for: Self.word(packet, at: 8))
        do { return try session.unprotectRTP(packet) } catch { throw .srtp(error) }
    }

    /// The RTCP compound packet inside an SRTCP packet, decrypted with the keys of its first packet's
    /// sender SSRC (bytes 4–7, RFC 3550 §6.4.1; RFC 3711 §3.4 keys SRTCP by that SSRC).
    public func unprotectRTCP(_ packet: [UInt8]) throws(DecryptionError) -> [UInt8] {
        guard packet.count >= 12 else { throw .malformedPacket("an SRTCP packet of \(packet.count) bytes has no RTCP header and index") }
        let session = try session(for: Self.word(packet, at: 4))
        do { return try session.unprotectRTCP(packet) } catch { throw .srtp(error) }
    }

    private func session(for ssrc: UInt32) throws(DecryptionError) -> SRTPSession {
        if let existing = sessions[ssrc] { return existing }
        guard let streamKeys = keys[ssrc] ?? anySSRC else { throw .noKey(ssrc: ssrc) }
        let created: SRTPSession
        do { created = try SRTPSession(keys: streamKeys, ssrc: ssrc) } catch { throw .srtp(error) }
        sessions[ssrc] = created
        return created
    }

    /// The big-endian 32-bit word at `offset`; callers have checked the length.
    private static func word(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
