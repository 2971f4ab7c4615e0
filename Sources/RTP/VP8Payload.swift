public import Wire

/// The VP8 payload descriptor (RFC 7741 §4.2).
///
/// Reserved bits are kept (receivers ignore them, RFC 7741 §4.2) so the descriptor re-serialises
/// byte for byte.
public struct VP8PayloadDescriptor: Hashable, Sendable {
    /// N: the frame can be discarded without affecting others.
    public var nonReference: Bool
    /// S: the packet starts a partition.
    public var startOfPartition: Bool
    /// PID: 3 bits.
    public var partitionIndex: UInt8
    /// X set with none of I, L, T, K: an extension byte that carries nothing (legal, rare).
    public var forceExtension: Bool
    public var pictureID: VP8PictureID?
    /// L: TL0PICIDX.
    public var tl0PictureIndex: UInt8?
    /// T: temporal layer index (2 bits) and Y (layer sync).
    public var temporalLayer: (UInt8, Bool)? {
        get { hasTemporalLayer ? (temporalLayerIndex, layerSync) : nil }
        set {
            hasTemporalLayer = newValue != nil
            temporalLayerIndex = newValue?.0 ?? 0
            layerSync = newValue?.1 ?? false
        }
    }
    public var hasTemporalLayer: Bool
    public var hasKeyIndex: Bool
    /// TID, valid when T is set (kept as sent otherwise, when K is set).
    public var temporalLayerIndex: UInt8
    /// Y.
    public var layerSync: Bool
    /// KEYIDX, 5 bits, valid when K is set.
    public var keyIndex: UInt8
    /// The two R bits of the first byte (0x40, 0x08).
    public var reservedBits: UInt8
    /// The 4 RSV bits of the X byte.
    public var extensionReservedBits: UInt8

    public init(
        nonReference: Bool = false, startOfPartition: Bool, partitionIndex: UInt8 = 0, pictureID: VP8PictureID? = nil,
        tl0PictureIndex: UInt8? = nil, hasTemporalLayer: Bool = false, hasKeyIndex: Bool = false,
        temporalLayerIndex: UInt8 = 0, layerSync: Bool = false, keyIndex: UInt8 = 0, forceExtension: Bool = false,
        reservedBits: UInt8 = 0, extensionReservedBits: UInt8 = 0
    ) {
        self.nonReference = nonReference
        self.startOfPartition = startOfPartition
        self.partitionIndex = partitionIndex
        self.pictureID = pictureID
        self.tl0PictureIndex = tl0PictureIndex
        self.hasTemporalLayer = hasTemporalLayer
        self.hasKeyIndex = hasKeyIndex
        self.temporalLayerIndex = temporalLayerIndex
        self.layerSync = layerSync
        self.keyIndex = keyIndex
        self.forceExtension = forceExtension
        self.reservedBits = reservedBits
        self.extensionReservedBits = extensionReservedBits
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.serialize() == rhs.serialize() }
    public func hash(into hasher: inout Hasher) { hasher.combine(serialize()) }

    var hasExtension: Bool {
        forceExtension || pictureID != nil || tl0PictureIndex != nil || hasTemporalLayer || hasKeyIndex
            || extensionReservedBits != 0
    }

    /// Bytes the descriptor takes.
    public var encodedLength: Int {
        guard hasExtension else { return 1 }
        var length = 2
        if let pictureID { length += pictureID.isLong ? 2 : 1 }
        if tl0PictureIndex != nil { length += 1 }
        if hasTemporalLayer || hasKeyIndex { length += 1 }
        return length
    }

    /// Parses the descriptor at the front of `bytes`; returns it and its length.
    public static func parse(prefixOf bytes: ArraySlice<UInt8>) throws(VP8Error) -> (VP8PayloadDescriptor, Int) {
        var reader = ByteReader(bytes)
        do {
            let first = try reader.readUInt8()
            var descriptor = VP8PayloadDescriptor(
                nonReference: first & 0x20 != 0, startOfPartition: first & 0x10 != 0, partitionIndex: first & 0x07,
                reservedBits: first & 0x48)
            if first & 0x80 != 0 {
                let x = try reader.readUInt8()
                descriptor.extensionReservedBits = x & 0x0F
                descriptor.forceExtension = x & 0xF0 == 0
                if x & 0x80 != 0 {
                    let high = try reader.readUInt8()
                    if high & 0x80 != 0 {
                        descriptor.pictureID = .long(UInt16(high & 0x7F) << 8 | UInt16(try reader.readUInt8()))
                    } else {
                        descriptor.pictureID = .short(high)
                    }
                }
                if x & 0x40 != 0 { descriptor.tl0PictureIndex = try reader.readUInt8() }
                if x & 0x30 != 0 {
                    let byte = try reader.readUInt8()
                    descriptor.hasTemporalLayer = x & 0x20 != 0
                    descriptor.hasKeyIndex = x & 0x10 != 0
                    descriptor.temporalLayerIndex = byte >> 6
                    descriptor.layerSync = byte & 0x20 != 0
                    descriptor.keyIndex = byte & 0x1F
                }
            }
            return (descriptor, reader.offset)
        } catch {
            throw VP8Error(error)
        }
    }

    public func write(to writer: inout ByteWriter) {
        let extended = hasExtension
        writer.writeUInt8(
            (extended ? 0x80 : 0) | (nonReference ? 0x20 : 0) | (startOfPartition ? 0x10 : 0) | (reservedBits & 0x48)
                | (partitionIndex & 0x07))
        guard extended else { return }
        let tk = hasTemporalLayer || hasKeyIndex
        writer.writeUInt8(
            (pictureID != nil ? 0x80 : 0) | (tl0PictureIndex != nil ? 0x40 : 0) | (hasTemporalLayer ? 0x20 : 0)
                | (hasKeyIndex ? 0x10 : 0) | (extensionReservedBits & 0x0F))
        switch pictureID {
        case .short(let value): writer.writeUInt8(value & 0x7F)
        case .long(let value): writer.writeUInt16(0x8000 | (value & 0x7FFF))
        case nil: break
        }
        if let tl0PictureIndex { writer.writeUInt8(tl0PictureIndex) }
        if tk {
            writer.writeUInt8((temporalLayerIndex & 3) << 6 | (layerSync ? 0x20 : 0) | (keyIndex & 0x1F))
        }
    }

    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: 6)
        write(to: &writer)
        return writer.bytes
    }
}

/// A VP8 picture ID: 7 bits (M = 0) or 15 bits (M = 1), kept in the width it was sent with.
public enum VP8PictureID: Hashable, Sendable {
    case short(UInt8)
    case long(UInt16)

    public var value: UInt16 {
        switch self {
        case .short(let value): UInt16(value & 0x7F)
        case .long(let value): value & 0x7FFF
        }
    }

    public var isLong: Bool { if case .long = self { true } else { false } }
}

/// A VP8 RTP payload: descriptor and VP8 bytes (RFC 7741 §4).
public struct VP8Payload: Hashable, Sendable {
    public var descriptor: VP8PayloadDescriptor
    public var data: [UInt8]

    public init(descriptor: VP8PayloadDescriptor, data: [UInt8]) {
        self.descriptor = descriptor
        self.data = data
    }

    public static func parse(_ bytes: [UInt8]) throws(VP8Error) -> VP8Payload {
        let (descriptor, length) = try VP8PayloadDescriptor.parse(prefixOf: bytes[...])
        return VP8Payload(descriptor: descriptor, data: Array(bytes[length...]))
    }

    public func serialize() -> [UInt8] {
        var writer = ByteWriter(capacity: descriptor.encodedLength + data.count)
        descriptor.write(to: &writer)
        writer.writeBytes(data)
        return writer.bytes
    }

    /// Whether this packet starts a frame: S = 1 and PID = 0 (RFC 7741 §4.2).
    public var startsFrame: Bool { descriptor.startOfPartition && descriptor.partitionIndex == 0 }

    /// RFC 7741 §4.3: on the packet that starts a frame, the P bit (bit 0 of the first payload header
    /// byte) is 0 for a key frame. Nil for packets that do not start a frame.
    public var isKeyFrame: Bool? {
        guard startsFrame, let first = data.first else { return nil }
        return first & 0x01 == 0
    }
}

/// The size a VP8 key frame declares (RFC 6386 §9.1): after the 3-byte frame tag, the start code
/// 9d 01 2a, then 14-bit width and height each with a 2-bit scale.
public struct VP8KeyFrameHeader: Hashable, Sendable {
    public var width: UInt16
    public var height: UInt16
    public var horizontalScale: UInt8
    public var verticalScale: UInt8

    /// Reads the header from the start of a VP8 frame; nil when it is not a key frame.
    public init?(frame: [UInt8]) {
        guard frame.count >= 10, frame[0] & 0x01 == 0, frame[3] == 0x9D, frame[4] == 0x01, frame[5] == 0x2A else {
            return nil
        }
        let width = UInt16(frame[7]) << 8 | UInt16(frame[6])
        let height = UInt16(frame[9]) << 8 | UInt16(frame[8])
        self.width = width & 0x3FFF
        self.height = height & 0x3FFF
        horizontalScale = UInt8(width >> 14)
        verticalScale = UInt8(height >> 14)
    }
}
