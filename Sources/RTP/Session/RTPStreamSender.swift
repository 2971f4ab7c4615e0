public import SansIO

/// What an outgoing stream has sent and what the far end says it received: the local half of W3C
/// `outbound-rtp` and the `remote-inbound-rtp` view built from its reception reports.
public struct RTPSenderStatistics: Hashable, Sendable {
    /// RTP data packets sent (retransmissions fetched from the history are not counted here).
    public var packetsSent: UInt64 = 0
    /// Payload octets sent, header and padding excluded: the SR's sender's octet count (RFC 3550 §6.4.1).
    public var bytesSent: UInt64 = 0
    /// Header octets sent (fixed header, CSRCs, header extension), for W3C `headerBytesSent`.
    public var headerBytesSent: UInt64 = 0
    /// Sender reports made.
    public var senderReportsSent: UInt64 = 0
    /// Reception report blocks about this stream received from the far end.
    public var reportsReceived: UInt64 = 0
    /// The last round-trip time measured from a report block (RFC 3550 §6.4.1), nil until one carried LSR.
    public var roundTripTime: Duration?
    /// Round-trip measurements taken, for W3C `roundTripTimeMeasurements`.
    public var roundTripTimeMeasurements: UInt64 = 0
    /// The far end's fraction lost from its last block, over 256.
    public var remoteFractionLost: UInt8?
    /// The far end's cumulative packets lost (signed, RFC 3550 §6.4.1).
    public var remotePacketsLost: Int32?
    /// The far end's interarrival jitter in clock units, and in seconds.
    public var remoteJitter: UInt32?
    public var remoteJitterSeconds: Double?
    /// The far end's extended highest sequence number received.
    public var remoteHighestSequence: UInt32?

    public init() {}
}

/// One outgoing RTP stream (one SSRC), sans-IO: it numbers and stamps the packets of each media frame,
/// counts what it sent for its sender reports, keeps a bounded history for NACK, and reads the far
/// end's reception reports.
///
/// RFC 3550 §5.1 asks for a random initial sequence number and timestamp so that known-plaintext
/// attacks on encryption get harder; both come from the generator handed to `init`, never from global
/// randomness (DESIGN §1.5). The RTP timestamp is a linear function of the machine's time:
/// `offset + captureTime · clockRate`, so a sender report's RTP/NTP pair (§6.4.1) is exact rather than
/// extrapolated from the last packet.
public struct RTPStreamSender: Sendable {
    public let ssrc: UInt32
    /// 7 bits.
    public let payloadType: UInt8
    /// Ticks per second of the media clock (48 000 for Opus, 90 000 for VP8).
    public let clockRate: Int
    /// The sequence number the next packet gets.
    public private(set) var nextSequence: UInt16
    /// The RTP timestamp at `Instant.zero` (random, RFC 3550 §5.1).
    public let timestampOffset: UInt32
    /// Packets kept for retransmission (RFC 4585 §6.2.1 NACK).
    public let historyCapacity: Int
    public private(set) var statistics = RTPSenderStatistics()

    private let clock: MediaClock
    /// A ring indexed by sequence number modulo the capacity; a slot is trusted only when the packet
    /// in it carries the sequence number asked for.
    private var history: [RTPPacket?]

    /// `historyCapacity` (1 to 65 536) bounds the NACK history: 512 packets is about a second of 4 Mbit/s
    /// video in 1 000-byte packets, what libwebrtc keeps.
    public init(
        ssrc: UInt32, payloadType: UInt8, clockRate: Int, historyCapacity: Int = 512,
        using generator: inout some RandomNumberGenerator
    ) {
        self.ssrc = ssrc
        self.payloadType = payloadType & 0x7F
        self.clockRate = max(1, clockRate)
        self.clock = MediaClock(rate: clockRate)
        self.nextSequence = UInt16.random(in: 0...UInt16.max, using: &generator)
        self.timestampOffset = UInt32.random(in: 0...UInt32.max, using: &generator)
        // Past 65 536 a slot would outlive its sequence number's next use.
        self.historyCapacity = min(1 << 16, max(1, historyCapacity))
        self.history = Array(repeating: nil, count: self.historyCapacity)
    }

    /// The RTP timestamp of a frame captured at `instant` (RFC 3550 §5.1).
    public func rtpTimestamp(at instant: Instant) -> UInt32 {
        timestampOffset &+ UInt32(truncatingIfNeeded: clock.ticks(at: instant))
    }

    /// RTP packets for one media frame: `payloads` in order, consecutive sequence numbers, all with the
    /// frame's timestamp, and the marker bit on the last when `marker` is set. For video the marker
    /// ends the frame (RFC 7741 §4.1); for audio it starts a talkspurt (RFC 3551 §4.1), so the caller
    /// decides. `extensions` (RFC 8285) go on every packet, in the one-byte form when every element
    /// fits it (ID 1–14, 1–16 bytes, §4.2), else the two-byte form (§4.3).
    public mutating func packets(
        payloads: [[UInt8]], captureTime: Instant, marker: Bool, extensions: [RTPExtensionElement] = []
    ) -> [RTPPacket] {
        let timestamp = rtpTimestamp(at: captureTime)
        let headerExtension = Self.headerExtension(extensions)
        var packets: [RTPPacket] = []
        packets.reserveCapacity(payloads.count)
        for (index, payload) in payloads.enumerated() {
            let header = RTPHeader(
                marker: marker && index == payloads.count - 1, payloadType: payloadType,
                sequenceNumber: nextSequence, timestamp: timestamp, ssrc: ssrc, headerExtension: headerExtension)
            let packet = RTPPacket(header: header, payload: payload)
            history[Int(nextSequence) % historyCapacity] = packet
            nextSequence &+= 1
            statistics.packetsSent += 1
            statistics.bytesSent += UInt64(payload.count)
            statistics.headerBytesSent += UInt64(header.encodedLength)
            packets.append(packet)
        }
        return packets
    }

    /// The header extension carrying `elements`, or nil for none.
    static func headerExtension(_ elements: [RTPExtensionElement]) -> RTPHeaderExtension? {
        guard !elements.isEmpty else { return nil }
        let fitsOneByte = elements.allSatisfy { (1...14).contains($0.id) && (1...16).contains($0.data.count) }
        return RTPExtensionElements(form: fitsOneByte ? .oneByte : .twoByte(appBits: 0), elements: elements).encode()
    }

    /// A sender report for `at` (RFC 3550 §6.4.1): the NTP time from `clock`, the RTP timestamp that
    /// corresponds to the same instant (not the last packet's), and the packet and octet counts,
    /// which wrap at 2³² as their fields do.
    public mutating func senderReport(at: Instant, clock ntpClock: NTPClock, reports: [ReportBlock] = []) -> SenderReport {
        statistics.senderReportsSent += 1
        return SenderReport(
            ssrc: ssrc, ntpTimestamp: ntpClock.ntp(at: at), rtpTimestamp: rtpTimestamp(at: at),
            packetCount: UInt32(truncatingIfNeeded: statistics.packetsSent),
            octetCount: UInt32(truncatingIfNeeded: statistics.bytesSent), reports: reports)
    }

    /// Takes the far end's report block about this stream, received at `at`, and returns the round-trip
    /// time it measures: A − LSR − DLSR in 1/65536 s (RFC 3550 §6.4.1), where A is the arrival time as
    /// the middle 32 bits of `clock`'s NTP time.
    ///
    /// Nil when the block is about another SSRC (ignored), when LSR is 0 (no SR of ours reached the far
    /// end yet), or when A − LSR is less than DLSR, which only a peer lying about its delay or a report
    /// older than 18 hours can produce. The loss and jitter figures are kept either way.
    public mutating func receiverReportReceived(_ block: ReportBlock, at: Instant, clock ntpClock: NTPClock) -> Duration? {
        guard block.ssrc == ssrc else { return nil }
        statistics.reportsReceived += 1
        statistics.remoteFractionLost = block.fractionLost
        statistics.remotePacketsLost = block.signedCumulativeLost
        statistics.remoteJitter = block.jitter
        statistics.remoteJitterSeconds = clock.seconds(Double(block.jitter))
        statistics.remoteHighestSequence = block.highestSequence
        guard block.lastSenderReport != 0 else { return nil }
        let arrival = NTPClock.middle32(ntpClock.ntp(at: at))
        let sinceReport = arrival &- block.lastSenderReport
        guard sinceReport >= block.delaySinceLastSenderReport else { return nil }
        let roundTrip = NTPClock.duration(compactUnits: sinceReport - block.delaySinceLastSenderReport)
        statistics.roundTripTime = roundTrip
        statistics.roundTripTimeMeasurements += 1
        return roundTrip
    }

    /// The packet sent with `sequence`, if the history still holds it (RFC 4585 §6.2.1: the sender
    /// answers a NACK by sending the packet again). Nil once `historyCapacity` newer packets pushed it out.
    public func retransmission(of sequence: UInt16) -> RTPPacket? {
        guard let packet = history[Int(sequence) % historyCapacity], packet.header.sequenceNumber == sequence else {
            return nil
        }
        return packet
    }
}
