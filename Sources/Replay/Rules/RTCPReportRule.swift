import RTP

/// Sender and receiver reports against the media the capture carries (RFC 3550 §6.4.1): a sender's
/// reports move forward in time and count, and a receiver never reports a sequence number that was
/// not sent. Warnings: a capture taken on one host may see a report before the packets it counts.
public struct RTCPReportRule: PacketRule {
    public static let rules = [senderReportMonotonic, receiverReportBeyondSent]

    public static let senderReportMonotonic = ReplayRule(
        id: "RTCP.sr-monotonic", reference: "RFC 3550 §6.4.1", severity: .warning,
        summary: "a sender's reports have non-decreasing NTP timestamps and packet and octet counts")
    public static let receiverReportBeyondSent = ReplayRule(
        id: "RTCP.rr-beyond-sent", reference: "RFC 3550 §6.4.1", severity: .warning,
        summary: "a report block's extended highest sequence number was sent by its source (as far as the capture shows)")

    private struct Report { let ntp: UInt64; let packets: UInt32; let octets: UInt32 }
    private var lastReports: [UInt32: Report] = [:]
    /// Highest RTP sequence number seen per SSRC (16 bits: report blocks are judged modulo 2^16).
    private var highestSequence: [UInt32: UInt16] = [:]

    public init() {}

    public mutating func observe(_ decoded: DecodedPacket) -> [ReplayFinding] {
        switch decoded.content {
        case .rtp(let header):
            let sequence = header.sequenceNumber
            if let highest = highestSequence[header.ssrc], Int16(bitPattern: sequence &- highest) <= 0 { return [] }
            highestSequence[header.ssrc] = sequence
            return []
        case .rtcp(let compound):
            var findings: [ReplayFinding] = []
            func finding(_ rule: ReplayRule, _ detail: String) {
                findings.append(ReplayFinding(rule, frame: decoded.packet.frame, flow: decoded.packet.flow, detail))
            }
            for packet in compound.packets {
                let blocks: [ReportBlock]
                switch packet.body {
                case .senderReport(let report):
                    blocks = report.reports
                    let current = Report(ntp: report.ntpTimestamp, packets: report.packetCount, octets: report.octetCount)
                    if let previous = lastReports[report.ssrc],
                        current.ntp < previous.ntp || current.packets < previous.packets || current.octets < previous.octets
                    {
                        finding(
                            Self.senderReportMonotonic,
                            "SSRC 0x\(String(report.ssrc, radix: 16)): SR (NTP \(current.ntp), \(current.packets) packets, \(current.octets) octets) after (NTP \(previous.ntp), \(previous.packets), \(previous.octets))")
                    }
                    lastReports[report.ssrc] = current
                case .receiverReport(let report):
                    blocks = report.reports
                default:
                    continue
                }
                for block in blocks {
                    guard let highest = highestSequence[block.ssrc] else { continue }
                    let reported = UInt16(truncatingIfNeeded: block.highestSequence)
                    if Int16(bitPattern: reported &- highest) > 0 {
                        finding(
                            Self.receiverReportBeyondSent,
                            "report on SSRC 0x\(String(block.ssrc, radix: 16)) says sequence \(reported) was received; the highest sent so far is \(highest)")
                    }
                }
            }
            return findings
        default:
            return []
        }
    }
}
