import Wire

/// Writes UDP datagrams as a pcapng file (the pcapng draft, draft-ietf-opsawg-pcapng), for the
/// recorders of our own harnesses: interop sessions write `Captures/*.pcapng` that `crucible replay`,
/// Wireshark and tshark read.
///
/// Sans-IO: the file is built in memory (`bytes`) and the caller writes it. Each datagram becomes a raw
/// IPv4 or IPv6 packet with a correct UDP checksum, on one interface of LINKTYPE_RAW (101: the version
/// nibble tells IPv4 from IPv6; libpcap reads only one link type per section) whose timestamps are in
/// nanoseconds (`if_tsresol` = 9).
public struct PcapngWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// LINKTYPE_RAW in files (libpcap hands it to readers as DLT_RAW, `LinkType.raw`).
    static let rawLinkType: UInt16 = 101

    public init() {
        // Section Header Block: byte-order magic, version 1.0, section length unknown (-1).
        block(type: 0x0A0D_0D0A, body: le32(0x1A2B_3C4D) + le16(1) + le16(0) + [UInt8](repeating: 0xFF, count: 8))
        // Interface Description Blocks: link type, reserved, snap length, options (if_tsresol = 10^-9, end).
        let options: [UInt8] = le16(9) + le16(1) + [9, 0, 0, 0] + le16(0) + le16(0)
        block(type: 1, body: le16(Self.rawLinkType) + le16(0) + le32(262_144) + options)
    }

    /// Appends one datagram as an Enhanced Packet Block.
    public mutating func append(_ datagram: UDPDatagram) {
        let packet = Self.ipPacket(datagram)
        let timestamp = UInt64(bitPattern: datagram.timestampNanoseconds)
        var body = le32(0)
        body += le32(UInt32(truncatingIfNeeded: timestamp >> 32)) + le32(UInt32(truncatingIfNeeded: timestamp))
        body += le32(UInt32(packet.count)) + le32(UInt32(packet.count)) + packet
        body += [UInt8](repeating: 0, count: (4 - packet.count % 4) % 4)
        block(type: 6, body: body)
    }

    /// The bytes written since the last call (the headers first), leaving the writer empty: a recorder
    /// that streams to a file calls this after each `append` so memory stays bounded over a long session.
    /// The pieces concatenated are exactly what `bytes` would have held.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// A block: type, total length, body, total length again (every block is a multiple of 4 bytes).
    private mutating func block(type: UInt32, body: [UInt8]) {
        let total = UInt32(12 + body.count)
        bytes += le32(type) + le32(total) + body + le32(total)
    }

    /// The IP packet that carries `datagram`: IPv4 (RFC 791) or IPv6 (RFC 8200) header, UDP header
    /// (RFC 768) with its checksum over the pseudo-header.
    public static func ipPacket(_ datagram: UDPDatagram) -> [UInt8] {
        let udpLength = 8 + datagram.payload.count
        var udp = ByteWriter()
        udp.writeUInt16(datagram.source.port)
        udp.writeUInt16(datagram.destination.port)
        udp.writeUInt16(UInt16(truncatingIfNeeded: udpLength))
        udp.writeUInt16(0)
        udp.writeBytes(datagram.payload)
        var segment = udp.bytes
        var checksum = internetChecksum(pseudo(datagram, udpLength: udpLength) + segment)
        // A computed 0 is sent as all ones (RFC 768; mandatory in IPv6, RFC 8200 §8.1).
        if checksum == 0 { checksum = 0xFFFF }
        segment[6] = UInt8(checksum >> 8)
        segment[7] = UInt8(checksum & 0xFF)

        var ip = ByteWriter()
        if datagram.source.isIPv6 {
            ip.writeUInt32(0x6000_0000)
            ip.writeUInt16(UInt16(truncatingIfNeeded: udpLength))
            ip.writeUInt8(17)
            ip.writeUInt8(64)
        } else {
            ip.writeUInt8(0x45)
            ip.writeUInt8(0)
            ip.writeUInt16(UInt16(truncatingIfNeeded: 20 + udpLength))
            ip.writeUInt16(0)
            ip.writeUInt16(0x4000)  // don't fragment
            ip.writeUInt8(64)
            ip.writeUInt8(17)
            ip.writeUInt16(0)
        }
        ip.writeBytes(datagram.source.address)
        ip.writeBytes(datagram.destination.address)
        var header = ip.bytes
        if !datagram.source.isIPv6 {
            let checksum = internetChecksum(header)
            header[10] = UInt8(checksum >> 8)
            header[11] = UInt8(checksum & 0xFF)
        }
        return header + segment
    }

    /// The pseudo-header the UDP checksum covers: RFC 768 for IPv4, RFC 8200 §8.1 for IPv6.
    static func pseudo(_ datagram: UDPDatagram, udpLength: Int) -> [UInt8] {
        let addresses = datagram.source.address + datagram.destination.address
        if datagram.source.isIPv6 {
            return addresses + be32(UInt32(udpLength)) + [0, 0, 0, 17]
        }
        return addresses + [0, 17] + be16(UInt16(truncatingIfNeeded: udpLength))
    }

    /// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of 16-bit words.
    static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }
}

private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
private func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
private func be32(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
