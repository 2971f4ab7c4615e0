import Conformance
import Decryption
import Pcap
import Testing

@Suite("SRTP keys by SSRC, as --srtp-key SSRC=BASE64 gives them")
struct SRTPKeyringTests {
    @Test("SSRC=BASE64 parses in hex or decimal with the default profile; SSRC=PROFILE:BASE64 names one")
    func parsing() throws {
        let hex = try SRTPKeyAssignment(parsing: "0xDEADBEEF=aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
        #expect(hex.ssrc == 0xDEAD_BEEF)
        #expect(hex.keys.profile == .aes128CounterHMACSHA1_80)
        let decimal = try SRTPKeyAssignment(parsing: "3735928559=AES_CM_128_HMAC_SHA1_32:aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz")
        #expect(decimal.ssrc == 0xDEAD_BEEF)
        #expect(decimal.keys.profile == .aes128CounterHMACSHA1_32)
        #expect(decimal.keys.masterKey == hex.keys.masterKey)
    }

    @Test("Malformed assignments are badKey errors", arguments: [
        "aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz", "0xZZ=aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz",
        "4294967296=aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz", "1=AES_CM_999:aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz",
        "1=AEAD_AES_128_GCM:aSBrbm93IGFsbCB5b3VyIGxpdHRsZSBzZWNyZXRz", "1=", "=",
    ])
    func malformed(_ text: String) {
        #expect {
            _ = try SRTPKeyAssignment(parsing: text)
        } throws: { error in
            // The text is refused here, or its key by the SRTP module: either way a bad key.
            switch error as? DecryptionError {
            case .badKey?, .srtp(.badKey)?: return true
            default: return false
            }
        }
    }

    @Test("A keyring decrypts the keyed stream of the Opus capture, and says which SSRC has no key")
    func capture() throws {
        let shared = try SharedFolder.locate(from: #filePath)
        let payloads = try CaptureReader(path: shared.capture("veondigital_webrtc_opus_p2p.pcap").path).udpDatagrams().datagrams.map(\.payload)
        let keyring = SRTPKeyring([try SRTPKeyAssignment(parsing: "0x20C23467=FfLxRxclZ/lNM/g5MNSZgmvAUzR/pgSIVyOHUHji")])
        var authenticated = 0
        var unkeyed: Set<UInt32> = []
        for payload in payloads where payload.count >= 12 && payload[0] >> 6 == 2 {
            let isRTCP = (200...207).contains(payload[1])
            let result = Result { () throws(DecryptionError) -> [UInt8] in
                isRTCP ? try keyring.unprotectRTCP(payload) : try keyring.unprotectRTP(payload)
            }
            switch result {
            case .success: authenticated += 1
            case .failure(.noKey(let ssrc)): unkeyed.insert(ssrc)
            case .failure(let error): Issue.record("unexpected \(error)")
            }
        }
        #expect(authenticated >= 501)
        #expect(unkeyed.contains(0xE3B9_FC5E))
        #expect(!unkeyed.contains(0x20C2_3467))
    }
}
