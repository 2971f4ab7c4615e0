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
        let partitions = followsPartitions ? VP8FrameLayout(frame: frame)?.partitions(frame: frame) : nil
        var payloads: [VP8Payload] = []
        // An empty token partition has no byte to carry, but keeps its index: PID counts partitions.
        for (index, range) in (partitions ?? [0..<frame.count]).enumerated() where partitions == nil || !range.isEmpty {
            var start = range.lowerBound
            repeat {
                let end = min(range.upperBound, start + room)
                var descriptor = template
                descriptor.startOfPartition = start == range.lowerBound
                descriptor.partitionIndex = UInt8(min(index, 7))  // RFC 7741 §4.2: PID stops at 7
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
/// partitions is coded inside the first partition's boolean-coded header, after the segmentation and
/// loop-filter fields (RFC 6386 §9.3–9.5, §19.2); `tokenPartitions` reads it there, and with more than
/// one the 3-byte sizes that follow the first partition (§9.5) split the rest. When any of that does
/// not add up, everything after the first partition is taken as one token partition.
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

    /// The frame's partitions as byte ranges: the first (uncompressed header included, and the token
    /// partition sizes after it, as libvpx reports its first fragment), then each token partition, in
    /// order and covering the frame; a token partition may be empty. A frame whose sizes do not add up
    /// gives the first partition and the rest.
    public func partitions(frame: [UInt8]) -> [Range<Int>] {
        let firstEnd = min(frame.count, headerLength + firstPartitionSize)
        guard firstEnd < frame.count else { return [0..<firstEnd] }
        let count = tokenPartitions(frame: frame) ?? 1
        guard count > 1 else { return [0..<firstEnd, firstEnd..<frame.count] }
        // §9.5: the sizes of all token partitions but the last, 3 bytes little-endian each.
        let tableEnd = firstEnd + 3 * (count - 1)
        guard tableEnd <= frame.count else { return [0..<firstEnd, firstEnd..<frame.count] }
        var ranges = [0..<tableEnd]
        var start = tableEnd
        for index in 0..<(count - 1) {
            let at = firstEnd + 3 * index
            let size = Int(frame[at]) | Int(frame[at + 1]) << 8 | Int(frame[at + 2]) << 16
            guard size <= frame.count - start else { return [0..<firstEnd, firstEnd..<frame.count] }
            ranges.append(start..<(start + size))
            start += size
        }
        ranges.append(start..<frame.count)
        return ranges
    }

    /// The number of token partitions (1, 2, 4 or 8) from `log2_nbr_of_dct_partitions` in the first
    /// partition's header (RFC 6386 §9.5, §19.2), or nil when the header runs past the first partition.
    public func tokenPartitions(frame: [UInt8]) -> Int? {
        let start = headerLength
        let end = min(frame.count, start + firstPartitionSize)
        guard start < end else { return nil }
        var decoder = VP8BoolDecoder(frame[start..<end])
        if isKeyFrame { _ = decoder.literal(2) }  // color_space, clamping_type (§9.2)
        if decoder.flag() {  // segmentation_enabled (§9.3)
            let updateMap = decoder.flag()
            if decoder.flag() {  // update_segment_feature_data
                _ = decoder.flag()  // segment_feature_mode
                for _ in 0..<4 where decoder.flag() { _ = decoder.literal(7 + 1) }  // quantizer value and sign
                for _ in 0..<4 where decoder.flag() { _ = decoder.literal(6 + 1) }  // loop filter value and sign
            }
            if updateMap {
                for _ in 0..<3 where decoder.flag() { _ = decoder.literal(8) }  // segment_prob
            }
        }
        _ = decoder.literal(1 + 6 + 3)  // filter_type, loop_filter_level, sharpness_level (§9.6)
        if decoder.flag(), decoder.flag() {  // loop_filter_adj_enable, mode_ref_lf_delta_update
            for _ in 0..<8 where decoder.flag() { _ = decoder.literal(6 + 1) }  // ref_frame and mb_mode deltas
        }
        let log2 = decoder.literal(2)
        return decoder.overran ? nil : 1 << log2
    }
}

/// RFC 6386 §7.3's boolean decoder, reading flags and literals at probability 1/2 (the `L(n)` fields
/// of the frame header). Past the end of its bytes it reads zeros, as libvpx does, and says so in
/// `overran`, so a header cut short is refused instead of trusted.
struct VP8BoolDecoder {
    private let bytes: ArraySlice<UInt8>
    private var next: Int
    private var value: UInt32
    private var range: UInt32 = 255
    private var bitCount = 0
    /// Set once the decoder needed a byte beyond its bytes.
    private(set) var overran = false

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        next = bytes.startIndex
        value = 0
        for _ in 0..<2 { value = value << 8 | UInt32(take()) }
    }

    private mutating func take() -> UInt8 {
        guard next < bytes.endIndex else {
            // Strict: the decoder looks up to two bytes ahead, so a header that ends right at the
            // partition's end is refused too. libvpx's encoder pads its partitions, so real headers
            // never come that close.
            overran = true
            return 0
        }
        defer { next += 1 }
        return bytes[next]
    }

    /// One bool at `probability`/256 of being 0.
    mutating func bool(probability: UInt32) -> Bool {
        let split = 1 + (((range - 1) * probability) >> 8)
        let bigSplit = split << 8
        let bit: Bool
        if value >= bigSplit {
            bit = true
            range -= split
            value -= bigSplit
        } else {
            bit = false
            range = split
        }
        while range < 128 {
            value <<= 1
            range <<= 1
            bitCount += 1
            if bitCount == 8 {
                bitCount = 0
                value |= UInt32(take())
            }
        }
        return bit
    }

    mutating func flag() -> Bool { bool(probability: 128) }

    /// An unsigned `bits`-bit literal, most significant bit first (RFC 6386 §7.3 `bool_read_literal`).
    mutating func literal(_ bits: Int) -> UInt32 {
        var result: UInt32 = 0
        for _ in 0..<bits { result = result << 1 | (flag() ? 1 : 0) }
        return result
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
