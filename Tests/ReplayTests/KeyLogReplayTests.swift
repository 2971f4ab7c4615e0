import DTLS
import Decryption
import Foundation
import Pcap
import RTP
import Replay
import SRTP
import SCTP
import SansIO
import Testing

/// A DTLS-SRTP session between two of our own DTLS endpoints, run in memory with virtual time and
/// recorded as pcapng plus the endpoints' NSS key log: a data channel's SCTP conversation inside
/// DTLS, then Opus over SRTP with the exported keys, then close_notify. Nothing touches a network;
/// the addresses are documentation addresses.
struct RecordedDTLSSession {
    static let client = Endpoint(address: [192, 0, 2, 1], port: 5000)
    static let server = Endpoint(address: [192, 0, 2, 2], port: 6000)
    static let clientSSRC: UInt32 = 0x1111_1111
    static let serverSSRC: UInt32 = 0x2222_2222

    /// Datagrams as captured, in order.
    var datagrams: [ReplayDatagram] = []
    var keyLog = ""
    /// Index in `datagrams` of the record carrying each SCTP packet of the script, and of each SRTP packet.
    var sctpDatagrams: [Int] = []
    var srtpDatagrams: [Int] = []

    /// Records the session. `sctp` edits each scripted SCTP packet before DTLS protects it, `rtp` each
    /// RTP packet before SRTP protects it: how a test plants a mistake inside an encrypted layer.
    static func record(
        sctp: (Int, [UInt8]) -> [UInt8] = { $1 }, rtp: (Int, [UInt8]) -> [UInt8] = { $1 }
    ) throws -> RecordedDTLSSession {
        let clientCertificate = try DTLSCertificate(commonName: "client")
        let serverCertificate = try DTLSCertificate(commonName: "server")
        let profiles: [SRTPProfile] = [.aes128CounterHMACSHA1_80]
        let endpoints = [
            try DTLSEndpoint(role: .client, certificate: clientCertificate, expectedPeerFingerprint: serverCertificate.fingerprint(), srtpProfiles: profiles, keyLog: true),
            try DTLSEndpoint(role: .server, certificate: serverCertificate, expectedPeerFingerprint: clientCertificate.fingerprint(), srtpProfiles: profiles, keyLog: true),
        ]
        var session = RecordedDTLSSession()
        var now = Instant.zero
        var connected: [Int: DTLSConnectionInfo] = [:]
        var pending: [(to: Int, payload: [UInt8])] = []

        func capture(from side: Int, _ payload: [UInt8]) {
            let (source, destination) = side == 0 ? (client, server) : (server, client)
            session.datagrams.append(
                ReplayDatagram(
                    frame: session.datagrams.count + 1, timestampNanoseconds: Int64(now.nanoseconds), source: source,
                    destination: destination, payload: payload))
        }
        func drain(_ side: Int) {
            while let output = endpoints[side].poll() {
                switch output {
                case .transmit(let payload):
                    capture(from: side, payload)
                    pending.append((1 - side, payload))
                case .connected(let info): connected[side] = info
                case .keyLog(let line): session.keyLog += line + "\n"
                default: break
                }
            }
        }
        func settle() {
            drain(0)
            drain(1)
            while !pending.isEmpty {
                now += .milliseconds(1)
                let (side, payload) = pending.removeFirst()
                endpoints[side].handle(.received(payload), at: now)
                drain(side)
            }
        }
        endpoints[0].handleTimeout(at: now)
        settle()
        guard let clientInfo = connected[0], let serverInfo = connected[1], let material = clientInfo.srtpKeys,
            serverInfo.srtpKeys == material
        else { throw RecordingFailure.handshake }

        // The data channel: the SCTP script of the association rule tests, a→b being the DTLS client.
        for (index, sent) in SCTPAssociationRuleTests.session.enumerated() {
            let side = sent.direction == .aToB ? 0 : 1
            endpoints[side].handle(.send(sctp(index, sent.packet.serialize())), at: now)
            session.sctpDatagrams.append(session.datagrams.count)
            settle()
        }

        // Opus over SRTP, five packets each way, with the exported keys (RFC 5764 §4.2).
        let clientKeys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, masterKey: material.client.masterKey, masterSalt: material.client.masterSalt)
        let serverKeys = try SRTPKeyMaterial(profile: .aes128CounterHMACSHA1_80, masterKey: material.server.masterKey, masterSalt: material.server.masterSalt)
        let senders = [
            (0, try SRTPSession(keys: clientKeys, ssrc: clientSSRC, direction: .outbound), clientSSRC),
            (1, try SRTPSession(keys: serverKeys, ssrc: serverSSRC, direction: .outbound), serverSSRC),
        ]
        for index in 0..<10 {
            let (side, protector, ssrc) = senders[index % 2]
            let number = index / 2
            // TOC 0x78: CELT-only fullband 20 ms, one frame (RFC 6716 §3.1): 960 samples at 48 kHz.
            let clear = RTPPacket(
                header: RTPHeader(payloadType: 111, sequenceNumber: UInt16(100 + number), timestamp: UInt32(960 * number), ssrc: ssrc),
                payload: [0x78] + [UInt8](repeating: UInt8(number), count: 40)
            ).serialize()
            now += .milliseconds(20)
            session.srtpDatagrams.append(session.datagrams.count)
            capture(from: side, try protector.protectRTP(rtp(index, clear)))
        }

        endpoints[0].handle(.close, at: now)
        settle()
        return session
    }

    enum RecordingFailure: Error { case handshake }

    /// The session written as pcapng by our writer and read back through libpcap, as a user would replay it.
    func replay(keyLog: String? = nil, payloadTypes: [PayloadTypeAssignment] = [PayloadTypeAssignment(payloadType: 111, codec: .opus)]) throws -> ReplayReport {
        var writer = PcapngWriter()
        for datagram in datagrams { writer.append(datagram) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-keylog-\(UUID().uuidString).pcapng")
        try Data(writer.takeBytes()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let options = ReplayOptions(payloadTypes: payloadTypes, keyLog: KeyLog(parsing: keyLog ?? self.keyLog))
        return try ReplayChecker.check(capturePath: file.path, name: "recorded", options: options)
    }

    func replacing(_ index: Int, _ edit: (inout [UInt8]) -> Void) -> RecordedDTLSSession {
        var copy = self
        let original = datagrams[index]
        var payload = original.payload
        edit(&payload)
        copy.datagrams[index] = ReplayDatagram(
            frame: original.frame, timestampNanoseconds: original.timestampNanoseconds, source: original.source,
            destination: original.destination, payload: payload)
        return copy
    }
}

/// `crucible replay --keylog`: a session our own DTLS endpoints recorded replays clean with its key log —
/// every record authenticates, the data channel's SCTP and DCEP are judged, the DTLS-SRTP exporter's
/// keys decrypt the media — and one corrupted byte in each layer breaks that layer's rule (issue 5).
@Suite("Replay of a recorded DTLS-SRTP session with its key log")
struct KeyLogReplayTests {
    @Test("The recorded session replays clean: records decrypt, SCTP and DCEP pass, SRTP authenticates with exported keys, Opus parses")
    func cleanSession() throws {
        let session = try RecordedDTLSSession.record()
        let report = try session.replay()
        #expect(report.findings.isEmpty, "\(report.brokenRules)")
        let dtls = try #require(report.dtls)
        #expect(dtls.keyedHandshakes == 1 && dtls.missingKeys == 0 && dtls.failed == 0)
        #expect(dtls.applicationData == SCTPAssociationRuleTests.session.count)
        #expect(report.sctpPackets == SCTPAssociationRuleTests.session.count)
        #expect(dtls.closeNotify == 2, "the closing side and the answering side")
        #expect(report.decryption?.keyedDirections == 2)
        #expect(report.decryption?.authenticated == 10)
        #expect(report.media.opusPackets == 10)
    }

    @Test("A ClientHello retransmitted after the ServerHello (a new record number, the same random) keeps the handshake's keys")
    func clientHelloAfterServerHello() throws {
        var session = try RecordedDTLSSession.record()
        let hello = session.datagrams[0]
        let serverFlight = try #require(session.datagrams.firstIndex { $0.source == RecordedDTLSSession.server })
        // RFC 6347 §4.2.4: a retransmitted flight gets new record sequence numbers (bytes 5–10 of the header).
        var payload = hello.payload
        payload[10] &+= 100
        session.datagrams.insert(
            ReplayDatagram(
                frame: hello.frame, timestampNanoseconds: session.datagrams[serverFlight].timestampNanoseconds + 1, source: hello.source,
                destination: hello.destination, payload: payload),
            at: serverFlight + 1)
        let report = try session.replay()
        #expect(!report.hasErrors, "\(report.brokenRules)")
        let dtls = try #require(report.dtls)
        #expect(dtls.keyedHandshakes == 1 && dtls.undecrypted == 0, "\(report.text())")
        #expect(dtls.applicationData == SCTPAssociationRuleTests.session.count)
        #expect(report.inventory.dtlsAssociations.first?.cipherSuite != nil, "the inventory keeps the handshake too")
    }

    @Test("Without the key log's entry nothing is decrypted, and the report says why")
    func foreignKeyLog() throws {
        let session = try RecordedDTLSSession.record()
        let other = try RecordedDTLSSession.record()
        let report = try session.replay(keyLog: other.keyLog)
        // The missing key is a note; that the session went unjudged inside is a warning, never a clean pass.
        #expect(report.brokenRules == ["DTLS.key-missing": 1, "DTLS.undecrypted": 1])
        #expect(report.dtls?.decrypted == 0)
        #expect(report.dtls?.undecrypted == session.sctpDatagrams.count + 2 + 2, "SCTP packets, both Finished records, both close_notify alerts")
        #expect(report.exitCode == 0)
    }

    @Test("One byte flipped in a DTLS record's ciphertext breaks DTLS.record-authentication there")
    func corruptRecord() throws {
        let session = try RecordedDTLSSession.record()
        // The last SACK: losing it changes nothing else.
        let index = try #require(session.sctpDatagrams.last)
        let report = try session.replacing(index) { $0[$0.count - 20] ^= 0x01 }.replay()
        #expect(report.brokenRules == ["DTLS.record-authentication": 1])
        #expect(report.findings.first?.occurrences.first?.frame == session.datagrams[index].frame)
    }

    @Test("One byte flipped in an SCTP packet before encryption breaks the SCTP checksum rule")
    func corruptSCTP() throws {
        let session = try RecordedDTLSSession.record(sctp: { index, bytes in
            var bytes = bytes
            if index == 8 { bytes[bytes.count - 1] ^= 0x01 }
            return bytes
        })
        #expect(try session.replay().brokenRules == ["SCTP.checksum": 1])
    }

    @Test("A DCEP OPEN whose message type byte is flipped to ACK breaks DCEP.ack-without-open")
    func corruptDCEP() throws {
        let session = try RecordedDTLSSession.record(sctp: { index, bytes in
            guard index == 4, var packet = try? SCTPPacket.parse(bytes), case .data(var data) = packet.chunks[0] else { return bytes }
            data.userData = [DCEPMessage.ackType][...]
            packet.chunks[0] = .data(data)
            return packet.serialize()
        })
        #expect(try session.replay().brokenRules["DCEP.ack-without-open"] == 2)
    }

    @Test("One byte flipped in an SRTP packet breaks SRTP.authentication; a bad Opus TOC inside breaks the Opus rule")
    func corruptMedia() throws {
        let session = try RecordedDTLSSession.record(rtp: { index, bytes in
            var bytes = bytes
            // TOC code 1 (two equal frames) with an even total length breaks RFC 6716 §3.4 R3.
            if index == 3 { bytes[12] = 0x79; bytes.removeLast() }
            return bytes
        })
        #expect(try session.replay().brokenRules == ["Opus.code1-length": 1])
        let clean = try RecordedDTLSSession.record()
        let index = try #require(clean.srtpDatagrams.first)
        let report = try clean.replacing(index) { $0[14] ^= 0x01 }.replay()
        #expect(report.brokenRules == ["SRTP.authentication": 1], "\(report.text())")
    }
}
