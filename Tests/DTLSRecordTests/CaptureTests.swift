import Conformance
import DTLSRecord
import Testing
import Wire

/// Every DTLS datagram of `../shared/captures` (RFC 7983 family "DTLS", first byte 20–63).
@Suite("DTLS in the shared captures")
struct CaptureTests {
    /// What the captures hold, summed over all of them.
    struct Census {
        var datagrams = 0
        var records: [String: Int] = [:]  // "<capture> <content type>/<plaintext|encrypted>" → count
        var handshakeMessages: [String: Int] = [:]  // handshake type → count of complete plaintext messages
        var fragments = 0  // plaintext handshake fragments that are not complete messages
        var fingerprints: [String: [String]] = [:]  // datagram name → SHA-256 fingerprints
        var failures: [String] = []
    }

    static func census() throws -> Census {
        let shared = try SharedFolder.locate(from: #filePath)
        var census = Census()
        var reassemblers: [String: HandshakeReassembler] = [:]
        for captured in try CaptureDatagrams.all(.dtls, in: shared) {
            census.datagrams += 1
            let bytes = captured.datagram.payload
            let datagram: DTLSDatagram
            do { datagram = try DTLSCodec.parse(bytes) } catch {
                census.failures.append("\(captured.name): \(error)")
                continue
            }
            if DTLSCodec.serialize(datagram) != bytes { census.failures.append("\(captured.name): record round trip") }
            for record in datagram.records {
                guard case .classic(let classic) = record else {
                    census.records["\(captured.capture) unified", default: 0] += 1
                    continue
                }
                census.records["\(captured.capture) \(classic.contentType)/\(classic.isEncrypted ? "encrypted" : "plaintext")", default: 0] += 1
                guard classic.contentType == .handshake, !classic.isEncrypted else { continue }
                let fragments: [HandshakeFragment]
                do { fragments = try HandshakeFragment.parseAll(classic.fragment) } catch {
                    census.failures.append("\(captured.name): \(error)")
                    continue
                }
                if HandshakeFragment.serialize(fragments) != Array(classic.fragment) {
                    census.failures.append("\(captured.name): handshake framing round trip")
                }
                // One reassembler per direction of each capture: fragmented certificates come back whole.
                let flow = "\(captured.capture) \(captured.datagram.source)>\(captured.datagram.destination)"
                var reassembler = reassemblers[flow] ?? HandshakeReassembler()
                for fragment in fragments {
                    if !fragment.header.isComplete { census.fragments += 1 }
                    let outcome: HandshakeReassembler.Outcome
                    do { outcome = try reassembler.receive(fragment) } catch {
                        census.failures.append("\(captured.name): \(error)")
                        continue
                    }
                    guard case .completed(let whole) = outcome else { continue }
                    do {
                        let message = try HandshakeMessage(whole)
                        census.handshakeMessages[message.header.type.description, default: 0] += 1
                        var writer = ByteWriter()
                        message.write(to: &writer)
                        if writer.bytes != Array(HandshakeFragment.serialize([whole])) {
                            census.failures.append("\(captured.name): \(message.header.type) body round trip")
                        }
                        if case .certificate(let certificates) = message.body {
                            census.fingerprints[captured.name] = certificates.fingerprints.map(\.hexPairs)
                        }
                    } catch {
                        census.failures.append("\(captured.name): \(error)")
                    }
                }
                reassemblers[flow] = reassembler
            }
        }
        return census
    }

    /// ndpi_stun.pcap frame 196 (UDP to Zoom's port 8801) starts like a DTLS record (0x16 FE FF) but its
    /// first record claims 78 bytes where a 164-byte ClientHello follows, so the "second record" starts in
    /// the middle of that hello. The RFC-correct outcome is a typed error, not a guess; this is the only
    /// DTLS-family datagram of the captures that does not parse.
    static let expectedNegatives = ["ndpi_stun.pcap#frame-196": DTLSRule.recordVersion]

    @Test("Every DTLS datagram, record and plaintext handshake message in the captures parses and round-trips")
    func everythingRoundTrips() throws {
        let census = try Self.census()
        #expect(census.datagrams == 43)
        #expect(census.failures.count == Self.expectedNegatives.count)
        for failure in census.failures {
            let name = String(failure.prefix(while: { $0 != ":" }))
            let rule = try #require(Self.expectedNegatives[name], "unexpected failure: \(failure)")
            #expect(failure.contains(rule.id), "\(failure)")
        }
    }

    /// Counts cross-checked with an independent record walk over the same captures (23 + 16 + 4 datagrams).
    /// The captures README says 21 application-data records for ndpi_stun_dtls_rtp; walking the records
    /// finds 17 (its other 4 protected records are handshake records at epoch 1: the Finished messages).
    @Test("Records per capture and content type are counted exactly, plaintext and encrypted apart")
    func recordCounts() throws {
        let census = try Self.census()
        #expect(census.records == [
            "zeek_webrtc-stun.pcap handshake/plaintext": 9,
            "zeek_webrtc-stun.pcap change_cipher_spec/plaintext": 2,
            "zeek_webrtc-stun.pcap handshake/encrypted": 2,
            "ndpi_stun_dtls_rtp.pcapng handshake/plaintext": 14,
            "ndpi_stun_dtls_rtp.pcapng change_cipher_spec/plaintext": 4,
            "ndpi_stun_dtls_rtp.pcapng handshake/encrypted": 4,
            "ndpi_stun_dtls_rtp.pcapng application_data/encrypted": 17,
            "ndpi_stun.pcap handshake/plaintext": 11,
            "ndpi_stun.pcap change_cipher_spec/plaintext": 2,
            "ndpi_stun.pcap handshake/encrypted": 2,
            "ndpi_stun.pcap application_data/encrypted": 10,
        ])
    }

    @Test("The plaintext handshake messages are counted by type; none of them is fragmented")
    func handshakeCounts() throws {
        let census = try Self.census()
        #expect(census.fragments == 0)
        #expect(census.handshakeMessages == [
            "client_hello": 4, "server_hello": 3, "certificate": 6, "server_key_exchange": 3,
            "certificate_request": 3, "server_hello_done": 3, "client_key_exchange": 3, "certificate_verify": 3,
            "new_session_ticket": 2,
        ])
    }

    /// All six values were recomputed outside Swift (Python hashlib over the DER found by an independent record walk).
    @Test("Each Certificate message yields the SHA-256 fingerprint of its certificate, formatted as a=fingerprint")
    func certificateFingerprints() throws {
        let census = try Self.census()
        #expect(census.fingerprints == [
            "zeek_webrtc-stun.pcap#frame-11": ["96:81:26:88:2D:68:EB:80:B0:33:92:ED:B9:CC:E7:26:0E:EC:15:A0:4B:20:6D:DF:B5:23:14:49:B5:AA:AA:2F"],
            "zeek_webrtc-stun.pcap#frame-13": ["D0:F7:EE:63:96:C9:8D:A4:E7:48:88:00:6A:F6:67:BF:EA:EC:C8:CD:1B:AB:B6:7E:90:05:58:A9:BD:64:9B:9F"],
            "ndpi_stun_dtls_rtp.pcapng#frame-4": ["B1:42:55:59:73:D4:D2:8F:05:CF:59:87:5B:F4:F8:79:A0:B0:F7:CE:24:95:37:AE:0F:9A:B8:31:D9:2D:D5:CE"],
            "ndpi_stun_dtls_rtp.pcapng#frame-6": ["EC:DF:5A:4D:28:7A:A5:06:39:AC:62:BB:C2:EE:88:11:7A:82:C1:2C:B8:5F:44:AD:FC:48:BB:C0:DE:5D:AA:6A"],
            "ndpi_stun.pcap#frame-166": ["C9:34:71:05:81:67:D8:44:D5:40:D2:68:6D:E4:94:94:A8:8F:3A:8A:23:A5:F2:B0:47:8F:D8:98:C1:A3:37:62"],
            "ndpi_stun.pcap#frame-167": ["64:48:A4:4D:49:9F:9B:BB:A4:5C:CD:DA:B0:A9:14:C5:9E:3D:CE:B1:A3:EE:77:74:A1:67:36:A5:CC:D5:05:73"],
        ])
    }
}
