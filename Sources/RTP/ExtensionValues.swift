public import Wire

/// The header extensions browsers negotiate, by the URI of their `a=extmap` line.
public enum RTPExtensionURI {
    public static let absSendTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
    public static let transportWideCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
    public static let audioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
    public static let mid = "urn:ietf:params:rtp-hdrext:sdes:mid"
    public static let rid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
    public static let repairedRid = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
    public static let videoOrientation = "urn:3gpp:video-orientation"
    public static let playoutDelay = "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay"
    public static let transmissionOffset = "urn:ietf:params:rtp-hdrext:toffset"
    public static let absCaptureTime = "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time"
}

/// Which URI each local extension ID stands for (RFC 8285 §5, from the SDP's `a=extmap` lines).
public struct ExtensionMap: Hashable, Sendable {
    public var uris: [UInt8: String]

    public init(_ uris: [UInt8: String] = [:]) {
        self.uris = uris
    }

    public func uri(for id: UInt8) -> String? { uris[id] }

    public func id(for uri: String) -> UInt8? {
        uris.filter { $0.value == uri }.keys.min()
    }

    /// The typed value of every element of `elements`, in order.
    public func values(of elements: RTPExtensionElements) throws(RTPError) -> [RTPExtensionValue] {
        var values: [RTPExtensionValue] = []
        for element in elements.elements {
            values.append(try RTPExtensionValue.decode(uri: uris[element.id], data: element.data))
        }
        return values
    }
}

/// The typed value of a header extension element.
public enum RTPExtensionValue: Hashable, Sendable {
    /// 6.18 fixed point seconds, 24 bits (webrtc.org abs-send-time).
    case absSendTime(UInt32)
    /// The transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
    case transportWideSequence(UInt16)
    /// RFC 6464 §3: the V (voice activity) flag and the level in −dBov (0–127).
    case audioLevel(voiceActivity: Bool, level: UInt8)
    /// RFC 8843 §15: the media identification, as sent (not necessarily UTF-8).
    case mid([UInt8])
    /// RFC 8852 §3.1: RtpStreamId.
    case rid([UInt8])
    /// RFC 8852 §3.2: RepairedRtpStreamId.
    case repairedRid([UInt8])
    /// 3GPP TS 26.114 §7.4.5: camera (C), flip (F) and rotation (R1R0, quarter turns).
    case videoOrientation(camera: Bool, flip: Bool, rotation: UInt8)
    /// webrtc.org playout-delay: minimum and maximum, 12 bits each, in 10 ms units.
    case playoutDelay(minimum: UInt16, maximum: UInt16)
    /// RFC 5450 §2: transmission time offset, a signed 24-bit value in RTP clock units.
    case transmissionOffset(Int32)
    /// webrtc.org abs-capture-time: a UQ32.32 NTP timestamp and an optional Q32.32 clock offset.
    case absCaptureTime(timestamp: UInt64, estimatedClockOffset: Int64?)
    /// An element whose URI is unknown, or whose ID is not in the map.
    case other(uri: String?, data: [UInt8])

    /// The typed value of an element of the extension named `uri`.
    public static func decode(uri: String?, data: [UInt8]) throws(RTPError) -> RTPExtensionValue {
        func need(_ sizes: Set<Int>) throws(RTPError) {
            guard sizes.contains(data.count) else {
                throw RTPError(.extensionValue, at: 0, "\(uri ?? "?") needs \(sizes.sorted()) byte(s), got \(data.count)")
            }
        }
        func bigEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            bytes.reduce(0) { $0 << 8 | UInt64($1) }
        }
        switch uri {
        case RTPExtensionURI.absSendTime:
            try need([3])
            return .absSendTime(UInt32(bigEndian(data[...])))
        case RTPExtensionURI.transportWideCC:
            try need([2])
            return .transportWideSequence(UInt16(bigEndian(data[...])))
        case RTPExtensionURI.audioLevel:
            // RFC 6464 §3 allows padding after the one-byte value in the two-byte form; we insist on 1.
            try need([1])
            return .audioLevel(voiceActivity: data[0] & 0x80 != 0, level: data[0] & 0x7F)
        case RTPExtensionURI.mid: return .mid(data)
        case RTPExtensionURI.rid: return .rid(data)
        case RTPExtensionURI.repairedRid: return .repairedRid(data)
        case RTPExtensionURI.videoOrientation:
            try need([1])
            guard data[0] & 0xF0 == 0 else {
                return .other(uri: uri, data: data)
            }
            return .videoOrientation(camera: data[0] & 0x08 != 0, flip: data[0] & 0x04 != 0, rotation: data[0] & 0x03)
        case RTPExtensionURI.playoutDelay:
            try need([3])
            let value = UInt32(bigEndian(data[...]))
            return .playoutDelay(minimum: UInt16(value >> 12), maximum: UInt16(value & 0xFFF))
        case RTPExtensionURI.transmissionOffset:
            try need([3])
            let raw = UInt32(bigEndian(data[...]))
            // Sign-extend the 24-bit two's complement value.
            return .transmissionOffset(Int32(bitPattern: raw << 8) >> 8)
        case RTPExtensionURI.absCaptureTime:
            try need([8, 16])
            let timestamp = bigEndian(data[0..<8])
            let offset = data.count == 16 ? Int64(bitPattern: bigEndian(data[8..<16])) : nil
            return .absCaptureTime(timestamp: timestamp, estimatedClockOffset: offset)
        default:
            return .other(uri: uri, data: data)
        }
    }

    /// The URI this value belongs to.
    public var uri: String? {
        switch self {
        case .absSendTime: RTPExtensionURI.absSendTime
        case .transportWideSequence: RTPExtensionURI.transportWideCC
        case .audioLevel: RTPExtensionURI.audioLevel
        case .mid: RTPExtensionURI.mid
        case .rid: RTPExtensionURI.rid
        case .repairedRid: RTPExtensionURI.repairedRid
        case .videoOrientation: RTPExtensionURI.videoOrientation
        case .playoutDelay: RTPExtensionURI.playoutDelay
        case .transmissionOffset: RTPExtensionURI.transmissionOffset
        case .absCaptureTime: RTPExtensionURI.absCaptureTime
        case .other(let uri, _): uri
        }
    }

    /// The element data for this value (out-of-range fields are truncated to their width).
    public var data: [UInt8] {
        func bytes(_ value: UInt64, _ count: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64(count - 1 - $0))) }
        }
        switch self {
        case .absSendTime(let value): return bytes(UInt64(value), 3)
        case .transportWideSequence(let value): return bytes(UInt64(value), 2)
        case .audioLevel(let voice, let level): return [(voice ? 0x80 : 0) | (level & 0x7F)]
        case .mid(let value), .rid(let value), .repairedRid(let value): return value
        case .videoOrientation(let camera, let flip, let rotation):
            return [(camera ? 0x08 : 0) | (flip ? 0x04 : 0) | (rotation & 0x03)]
        case .playoutDelay(let minimum, let maximum):
            return bytes(UInt64(minimum & 0xFFF) << 12 | UInt64(maximum & 0xFFF), 3)
        case .transmissionOffset(let value): return bytes(UInt64(UInt32(bitPattern: value) & 0xFF_FFFF), 3)
        case .absCaptureTime(let timestamp, let offset):
            return bytes(timestamp, 8) + (offset.map { bytes(UInt64(bitPattern: $0), 8) } ?? [])
        case .other(_, let data): return data
        }
    }
}
