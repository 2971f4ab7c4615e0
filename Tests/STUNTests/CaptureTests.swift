import Conformance
import STUN
import Testing
import Wire

/// Every STUN message in the third-party captures of `../shared/captures` (read through libpcap, never
/// copied), judged by the codec. Counts of FINGERPRINT verdicts are the captures README's (tshark 4.0.17).
@Suite("STUN messages of the shared captures")
struct CaptureTests {
    static func messages() throws -> [CaptureDatagram] {
        try CaptureDatagrams.all(.stun, in: SharedFolder.locate(from: #filePath))
    }

    @Test("Every STUN datagram but Zoom's parses and re-serialises byte-exact")
    func roundTrip() throws {
        let messages = try Self.messages()
        #expect(messages.count == 242)
        for found in messages where found.name != "ndpi_stun.pcap#frame-195" {
            do {
                let message = try STUNCodec.parse(found.datagram.payload)
                #expect(STUNCodec.serialize(message) == found.datagram.payload, "\(found.name)")
            } catch {
                Issue.record("\(found.name): \(error)")
            }
        }
    }

    @Test("Zoom's message in ndpi_stun.pcap frame 195 is a fingerprint failure, not accepted")
    func zoomFingerprint() throws {
        let zoom = try #require(try Self.messages().first { $0.name == "ndpi_stun.pcap#frame-195" })
        #expect(zoom.datagram.destination.port == 8801 || zoom.datagram.source.port == 8801)
        #expect { try STUNCodec.parse(zoom.datagram.payload) } throws: { error in
            (error as? STUNError)?.rule == .fingerprintValue
        }
        // Without the check the message parses, and its FINGERPRINT is then reported invalid.
        let unchecked = try STUNMessage.parse(zoom.datagram.payload, checkFingerprint: false)
        #expect(unchecked.verifyFingerprint() == .invalid)
    }

    @Test("FINGERPRINT verdicts per capture match the captures README", arguments: [
        ("zeek_webrtc-stun.pcap", 10, 0),
        ("ndpi_stun_dtls_rtp.pcapng", 4, 0),
        ("ndpi_stun.pcap", 13, 1),
    ])
    func fingerprintCounts(capture: String, valid: Int, invalid: Int) throws {
        var verdicts: [STUNVerification: Int] = [:]
        for found in try Self.messages() where found.capture == capture {
            let message = try STUNMessage.parse(found.datagram.payload, checkFingerprint: false)
            verdicts[message.verifyFingerprint(), default: 0] += 1
        }
        #expect(verdicts[.valid, default: 0] == valid)
        #expect(verdicts[.invalid, default: 0] == invalid)
    }

    @Test("The zeek capture's ICE checks carry the USERNAME the README names")
    func zeekUsername() throws {
        let usernames = Set(try Self.messages().filter { $0.capture == "zeek_webrtc-stun.pcap" }.compactMap { found -> String? in
            guard case .username(let name)? = try STUNCodec.parse(found.datagram.payload).value(of: .username) else { return nil }
            return name
        })
        #expect(usernames.contains("31e58bb6:Tw5XmGABTU55u6F2"))
    }
}
