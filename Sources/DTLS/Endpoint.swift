public import Hashing
public import Wire
import COpenSSL
public import SansIO
public import SRTP

/// A DTLS 1.2 endpoint for WebRTC (RFC 8827 §6.5, RFC 5763, RFC 5764) as a sans-IO machine: OpenSSL
/// does the protocol over an in-memory datagram pipe; the machine owns time, and with it every
/// retransmission.
///
/// It sits on ICE, so its inputs and outputs are datagram payloads, not addressed datagrams. Drive it
/// as every `Machine`: `handle(_:at:)` or `handleTimeout(at:)`, then `poll()` until nil, then read
/// `nextDeadline`. A client sends its ClientHello on its first call: its `nextDeadline` is `.zero`
/// until then.
///
/// The endpoint is a final class, not a struct: it owns OpenSSL objects whose callbacks find it by
/// address, and a copy of a struct would share them with its original — two values driving one
/// handshake. Reference semantics say what actually happens. It is not `Sendable`: use it from one
/// task or thread at a time.
///
/// It cannot be forked: a copy of the reference is the same endpoint, and OpenSSL offers no way to
/// duplicate a handshake in progress. A run that needs the same endpoint twice replays its inputs
/// (with the same `randomness`, see below) instead.
///
/// Retransmission follows the machine's clock only: 1 s, doubling to at most 60 s, giving up after
/// `maximumRetransmissions` (RFC 6347 §4.2.4.1). OpenSSL 3.0 keeps its own wall-clock timer beside it
/// and cannot be given another clock, so the endpoint runs in one of two ways:
/// - **Native** (`randomness` nil): randomness (hello randoms, ECDHE keys, ECDSA nonces, explicit
///   nonces) comes from OpenSSL's generator, so the bytes of a run differ from run to run; the
///   schedule of what is sent when does not. OpenSSL's timer is set short
///   (`OpenSSLSession.openSSLTimerMicroseconds`); the retransmissions OpenSSL starts by itself when it
///   reads are dropped, and at the machine's deadlines OpenSSL retransmits with fresh record sequence
///   numbers (`DTLSv1_handle_timeout`), as foreign peers expect. Under a clock that runs ahead of the
///   wall clock a deadline can come before OpenSSL agrees its timer ran out; the endpoint then waits up
///   to 50 ms of wall time for it (counted in `wallClockWaits`).
/// - **Seeded** (`randomness` given, for simulation): every random byte OpenSSL draws comes from the
///   generator, OpenSSL's timer never runs out, and the endpoint resends each flight byte for byte at
///   its deadlines; the endpoint that sent the final flight answers a repeat of the datagram that
///   completed its handshake with that flight again (`OpenSSLSession.dormantTimerMicroseconds` gives
///   the reasons from OpenSSL's code). Nothing reads or waits on the wall clock, so the datagrams of a
///   run are a function of the inputs, their instants and the generator's seed. Against a foreign
///   server whose final flight is lost the identical Finished is dropped as a replay, so use native
///   endpoints with real peers.
public final class DTLSEndpoint: Machine {
    /// What the endpoint is fed.
    public enum Input: Hashable, Sendable {
        /// A datagram payload from the peer (a DTLS record or several, RFC 6347 §4.1.1).
        case received([UInt8])
        /// Application data to send in one record once connected (queued until then).
        case send([UInt8])
        /// Ends the association with a close_notify alert (RFC 5246 §7.2.1).
        case close
    }

    /// What the endpoint asks of its owner.
    public enum Output: Hashable, Sendable {
        /// One datagram payload for the peer. Handshake flights are packed by OpenSSL into datagrams
        /// of at most `mtu` bytes; an application-data record is as long as its message plus the
        /// record overhead (37 bytes with AES-GCM).
        case transmit([UInt8])
        /// The handshake completed and the peer's certificate has the expected fingerprint.
        case connected(DTLSConnectionInfo)
        /// One application-data record's plaintext. Never emitted before `.connected`.
        case applicationData([UInt8])
        /// An NSS key log line (`CLIENT_RANDOM <client random> <master secret>`), when asked for.
        case keyLog(String)
        /// The association is closed: a close_notify was sent, or received and answered.
        case closed
        /// The association failed; nothing more is delivered.
        case failed(DTLSEndpointError)
    }

    /// Where the association stands.
    public enum State: Hashable, Sendable {
        case handshaking
        case connected
        case closed
        case failed
    }

    /// The first retransmission timeout (RFC 6347 §4.2.4.1: 1 s).
    public static let initialRetransmissionTimeout: Duration = .seconds(1)
    /// Doubling stops here (RFC 6347 §4.2.4.1: at least 60 s).
    public static let maximumRetransmissionTimeout: Duration = .seconds(60)
    /// The largest message one record carries (RFC 6347 §4.1 / RFC 5246 §6.2.1: 2¹⁴ bytes).
    public static let maximumMessageLength = 1 << 14
    /// At most this many messages wait for the handshake to end; later ones are refused.
    public static let pendingSendLimit = 256

    public let role: DTLSRole
    /// The largest datagram payload a handshake flight is packed into.
    public let mtu: Int
    /// Retransmissions of one flight before the endpoint gives up with `.timeout`.
    public let maximumRetransmissions: Int
    public private(set) var state: State = .handshaking
    /// Set once `.connected` is emitted.
    public private(set) var connectionInfo: DTLSConnectionInfo?
    /// The longest message whose record still fits one `mtu`-sized datagram with the negotiated
    /// suite (OpenSSL's `DTLS_get_data_mtu`: 1163 bytes for AES-GCM under a 1200-byte MTU); nil
    /// until connected. Longer messages are still sent, in larger datagrams.
    public var applicationDataMTU: Int? {
        guard state == .connected else { return nil }
        let size = DTLS_get_data_mtu(session.ssl)
        return size > 0 ? Int(size) : nil
    }
    /// Messages refused: longer than `maximumMessageLength`, sent after close, or beyond
    /// `pendingSendLimit` during the handshake.
    public private(set) var refusedSendCount = 0
    /// Handshake records OpenSSL tried to retransmit on its own, which the machine dropped.
    public var suppressedRetransmissionRecords: Int { session.pipe.suppressedRecords }
    /// How often a native endpoint slept on the wall clock until OpenSSL agreed its timer ran out;
    /// always 0 for a seeded endpoint, which has no such path.
    public var wallClockWaits: Int { session.wallClockWaits }

    private let session: OpenSSLSession
    private let srtpProfiles: [SRTPProfile]
    /// Whether application data is protected by OpenSSL (always, outside a fuzzing build).
    private let integrity: IntegrityChecks
    #if CRUCIBLE_FUZZING_UNSAFE
    /// The next sequence number of a fixed-protection record; far above OpenSSL's own in epoch 1, which
    /// go on counting its alerts.
    private var fixedRecordSequence: UInt64 = 1 << 40
    #endif
    private var started = false
    private var outputs = OutputQueue<Output>()
    private var pendingSends: [[UInt8]] = []
    private var deadline: Instant?
    private var retransmissions = 0
    private var retransmissionTimeout = DTLSEndpoint.initialRetransmissionTimeout
    /// Where `SSL_read` writes a record's plaintext: one record's worth, allocated once.
    private var readBuffer = [UInt8](repeating: 0, count: DTLSEndpoint.maximumMessageLength)

    // The final flight: the endpoint whose handshake completed by writing it (the server of a full
    // handshake) keeps it until the peer shows it arrived, and answers a repeat of the peer's last
    // flight with it (RFC 6347 §4.2.4), which OpenSSL does only when the repeat passes its replay check.
    /// The datagrams of our final flight, as first sent.
    private var finalFlight: [[UInt8]] = []
    /// The received datagram (its well-formed records) that completed our handshake: a byte-identical
    /// repeat of it is the peer resending its last flight.
    private var completingDatagram: [UInt8]?
    /// Answers sent with `finalFlight`, at most `finalFlightAnswerLimit`.
    private var finalFlightAnswers = 0
    /// The received datagram being handled (its well-formed records).
    private var receiving: [UInt8]?
    /// Datagrams handed to the owner so far.
    private var transmittedCount = 0
    /// Repeats of the peer's last flight answered at most this often (OpenSSL's own bound on the
    /// retransmissions of one flight, `DTLS1_TMO_ALERT_COUNT`).
    static let finalFlightAnswerLimit = 12

    /// An endpoint in `role`.
    ///
    /// - Parameters:
    ///   - certificate: this side's certificate. WebRTC requires one on both sides; nil is allowed so
    ///     that the peer's refusal can be seen (a server without one cannot pick an ECDSA suite; a
    ///     client without one is refused by the server).
    ///   - expectedPeerFingerprint: the peer's `a=fingerprint`; any other certificate fails the handshake.
    ///   - srtpProfiles: offered (client) or accepted (server) `use_srtp` profiles in preference order;
    ///     empty for no DTLS-SRTP. When non-empty and the peer agrees to none, the endpoint fails.
    ///   - mtu: the largest datagram payload for handshake flights (at least 256).
    ///   - keyLog: emit `.keyLog` lines for decrypting captures.
    ///   - randomness: nil for a native endpoint (OpenSSL's generator); a generator (a simulation's
    ///     `seed.generator(label:)`) for a seeded one, whose every random byte comes from it and whose
    ///     datagrams are a function of its inputs. The certificate is the caller's: pass the same one
    ///     to replay a run.
    ///   - integrity: `.enforced` everywhere but in a fuzzing build's cross-layer targets, whose
    ///     application data then travels in records with a fixed nonce and tag (`IntegrityChecks`).
    /// - Throws: `.configuration` when OpenSSL refuses the setup.
    public init(
        role: DTLSRole, certificate: DTLSCertificate?, expectedPeerFingerprint: CertificateFingerprint,
        srtpProfiles: [SRTPProfile] = SRTPProfile.webRTCDefault, mtu: Int = 1200, keyLog: Bool = false,
        maximumRetransmissions: Int = 6, randomness: (any RandomNumberGenerator)? = nil,
        integrity: IntegrityChecks = .enforced
    ) throws(DTLSEndpointError) {
        guard mtu >= 256, mtu <= 65_507 else { throw .configuration("an MTU of \(mtu) bytes; use 256 to 65507") }
        self.role = role
        self.mtu = mtu
        self.maximumRetransmissions = max(0, min(maximumRetransmissions, 10))
        self.srtpProfiles = srtpProfiles
        self.integrity = integrity
        session = try OpenSSLSession(.init(
            role: role, certificate: certificate, expectedPeerFingerprint: expectedPeerFingerprint,
            srtpProfiles: srtpProfiles, mtu: mtu, keyLog: keyLog, randomness: randomness))
    }

    // MARK: Machine

    public func handle(_ input: Input, at now: Instant) {
        if input == .close {
            started = true  // closing before the first flight: there is nothing to start
        }
        startIfNeeded(at: now)
        switch input {
        case .received(let payload):
            guard state == .handshaking || state == .connected else { return }
            guard let valid = RecordFilter.validRecords(in: payload) else { return }
            let records = readingFixedRecords(valid)
            guard !records.isEmpty else { return }
            session.pipe.receive(records)
            receiving = records
            defer { receiving = nil }
            let transmittedBefore = transmittedCount
            advance(at: now)
            if records == completingDatagram, transmittedCount == transmittedBefore {
                answerRepeatedFlight()
            }
        case .send(let message):
            send(message, at: now)
        case .close:
            close(at: now)
        }
    }

    public func handleTimeout(at now: Instant) {
        startIfNeeded(at: now)
        guard state == .handshaking, let deadline, now >= deadline else { return }
        guard retransmissions < maximumRetransmissions else {
            fail(.timeout(retransmissions: retransmissions))
            return
        }
        ERR_clear_error()
        let result = session.retransmit()
        collectTransmissions()
        if result < 0 {
            fail(failure(fallback: "retransmission failed"))
            return
        }
        retransmissions += 1
        retransmissionTimeout = min(retransmissionTimeout * 2, Self.maximumRetransmissionTimeout)
        self.deadline = result == 0 && !session.openSSLTimerRunning ? nil : now + retransmissionTimeout
    }

    public func poll() -> Output? {
        outputs.next()
    }

    public var nextDeadline: Instant? {
        if !started && role == .client { return .zero }
        return deadline
    }

    // MARK: Driving OpenSSL

    private func startIfNeeded(at now: Instant) {
        guard !started else { return }
        started = true
        if role == .client { advance(at: now) }
    }

    /// Lets OpenSSL process whatever arrived: the handshake while it runs, then application data.
    private func advance(at now: Instant) {
        if state == .handshaking {
            ERR_clear_error()
            guard session.supplyRandomness() else {
                fail(failure(fallback: "the seeded random generator refused its bytes"))
                return
            }
            let result = SSL_do_handshake(session.ssl)
            collectKeyLog()
            if result == 1 {
                let flight = collectTransmissions()
                if !flight.isEmpty, let receiving {
                    // Completed by writing: this is the final flight, answering `receiving`.
                    finalFlight = flight
                    completingDatagram = receiving
                }
                complete()
            } else {
                let error = SSL_get_error(session.ssl, result)
                collectTransmissions()
                if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                    fail(failure(fallback: "SSL_do_handshake: \(Self.describe(sslError: error))"))
                    return
                }
            }
        }
        if state == .connected {
            readApplicationData()
        }
        updateDeadline(at: now)
    }

    private func updateDeadline(at now: Instant) {
        if session.flightStarted {
            session.flightStarted = false
            retransmissions = 0
            retransmissionTimeout = Self.initialRetransmissionTimeout
            deadline = now + retransmissionTimeout
        }
        if state != .handshaking || !session.openSSLTimerRunning {
            deadline = nil
        }
    }

    private func readApplicationData() {
        while state == .connected {
            ERR_clear_error()
            let count = readBuffer.withUnsafeMutableBytes { SSL_read(session.ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                outputs.append(.applicationData(Array(readBuffer[0..<Int(count)])))
                // The peer sends data once its handshake completed: our final flight arrived.
                finalFlight = []
                completingDatagram = nil
                continue
            }
            let error = SSL_get_error(session.ssl, count)
            if error == SSL_ERROR_ZERO_RETURN {
                // The peer's close_notify: answer with ours (RFC 5246 §7.2.1) and stop.
                SSL_shutdown(session.ssl)
                collectTransmissions()
                state = .closed
                outputs.append(.closed)
                return
            }
            collectTransmissions()
            if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                fail(failure(fallback: "SSL_read: \(Self.describe(sslError: error))"))
            }
            return
        }
    }

    private func send(_ message: [UInt8], at now: Instant) {
        guard message.count <= Self.maximumMessageLength else {
            refusedSendCount += 1
            return
        }
        switch state {
        case .handshaking:
            guard pendingSends.count < Self.pendingSendLimit else {
                refusedSendCount += 1
                return
            }
            pendingSends.append(message)
        case .connected:
            write(message)
        case .closed, .failed:
            refusedSendCount += 1
        }
    }

    /// `records`, less the fixed-protection application data a fuzzing build with bypassed integrity
    /// reads itself (delivered here); every record, in any other build.
    private func readingFixedRecords(_ records: [UInt8]) -> [UInt8] {
        #if CRUCIBLE_FUZZING_UNSAFE
        guard integrity.bypassed, state == .connected else { return records }
        let (plaintexts, rest) = FixedRecordProtection.open(records)
        for plaintext in plaintexts where !plaintext.isEmpty {
            outputs.append(.applicationData(plaintext))
        }
        if !plaintexts.isEmpty {
            // As in readApplicationData: the peer sends data once its handshake completed.
            finalFlight = []
            completingDatagram = nil
        }
        return rest
        #else
        return records
        #endif
    }

    /// Writes one record. OpenSSL writes no zero-length record, so an empty message sends nothing.
    private func write(_ message: [UInt8]) {
        guard !message.isEmpty else { return }
        #if CRUCIBLE_FUZZING_UNSAFE
        if integrity.bypassed {
            outputs.append(.transmit(FixedRecordProtection.seal(message, sequenceNumber: fixedRecordSequence)))
            fixedRecordSequence += 1
            transmittedCount += 1
            return
        }
        #endif
        ERR_clear_error()
        let written = message.withUnsafeBytes { SSL_write(session.ssl, $0.baseAddress, Int32($0.count)) }
        collectTransmissions()
        if written <= 0 {
            let error = SSL_get_error(session.ssl, written)
            if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                fail(failure(fallback: "SSL_write: \(Self.describe(sslError: error))"))
            }
        }
    }

    private func close(at now: Instant) {
        switch state {
        case .connected:
            ERR_clear_error()
            SSL_shutdown(session.ssl)  // sends close_notify; the peer's answer is not awaited
            collectTransmissions()
        case .handshaking:
            break  // no keys yet to protect a close_notify with; the handshake is simply abandoned
        case .closed, .failed:
            return
        }
        state = .closed
        deadline = nil
        pendingSends = []
        outputs.append(.closed)
    }

    /// The handshake finished: check the peer once more, export the SRTP keys, report, flush sends.
    private func complete() {
        let expected = session.expectedFingerprint
        guard let peer = session.verifiedPeerCertificate ?? SSL_get0_peer_certificate(session.ssl).flatMap(DTLSCertificate.encode),
              expected.matches(certificateDER: peer)
        else {
            let actual = SSL_get0_peer_certificate(session.ssl).flatMap(DTLSCertificate.encode)
            abort(.fingerprintMismatch(expected: expected, actual: actual.map(expected.sameHash(of:))))
            return
        }
        var profile: SRTPProfile?
        var keys: DTLSSRTPKeys?
        if !srtpProfiles.isEmpty {
            guard let selected = SSL_get_selected_srtp_profile(session.ssl),
                  let negotiated = SRTPProfile(rawValue: UInt16(truncatingIfNeeded: selected.pointee.id))
            else {
                abort(.srtpNotNegotiated)
                return
            }
            let label = DTLSSRTPKeys.exporterLabel
            var material = [UInt8](repeating: 0, count: DTLSSRTPKeys.exportLength(for: negotiated))
            let exported = material.withUnsafeMutableBufferPointer { out in
                SSL_export_keying_material(session.ssl, out.baseAddress, out.count, label, label.utf8.count, nil, 0, 0)
            }
            guard exported == 1, let split = try? DTLSSRTPKeys(profile: negotiated, exported: material) else {
                abort(.handshakeFailed(reason: "SRTP keying material export failed: \(OpenSSLErrors.drain())"))
                return
            }
            profile = negotiated
            keys = split
        }
        let cipher = SSL_get_current_cipher(session.ssl)
        let info = DTLSConnectionInfo(
            role: role, peerCertificate: peer,
            peerFingerprint: expected.sameHash(of: peer),
            cipherSuite: cipher.map { SSL_CIPHER_get_protocol_id($0) } ?? 0,
            cipherSuiteName: cipher.flatMap { SSL_CIPHER_standard_name($0) }.map { String(cString: $0) } ?? "",
            srtpProfile: profile, srtpKeys: keys)
        state = .connected
        connectionInfo = info
        outputs.append(.connected(info))
        let queued = pendingSends
        pendingSends = []
        for message in queued where state == .connected {
            write(message)
        }
    }

    /// Ends a handshake OpenSSL completed but WebRTC refuses: close_notify to the peer, then `.failed`.
    private func abort(_ error: DTLSEndpointError) {
        SSL_shutdown(session.ssl)
        collectTransmissions()
        fail(error)
    }

    private func fail(_ error: DTLSEndpointError) {
        guard state == .handshaking || state == .connected else { return }
        state = .failed
        deadline = nil
        pendingSends = []
        outputs.append(.failed(error))
    }

    /// The typed reason for what OpenSSL just refused: our fingerprint check first, then a fatal alert
    /// from the peer, then OpenSSL's error queue.
    private func failure(fallback: String) -> DTLSEndpointError {
        if let actual = session.fingerprintMismatch {
            return .fingerprintMismatch(expected: session.expectedFingerprint, actual: actual)
        }
        if let alert = session.receivedAlert, alert.level == 2 {
            let name = SSL_alert_desc_string_long(Int32(alert.description)).map { String(cString: $0) } ?? "unknown"
            _ = OpenSSLErrors.drain()
            return .alertReceived(description: alert.description, name: name)
        }
        let reasons = OpenSSLErrors.drain()
        return .handshakeFailed(reason: reasons.isEmpty ? fallback : reasons)
    }

    /// Words for an `SSL_get_error` code that came with an empty error queue.
    static func describe(sslError code: Int32) -> String {
        switch code {
        case SSL_ERROR_SYSCALL: "the datagram pipe reported an error or end of input (SSL_ERROR_SYSCALL)"
        case SSL_ERROR_SSL: "protocol error (SSL_ERROR_SSL)"
        case SSL_ERROR_ZERO_RETURN: "the peer closed the association (SSL_ERROR_ZERO_RETURN)"
        default: "SSL_get_error \(code)"
        }
    }

    /// Hands every datagram OpenSSL wrote to the owner; answers them.
    @discardableResult
    private func collectTransmissions() -> [[UInt8]] {
        session.pipe.suppressingRetransmission = false
        let datagrams = session.pipe.takeOutbound()
        for datagram in datagrams {
            outputs.append(.transmit(datagram))
        }
        transmittedCount += datagrams.count
        return datagrams
    }

    /// The peer sent again the datagram that completed our handshake, and OpenSSL, which dropped it
    /// as a replay (RFC 6347 §4.1.2.6), answered nothing: the peer never got our final flight. Sends
    /// it again as first sent — the peer has not seen those records, so its replay window keeps them.
    private func answerRepeatedFlight() {
        guard state == .connected, !finalFlight.isEmpty,
              finalFlightAnswers < Self.finalFlightAnswerLimit
        else { return }
        finalFlightAnswers += 1
        for datagram in finalFlight {
            outputs.append(.transmit(datagram))
        }
        transmittedCount += finalFlight.count
    }

    private func collectKeyLog() {
        guard !session.keyLogLines.isEmpty else { return }
        for line in session.keyLogLines {
            outputs.append(.keyLog(line))
        }
        session.keyLogLines = []
    }
}

// Its wire unit is one datagram payload from ICE.
extension DTLSEndpoint.Input: PayloadInput {}

extension DTLSEndpoint.Output: PayloadOutput {
    public var payloadToSend: [UInt8]? {
        if case .transmit(let bytes) = self { return bytes }
        return nil
    }
}

extension DTLSEndpoint: PayloadMachine {}
