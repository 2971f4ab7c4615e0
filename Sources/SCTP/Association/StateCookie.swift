import Hashing
import Wire

/// The state cookie of INIT ACK (RFC 9260 §5.1.3): everything we need to build the association when its
/// COOKIE ECHO comes back, so we keep no state for an INIT (SYN-flood resistance), sealed with an HMAC
/// only we can compute.
struct StateCookie: Hashable {
    var peer: PeerParameters
    var localTag: UInt32
    var localInitialTSN: UInt32
    /// When we made it, on our own timeline, for the lifetime check (RFC 9260 §5.1.5 step 3).
    var createdAt: UInt64

    static let version: UInt8 = 1
    static let macLength = 32
    static let bodyLength = 1 + 4 + 4 + 4 + 2 + 2 + 1 + 4 + 4 + 8

    func sealed(with key: HMACKey) -> [UInt8] {
        var writer = ByteWriter(capacity: Self.bodyLength + Self.macLength)
        writer.writeUInt8(Self.version)
        writer.writeUInt32(peer.tag)
        writer.writeUInt32(peer.initialTSN)
        writer.writeUInt32(peer.window)
        writer.writeUInt16(peer.outboundStreams)
        writer.writeUInt16(peer.inboundStreams)
        writer.writeUInt8((peer.forwardTSN ? 1 : 0) | (peer.reconfig ? 2 : 0) | (peer.zeroChecksum ? 4 : 0))
        writer.writeUInt32(localTag)
        writer.writeUInt32(localInitialTSN)
        writer.writeUInt64(createdAt)
        writer.writeBytes(key.authenticationCode(for: writer.bytes))
        return writer.bytes
    }

    /// The cookie, or nil when it is not one of ours: wrong length, version or HMAC (compared in constant time).
    /// `verifyingMAC` is false only for an association whose integrity checks a fuzzing build bypassed.
    static func open(_ bytes: [UInt8], with key: HMACKey, verifyingMAC: Bool = true) -> StateCookie? {
        guard bytes.count == bodyLength + macLength else { return nil }
        let body = bytes[..<bodyLength]
        guard !verifyingMAC || constantTimeEqual(key.authenticationCode(for: body), bytes[bodyLength...]) else { return nil }
        var reader = ByteReader(body)
        do {
            guard try reader.readUInt8() == version else { return nil }
            let tag = try reader.readUInt32()
            let initialTSN = try reader.readUInt32()
            let window = try reader.readUInt32()
            let outbound = try reader.readUInt16()
            let inbound = try reader.readUInt16()
            let features = try reader.readUInt8()
            let peer = PeerParameters(
                tag: tag, initialTSN: initialTSN, window: window, outboundStreams: outbound,
                inboundStreams: inbound, forwardTSN: features & 1 != 0, reconfig: features & 2 != 0,
                zeroChecksum: features & 4 != 0)
            return StateCookie(
                peer: peer, localTag: try reader.readUInt32(), localInitialTSN: try reader.readUInt32(),
                createdAt: try reader.readUInt64())
        } catch {
            return nil
        }
    }
}

/// What the peer told us in its INIT or INIT ACK.
struct PeerParameters: Hashable {
    var tag: UInt32
    var initialTSN: UInt32
    var window: UInt32
    var outboundStreams: UInt16
    var inboundStreams: UInt16
    /// It listed FORWARD TSN (RFC 3758 §3.1): partial reliability is possible.
    var forwardTSN: Bool
    /// It listed RE-CONFIG (RFC 6525 §5): stream resets are possible.
    var reconfig: Bool
    /// It sent Zero Checksum Acceptable with EDMID 1, DTLS (RFC 9653 §4).
    var zeroChecksum: Bool

    init(
        tag: UInt32, initialTSN: UInt32, window: UInt32, outboundStreams: UInt16, inboundStreams: UInt16, forwardTSN: Bool,
        reconfig: Bool, zeroChecksum: Bool
    ) {
        self.tag = tag
        self.initialTSN = initialTSN
        self.window = window
        self.outboundStreams = outboundStreams
        self.inboundStreams = inboundStreams
        self.forwardTSN = forwardTSN
        self.reconfig = reconfig
        self.zeroChecksum = zeroChecksum
    }

    init(_ chunk: InitChunk) {
        var forwardTSN = false
        var reconfig = false
        var zeroChecksum = false
        for parameter in chunk.parameters.elements {
            switch parameter {
            case .forwardTSNSupported: forwardTSN = true
            case .supportedExtensions(let types):
                if types.contains(SCTPChunkType.forwardTSN) { forwardTSN = true }
                if types.contains(SCTPChunkType.reconfig) { reconfig = true }
            case .zeroChecksumAcceptable(let edmid): zeroChecksum = edmid == SCTPParameter.edmidDTLS
            default: break
            }
        }
        self.init(
            tag: chunk.initiateTag, initialTSN: chunk.initialTSN, window: chunk.advertisedReceiverWindowCredit,
            outboundStreams: chunk.outboundStreams, inboundStreams: chunk.inboundStreams, forwardTSN: forwardTSN,
            reconfig: reconfig, zeroChecksum: zeroChecksum)
    }
}

/// Serial number arithmetic on TSNs (RFC 9260 §1.6, RFC 1982): `a` comes before `b`.
func tsnBefore(_ a: UInt32, _ b: UInt32) -> Bool { Int32(bitPattern: a &- b) < 0 }
func tsnAtOrBefore(_ a: UInt32, _ b: UInt32) -> Bool { a == b || tsnBefore(a, b) }
/// The same for 16-bit stream sequence numbers.
func ssnBefore(_ a: UInt16, _ b: UInt16) -> Bool { Int16(bitPattern: a &- b) < 0 }
