/// Splits a VP8 frame into RTP payloads of at most `maximumPayloadSize` bytes (RFC 7741 §4.1).
///
/// Every payload gets `template`'s descriptor with S and PID set per packet. When the frame header
/// parses (`VP8FrameLayout`), payloads follow partition boundaries: none straddles the end of the first
/// partition, the first packet of each partition has S = 1, and PID names the partition the payload's
/// first byte belongs to (RFC 7741 §4.2): 0 for the first partition, 1 for everything after it. A
/// receiver whose decoder can use partitions alone (libvpx's error-resilient mode) can then tell a lost
/// token packet from a lost mode packet. A frame whose header does not parse, or a packetizer with
/// `followsPartitions` off, is cut as one partition: the first payload S = 1, PID = 0, the others
/// S = 0, which RFC 7741 §4.1 also allows and what Pion sends.
public struct VP8Packetizer: Hashable, Sendable {
    public var template: VP8PayloadDescriptor
    public var maximumPayloadSize: Int
    /// Whether to cut at partition boundaries when the frame header parses.
    public var followsPartitions: Bool

    public init(
        template: VP8PayloadDescriptor = VP8PayloadDescriptor(startOfPartition: true), maximumPayloadSize: Int,
        followsPartitions: Bool = true
    ) {
        self.template = template
        self.maximumPayloadSize = maximumPayloadSize
        self.followsPartitions = followsPartitions
    }

    /// The smallest payload size that makes progress: the descriptor and one byte of frame.
    public var minimumPayloadSize: Int { template.encodedLength + 1 }

    /// The payloads for `frame`, in order; empty when `maximumPayloadSize` is below the minimum.
    /// An empty frame gives one payload with no VP8 data.
    public func packetize(_ frame: [UInt8]) -> [VP8Payload] {
        guard maximumPayloadSize >= minimumPayloadSize else { return [] }
        let room = maximumPayloadSize - template.encodedLength
        let partitions = followsPartitions ? VP8FrameLayout(frame: frame)?.partitions(frameLength: frame.count) : nil
        var payloads: [VP8Payload] = []
        for (index, range) in (partitions ?? [0..<frame.count]).enumerated() {
            var start = range.lowerBound
            repeat {
                let end = min(range.upperBound, start + room)
                var descriptor = template
                descriptor.startOfPartition = start == range.lowerBound
                descriptor.partitionIndex = UInt8(index)
                payloads.append(VP8Payload(descriptor: descriptor, data: Array(frame[start..<end])))
                start = end
            } while start < range.upperBound
        }
        return payloads
    }
}

/// The layout of a VP8 frame as its uncompressed header states it (RFC 6386 §9.1): a 3-byte frame
/// tag, 7 more bytes on a key frame (start code 9d 01 2a, width, height), then the first partition of
/// `firstPartitionSize` bytes, then the token partitions.
///
/// RFC 7741 §4.1 counts the uncompressed header as part of the first partition. The number of token
/// partitions is coded inside the first partition's boolean-coded header after the segmentation and
/// loop-filter fields (RFC 6386 §9.5), so it is not read here: everything after the first partition is
/// taken as partition 1, which is exact for libvpx's default of one token partition.
public struct VP8FrameLayout: Hashable, Sendable {
    /// P = 0 in the frame tag.
    public var isKeyFrame: Bool
    /// The 3-bit version (RFC 6386 §9.1: 0–3 are defined).
    public var version: UInt8
    public var showFrame: Bool
    /// `first_part_size`, 19 bits: the first partition's length after the uncompressed header.
    public var firstPartitionSize: Int

    /// The uncompressed header's length: 10 bytes on a key frame, 3 otherwise.
    public var headerLength: Int { isKeyFrame ? 10 : 3 }

    /// Reads the frame tag; nil when the bytes are not a VP8 frame this layout can describe: too short
    /// for the header, a key frame without the start code, a version above 3, an empty first partition,
    /// or a first partition that runs past the end of `frame`.
    public init?(frame: [UInt8]) {
        guard frame.count >= 3 else { return nil }
        let tag = UInt32(frame[0]) | UInt32(frame[1]) << 8 | UInt32(frame[2]) << 16
        isKeyFrame = tag & 0x01 == 0
        version = UInt8((tag >> 1) & 0x07)
        showFrame = tag & 0x10 != 0
        firstPartitionSize = Int(tag >> 5)  // the tag is 24 bits, so this is the 19-bit field
        guard version <= 3, firstPartitionSize > 0, headerLength + firstPartitionSize <= frame.count else { return nil }
        if isKeyFrame, frame[3] != 0x9D || frame[4] != 0x01 || frame[5] != 0x2A { return nil }
    }

    /// The frame's partitions as byte ranges: the first (header included), then the rest when any.
    public func partitions(frameLength: Int) -> [Range<Int>] {
        let firstEnd = min(frameLength, headerLength + firstPartitionSize)
        return firstEnd < frameLength ? [0..<firstEnd, firstEnd..<frameLength] : [0..<firstEnd]
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
