/// The address family byte of the address attributes (RFC 8489 §14.1) and of TURN's family attributes
/// (RFC 8656 §18.1, §18.11, §18.12).
public enum STUNAddressFamily: UInt8, Hashable, Sendable, CaseIterable {
    case ipv4 = 0x01
    case ipv6 = 0x02

    /// Bytes of the address itself.
    public var addressLength: Int { self == .ipv4 ? 4 : 16 }
}

/// An IPv4 or IPv6 address, held inline.
public enum STUNIPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    public var family: STUNAddressFamily {
        switch self {
        case .v4: .ipv4
        case .v6: .ipv6
        }
    }

    /// The address from 4 or 16 bytes; nil for any other count.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        switch bytes.count {
        case 4: self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16:
            var high: UInt64 = 0
            var low: UInt64 = 0
            for (index, byte) in bytes.enumerated() {
                if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
            }
            self = .v6(high: high, low: low)
        default: return nil
        }
    }

    /// The address in network byte order (4 or 16 bytes).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) }
        case .v6(let high, let low):
            let shifts: [UInt64] = [56, 48, 40, 32, 24, 16, 8, 0]
            return shifts.map { UInt8(truncatingIfNeeded: high >> $0) } + shifts.map { UInt8(truncatingIfNeeded: low >> $0) }
        }
    }

    /// Dotted quad for IPv4; RFC 5952 text for IPv6 (lowercase, longest run of two or more zero groups
    /// compressed to `::`).
    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let high, let low):
            let groups: [UInt16] = (0..<8).map { index in
                let word = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: word >> UInt64(48 - 16 * (index % 4)))
            }
            var bestStart = -1
            var bestLength = 0
            var index = 0
            while index < 8 {
                if groups[index] == 0 {
                    var end = index
                    while end < 8 && groups[end] == 0 { end += 1 }
                    if end - index > bestLength {
                        bestStart = index
                        bestLength = end - index
                    }
                    index = end
                } else {
                    index += 1
                }
            }
            let text = groups.map { String($0, radix: 16) }
            guard bestLength >= 2 else { return text.joined(separator: ":") }
            let head = text[0..<bestStart].joined(separator: ":")
            let tail = text[(bestStart + bestLength)...].joined(separator: ":")
            return head + "::" + tail
        }
    }
}

/// An IP address and port, as the address attributes carry them.
public struct STUNTransportAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: STUNIPAddress
    public var port: UInt16

    public init(_ address: STUNIPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `192.0.2.1:32853` or `[2001:db8::1]:32853`.
    public var description: String {
        switch address {
        case .v4: "\(address):\(port)"
        case .v6: "[\(address)]:\(port)"
        }
    }
}
