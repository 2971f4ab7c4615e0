import Conformance
import RTP
import Testing
import Wire

@Suite("RTCP vectors (rtp_rtcp_packets.txt: pion/rtcp and aiortc test data), judged as the RFCs do")
struct RTCPVectorTests {
    /// Every RTCP vector of the file and what RFC 3550/4585/5104 make of it. Several pion "valid"
    /// cases have a length field that does not match their bytes (the file's header warns): those are
    /// rejected, whatever pion's lenient parser did.
    static let table: [(heading: String, outcome: Outcome<RTCPRule>)] = [
        // Length 7 (32 bytes) cannot hold SR's 24 bytes plus RC = 1 report block (RFC 3550 §6.4.1).
        ("TestSenderReportUnmarshal/'valid'", .reject(.reportCount)),
        ("TestSenderReportUnmarshal/'with extension'", .accept),
        ("TestReceiverReportUnmarshal/'valid'", .accept),
        // RFC 3550 §6.4.2 allows a profile-specific extension after the report blocks; Wireshark's
        // "malformed" is its own limitation.
        ("TestReceiverReportUnmarshal/'valid with extension data'", .accept),
        // Length fields of 12, 12, 16 and 24 words for packets of 3, 3, 4 and 6 words.
        ("TestSourceDescriptionUnmarshal/'zero item chunk'", .reject(.length)),
        ("TestSourceDescriptionUnmarshal/'empty string'", .reject(.length)),
        ("TestSourceDescriptionUnmarshal/'two items'", .reject(.length)),
        ("TestSourceDescriptionUnmarshal/'two chunks'", .reject(.length)),
        ("TestGoodbyeUnmarshal/'valid'", .reject(.length)),
        ("TestGoodbyeUnmarshal/'short reason'", .reject(.length)),
        ("TestTApplicationPacketUnmarshal/'valid'", .accept),
        ("TestTApplicationPacketUnmarshal/'validCustomSsubType'", .accept),
        // RFC 3550 §6.7: APP data "must be a multiple of 32 bits long"; here it is 5 bytes, the
        // packet padding (RFC 3550 §6.4.1) only squares the total.
        ("TestTApplicationPacketUnmarshal/'validWithPadding'", .reject(.appData)),
        ("TestTransportLayerNackUnmarshal/'valid'", .accept),
        ("TestRapidResynchronizationRequestUnmarshal/'valid'", .accept),
        ("'example1'", .accept),
        // Symbol 3 ("11") is reserved in draft-holmer-…-01 §3.1.1; pion reads it as "received without delta".
        ("'example2'", .reject(.twccStatus)),
        // P is set but the last octet is 0: a padding count must count itself (RFC 3550 §6.4.1).
        ("'example3'", .reject(.padding)),
        ("'example4'", .accept),
        // The 3 padding octets the P bit claims overlap the fourth receive delta.
        ("'example5'", .reject(.twccDeltas)),
        // Wireshark's "too many packet chunks": the last run-length chunk (not received × 48) reaches past
        // the 9 packets counted. The draft does not forbid a last chunk longer than needed (vector chunks
        // always may be), and every counted symbol and delta is consistent, so it is accepted.
        ("'example6'", .accept),
        ("'example7'", .accept),
        ("'EmtpyReport'", .accept),
        ("rfc8888_test.go TestCCFeedbackReportUnmarshalMarshal/'Report'", .accept),
        ("TestPictureLossIndicationUnmarshal/'valid'", .accept),
        // RFC 4585 §6.3.2: SLI is PSFB (PT 206) FMT 2. Encoded as RTPFB (205) FMT 2 it is an unassigned
        // transport-layer FMT, which RFC 4585 §6.1 tells receivers to ignore: kept as `.other`, not an SLI.
        ("'SLI'", .accept),
        ("TestFullIntraRequestUnmarshal/'valid'", .accept),
        ("TestFullIntraRequestUnmarshal/'also valid'", .accept),
        ("REMB (PT 206 FMT 15)", .accept),
        ("Compound RTCP 'from a packet dump'", .accept),
        ("rtcp_bye.bin", .accept),
        // SC = 17 sources in a one-word packet.
        ("rtcp_bye_invalid.bin", .reject(.reportCount)),
        ("rtcp_bye_no_sources.bin", .accept),
        // P set, count 4: the whole body is padding, which RFC 3550 §6.4.1 allows (a BYE with SC = 0).
        ("rtcp_bye_padding.bin", .accept),
        // PSFB without the media source SSRC (RFC 4585 §6.1).
        ("rtcp_psfb_invalid.bin", .reject(.feedbackLength)),
        ("rtcp_psfb_pli.bin", .accept),
        ("rtcp_rr.bin", .accept),
        // RR of one word: no room for the reporter SSRC plus RC = 1 block.
        ("rtcp_rr_invalid.bin", .reject(.reportCount)),
        ("rtcp_rtpfb.bin", .accept),
        ("rtcp_rtpfb_invalid.bin", .reject(.feedbackLength)),
        ("rtcp_sdes.bin", .accept),
        // A length of 7 words over 32 bytes of RR-shaped data: the CNAME-less item list runs off the chunk.
        ("rtcp_sdes_item_truncated.bin", .reject(.sdesItem)),
        // Length 0: the SDES packet is only its header, but SC = 1 promises a chunk.
        ("rtcp_sdes_source_truncated.bin", .reject(.sdesItem)),
        ("rtcp_sr.bin", .accept),
        ("rtcp_sr_invalid.bin", .reject(.length)),
    ]

    static func rtcpVectors() throws -> [HexVector] {
        try SharedFolder.hexVectors("rtp_rtcp_packets.txt").filter { RTPMultiplexKind(datagram: $0.bytes) == .rtcp }
    }

    @Test("Every RTCP vector of the file is in the table")
    func tableCoversFile() throws {
        let vectors = try Self.rtcpVectors()
        #expect(vectors.count == Self.table.count)
        for vector in vectors {
            let matches = Self.table.filter { vector.heading.contains($0.heading) }
            #expect(matches.count == 1, "\(vector.heading): \(matches.count) table rows")
        }
    }

    @Test("Each RTCP vector is accepted (and round-trips) or rejected with the rule the RFC names")
    func outcomes() throws {
        let vectors = try Self.rtcpVectors()
        for (heading, outcome) in Self.table {
            let bytes = try #require(vector(vectors, heading), "\(heading)").bytes
            switch outcome {
            case .accept:
                do {
                    let compound = try RTCPCodec.parse(bytes)
                    #expect(RTCPCodec.serialize(compound) == bytes, "\(heading)")
                } catch {
                    Issue.record("\(heading): expected accept, got \(error)")
                }
            case .reject(let rule):
                do {
                    let compound = try RTCPCodec.parse(bytes)
                    Issue.record("\(heading): expected \(rule.id), accepted \(compound)")
                } catch {
                    #expect(error.rule == rule, "\(heading): \(error)")
                }
            }
        }
    }

    @Test("aiortc rtcp_sr.bin: SR fields and one report block")
    func senderReport() throws {
        let bytes = try #require(vector(try Self.rtcpVectors(), "rtcp_sr.bin")).bytes
        let compound = try RTCPCodec.parse(bytes)
        guard case .senderReport(let sr) = compound.packets.first?.body else { Issue.record("not an SR"); return }
        #expect(sr.ssrc == 1_831_097_322)
        #expect(sr.ntpTimestamp == 16_016_567_581_311_369_308)
        #expect(sr.rtpTimestamp == 1_722_342_718)
        #expect(sr.packetCount == 269 && sr.octetCount == 13557)
        #expect(sr.reports.count == 1)
    }

    @Test("aiortc rtcp_rr.bin: report block fields")
    func receiverReport() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "rtcp_rr.bin")).bytes)
        guard case .receiverReport(let rr) = compound.packets.first?.body else { Issue.record("not an RR"); return }
        #expect(rr.ssrc == 817_267_719)
        #expect(rr.reports == [ReportBlock(ssrc: 1_200_895_919, highestSequence: 630, jitter: 1906)])
    }

    @Test("pion REMB: a real Chrome packet announces 8927168 bps for SSRC 1215622422")
    func remb() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "REMB (PT 206")).bytes)
        guard case .payloadFeedback(let feedback) = compound.packets.first?.body, case .remb(let remb) = feedback.message else {
            Issue.record("not REMB"); return
        }
        #expect(remb.bitrate == 8_927_168)
        #expect(remb.ssrcs == [1_215_622_422])
    }

    @Test("aiortc rtcp_rtpfb.bin: generic NACK entries list the lost sequence numbers (RFC 4585 §6.2.1)")
    func nack() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "rtcp_rtpfb.bin")).bytes)
        guard case .transportFeedback(let feedback) = compound.packets.first?.body,
              case .nack(let media, let pairs) = feedback.message else { Issue.record("not a NACK"); return }
        #expect(feedback.senderSSRC == 2_336_520_123 && media == 4_145_934_052)
        #expect(pairs.count == 10)
        #expect(pairs[0].lostSequenceNumbers == [12])
        #expect(pairs[4].lostSequenceNumbers == [110, 123])
    }

    @Test("pion TWCC example1: one run of one small delta, 0x94 · 250 µs")
    func twcc() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "'example1'")).bytes)
        guard case .transportFeedback(let feedback) = compound.packets.first?.body,
              case .transportWideCC(_, let twcc) = feedback.message else { Issue.record("not TWCC"); return }
        #expect(twcc.baseSequence == 0x99 && twcc.statusCount == 1)
        #expect(twcc.chunks == [.runLength(symbol: 1, length: 1)])
        #expect(twcc.deltas == [0x94])
        #expect(compound.packets[0].padding == [1])
    }

    @Test("pion RFC 8888 'Report': two blocks, 4 and 3 metrics, the odd count padded")
    func ccfb() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "'Report'")).bytes)
        guard case .transportFeedback(let feedback) = compound.packets.first?.body,
              case .congestionControl(let ccfb) = feedback.message else { Issue.record("not CCFB"); return }
        #expect(ccfb.blocks.map(\.metrics.count) == [4, 3])
        #expect(ccfb.reportTimestamp == 1)
    }

    @Test("pion's 'SLI' with PT 205 is not an SLI: RFC 4585 §6.3.2 puts SLI in PSFB (206)")
    func sliWrongPacketType() throws {
        let bytes = try #require(vector(try Self.rtcpVectors(), "'SLI'")).bytes
        let compound = try RTCPCodec.parse(bytes)
        guard case .transportFeedback(let feedback) = compound.packets.first?.body else { Issue.record("not RTPFB"); return }
        #expect(feedback.message == .other(format: 2, fci: [0x90, 0x2F, 0x9E, 0x2E, 0x55, 0x50, 0x00, 0x2C]))
        // The same bytes with PT 206 are the SLI RFC 4585 defines.
        var fixed = bytes
        fixed[1] = 206
        let corrected = try RTCPCodec.parse(fixed)
        guard case .payloadFeedback(let psfb) = corrected.packets.first?.body else { Issue.record("not PSFB"); return }
        #expect(psfb.message == .sliceLoss([SLIEntry(first: UInt16(0x5550_002C >> 19), number: UInt16((0x5550_002C >> 6) & 0x1FFF), pictureID: 0x2C)]))
    }

    @Test("pion compound packet: RR first, CNAME present; packets after the sender's BYE are reported (RFC 3550 §6.1)")
    func compoundRules() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "Compound RTCP")).bytes)
        #expect(compound.packets.map(\.packetType) == [201, 202, 203, 206, 205, 204])
        #expect(!compound.isReducedSize)
        // PLI and RRR come from the SSRC that said BYE; the APP is from another source.
        #expect(compound.violations.map(\.rule) == [.compoundByeLast, .compoundByeLast])
    }

    @Test("A lone PLI is a reduced-size RTCP packet (RFC 5506 §3.1): no compound violations")
    func reducedSize() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "rtcp_psfb_pli.bin")).bytes)
        #expect(compound.isReducedSize)
        #expect(compound.violations.isEmpty)
    }

    @Test("An RR alone breaks the CNAME rule of RFC 3550 §6.1, reported and not thrown")
    func missingCNAME() throws {
        let compound = try RTCPCodec.parse(try #require(vector(try Self.rtcpVectors(), "rtcp_rr.bin")).bytes)
        #expect(compound.violations.map(\.rule) == [.compoundCNAME])
    }
}
