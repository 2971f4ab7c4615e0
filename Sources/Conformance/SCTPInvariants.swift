import SCTP

/// The SCTP-specific parts of the harnesses: the checksum invariant and the findings `decode` reports.
enum SCTPInvariants {
    /// DESIGN §4: a packet the parser accepted under a CRC-32c serialises with a checksum that verifies.
    @Sendable
    static func computedChecksumVerifies(_ packet: SCTPPacket) -> String? {
        guard packet.checksum == .crc32c else { return nil }
        return SCTPPacket.checksumIsValid(SCTPCodec.serialize(packet)) ? nil : "the serialised packet's CRC-32c does not verify"
    }

    /// Each finding as a check: unknown chunk and parameter types are information (the RFC says what to do
    /// with them); the others are rules the packet breaks.
    static func checks(_ packet: SCTPPacket) -> [Inspection.Check] {
        packet.findings.map { finding in
            let informational = finding.rule == .unrecognizedChunk || finding.rule == .unrecognizedParameter
            return Inspection.Check(name: finding.rule.id, passed: informational, detail: finding.description)
        }
    }
}
