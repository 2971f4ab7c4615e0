import Conformance
import Decryption
import Foundation
import Pcap
import Replay
import Testing

/// `crucible replay --srtp-key`: the two keyed shared captures decrypt, every authentication tag
/// verifies, and a corrupted packet breaks `SRTP.authentication` at its frame (issue 5, "Proof").
@Suite("Replay with SRTP keys")
struct SRTPReplayTests {
    /// Keys from ../shared/captures/README.md.
    static let marseillaise = ("gteissier_marseillaise-srtp.pcap", "0xdeadbeef=aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
    static let opus = ("veondigital_webrtc_opus_p2p.pcap", "0x20C23467=FfLxRxclZ/lNM/g5MNSZgmvAUzR/pgSIVyOHUHji")

    static func datagrams(_ capture: String) throws -> [ReplayDatagram] {
        let shared = try SharedFolder.locate(from: #filePath)
        return try CaptureReader(path: shared.capture(capture).path).udpDatagrams().datagrams.map(ReplayDatagram.init)
    }

    static func check(_ datagrams: [ReplayDatagram], key: String) throws -> ReplayReport {
        ReplayChecker.check(datagrams, capture: "test", options: ReplayOptions(srtpKeys: [try SRTPKeyAssignment(parsing: key)]))
    }

    @Test("The Marseillaise capture: all 11,888 SRTP packets authenticate and decrypt to valid RTP")
    func marseillaiseDecrypts() throws {
        let report = try Self.check(try Self.datagrams(Self.marseillaise.0), key: Self.marseillaise.1)
        #expect(report.decryption == DecryptionSummary(keyedSSRCs: [0xDEAD_BEEF], authenticated: 11_888, failed: 0, replayed: 0))
        #expect(report.findings.isEmpty)
    }

    @Test("The Opus P2P capture: the keyed stream's 501 SRTP and 3 SRTCP packets authenticate; the other stream is left alone")
    func opusDecrypts() throws {
        let report = try Self.check(try Self.datagrams(Self.opus.0), key: Self.opus.1)
        #expect(report.decryption == DecryptionSummary(keyedSSRCs: [0x20C2_3467], authenticated: 504, failed: 0, replayed: 0))
        #expect(!report.brokenRules.keys.contains { $0.hasPrefix("SRTP.") })
    }

    @Test("One byte changed in one SRTP packet breaks SRTP.authentication at that frame, and only there")
    func corruptedPacket() throws {
        var datagrams = try Self.datagrams(Self.marseillaise.0)
        let victim = 1_000
        var payload = datagrams[victim].payload
        payload[payload.count / 2] ^= 0x01
        let original = datagrams[victim]
        datagrams[victim] = ReplayDatagram(
            frame: original.frame, timestampNanoseconds: original.timestampNanoseconds,
            source: original.source, destination: original.destination, payload: payload)
        let report = try Self.check(datagrams, key: Self.marseillaise.1)
        #expect(report.brokenRules == ["SRTP.authentication": 1])
        #expect(report.findings.first?.frames == [original.frame])
        #expect(report.exitCode == 1)
        #expect(report.decryption?.authenticated == 11_887)
    }

    @Test("A packet captured twice is a replay (a warning: captures duplicate, senders must not)")
    func replayedPacket() throws {
        var datagrams = try Self.datagrams(Self.marseillaise.0)
        datagrams.insert(datagrams[500], at: 501)
        let report = try Self.check(datagrams, key: Self.marseillaise.1)
        #expect(report.brokenRules["SRTP.replay"] == 1)
        #expect(report.brokenRules["SRTP.authentication"] == nil)
    }
}
