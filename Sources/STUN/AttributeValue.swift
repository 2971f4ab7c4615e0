/// The typed value of an attribute this codec knows, and `.unknown` for the rest.
///
/// Addresses of the XOR-… attributes are held in the clear: encoding and decoding apply the XOR with
/// the magic cookie and transaction ID (RFC 8489 §14.2). Text attributes are decoded as UTF-8,
/// replacing invalid sequences (the raw bytes stay in `STUNAttribute.value`).
public enum STUNAttributeValue: Hashable, Sendable {
    // RFC 8489 §14
    case mappedAddress(STUNTransportAddress)
    case xorMappedAddress(STUNTransportAddress)
    case username(String)
    /// SHA-256 of `username:realm` (32 bytes, RFC 8489 §14.4).
    case userhash([UInt8])
    /// HMAC-SHA1 (20 bytes, §14.5).
    case messageIntegrity([UInt8])
    /// HMAC-SHA256, possibly truncated (16–32 bytes, a multiple of 4, §14.6).
    case messageIntegritySHA256([UInt8])
    /// CRC-32 of the message XOR 0x5354554e (§14.7).
    case fingerprint(UInt32)
    case errorCode(STUNErrorCode)
    case realm(String)
    case nonce(String)
    case passwordAlgorithm(STUNPasswordAlgorithm)
    case passwordAlgorithms([STUNPasswordAlgorithm])
    case unknownAttributes([UInt16])
    case software(String)
    case alternateServer(STUNTransportAddress)
    case alternateDomain(String)
    // RFC 8445 §16.1
    case priority(UInt32)
    case useCandidate
    /// The tie-breaker of an agent in the controlled role.
    case iceControlled(UInt64)
    /// The tie-breaker of an agent in the controlling role.
    case iceControlling(UInt64)
    // RFC 8656 §18
    case channelNumber(UInt16)
    /// Seconds.
    case lifetime(UInt32)
    case xorPeerAddress(STUNTransportAddress)
    case data([UInt8])
    case xorRelayedAddress(STUNTransportAddress)
    case requestedAddressFamily(STUNAddressFamily)
    /// The R bit: also reserve the next-higher port.
    case evenPort(reserveNext: Bool)
    /// An IP protocol number: 17 for UDP (RFC 8656 §18.7).
    case requestedTransport(UInt8)
    case dontFragment
    case reservationToken(UInt64)
    case additionalAddressFamily(STUNAddressFamily)
    case addressErrorCode(family: STUNAddressFamily, STUNErrorCode)
    case icmp(type: UInt8, code: UInt8, data: UInt32)
    /// Any other attribute: its type and value bytes.
    case unknown(type: STUNAttributeType, value: [UInt8])

    /// The attribute type this value is encoded as.
    public var type: STUNAttributeType {
        switch self {
        case .mappedAddress: .mappedAddress
        case .xorMappedAddress: .xorMappedAddress
        case .username: .username
        case .userhash: .userhash
        case .messageIntegrity: .messageIntegrity
        case .messageIntegritySHA256: .messageIntegritySHA256
        case .fingerprint: .fingerprint
        case .errorCode: .errorCode
        case .realm: .realm
        case .nonce: .nonce
        case .passwordAlgorithm: .passwordAlgorithm
        case .passwordAlgorithms: .passwordAlgorithms
        case .unknownAttributes: .unknownAttributes
        case .software: .software
        case .alternateServer: .alternateServer
        case .alternateDomain: .alternateDomain
        case .priority: .priority
        case .useCandidate: .useCandidate
        case .iceControlled: .iceControlled
        case .iceControlling: .iceControlling
        case .channelNumber: .channelNumber
        case .lifetime: .lifetime
        case .xorPeerAddress: .xorPeerAddress
        case .data: .data
        case .xorRelayedAddress: .xorRelayedAddress
        case .requestedAddressFamily: .requestedAddressFamily
        case .evenPort: .evenPort
        case .requestedTransport: .requestedTransport
        case .dontFragment: .dontFragment
        case .reservationToken: .reservationToken
        case .additionalAddressFamily: .additionalAddressFamily
        case .addressErrorCode: .addressErrorCode
        case .icmp: .icmp
        case .unknown(let type, _): type
        }
    }
}

// MARK: - Validation (at parse time, without allocating)

extension STUNAttributeValue {
    /// Checks the length and the fields a parse rejects for a known attribute type (see `STUNRule`).
    /// `valueOffset` is the offset of the value's first byte, for errors.
    @inline(__always)
    static func validate(_ type: STUNAttributeType, _ value: ArraySlice<UInt8>, valueOffset: Int) throws(STUNError) {
        let length = value.count
        func require(_ ok: Bool, _ expected: @autoclosure () -> String) throws(STUNError) {
            guard ok else {
                throw STUNError(.attributeLength, at: valueOffset - 2, "\(type) has length \(length), expected \(expected())")
            }
        }
        func byte(_ index: Int) -> UInt8 { value[value.startIndex + index] }  // callers check length first
        switch type {
        case .mappedAddress, .xorMappedAddress, .alternateServer, .xorPeerAddress, .xorRelayedAddress:
            try require(length >= 4, "8 (IPv4) or 20 (IPv6)")
            guard let family = STUNAddressFamily(rawValue: byte(1)) else {
                throw STUNError(.addressFamily, at: valueOffset + 1, "\(type) family 0x\(String(byte(1), radix: 16)), expected 1 or 2")
            }
            try require(length == 4 + family.addressLength, family == .ipv4 ? "8 for IPv4" : "20 for IPv6")
        case .userhash: try require(length == 32, "32")
        case .messageIntegrity: try require(length == 20, "20")
        case .messageIntegritySHA256: try require(length >= 16 && length <= 32 && length % 4 == 0, "16 to 32, a multiple of 4")
        case .fingerprint, .priority, .channelNumber, .lifetime, .requestedTransport: try require(length == 4, "4")
        case .iceControlled, .iceControlling, .reservationToken, .icmp: try require(length == 8, "8")
        case .useCandidate, .dontFragment: try require(length == 0, "0")
        case .evenPort: try require(length == 1, "1")
        case .unknownAttributes: try require(length % 2 == 0, "a multiple of 2")
        case .errorCode:
            try require(length >= 4, "at least 4")
            try validateErrorCode(errorClass: byte(2) & 0x07, number: byte(3), offset: valueOffset + 2)
        case .addressErrorCode:
            try require(length >= 4, "at least 4")
            try validateFamily(byte(0), type, offset: valueOffset)
            try validateErrorCode(errorClass: byte(2) & 0x07, number: byte(3), offset: valueOffset + 2)
        case .requestedAddressFamily, .additionalAddressFamily:
            try require(length == 4, "4")
            try validateFamily(byte(0), type, offset: valueOffset)
        case .passwordAlgorithm:
            var index = 0
            try validatePasswordAlgorithm(value, at: &index, valueOffset: valueOffset)
            guard index == length else {
                throw STUNError(.passwordAlgorithmParameters, at: valueOffset + index, "\(length - index) byte(s) after the parameters")
            }
        case .passwordAlgorithms:
            var index = 0
            while index < length { try validatePasswordAlgorithm(value, at: &index, valueOffset: valueOffset) }
        default:
            break  // text, DATA and unknown attributes: any length
        }
    }

    private static func validateFamily(_ family: UInt8, _ type: STUNAttributeType, offset: Int) throws(STUNError) {
        guard STUNAddressFamily(rawValue: family) != nil else {
            throw STUNError(.addressFamily, at: offset, "\(type) family 0x\(String(family, radix: 16)), expected 1 or 2")
        }
    }

    private static func validateErrorCode(errorClass: UInt8, number: UInt8, offset: Int) throws(STUNError) {
        guard (3...6).contains(errorClass), number < 100 else {
            throw STUNError(.errorCodeRange, at: offset, "class \(errorClass) number \(number), expected class 3–6 and number 0–99")
        }
    }

    /// One algorithm entry: number (2), parameters length (2), parameters padded to 4.
    private static func validatePasswordAlgorithm(_ value: ArraySlice<UInt8>, at index: inout Int, valueOffset: Int) throws(STUNError) {
        let left = value.count - index
        guard left >= 4 else {
            throw STUNError(.passwordAlgorithmParameters, at: valueOffset + index, "\(left) byte(s) left, an algorithm needs 4")
        }
        let base = value.startIndex + index
        let parameterLength = Int(value[base + 2]) << 8 | Int(value[base + 3])
        let padded = parameterLength + STUNAttribute.paddingCount(forValueLength: parameterLength)
        guard padded <= left - 4 else {
            throw STUNError(.passwordAlgorithmParameters, at: valueOffset + index + 2,
                            "parameters of \(parameterLength) byte(s) overflow the \(left - 4) left")
        }
        index += 4 + padded
    }
}

// MARK: - Decoding

extension STUNAttribute {
    /// The typed value. Errors are those `STUNMessage.parse` reports, with offsets counted from the
    /// attribute's first header byte; an attribute from a parsed message always decodes.
    public func decode(transactionID: STUNTransactionID) throws(STUNError) -> STUNAttributeValue {
        try STUNAttributeValue.validate(type, value, valueOffset: 4)
        let v = value
        let s = v.startIndex
        func u16(_ i: Int) -> UInt16 { UInt16(v[s + i]) << 8 | UInt16(v[s + i + 1]) }
        func u32(_ i: Int) -> UInt32 { UInt32(u16(i)) << 16 | UInt32(u16(i + 2)) }
        func u64(_ i: Int) -> UInt64 { UInt64(u32(i)) << 32 | UInt64(u32(i + 4)) }
        func text() -> String { String(decoding: v, as: UTF8.self) }
        func address(xor: Bool) -> STUNTransportAddress {
            var port = u16(2)
            var ip: STUNIPAddress
            if v[s + 1] == STUNAddressFamily.ipv4.rawValue {
                ip = .v4(u32(4))
            } else {
                ip = .v6(high: u64(4), low: u64(12))
            }
            if xor {
                port ^= UInt16(truncatingIfNeeded: STUNMessage.magicCookie >> 16)
                ip = ip.xored(with: transactionID)
            }
            return STUNTransportAddress(ip, port: port)
        }
        func errorCode(from index: Int) -> STUNErrorCode {
            let code = UInt16(v[s + 2] & 0x07) * 100 + UInt16(v[s + 3])
            return STUNErrorCode(code: code, reason: String(decoding: v[(s + index)...], as: UTF8.self))
        }
        func algorithms() -> [STUNPasswordAlgorithm] {
            var result: [STUNPasswordAlgorithm] = []
            var index = 0
            while index + 4 <= v.count {
                let length = Int(u16(index + 2))
                let start = s + index + 4
                result.append(STUNPasswordAlgorithm(number: u16(index), parameters: Array(v[start..<(start + length)])))
                index += 4 + length + STUNAttribute.paddingCount(forValueLength: length)
            }
            return result
        }
        switch type {
        case .mappedAddress: return .mappedAddress(address(xor: false))
        case .xorMappedAddress: return .xorMappedAddress(address(xor: true))
        case .alternateServer: return .alternateServer(address(xor: false))
        case .xorPeerAddress: return .xorPeerAddress(address(xor: true))
        case .xorRelayedAddress: return .xorRelayedAddress(address(xor: true))
        case .username: return .username(text())
        case .realm: return .realm(text())
        case .nonce: return .nonce(text())
        case .software: return .software(text())
        case .alternateDomain: return .alternateDomain(text())
        case .userhash: return .userhash(Array(v))
        case .messageIntegrity: return .messageIntegrity(Array(v))
        case .messageIntegritySHA256: return .messageIntegritySHA256(Array(v))
        case .fingerprint: return .fingerprint(u32(0))
        case .errorCode: return .errorCode(errorCode(from: 4))
        case .passwordAlgorithm: return .passwordAlgorithm(algorithms()[0])  // validated: exactly one
        case .passwordAlgorithms: return .passwordAlgorithms(algorithms())
        case .unknownAttributes: return .unknownAttributes(stride(from: 0, to: v.count, by: 2).map { u16($0) })
        case .priority: return .priority(u32(0))
        case .useCandidate: return .useCandidate
        case .iceControlled: return .iceControlled(u64(0))
        case .iceControlling: return .iceControlling(u64(0))
        case .channelNumber: return .channelNumber(u16(0))
        case .lifetime: return .lifetime(u32(0))
        case .data: return .data(Array(v))
        case .requestedAddressFamily: return .requestedAddressFamily(STUNAddressFamily(rawValue: v[s]) ?? .ipv4)
        case .additionalAddressFamily: return .additionalAddressFamily(STUNAddressFamily(rawValue: v[s]) ?? .ipv4)
        case .evenPort: return .evenPort(reserveNext: v[s] & 0x80 != 0)
        case .requestedTransport: return .requestedTransport(v[s])
        case .dontFragment: return .dontFragment
        case .reservationToken: return .reservationToken(u64(0))
        case .addressErrorCode: return .addressErrorCode(family: STUNAddressFamily(rawValue: v[s]) ?? .ipv4, errorCode(from: 4))
        case .icmp: return .icmp(type: v[s + 2], code: v[s + 3], data: u32(4))
        default: return .unknown(type: type, value: Array(v))
        }
    }
}

extension STUNIPAddress {
    /// The address XORed with the magic cookie (IPv4) or the cookie and transaction ID (IPv6), RFC 8489
    /// §14.2. Applying it twice gives the address back.
    func xored(with transactionID: STUNTransactionID) -> STUNIPAddress {
        switch self {
        case .v4(let value): .v4(value ^ STUNMessage.magicCookie)
        case .v6(let high, let low):
            .v6(high: high ^ (UInt64(STUNMessage.magicCookie) << 32 | UInt64(transactionID.high)), low: low ^ transactionID.low)
        }
    }
}

// MARK: - Encoding

extension STUNAttribute {
    /// The attribute for a typed value, with zero padding. Values outside a field's range are encoded
    /// as far as the field allows (an error code's class is `code / 100` masked to 3 bits).
    public init(_ value: STUNAttributeValue, transactionID: STUNTransactionID) {
        var w: [UInt8] = []
        func u16(_ x: UInt16) { w.append(UInt8(truncatingIfNeeded: x >> 8)); w.append(UInt8(truncatingIfNeeded: x)) }
        func u32(_ x: UInt32) { u16(UInt16(truncatingIfNeeded: x >> 16)); u16(UInt16(truncatingIfNeeded: x)) }
        func u64(_ x: UInt64) { u32(UInt32(truncatingIfNeeded: x >> 32)); u32(UInt32(truncatingIfNeeded: x)) }
        func address(_ a: STUNTransportAddress, xor: Bool) {
            w.append(0)
            w.append(a.address.family.rawValue)
            u16(xor ? a.port ^ UInt16(truncatingIfNeeded: STUNMessage.magicCookie >> 16) : a.port)
            w.append(contentsOf: (xor ? a.address.xored(with: transactionID) : a.address).bytes)
        }
        func errorCode(_ e: STUNErrorCode) {
            w.append((e.errorClass) & 0x07)
            w.append(e.number)
            w.append(contentsOf: e.reason.utf8)
        }
        func algorithm(_ a: STUNPasswordAlgorithm) {
            u16(a.number)
            u16(UInt16(truncatingIfNeeded: a.parameters.count))
            w.append(contentsOf: a.parameters)
            w.append(contentsOf: repeatElement(0, count: STUNAttribute.paddingCount(forValueLength: a.parameters.count)))
        }
        switch value {
        case .mappedAddress(let a), .alternateServer(let a): address(a, xor: false)
        case .xorMappedAddress(let a), .xorPeerAddress(let a), .xorRelayedAddress(let a): address(a, xor: true)
        case .username(let t), .realm(let t), .nonce(let t), .software(let t), .alternateDomain(let t):
            w.append(contentsOf: t.utf8)
        case .userhash(let b), .messageIntegrity(let b), .messageIntegritySHA256(let b), .data(let b):
            w = b
        case .fingerprint(let x), .priority(let x), .lifetime(let x): u32(x)
        case .errorCode(let e):
            u16(0)
            errorCode(e)
        case .passwordAlgorithm(let a): algorithm(a)
        case .passwordAlgorithms(let list): list.forEach(algorithm)
        case .unknownAttributes(let types): types.forEach(u16)
        case .useCandidate, .dontFragment: break
        case .iceControlled(let x), .iceControlling(let x), .reservationToken(let x): u64(x)
        case .channelNumber(let n):
            u16(n)
            u16(0)
        case .requestedAddressFamily(let f), .additionalAddressFamily(let f):
            w = [f.rawValue, 0, 0, 0]
        case .evenPort(let reserve): w = [reserve ? 0x80 : 0]
        case .requestedTransport(let p): w = [p, 0, 0, 0]
        case .addressErrorCode(let family, let e):
            w = [family.rawValue, 0]
            errorCode(e)
        case .icmp(let type, let code, let data):
            w = [0, 0, type, code]
            u32(data)
        case .unknown(_, let b): w = b
        }
        self.init(type: value.type, value: w)
    }
}
