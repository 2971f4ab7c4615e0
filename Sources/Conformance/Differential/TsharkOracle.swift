import Foundation

/// Wireshark's dissectors as a differential oracle, through tshark.
public final class TsharkOracle: DifferentialOracle {
    public let kind = DifferentialOracleKind.tshark

    public init() throws(DifferentialError) {
        throw .oracleFailed("the tshark oracle is not implemented yet")
    }

    public func verdicts(_ inputs: [[UInt8]], target: DifferentialTarget) throws(DifferentialError) -> [CanonicalVerdict] {
        throw .unsupportedTarget(kind, target)
    }
}
