/// The datagrams between OpenSSL and the machine: what the custom BIO (`OpenSSLSession`) reads from
/// and writes to. OpenSSL sees a datagram socket; the machine sees queues.
///
/// Datagram boundaries are OpenSSL's: it packs records into the current datagram while
/// `BIO_CTRL_WPENDING` says there is room under the MTU, and ends it with `BIO_CTRL_FLUSH`
/// (RFC 6347 §4.1.1: several records may share a datagram; a record never spans two). The machine
/// also ends the current datagram when an OpenSSL call returns.
struct DatagramPipe {
    /// Datagrams received from the peer, not yet read by OpenSSL (oldest first).
    private(set) var inbound: [[UInt8]] = []
    private var inboundStart = 0
    /// Finished datagrams for the network.
    private(set) var outbound: [[UInt8]] = []
    /// The datagram OpenSSL is filling.
    private var current: [UInt8] = []
    /// While true, handshake and ChangeCipherSpec records are dropped instead of sent: OpenSSL is
    /// retransmitting on its own initiative, which only the machine's clock may decide (see
    /// `OpenSSLSession.timerCallback`). Alerts and application data always go out. It is set when
    /// OpenSSL's timer callback announces a retransmission the machine did not ask for, and cleared
    /// when OpenSSL next reads, starts the timer for a new flight, writes while its timer is stopped
    /// (the final flight), or returns to the machine.
    var suppressingRetransmission = false
    /// Records dropped while suppressing, for tests and statistics.
    private(set) var suppressedRecords = 0
    /// The datagrams of the flight OpenSSL last started (`startFlight()`), as they were first sent:
    /// what a seeded endpoint resends, byte for byte, when its deadline comes (`resendFlight()`).
    private(set) var flight: [[UInt8]] = []
    /// True from the start of a flight until the OpenSSL call that writes it returns (`takeOutbound()`).
    private var recordingFlight = false

    /// At most this many received datagrams wait for OpenSSL (DESIGN §1.4: bound what a peer can grow).
    /// The machine hands each datagram to OpenSSL as it arrives, so more than one waits only while
    /// OpenSSL is busy; the oldest are dropped beyond this.
    static let inboundLimit = 64

    /// Queues a received datagram. An empty one is dropped here: a read of 0 bytes is end-of-file to
    /// OpenSSL, which would end the association, and an empty datagram holds no record anyway.
    mutating func receive(_ datagram: [UInt8]) {
        guard !datagram.isEmpty else { return }
        if inbound.count - inboundStart >= Self.inboundLimit {
            inboundStart += 1
        }
        inbound.append(datagram)
    }

    /// The next received datagram for OpenSSL, or nil when none waits.
    mutating func nextInbound() -> [UInt8]? {
        guard inboundStart < inbound.count else {
            inbound.removeAll(keepingCapacity: true)
            inboundStart = 0
            return nil
        }
        defer { inboundStart += 1 }
        return inbound[inboundStart]
    }

    var inboundWaiting: Int { inbound.count - inboundStart }

    /// One `BIO_write`: a whole record, or several (OpenSSL writes whole records).
    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        // The first byte of a DTLS 1.2 record is its content type (RFC 6347 §4.1): 20 change_cipher_spec,
        // 22 handshake are what a retransmission carries.
        if suppressingRetransmission, let type = bytes.first, type == 20 || type == 22 {
            suppressedRecords += 1
            return
        }
        current.append(contentsOf: bytes)
    }

    /// Bytes in the datagram being filled (`BIO_CTRL_WPENDING`).
    var pendingCount: Int { current.count }

    /// Ends the current datagram (`BIO_CTRL_FLUSH`).
    mutating func flush() {
        guard !current.isEmpty else { return }
        outbound.append(current)
        if recordingFlight {
            flight.append(current)
        }
        current = []
    }

    /// OpenSSL starts a new flight (its timer callback with 0): the datagrams it writes from here until
    /// the call returns are that flight. What it wrote before is ended as a datagram of its own.
    mutating func startFlight() {
        flush()
        flight = []
        recordingFlight = true
    }

    /// Queues the last flight again, byte for byte; answers how many datagrams that is.
    mutating func resendFlight() -> Int {
        flush()
        outbound.append(contentsOf: flight)
        return flight.count
    }

    /// Takes every finished datagram. The OpenSSL call is over, and with it any flight it wrote.
    mutating func takeOutbound() -> [[UInt8]] {
        flush()
        recordingFlight = false
        defer { outbound = [] }
        return outbound
    }
}
