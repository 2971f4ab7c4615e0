/// A key for HMAC (RFC 2104) with one digest, prepared once and used for many messages.
///
/// The key's inner and outer padded blocks are hashed at creation; each message then costs a copy of
/// those two digest states plus the message's own blocks. STUN checks many messages under one ICE
/// password, so this is the cost that matters.
public struct HMACKey: Sendable {
    public let algorithm: DigestAlgorithm
    private let inner: DigestState
    private let outer: DigestState

    @inlinable
    public init<Key: Collection>(_ algorithm: DigestAlgorithm, key: Key) where Key.Element == UInt8 {
        self = withContiguousBytes(key) { HMACKey(algorithm, keyBuffer: $0) }
    }

    /// The non-generic core of `init(_:key:)`.
    public init(_ algorithm: DigestAlgorithm, keyBuffer: UnsafeRawBufferPointer) {
        self.algorithm = algorithm
        // RFC 2104 §2: a key longer than the block is hashed first; then it is zero-padded to the block.
        // B is the digest's block length: 64 bytes, or 128 for SHA-384.
        let blockLength = algorithm.blockLength
        var block = keyBuffer.count > blockLength ? algorithm.hash(buffer: keyBuffer) : Array(keyBuffer)
        block += [UInt8](repeating: 0, count: blockLength - block.count)
        var inner = DigestState(algorithm)
        var outer = DigestState(algorithm)
        block.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update($0) }
        block.map { $0 ^ 0x5C }.withUnsafeBytes { outer.update($0) }
        self.inner = inner
        self.outer = outer
    }

    /// Starts a MAC over a message given in pieces (or one to `verify` without allocating).
    public func start() -> HMAC { HMAC(inner: inner, outer: outer) }

    /// The MAC of `message`.
    @inlinable
    public func authenticationCode<Bytes: Collection>(for message: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        withContiguousBytes(message) { authenticationCode(buffer: $0) }
    }

    /// The non-generic core of `authenticationCode(for:)`.
    public func authenticationCode(buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var mac = start()
        mac.update(buffer: buffer)
        return mac.finalize()
    }
}

/// A MAC in progress: feed it pieces with `update`, then `finalize`, or `verify` a received code.
public struct HMAC: Sendable {
    private var inner: DigestState
    private let outer: DigestState

    init(inner: DigestState, outer: DigestState) {
        self.inner = inner
        self.outer = outer
    }

    /// The digest this MAC is computed with.
    public var algorithm: DigestAlgorithm { inner.algorithm }

    @inlinable
    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        withContiguousBytes(bytes) { update(buffer: $0) }
    }

    /// The non-generic core of `update(_:)`.
    public mutating func update(buffer: UnsafeRawBufferPointer) {
        inner.update(buffer)
    }

    /// The MAC: the outer hash over the inner digest (RFC 2104 §2).
    public func finalize() -> [UInt8] {
        withDigestBuffer { code in
            finalize(into: code)
            return [UInt8](UnsafeRawBufferPointer(rebasing: code[..<algorithm.outputLength]))
        }
    }

    /// Writes the MAC to the first `algorithm.outputLength` bytes of `output`, allocating nothing.
    /// The MAC in progress is left as it was.
    ///
    /// - Precondition: `output` has room for `algorithm.outputLength` bytes.
    public func finalize(into output: UnsafeMutableRawBufferPointer) {
        var inner = self.inner
        var outer = self.outer
        let length = algorithm.outputLength
        withDigestBuffer { digest in
            inner.finalize(into: digest)
            outer.update(UnsafeRawBufferPointer(rebasing: digest[..<length]))
        }
        outer.finalize(into: output)
    }

    /// Finishes the MAC and compares it with a received `code` in constant time, allocating nothing.
    ///
    /// `code` is the whole MAC or, as RFC 2104 §5 allows, its leading bytes: no fewer than half of
    /// them and no fewer than 10 (80 bits). A code of any other length is rejected, so an empty or
    /// too short value can never match by construction. Callers with stricter rules (STUN's
    /// MESSAGE-INTEGRITY-SHA256 wants 16–32 bytes in steps of 4) check them first.
    @inlinable
    public func verify<Bytes: Collection>(_ code: Bytes) -> Bool where Bytes.Element == UInt8 {
        withContiguousBytes(code) { verify(buffer: $0) }
    }

    /// The non-generic core of `verify(_:)`.
    public func verify(buffer code: UnsafeRawBufferPointer) -> Bool {
        let length = algorithm.outputLength
        guard code.count <= length, code.count >= max(10, length / 2) else { return false }
        return withDigestBuffer { computed in
            finalize(into: computed)
            return constantTimeEqual(buffers: UnsafeRawBufferPointer(rebasing: computed[..<code.count]), code)
        }
    }
}
