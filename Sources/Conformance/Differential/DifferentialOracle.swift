public import Foundation

/// An independent decoder that judges the same inputs as our codecs (issue 17): Pion's Go packages
/// through the project's own oracle program, or Wireshark's dissectors through tshark.
public protocol DifferentialOracle: AnyObject {
    /// Which oracle this is.
    var kind: DifferentialOracleKind { get }
    /// The oracle's verdicts on `inputs` of `target`, one per input and in order.
    func verdicts(_ inputs: [[UInt8]], target: DifferentialTarget) throws(DifferentialError) -> [CanonicalVerdict]
}

/// The oracles `crucible fuzz run --differential` knows.
public enum DifferentialOracleKind: String, CaseIterable, Sendable, Codable {
    /// Pion's stun, rtp, rtcp, sctp and sdp packages (Debian's golang-github-pion-*-dev), through
    /// Scripts/differential/pion-oracle, built by Scripts/differential/build-pion-oracle.
    case pion
    /// Wireshark's dissectors through tshark (Debian's tshark).
    case tshark

    /// The targets the oracle decodes: Pion all five; tshark all but SDP, which Wireshark dissects only
    /// inside a carrier (SIP, SAP, MGCP …), never as a datagram of its own.
    public var targets: [DifferentialTarget] {
        switch self {
        case .pion: DifferentialTarget.allCases
        case .tshark: [.stun, .rtp, .rtcp, .sctp]
        }
    }

    /// Starts the oracle for a checkout.
    public func start(repositoryRoot: URL) throws(DifferentialError) -> any DifferentialOracle {
        switch self {
        case .pion: try PionOracle(repositoryRoot: repositoryRoot)
        case .tshark: try TsharkOracle()
        }
    }
}

/// Why an oracle could not give its verdicts.
public enum DifferentialError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The oracle's program is not there: what to run to get it.
    case oracleMissing(path: String, remedy: String)
    /// The oracle did not start, died, or answered something unreadable.
    case oracleFailed(String)
    /// The oracle has no view of this target.
    case unsupportedTarget(DifferentialOracleKind, DifferentialTarget)

    public var description: String {
        switch self {
        case .oracleMissing(let path, let remedy): "differential oracle \(path) is missing: \(remedy)"
        case .oracleFailed(let reason): "differential oracle failed: \(reason)"
        case .unsupportedTarget(.tshark, .sdp):
            "the tshark oracle does not decode sdp: Wireshark dissects SDP only inside a carrier such as SIP, not as a datagram of its own"
        case .unsupportedTarget(let oracle, let target): "the \(oracle.rawValue) oracle does not decode \(target.rawValue)"
        }
    }
}
