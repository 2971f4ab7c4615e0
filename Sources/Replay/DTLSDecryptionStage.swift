import Decryption
import SRTP
import DTLSRecord

/// DTLS 1.2 decryption during a replay (`--keylog FILE`, an NSS key log of `CLIENT_RANDOM` lines).
///
/// Per flow it follows the plaintext handshake: the ClientHello says which direction is the DTLS
/// client and gives the client random; the ServerHello gives the server random, the cipher suite and
/// the use_srtp profile. With the master secret from the key log, the records of the protected epoch
/// are decrypted (AES-GCM suites, RFC 5288; others are reported as not decryptable) and must
/// authenticate; application data is handed up as SCTP (RFC 8261), and the DTLS-SRTP exporter
/// (RFC 5764 §4.2) yields the SRTP keys of both directions.
///
/// An association outlives its 5-tuple: ICE may move it to another pair (an ICE restart onto new
/// sockets, RFC 8445 §9, or a new nomination, §8.1.1) with no new handshake. A flow whose records no
/// handshake of its own explains is tried against the keyed handshakes of other flows; the one whose
/// keys authenticate its records (AES-GCM, so a match cannot be a coincidence) adopts it, and the
/// flow's packets are then judged as that association's (``Output/association``).
struct DTLSDecryptionStage {
    static let rules = [recordAuthentication, notDecryptable, keyMissing, fatalAlert, associationMoved, undecrypted]

    static let recordAuthentication = ReplayRule(
        id: "DTLS.record-authentication", reference: "RFC 5246 §6.2.3.3, RFC 6347 §4.1.2.1", severity: .error,
        summary: "with the master secret known, every protected record authenticates under its sender's keys")
    static let notDecryptable = ReplayRule(
        id: "DTLS.not-decryptable", reference: "RFC 5288 §3", severity: .info,
        summary: "the negotiated cipher suite is one the checker decrypts (AES-GCM)")
    static let keyMissing = ReplayRule(
        id: "DTLS.key-missing", reference: "NSS key log format", severity: .info,
        summary: "the key log has the master secret of every handshake in the capture")
    static let fatalAlert = ReplayRule(
        id: "DTLS.fatal-alert", reference: "RFC 5246 §7.2", severity: .warning,
        summary: "no side sends a fatal alert (a failed handshake or a broken association)")
    static let associationMoved = ReplayRule(
        id: "DTLS.association-moved", reference: "RFC 8445 §9, §8.1.1; RFC 8261 §4", severity: .info,
        summary: "an association's records continue on another 5-tuple without a new handshake (ICE moved it)")
    static let undecrypted = ReplayRule(
        id: "DTLS.undecrypted", reference: "NSS key log format; RFC 8261", severity: .warning,
        summary: "with a key log given, every protected record is decrypted (what is not stays unjudged: SCTP, DCEP, SRTP keys)")

    /// Datagrams with protected records of an unexplained flow that are tried against other flows'
    /// handshakes before the flow is given up on: bounds the work a capture of unkeyed flows costs.
    static let adoptionAttempts = 8

    /// What one packet gave up.
    struct Output {
        var findings: [ReplayFinding] = []
        /// Decrypted application data, one record each: SCTP packets for WebRTC.
        var applicationData: [[UInt8]] = []
        /// The DTLS-SRTP keys, on the ServerHello that completes what is needed to derive them.
        var srtpKeys: DTLSSRTPKeys?
        /// Which direction of the association is the DTLS client, once known.
        var clientDirection: FlowDirection?
        /// The flow whose handshake the packet belongs to, and the direction it goes there: the packet's
        /// own unless its flow was adopted by an association that began elsewhere.
        var association: FlowPosition
        /// Set on the packet whose flow was just adopted: the association's flow and whether its
        /// directions are the reverse of the adopted flow's.
        var adopted: FlowAlias?
    }

    /// Where a packet sits in a flow: the flow and the direction it goes.
    struct FlowPosition: Hashable {
        var flow: Int
        var direction: FlowDirection
    }

    /// A flow adopted by the association of another: `flow`, with directions reversed when `reversed`.
    struct FlowAlias: Hashable {
        var flow: Int
        var reversed: Bool
    }

    private struct Handshake {
        var clientDirection: FlowDirection
        var clientRandom: [UInt8]
        var serverRandom: [UInt8]?
        var decryptor: DTLSRecordDecryptor?
    }

    private let keyLog: KeyLog
    private var handshakes: [Int: Handshake] = [:]
    private var aliases: [Int: FlowAlias] = [:]
    private var adoptionAttemptsLeft: [Int: Int] = [:]
    /// Protected records no keyed handshake decrypted, per flow: the first frame and how many.
    private var undecryptedRecords: [Int: (firstFrame: Int, records: Int)] = [:]
    private(set) var summary = DTLSDecryptionSummary()

    init(_ keyLog: KeyLog) {
        self.keyLog = keyLog
    }

    /// The DTLS client's direction on `flow`, once its ClientHello was seen.
    func clientDirection(flow: Int) -> FlowDirection? { handshakes[flow]?.clientDirection }

    mutating func observe(_ decoded: DecodedPacket) -> Output {
        let packet = decoded.packet
        var output = Output(association: FlowPosition(flow: packet.flow, direction: packet.direction))
        guard case .dtls(let datagram) = decoded.content else { return output }
        for message in PlaintextHandshake.all(in: decoded) {
            switch message.body {
            case .clientHello(let hello)?:
                // The same random is this handshake's ClientHello again: a retransmission (which may come
                // after the ServerHello, when the server's flight was slow or lost) or the one answering a
                // HelloVerifyRequest (RFC 6347 §4.2.1 keeps the random). Only a new random starts a new
                // handshake; otherwise the keys already derived would be thrown away.
                if let current = handshakes[packet.flow], current.clientRandom == hello.random, current.clientDirection == packet.direction {
                    continue
                }
                handshakes[packet.flow] = Handshake(clientDirection: packet.direction, clientRandom: hello.random)
                aliases[packet.flow] = nil
            case .serverHello(let hello)?:
                guard var handshake = handshakes[packet.flow], handshake.serverRandom != hello.random else { continue }
                handshake.serverRandom = hello.random
                output.findings += keys(&handshake, hello: hello, packet: packet, output: &output)
                handshakes[packet.flow] = handshake
            default:
                continue
            }
        }
        if handshakes.index(forKey: packet.flow) == nil, aliases[packet.flow] == nil, let alias = adopt(datagram, packet: packet) {
            aliases[packet.flow] = alias
            output.adopted = alias
            output.findings.append(
                ReplayFinding(
                    Self.associationMoved, frame: packet.frame, flow: packet.flow,
                    "the records of flow \(alias.flow)'s association continue here"))
        }
        if let alias = aliases[packet.flow] {
            output.association = FlowPosition(flow: alias.flow, direction: alias.reversed ? packet.direction.reversed : packet.direction)
        }
        let position = output.association
        let handshake = handshakes[position.flow]
        output.clientDirection = handshake?.clientDirection
        guard let handshake, let decryptor = handshake.decryptor else {
            let protected = datagram.records.filter(\.isEncrypted).count
            if protected > 0 {
                summary.undecrypted += protected
                undecryptedRecords[packet.flow, default: (packet.frame, 0)].records += protected
            }
            return output
        }
        // DTLS 1.3 records (unified header) have keys of their own that a CLIENT_RANDOM line does not give.
        let unified = datagram.records.filter { if case .unified = $0 { true } else { false } }.count
        if unified > 0 {
            summary.undecrypted += unified
            undecryptedRecords[packet.flow, default: (packet.frame, 0)].records += unified
        }
        let sender: DTLSSender = position.direction == handshake.clientDirection ? .client : .server
        for case .classic(let record) in datagram.records where record.isEncrypted {
            let plaintext: [UInt8]
            do {
                plaintext = try decryptor.decrypt(
                    contentType: record.contentType.rawValue, version: record.version.rawValue, epoch: record.epoch,
                    sequenceNumber: record.sequenceNumber, fragment: record.fragment, from: sender)
            } catch {
                summary.failed += 1
                output.findings.append(
                    ReplayFinding(
                        Self.recordAuthentication, frame: packet.frame, flow: packet.flow,
                        "\(record.contentType) record epoch \(record.epoch) sequence \(record.sequenceNumber) from the \(sender): \(error)"))
                continue
            }
            summary.decrypted += 1
            switch record.contentType {
            case .applicationData:
                summary.applicationData += 1
                output.applicationData.append(plaintext)
            case .alert where plaintext.count == 2:
                // RFC 5246 §7.2: level 2 is fatal; close_notify (0) is how an association ends cleanly.
                if plaintext[1] == 0 { summary.closeNotify += 1 }
                if plaintext[0] == 2 {
                    output.findings.append(
                        ReplayFinding(Self.fatalAlert, frame: packet.frame, flow: packet.flow, "the \(sender) sends fatal alert \(plaintext[1])"))
                }
            default:
                continue
            }
        }
        return output
    }

    /// The association an unexplained flow's protected records belong to: the keyed handshake, most
    /// recent flow first, whose keys authenticate the datagram's first protected record as sent by its
    /// client or its server. Nil when none does, or once the flow has used up its attempts.
    private mutating func adopt(_ datagram: DTLSDatagram, packet: ReplayPacket) -> FlowAlias? {
        guard let record = datagram.records.lazy.compactMap({ record -> ClassicRecord? in
            if case .classic(let classic) = record, classic.isEncrypted { return classic }
            return nil
        }).first else { return nil }
        let attemptsLeft = adoptionAttemptsLeft[packet.flow, default: Self.adoptionAttempts]
        guard attemptsLeft > 0 else { return nil }
        adoptionAttemptsLeft[packet.flow] = attemptsLeft - 1
        for (flow, handshake) in handshakes.sorted(by: { $0.key > $1.key }) {
            guard let decryptor = handshake.decryptor else { continue }
            for sender in [DTLSSender.client, .server] {
                let opened = try? decryptor.decrypt(
                    contentType: record.contentType.rawValue, version: record.version.rawValue, epoch: record.epoch,
                    sequenceNumber: record.sequenceNumber, fragment: record.fragment, from: sender)
                guard opened != nil else { continue }
                let direction = sender == .client ? handshake.clientDirection : handshake.clientDirection.reversed
                return FlowAlias(flow: flow, reversed: direction != packet.direction)
            }
        }
        return nil
    }

    /// At the capture's end: a warning per flow whose protected records stayed opaque although a key log
    /// was given, so a capture that could not be judged inside never reads as a clean pass.
    func finish() -> [ReplayFinding] {
        undecryptedRecords.sorted { $0.key < $1.key }.map { flow, seen in
            ReplayFinding(
                Self.undecrypted, frame: seen.firstFrame, flow: flow,
                "\(seen.records) protected record(s) not decrypted: no handshake in the capture was keyed by the key log for them (missing key, handshake before the capture, or a cipher suite the checker does not decrypt); their SCTP, DCEP and SRTP keys went unjudged")
        }
    }

    /// Derives the record keys and the SRTP keys once the ServerHello is known.
    private mutating func keys(
        _ handshake: inout Handshake, hello: ServerHello, packet: ReplayPacket, output: inout Output
    ) -> [ReplayFinding] {
        guard let serverRandom = handshake.serverRandom else { return [] }
        let secrets: DTLSHandshakeSecrets
        do {
            secrets = try DTLSHandshakeSecrets(
                keyLog: keyLog, clientRandom: handshake.clientRandom, serverRandom: serverRandom, cipherSuite: hello.cipherSuite)
        } catch {
            summary.missingKeys += 1
            return [ReplayFinding(Self.keyMissing, frame: packet.frame, flow: packet.flow, "no key log entry for this handshake: \(error)")]
        }
        summary.keyedHandshakes += 1
        var findings: [ReplayFinding] = []
        if let profileCode = DTLSUseSRTPRule.useSRTP(hello.extensions)?.profiles.first {
            if let profile = SRTPProfile(rawValue: profileCode), let keys = try? secrets.srtpKeys(profile: profile) {
                output.srtpKeys = keys
            }
        }
        do {
            handshake.decryptor = try secrets.recordDecryptor()
        } catch {
            findings.append(
                ReplayFinding(
                    Self.notDecryptable, frame: packet.frame, flow: packet.flow,
                    "cipher suite 0x\(String(hello.cipherSuite, radix: 16)) is not AES-GCM; records stay opaque (SRTP keys are still derived)"))
        }
        return findings
    }
}

/// What DTLS decryption did in a replay.
public struct DTLSDecryptionSummary: Hashable, Sendable, Codable {
    /// Handshakes whose master secret the key log had.
    public var keyedHandshakes = 0
    /// Handshakes it had not.
    public var missingKeys = 0
    /// Protected records that authenticated and decrypted, and those that did not.
    public var decrypted = 0
    public var failed = 0
    /// Protected records left opaque: no keyed handshake for them.
    public var undecrypted = 0
    /// Application data records among the decrypted (SCTP for WebRTC).
    public var applicationData = 0
    /// close_notify alerts seen.
    public var closeNotify = 0

    public init() {}
}
