import Hashing
import Wire

/// A key for MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256, prepared once for many messages.
///
/// Make one with `STUNCredentials.shortTermKey(password:)` or `longTermKey(...)`, or from raw bytes.
public struct STUNKey: Sendable {
    /// The HMAC key bytes (RFC 8489 §9.1.1, §9.2.2).
    public let bytes: [UInt8]
    let sha1: HMACKey
    let sha256: HMACKey

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        sha1 = HMACKey(.sha1, key: bytes)
        sha256 = HMACKey(.sha256, key: bytes)
    }
}

/// The outcome of checking one integrity or fingerprint attribute.
public enum STUNVerification: Hashable, Sendable {
    /// The attribute is present and its value is right.
    case valid
    /// The attribute is present and its value is wrong (or of a length its definition forbids).
    case invalid
    /// The message has no such attribute.
    case absent
}

extension STUNMessage {
    /// Checks the first MESSAGE-INTEGRITY: HMAC-SHA1 over the message up to it, with the header length
    /// counting up to its end (RFC 8489 §14.5).
    public func verifyMessageIntegrity(key: STUNKey) -> STUNVerification {
        guard let index = attributes.firstIndex(where: { $0.type == .messageIntegrity }) else { return .absent }
        let stored = attributes[index].value
        guard stored.count == 20 else { return .invalid }
        return macMatches(key.sha1, before: index, stored) ? .valid : .invalid
    }

    /// Checks the first MESSAGE-INTEGRITY-SHA256: HMAC-SHA256 over the message up to it, the header
    /// length counting up to its end, compared over the value's length, which may be a truncation to
    /// 16–32 bytes in steps of 4 (RFC 8489 §14.6).
    public func verifyMessageIntegritySHA256(key: STUNKey) -> STUNVerification {
        guard let index = attributes.firstIndex(where: { $0.type == .messageIntegritySHA256 }) else { return .absent }
        let stored = attributes[index].value
        guard stored.count >= 16, stored.count <= 32, stored.count % 4 == 0 else { return .invalid }
        return macMatches(key.sha256, before: index, stored) ? .valid : .invalid
    }

    /// Checks a FINGERPRINT in last position: CRC-32 of everything before it XOR 0x5354554e (RFC 8489
    /// §14.7). A FINGERPRINT elsewhere is `.invalid` (a parse rejects it).
    public func verifyFingerprint() -> STUNVerification {
        guard let index = attributes.firstIndex(where: { $0.type == .fingerprint }) else { return .absent }
        let stored = attributes[index].value
        guard index == attributes.count - 1, stored.count == 4 else { return .invalid }
        let found = stored.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return found == fingerprint(before: index) ? .valid : .invalid
    }

    /// The message with a MESSAGE-INTEGRITY computed under `key` appended. Any FINGERPRINT,
    /// MESSAGE-INTEGRITY and MESSAGE-INTEGRITY-SHA256 are dropped first, because nothing a receiver
    /// reads may follow the integrity attribute (§14.5); add a fingerprint after with `withFingerprint()`.
    public func withMessageIntegrity(key: STUNKey) -> STUNMessage {
        var message = self
        message.attributes.removeAll {
            $0.type == .fingerprint || $0.type == .messageIntegrity || $0.type == .messageIntegritySHA256
        }
        let index = message.attributes.count
        message.attributes.append(STUNAttribute(type: .messageIntegrity, value: repeatElement(0, count: 20)))
        let mac = key.sha1.authenticationCode(for: message.integrityInput(before: index))
        message.attributes[index] = STUNAttribute(type: .messageIntegrity, value: mac)
        return message
    }

    /// The message with a MESSAGE-INTEGRITY-SHA256 of `length` bytes (16–32, a multiple of 4; other
    /// values are clamped to that) appended. A FINGERPRINT and an earlier MESSAGE-INTEGRITY-SHA256 are
    /// dropped first; a MESSAGE-INTEGRITY stays, so `withMessageIntegrity(key:)
    /// .withMessageIntegritySHA256(key:)` gives the both-attributes form §14.6 allows.
    public func withMessageIntegritySHA256(key: STUNKey, length: Int = 32) -> STUNMessage {
        let length = min(32, max(16, length)) & ~3
        var message = self
        message.attributes.removeAll { $0.type == .fingerprint || $0.type == .messageIntegritySHA256 }
        let index = message.attributes.count
        message.attributes.append(STUNAttribute(type: .messageIntegritySHA256, value: repeatElement(0, count: length)))
        let mac = key.sha256.authenticationCode(for: message.integrityInput(before: index))
        message.attributes[index] = STUNAttribute(type: .messageIntegritySHA256, value: mac[..<length])
        return message
    }

    /// The message with any FINGERPRINT removed and a correct one appended (RFC 8489 §14.7).
    public func withFingerprint() -> STUNMessage {
        var message = self
        message.attributes.removeAll { $0.type == .fingerprint }
        let index = message.attributes.count
        message.attributes.append(STUNAttribute(type: .fingerprint, value: repeatElement(0, count: 4)))
        let value = message.fingerprint(before: index)
        message.attributes[index] = STUNAttribute(
            type: .fingerprint, value: [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) })
        return message
    }

    /// Header and the attributes before `index`, with the header's length field counting up to the end
    /// of the attribute at `index`: the input of all three checks (RFC 8489 §14.5–14.7).
    func integrityInput(before index: Int) -> [UInt8] {
        withIntegrityInput(before: index) { [UInt8]($0) }
    }

    /// The same input as `integrityInput(before:)`, lent to `body` from a temporary buffer: the checks
    /// read it once, so building an array for it (a heap allocation and, on Linux, a metadata lookup
    /// per call) was wasted.
    func withIntegrityInput<Result>(before index: Int, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let byteCount = encodedCount(attributeCount: index)
        let headerLength = byteCount - STUNMessage.headerLength + attributes[index].encodedLength
        return withEncoded(attributeCount: index, byteCount: byteCount, headerLength: headerLength, body)
    }

    func fingerprint(before index: Int) -> UInt32 {
        withIntegrityInput(before: index) { CRC32.checksum($0) } ^ STUNMessage.fingerprintXOR
    }

    /// Whether `stored` is the MAC under `key` of the input for the attribute at `index`, compared in
    /// constant time. Nothing is allocated: the input comes from a temporary buffer and the MAC is
    /// finished into one on the stack.
    func macMatches(_ key: HMACKey, before index: Int, _ stored: ArraySlice<UInt8>) -> Bool {
        var mac = key.start()
        withIntegrityInput(before: index) { mac.update(buffer: $0) }
        return stored.withUnsafeBytes { mac.verify(buffer: $0) }
    }
}
