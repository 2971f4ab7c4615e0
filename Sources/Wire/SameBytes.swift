#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Array where Element == UInt8 {
    /// Whether both hold the same bytes: `==`, with `memcmp` doing the comparing. The generic `==` goes
    /// element by element, which the replay checker's byte-exact round trip (DESIGN §1.3) paid on every
    /// packet. Not constant-time: for secrets use Hashing's `constantTimeEqual`.
    public func sameBytes(as other: [UInt8]) -> Bool {
        guard count == other.count else { return false }
        return withUnsafeBytes { left in
            other.withUnsafeBytes { right in
                left.count == 0 || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0
            }
        }
    }
}
