import Hashing
public import SansIO
import Wire

/// The record of everything a simulation did, one line per event: `<instant> <host> <event> <details>`.
///
/// Every line feeds a running HMAC-SHA-256 (keyed with ``hashKey``) over the lines joined by newlines, so
/// the hash of a long run costs no memory; how many lines are kept as text is the ``Retention``.
/// The same seed gives the same lines, hence the same ``hash`` (DESIGN §1.5).
public struct Trace {
    /// How many lines a trace keeps as text. The hash and the count always cover every line.
    public enum Retention: Hashable, Sendable {
        /// Keep only the hash and the count.
        case none
        /// Keep the most recent lines, at most this many.
        case last(Int)
        /// Keep every line.
        case all
    }

    /// The HMAC key of ``hash``; any fixed key turns HMAC into a plain incremental hash of the text.
    public static let hashKey = Array("crucible.simulation.trace".utf8)

    public let retention: Retention
    /// Lines recorded so far.
    public private(set) var count = 0
    private var hasher = HMACKey(.sha256, key: Trace.hashKey).start()
    private var ring: [String] = []
    private var ringStart = 0

    public init(retention: Retention) {
        self.retention = retention
    }

    /// Appends a line (without its newline).
    public mutating func record(_ line: String) {
        count += 1
        hasher.update(Array(line.utf8) + [0x0A])
        switch retention {
        case .none:
            break
        case .all:
            ring.append(line)
        case .last(let limit):
            guard limit > 0 else { break }
            if ring.count < limit {
                ring.append(line)
            } else {
                ring[ringStart] = line
                ringStart = (ringStart + 1) % limit
            }
        }
    }

    /// The lines kept, oldest first.
    public var lines: [String] {
        Array(ring[ringStart...] + ring[..<ringStart])
    }

    /// HMAC-SHA-256 (key ``hashKey``) of every line recorded, each followed by a newline, in lowercase hex.
    public var hash: String {
        Hex.encode(hasher.finalize())
    }

    /// An instant as seconds with nanosecond precision, the way trace lines print it: `12.345678901`.
    public static func format(_ instant: Instant) -> String {
        let fraction = String(instant.nanoseconds % 1_000_000_000)
        return "\(instant.nanoseconds / 1_000_000_000).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
    }
}
