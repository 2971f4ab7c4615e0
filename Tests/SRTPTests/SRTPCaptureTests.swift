import Conformance
import SRTP
import Pcap
import Testing

/// The two keyed SRTP captures of `../shared/captures` (see the README there) decrypt completely.
@Suite("SRTP and SRTCP with given keys, proven on captures")
struct SRTPCaptureTests {
    /// First byte of an RTP or RTCP packet carries version 2 in its top two bits (RFC 3550 §5.1).
    static func isVersion2(_ payload: [UInt8]) -> Bool { payload.count >= 12 && payload[0] >> 6 == 2 }

    /// RTCP packet types 200–207 sit where RTP has marker+PT (RFC 5761 §4): PT 72–79 with the marker set.
    static func isRTCP(_ payload: [UInt8]) -> Bool { isVersion2(payload) && (200...207).contains(payload[1]) }

    static func ssrc(_ payload: [UInt8], at offset: Int) -> UInt32 {
        payload[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The share of the most frequent byte value among all bytes of `payloads`.
    static func topByteShare(_ payloads: [ArraySlice<UInt8>]) -> Double {
        var histogram = [Int](repeating: 0, count: 256)
        for payload in payloads { for byte in payload { histogram[Int(byte)] += 1 } }
        return Double(histogram.max() ?? 0) / Double(max(1, histogram.reduce(0, +)))
    }

    static func datagrams(_ name: String) throws -> [[UInt8]] {
        let shared = try SharedFolder.locate(from: #filePath)
        return try CaptureReader(path: shared.capture(name).path).udpDatagrams().datagrams.map(\.payload)
    }

    @Test("All 11,888 packets of the Marseillaise capture (SSRC 0xdeadbeef) authenticate and decrypt")
    func marseillaise() throws {
        let keys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
        let session = try SRTPSession(keys: keys, ssrc: 0xDEAD_BEEF)
        let packets = try Self.datagrams("gteissier_marseillaise-srtp.pcap")
        #expect(packets.count == 11_888)
        var clear: [[UInt8]] = []
        for packet in packets {
            clear.append(try session.unprotectRTP(packet))
        }
        #expect(clear.count == 11_888)
        // The clear packets keep the header and lose exactly the 10-byte tag (RFC 3711 §3.1).
        #expect(zip(packets, clear).allSatisfy { $0.count - 10 == $1.count && $0.prefix(12) == $1.prefix(12) })
        // PCMA (PT 8) audio is far from uniform (A-law codes cluster by level), the ciphertext is not:
        // the most frequent byte value of the clear payloads is much more frequent than that of the
        // encrypted ones, which sits near 1/256.
        #expect(Self.topByteShare(clear.map { $0.dropFirst(12) }) > 2 * Self.topByteShare(packets.map { $0.dropFirst(12).dropLast(10) }))
    }

    @Test("All 501 SRTP packets of SSRC 0x20C23467 in the Opus P2P capture authenticate, and its SRTCP too")
    func veondigital() throws {
        let keys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: "FfLxRxclZ/lNM/g5MNSZgmvAUzR/pgSIVyOHUHji")
        let session = try SRTPSession(keys: keys, ssrc: 0x20C2_3467)
        let payloads = try Self.datagrams("veondigital_webrtc_opus_p2p.pcap")
        let rtp = payloads.filter { Self.isVersion2($0) && !Self.isRTCP($0) && Self.ssrc($0, at: 8) == 0x20C2_3467 }
        let rtcp = payloads.filter { Self.isRTCP($0) && Self.ssrc($0, at: 4) == 0x20C2_3467 }
        #expect(rtp.count == 501)
        var decrypted = 0
        for packet in rtp {
            let clear = try session.unprotectRTP(packet)
            #expect(clear[1] & 0x7F == 111)
            decrypted += 1
        }
        #expect(decrypted == 501)
        var rtcpDecrypted = 0
        for packet in rtcp {
            let clear = try session.unprotectRTCP(packet)
            // Tag (10) and E‖index word (4) removed (RFC 3711 §3.4); the header is unchanged.
            #expect(clear.count == packet.count - 14)
            #expect(clear[1] == packet[1])
            rtcpDecrypted += 1
        }
        #expect(rtcpDecrypted == rtcp.count)
        #expect(rtcp.count > 0)
    }

    @Test("Packets of the other, unkeyed SSRC in the same capture fail authentication under this key")
    func otherSSRCFails() throws {
        let keys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: "FfLxRxclZ/lNM/g5MNSZgmvAUzR/pgSIVyOHUHji")
        let session = try SRTPSession(keys: keys, ssrc: nil)
        let payloads = try Self.datagrams("veondigital_webrtc_opus_p2p.pcap")
        let other = payloads.filter { Self.isVersion2($0) && !Self.isRTCP($0) && Self.ssrc($0, at: 8) == 0xE3B9_FC5E }
        #expect(other.count == 498)
        for packet in other.prefix(20) {
            #expect(throws: SRTPError.authenticationFailed) { try session.unprotectRTP(packet) }
        }
    }

    @Test("A flipped payload byte, header byte or tag byte fails authentication with the typed error", arguments: [12, 40, 2, -1])
    func flippedByte(_ position: Int) throws {
        let keys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
        let session = try SRTPSession(keys: keys, ssrc: 0xDEAD_BEEF)
        var packet = try #require(try Self.datagrams("gteissier_marseillaise-srtp.pcap").first)
        let index = position >= 0 ? position : packet.count + position
        packet[index] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try session.unprotectRTP(packet) }
    }

    @Test("The same packet twice is a replay (RFC 3711 §3.3.2)")
    func replay() throws {
        let keys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
        let session = try SRTPSession(keys: keys, ssrc: 0xDEAD_BEEF)
        let packet = try #require(try Self.datagrams("gteissier_marseillaise-srtp.pcap").first)
        _ = try session.unprotectRTP(packet)
        #expect(throws: SRTPError.replayed) { try session.unprotectRTP(packet) }
    }

    @Test("A packet from an SSRC the session is not for is refused, not decrypted")
    func wrongSSRC() throws {
        let keys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, base64: "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
        let session = try SRTPSession(keys: keys, ssrc: 0x1234_5678)
        let packet = try #require(try Self.datagrams("gteissier_marseillaise-srtp.pcap").first)
        #expect(throws: SRTPError.self) { try session.unprotectRTP(packet) }
    }
}
