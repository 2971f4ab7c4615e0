import COpenSSL
import Hashing
import SRTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OpenSSL side of one DTLS endpoint: an `SSL_CTX` and an `SSL` of its own (made, when seeded, in
/// the shared `SeededOpenSSL` context, whose generators hand out the machine's bytes), a custom BIO over
/// a `DatagramPipe`, and the callbacks that report back (key log, alerts, peer verification, timer).
///
/// It is a final class because OpenSSL's callbacks find it through a raw pointer (`SSL` ex_data slot 0
/// and the BIO's data), which must stay valid and unique for the `SSL`'s whole life; `DTLSEndpoint`
/// owns exactly one. Every call into OpenSSL happens on the caller's thread, one at a time.
final class OpenSSLSession {
    let sslContext: OpaquePointer
    let ssl: OpaquePointer
    private let bioMethod: OpaquePointer
    /// Where a seeded session's OpenSSL randomness comes from (`supplyRandomness()`), through
    /// ``SeededOpenSSL/context``; nil for a native session, which uses OpenSSL's default context and its
    /// real generator.
    private var randomness: (any RandomNumberGenerator)?
    /// True for a seeded session: OpenSSL's timer is dormant and the machine resends flights itself.
    var resendsIdentically: Bool { randomness != nil }

    let expectedFingerprint: CertificateFingerprint
    var pipe = DatagramPipe()

    // What the callbacks observed, drained by the endpoint after each call.
    var keyLogLines: [String] = []
    /// The last alert received: (level, description) (RFC 5246 §7.2).
    var receivedAlert: (level: UInt8, description: UInt8)?
    /// Set by the verify callback when the peer's certificate was refused for its fingerprint.
    var fingerprintMismatch: CertificateFingerprint?
    /// The DER of the peer certificate the verify callback accepted.
    var verifiedPeerCertificate: [UInt8]?

    // The retransmission timer (see `timerCallback`).
    /// True while the machine itself asks OpenSSL to retransmit.
    var machineRetransmitting = false
    /// Set when OpenSSL starts its timer for a new flight; the machine then starts its own.
    var flightStarted = false
    /// How often a native session slept on the wall clock until OpenSSL agreed its timer ran out
    /// (`retransmit()`). A seeded session has no such path and keeps it 0.
    private(set) var wallClockWaits = 0

    /// What a native session's OpenSSL timer is set to each time it (re)starts, in microseconds of
    /// OpenSSL's wall clock.
    ///
    /// OpenSSL checks its timer against the wall clock at the top of every read, and retransmits
    /// when it has run out; it counts less than 15 ms left as run out (`dtls1_get_timeout`). So the
    /// timer cannot be "always expired" (1 µs): right after retransmitting from inside a read OpenSSL
    /// checks again, and would retransmit in a loop until it gives up after 12. Nor can it be long:
    /// the machine asks OpenSSL to retransmit (`retransmit()`) only once OpenSSL agrees the timer ran
    /// out. 65 ms reads as expired 50 ms after it was set: reads within 50 ms of a flight never
    /// retransmit, and a virtual-clock retransmission waits at most 50 ms of wall time.
    /// Retransmissions OpenSSL starts by itself from a read are dropped
    /// (`DatagramPipe.suppressingRetransmission`); only the machine's clock sends them.
    static let openSSLTimerMicroseconds: UInt32 = 65_000

    /// What a seeded session's OpenSSL timer is set to: the longest it takes (2³² − 1 µs, 71.6 minutes),
    /// far beyond the machine's own give-up point (at most 10 retransmissions, 9 minutes). OpenSSL
    /// therefore never finds it run out, and nothing OpenSSL does depends on the wall clock.
    ///
    /// Why the machine must then resend flights itself — OpenSSL 3.0 cannot be made to retransmit at an
    /// instant of the machine's choosing without the wall clock passing (ssl/d1_lib.c):
    /// - `dtls1_handle_timeout`, behind `DTLSv1_handle_timeout`, does nothing unless
    ///   `dtls1_is_timer_expired`, which compares `next_timeout` with `gettimeofday` (treating less than
    ///   15 ms left as run out). `next_timeout` is private and set only by `dtls1_start_timer`
    ///   (now + the duration the callback chose), which runs when a flight is written or after a
    ///   retransmission; `dtls1_stop_timer` alone clears it. A running timer chosen not to run out by
    ///   itself can thus never be made to.
    /// - A timer that is always run out (< 15 ms) is consumed by OpenSSL itself: `dtls1_read_bytes`
    ///   calls `dtls1_handle_timeout` at its top and `goto start`s after each retransmission
    ///   (ssl/record/rec_layer_d1.c), and the read that follows every flight in the same
    ///   `SSL_do_handshake` reaches it first; every pass counts towards `DTLS1_TMO_ALERT_COUNT` (12) and
    ///   then fails the handshake (`dtls1_check_timeout_num`).
    /// So a seeded session keeps the bytes of each flight as OpenSSL first wrote it
    /// (`DatagramPipe.flight`) and sends them again at the machine's deadlines. Byte-identical records
    /// repeat their sequence numbers, so the peer's replay window (RFC 6347 §4.1.2.6) keeps only those it
    /// had lost — exactly what a lost flight needs — and drops the rest. That does not reach a peer that
    /// already has our whole flight and waits for nothing more: a server whose final flight
    /// (ChangeCipherSpec, Finished) was lost. OpenSSL answers a repeated Finished only when it passes the
    /// replay check (`dtls1_read_bytes`, "a repeated FINISHED of the client"), and BoringSSL drops
    /// replays before any handshake code sees them (`dtls_open_record`, `dtls1_bitmap_should_discard`);
    /// so the endpoint that sent a final flight answers a byte-identical repeat of the datagram that
    /// completed its handshake with its final flight, byte-identical too (`DTLSEndpoint`). A seeded
    /// endpoint therefore completes under loss against any Crucible endpoint; a foreign server whose
    /// final flight is lost ignores its identical Finished, which is why seeding is for simulation.
    static let dormantTimerMicroseconds: UInt32 = .max

    struct Configuration {
        var role: DTLSRole
        var certificate: DTLSCertificate?
        var expectedPeerFingerprint: CertificateFingerprint
        var srtpProfiles: [SRTPProfile]
        var mtu: Int
        var keyLog: Bool
        /// Seeds every random byte OpenSSL draws; nil for OpenSSL's own generator.
        var randomness: (any RandomNumberGenerator)?
    }

    /// Cipher suites, best first: ECDHE with ECDSA (our certificate's key) and AES-GCM, then the
    /// same with RSA keys for peers whose certificate is RSA (RFC 8827 §6.5 asks for ECDHE and AEAD).
    static let cipherList = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"

    init(_ configuration: Configuration) throws(DTLSEndpointError) {
        ERR_clear_error()
        var randomness = configuration.randomness
        var libraryContext: OpaquePointer?
        if var generator = randomness {
            // The seeded context, whose generators hand out only the bytes supplied before each call.
            guard let context = SeededOpenSSL.context, SeededOpenSSL.supply(from: &generator) else {
                throw OpenSSLErrors.configuration("seeded random generator (TEST-RAND)")
            }
            randomness = generator
            libraryContext = context
        }
        guard let sslContext = SSL_CTX_new_ex(libraryContext, nil, DTLS_method()) else {
            throw OpenSSLErrors.configuration("SSL_CTX_new")
        }
        guard let bioMethod = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "crucible-datagram-pipe") else {
            SSL_CTX_free(sslContext)
            throw OpenSSLErrors.configuration("BIO_meth_new")
        }
        self.sslContext = sslContext
        self.bioMethod = bioMethod
        self.randomness = randomness
        self.expectedFingerprint = configuration.expectedPeerFingerprint
        guard let ssl = Self.configure(sslContext, bioMethod, configuration) else {
            let error = OpenSSLErrors.configuration("DTLS setup")
            SSL_CTX_free(sslContext)
            BIO_meth_free(bioMethod)
            throw error
        }
        self.ssl = ssl
        let me = Unmanaged.passUnretained(self).toOpaque()
        SSL_set_ex_data(ssl, 0, me)
        SSL_CTX_set_cert_verify_callback(sslContext, { store, argument in
            guard let argument else { return 0 }
            return Unmanaged<OpenSSLSession>.fromOpaque(argument).takeUnretainedValue().verify(store)
        }, me)
        // From here on `deinit` frees what exists, so failures just throw.
        guard let bio = BIO_new(bioMethod) else { throw OpenSSLErrors.configuration("BIO_new") }
        BIO_set_data(bio, me)
        SSL_set_bio(ssl, bio, bio)  // one BIO for both directions; SSL_set_bio takes the one reference
        // SSL_set_mtu answers the MTU it set (0 when refused), DTLS_set_link_mtu 1.
        guard crucible_SSL_set_mtu(ssl, configuration.mtu) > 0, crucible_DTLS_set_link_mtu(ssl, configuration.mtu) > 0 else {
            throw OpenSSLErrors.configuration("MTU \(configuration.mtu)")
        }
    }

    deinit {
        SSL_free(ssl)  // frees the BIO too
        SSL_CTX_free(sslContext)
        BIO_meth_free(bioMethod)
    }

    /// Hands a seeded session's DRBGs the next bytes of its generator; true when there is nothing to
    /// do (a native session) or OpenSSL took them.
    ///
    /// OpenSSL keeps a context's public and private DRBGs per thread, and "TEST-RAND" fails once its
    /// bytes are used up; supplying before every call that may draw keeps both facts harmless. The
    /// bytes OpenSSL did not use are dropped, so what a run draws depends only on its calls.
    func supplyRandomness() -> Bool {
        guard var generator = randomness else { return true }
        defer { randomness = generator }
        return SeededOpenSSL.supply(from: &generator)
    }

    /// Sets up the context and makes the `SSL`; nil when OpenSSL refuses a step (its queue says why).
    private static func configure(_ context: OpaquePointer, _ method: OpaquePointer, _ configuration: Configuration) -> OpaquePointer? {
        // DTLS 1.2 only (issue 7; DTLS 1.0 has no AEAD suites and WebRTC stacks deprecated it, RFC 8827 §6.5).
        guard crucible_SSL_CTX_set_dtls12_only(context) == 1,
              SSL_CTX_set_cipher_list(context, cipherList) == 1,
              crucible_SSL_CTX_set1_groups_list(context, "X25519:P-256") == 1
        else { return nil }
        if let certificate = configuration.certificate {
            guard SSL_CTX_use_certificate(context, certificate.x509) == 1,
                  SSL_CTX_use_PrivateKey(context, certificate.privateKey) == 1,
                  SSL_CTX_check_private_key(context) == 1
            else { return nil }
        }
        // WebRTC authenticates both sides by fingerprint (RFC 8827 §6.5): ask for the client's
        // certificate and fail without one. The chain is not checked against any trust store: the
        // certificate-verify callback replaces that check with the fingerprint comparison.
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        if !configuration.srtpProfiles.isEmpty {
            // Returns 0 on success, unlike most of OpenSSL.
            let names = configuration.srtpProfiles.map(\.openSSLName).joined(separator: ":")
            guard SSL_CTX_set_tlsext_use_srtp(context, names) == 0 else { return nil }
        }
        if configuration.keyLog {
            SSL_CTX_set_keylog_callback(context) { ssl, line in
                guard let ssl, let line, let session = OpenSSLSession.from(ssl) else { return }
                session.keyLogLines.append(String(cString: line))
            }
        }
        guard BIO_meth_set_write(method, { bio, data, length in
                  // Writes always succeed, and must leave the retry flags alone: the BIO is also the
                  // read side, and a retransmission written after a read that found nothing would
                  // otherwise erase the "retry read" OpenSSL reports as SSL_ERROR_WANT_READ, turning
                  // "no datagram yet" into SSL_ERROR_SYSCALL.
                  guard let bio, let session = OpenSSLSession.from(bio: bio) else { return -1 }
                  guard let data, length > 0 else { return 0 }
                  // A retransmission from OpenSSL's timer restarts the timer before it writes; a write
                  // while the timer is stopped is the final flight, or its resend for a repeated
                  // Finished (RFC 6347 §4.2.4), and must go out.
                  if session.pipe.suppressingRetransmission && !session.openSSLTimerRunning {
                      session.pipe.suppressingRetransmission = false
                  }
                  session.pipe.write(UnsafeRawBufferPointer(start: data, count: Int(length)))
                  return length
              }) == 1,
              BIO_meth_set_read(method, { bio, buffer, capacity in
                  guard let bio, let session = OpenSSLSession.from(bio: bio) else { return -1 }
                  crucible_BIO_clear_retry_flags(bio)
                  // A read means the retransmission OpenSSL started by itself is over.
                  session.pipe.suppressingRetransmission = false
                  guard let buffer, capacity > 0, let datagram = session.pipe.nextInbound() else {
                      crucible_BIO_set_retry_read(bio)
                      return -1
                  }
                  // A datagram longer than OpenSSL's buffer is cut, as a datagram socket would.
                  let count = min(datagram.count, Int(capacity))
                  datagram.withUnsafeBytes { bytes in
                      if let base = bytes.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: count) }
                  }
                  return Int32(count)
              }) == 1,
              BIO_meth_set_ctrl(method, { bio, command, _, _ in
                  guard let bio, let session = OpenSSLSession.from(bio: bio) else { return 0 }
                  switch command {
                  case BIO_CTRL_FLUSH:
                      session.pipe.flush()
                      return 1
                  case BIO_CTRL_WPENDING:
                      return session.pipe.pendingCount
                  case BIO_CTRL_PENDING:
                      return 0
                  default:
                      // No MTU query (SSL_OP_NO_QUERY_MTU; the MTU is configured), no peer address,
                      // no overhead below us (the link MTU is the payload size).
                      return 0
                  }
              }) == 1,
              BIO_meth_set_create(method, { bio in
                  BIO_set_init(bio, 1)
                  return 1
              }) == 1,
              BIO_meth_set_destroy(method, { _ in 1 }) == 1
        else { return nil }

        guard let ssl = SSL_new(context) else { return nil }
        // The MTU is configured, never probed. No session tickets: WebRTC never resumes (every
        // association has fresh certificates), so a ticket would only add ~470 bytes to the last flight.
        // No renegotiation: RFC 8827 §6.5 has none, and a ClientHello after the handshake is answered
        // with a no_renegotiation warning instead of a new handshake.
        SSL_set_options(ssl, crucible_SSL_OP_NO_QUERY_MTU() | crucible_SSL_OP_NO_TICKET() | crucible_SSL_OP_NO_RENEGOTIATION())
        SSL_set_info_callback(ssl) { ssl, location, value in
            guard let ssl, location & SSL_CB_READ_ALERT == SSL_CB_READ_ALERT,
                  let session = OpenSSLSession.from(ssl) else { return }
            session.receivedAlert = (UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value))
        }
        DTLS_set_timer_cb(ssl) { ssl, previous in
            guard let ssl, let session = OpenSSLSession.from(ssl) else { return OpenSSLSession.dormantTimerMicroseconds }
            return session.timerCallback(previous: previous)
        }
        switch configuration.role {
        case .client: SSL_set_connect_state(ssl)
        case .server: SSL_set_accept_state(ssl)
        }
        return ssl
    }

    static func from(_ ssl: OpaquePointer) -> OpenSSLSession? {
        guard let pointer = SSL_get_ex_data(ssl, 0) else { return nil }
        return Unmanaged<OpenSSLSession>.fromOpaque(pointer).takeUnretainedValue()
    }

    static func from(bio: OpaquePointer) -> OpenSSLSession? {
        guard let pointer = BIO_get_data(bio) else { return nil }
        return Unmanaged<OpenSSLSession>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// OpenSSL's timer callback (`DTLS_set_timer_cb`): called with 0 when it starts the timer for a
    /// new flight (`dtls1_start_timer` with the timer stopped), and with the current duration each
    /// time it is about to retransmit (`dtls1_handle_timeout`).
    ///
    /// The machine owns time (RFC 6347 §4.2.4.1 timer values, on the machine's clock). A native session
    /// tells OpenSSL to retransmit with `DTLSv1_handle_timeout` at the machine's deadlines; a seeded
    /// one resends the flight recorded here (`dormantTimerMicroseconds`). Retransmissions OpenSSL
    /// starts itself (it checks its timer at the top of every read) are suppressed.
    private func timerCallback(previous: UInt32) -> UInt32 {
        pipe.flush()
        if previous == 0 {
            flightStarted = true
            pipe.suppressingRetransmission = false
            pipe.startFlight()
        } else {
            pipe.suppressingRetransmission = !machineRetransmitting
        }
        return resendsIdentically ? Self.dormantTimerMicroseconds : Self.openSSLTimerMicroseconds
    }

    /// Whether OpenSSL's retransmission timer is running (whatever time it thinks is left).
    var openSSLTimerRunning: Bool { crucible_DTLSv1_timer_running(ssl) > 0 }

    /// Sends the last flight again now.
    ///
    /// A seeded session queues the flight's datagrams as first sent (`dormantTimerMicroseconds` says
    /// why); nothing waits and OpenSSL is not called.
    ///
    /// A native session asks OpenSSL, which writes the flight with fresh record sequence numbers, as
    /// foreign peers need when our flight was received and theirs lost. OpenSSL only does so once its
    /// own timer has run out, which is at most 50 ms of wall time after it was last set
    /// (`openSSLTimerMicroseconds`); under a clock that runs ahead of the wall clock (a virtual clock
    /// without a seed) the deadline may come sooner than that, so this waits out the rest. Under a
    /// real clock the machine's deadlines are a second or more apart, and it waits only when a read
    /// in the last 50 ms restarted OpenSSL's timer.
    /// - Returns: > 0 retransmitted, 0 nothing to do, < 0 failed.
    func retransmit() -> Int {
        if resendsIdentically {
            return pipe.resendFlight() > 0 ? 1 : 0
        }
        var left = timeval()
        var naps = 0
        // OpenSSL reports less than 15 ms left as 0, so the loop ends once 50 ms have passed since
        // the timer was set; the nap count only bounds it should the clock misbehave.
        while crucible_DTLSv1_get_timeout(ssl, &left) > 0, left.tv_sec > 0 || left.tv_usec > 0, naps < 100 {
            let microseconds = Int(left.tv_sec) * 1_000_000 + Int(left.tv_usec) - 15_000 + 100
            usleep(UInt32(max(100, min(microseconds, 60_000))))
            naps += 1
            wallClockWaits += 1
        }
        machineRetransmitting = true
        defer { machineRetransmitting = false }
        return crucible_DTLSv1_handle_timeout(ssl)
    }

    /// The certificate-verify callback (`SSL_CTX_set_cert_verify_callback`): replaces chain building
    /// with the WebRTC check, the peer's leaf certificate having the fingerprint its SDP announced
    /// (RFC 8122 §5, RFC 8827 §6.5). Self-signed certificates are the norm, so no chain is checked.
    private func verify(_ store: OpaquePointer?) -> Int32 {
        guard let store, let leaf = X509_STORE_CTX_get0_cert(store), let der = DTLSCertificate.encode(leaf) else {
            fingerprintMismatch = nil
            return 0
        }
        guard expectedFingerprint.matches(certificateDER: der) else {
            fingerprintMismatch = expectedFingerprint.sameHash(of: der)
            X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED)
            return 0
        }
        verifiedPeerCertificate = der
        return 1
    }
}
