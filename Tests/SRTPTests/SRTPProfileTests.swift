import SRTP
import Testing
import Wire

/// Every profile, GCM included, on packets protected by libsrtp directly (no capture has GCM keys):
/// proves the policy set-up per profile and the mapping of each failure to its typed error.
@Suite("SRTP profiles round trip through libsrtp's own protect")
struct SRTPProfileTests {
    /// An outbound session protecting `packets` in order with `keys` for `ssrc`.
    static func protect(_ packets: [[UInt8]], keys: SRTPKeyMaterial, ssrc: UInt32, rtcp: Bool = false) throws -> [[UInt8]] {
        let session = try SRTPSession(keys: keys, ssrc: ssrc, direction: .outbound)
        return try packets.map { rtcp ? try session.protectRTCP($0) : try session.protectRTP($0) }
    }

    static func keys(_ profile: SRTPProfile) throws -> SRTPKeyMaterial {
        try SRTPKeyMaterial(
            profile: profile,
            keyAndSalt: (0..<(profile.masterKeyLength + profile.masterSaltLength)).map { UInt8(truncatingIfNeeded: $0 * 13 + 5) })
    }

    /// RTP packets of SSRC 0x01020304 with sequence numbers from 65530, so the rollover counter advances.
    static let clear: [[UInt8]] = (0..<12).map { index in
        var writer = ByteWriter()
        writer.writeUInt8(0x80)
        writer.writeUInt8(111)
        writer.writeUInt16(UInt16(truncatingIfNeeded: 65530 + index))
        writer.writeUInt32(UInt32(960 * index))
        writer.writeUInt32(0x0102_0304)
        writer.writeBytes((0..<(20 + index)).map { UInt8(truncatingIfNeeded: $0 ^ index) })
        return writer.bytes
    }

    @Test("Protected packets unprotect to the original, across a sequence number wrap", arguments: SRTPProfile.allCases)
    func roundTrip(_ profile: SRTPProfile) throws {
        let keys = try Self.keys(profile)
        let protected = try Self.protect(Self.clear, keys: keys, ssrc: 0x0102_0304)
        let session = try SRTPSession(keys: keys, ssrc: 0x0102_0304)
        for (sent, original) in zip(protected, Self.clear) {
            #expect(try session.unprotectRTP(sent) == original)
        }
    }

    @Test("SRTCP round trips in every profile", arguments: SRTPProfile.allCases)
    func rtcpRoundTrip(_ profile: SRTPProfile) throws {
        let keys = try Self.keys(profile)
        // A receiver report with no report blocks (RFC 3550 §6.4.2) from SSRC 0x01020304.
        let report: [UInt8] = [0x80, 201, 0, 1, 0x01, 0x02, 0x03, 0x04]
        let protected = try Self.protect([report, report], keys: keys, ssrc: 0x0102_0304, rtcp: true)
        let session = try SRTPSession(keys: keys, ssrc: 0x0102_0304)
        #expect(try session.unprotectRTCP(protected[0]) == report)
        #expect(try session.unprotectRTCP(protected[1]) == report)
        #expect(throws: SRTPError.replayed) { try session.unprotectRTCP(protected[1]) }
    }

    @Test("A flipped bit fails authentication in every profile, GCM included", arguments: SRTPProfile.allCases)
    func tampered(_ profile: SRTPProfile) throws {
        let keys = try Self.keys(profile)
        let protected = try Self.protect([Self.clear[0]], keys: keys, ssrc: 0x0102_0304)[0]
        for index in [1, 4, 12, protected.count - 1] {
            var altered = protected
            altered[index] ^= 0x10
            let session = try SRTPSession(keys: keys, ssrc: 0x0102_0304)
            #expect(throws: SRTPError.authenticationFailed) { try session.unprotectRTP(altered) }
        }
    }

    @Test("Random packets never trap and never authenticate, for SRTP and SRTCP", arguments: SRTPProfile.allCases)
    func hostile(_ profile: SRTPProfile) throws {
        let session = try SRTPSession(keys: try Self.keys(profile), ssrc: nil)
        var generator = SeededGenerator(seed: UInt64(profile.rawValue))
        for _ in 0..<1000 {
            var packet = (0..<Int.random(in: 0...80, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if !packet.isEmpty { packet[0] = 0x80 | (packet[0] & 0x3F) }
            #expect(throws: SRTPError.self) { try session.unprotectRTP(packet) }
            #expect(throws: SRTPError.self) { try session.unprotectRTCP(packet) }
        }
    }
}
