/// Splits a VP8 frame into RTP payloads of at most `maximumPayloadSize` bytes (RFC 7741 §4.1).
///
/// Every payload gets `template`'s descriptor; the first has S = 1 and PID = 0, the others S = 0.
/// Partition boundaries inside the frame are not looked for: RFC 7741 §4.1 allows a packet to carry
/// parts of several partitions, and PID = 0 throughout is what libwebrtc and Pion send.
public struct VP8Packetizer: Hashable, Sendable {
    public var template: VP8PayloadDescriptor
    public var maximumPayloadSize: Int

    public init(template: VP8PayloadDescriptor = VP8PayloadDescriptor(startOfPartition: true), maximumPayloadSize: Int) {
        self.template = template
        self.maximumPayloadSize = maximumPayloadSize
    }

    /// The smallest payload size that makes progress: the descriptor and one byte of frame.
    public var minimumPayloadSize: Int { template.encodedLength + 1 }

    /// The payloads for `frame`, in order; empty when `maximumPayloadSize` is below the minimum.
    /// An empty frame gives one payload with no VP8 data.
    public func packetize(_ frame: [UInt8]) -> [VP8Payload] {
        guard maximumPayloadSize >= minimumPayloadSize else { return [] }
        let room = maximumPayloadSize - template.encodedLength
        var payloads: [VP8Payload] = []
        var start = 0
        repeat {
            let end = min(frame.count, start + room)
            var descriptor = template
            descriptor.startOfPartition = start == 0
            descriptor.partitionIndex = 0
            payloads.append(VP8Payload(descriptor: descriptor, data: Array(frame[start..<end])))
            start = end
        } while start < frame.count
        return payloads
    }
}

/// A frame put back together from its RTP packets.
public struct VP8Frame: Hashable, Sendable {
    public var timestamp: UInt32
    public var pictureID: VP8PictureID?
    public var data: [UInt8]
    /// Sequence numbers of the first and last packet.
    public var firstSequence: UInt16
    public var lastSequence: UInt16

    public var isKeyFrame: Bool { data.first.map { $0 & 0x01 == 0 } ?? false }
    public var keyFrameHeader: VP8KeyFrameHeader? { VP8KeyFrameHeader(frame: data) }
}

/// What the depacketizer says after each packet.
public enum VP8DepacketizerEvent: Hashable, Sendable {
    case frame(VP8Frame)
    /// A frame that could not be completed, and why.
    case dropped(timestamp: UInt32, reason: VP8DropReason)
}

public enum VP8DropReason: Hashable, Sendable {
    /// Sequence numbers jumped from `expected` to `received` inside the frame.
    case gap(expected: UInt16, received: UInt16)
    /// A new frame started (or the stream ended) before the marker bit closed this one.
    case noMarker
    /// Packets of a frame whose first packet (S = 1, PID = 0) was never seen.
    case missingStart
    /// The payload descriptor did not parse.
    case malformed(VP8Rule)
    /// The frame grew past `VP8Depacketizer.maximumFrameSize` without a marker.
    case tooLarge
}

/// Reassembles VP8 frames from RTP packets in sequence order (RFC 7741 §4.5): a frame starts at
/// S = 1, PID = 0, continues over consecutive sequence numbers with the same timestamp, and ends at
/// the marker bit. Reordering is a jitter buffer's job; here a gap drops the frame and is reported.
public struct VP8Depacketizer: Hashable, Sendable {
    /// A peer controls how long a frame gets before its marker, so reassembly is bounded (DESIGN §1.4).
    public let maximumFrameSize: Int
    private var current: VP8Frame?
    private var skippingTimestamp: UInt32?

    /// `maximumFrameSize` defaults to 4 MiB, well above a 4K VP8 key frame.
    public init(maximumFrameSize: Int = 4 << 20) {
        self.maximumFrameSize = maximumFrameSize
    }

    /// Feeds one packet; returns what it completed or dropped.
    public mutating func push(sequenceNumber: UInt16, timestamp: UInt32, marker: Bool, payload: [UInt8]) -> [VP8DepacketizerEvent] {
        var events: [VP8DepacketizerEvent] = []
        let parsed: VP8Payload
        do {
            parsed = try VP8Payload.parse(payload)
        } catch {
            if let current { events.append(.dropped(timestamp: current.timestamp, reason: .malformed(error.rule))) }
            current = nil
            skippingTimestamp = timestamp
            return events
        }
        if parsed.startsFrame {
            if let current { events.append(.dropped(timestamp: current.timestamp, reason: .noMarker)) }
            current = VP8Frame(
                timestamp: timestamp, pictureID: parsed.descriptor.pictureID, data: parsed.data,
                firstSequence: sequenceNumber, lastSequence: sequenceNumber)
            skippingTimestamp = nil
        } else if var frame = current {
            let expected = frame.lastSequence &+ 1
            guard sequenceNumber == expected, timestamp == frame.timestamp else {
                events.append(.dropped(timestamp: frame.timestamp, reason: .gap(expected: expected, received: sequenceNumber)))
                current = nil
                skippingTimestamp = timestamp
                return events
            }
            guard frame.data.count + parsed.data.count <= maximumFrameSize else {
                events.append(.dropped(timestamp: frame.timestamp, reason: .tooLarge))
                current = nil
                skippingTimestamp = timestamp
                return events
            }
            frame.data += parsed.data
            frame.lastSequence = sequenceNumber
            current = frame
        } else {
            if skippingTimestamp != timestamp {
                events.append(.dropped(timestamp: timestamp, reason: .missingStart))
                skippingTimestamp = timestamp
            }
            return events
        }
        if marker, let frame = current {
            events.append(.frame(frame))
            current = nil
        }
        return events
    }

    /// Ends the stream: reports a frame still waiting for its marker.
    public mutating func finish() -> [VP8DepacketizerEvent] {
        defer { current = nil }
        return current.map { [.dropped(timestamp: $0.timestamp, reason: .noMarker)] } ?? []
    }
}
