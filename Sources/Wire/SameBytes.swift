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
        sameBytes(as: other, ignoring: 0..<0)
    }

    /// Whether both are as long and hold the same bytes outside `ignored` (a field compared otherwise,
    /// such as a checksum), with `memcmp` doing the comparing.
    public func sameBytes(as other: [UInt8], ignoring ignored: Range<Int>) -> Bool {
        guard count == other.count else { return false }
        let ignored = ignored.clamped(to: 0..<count)
        return withUnsafeBytes { left in
            other.withUnsafeBytes { right in
                func same(_ range: Range<Int>) -> Bool {
                    range.isEmpty || memcmp(left.baseAddress! + range.lowerBound, right.baseAddress! + range.lowerBound, range.count) == 0
                }
                return ignored.isEmpty ? same(0..<count) : same(0..<ignored.lowerBound) && same(ignored.upperBound..<count)
            }
        }
    }
}
