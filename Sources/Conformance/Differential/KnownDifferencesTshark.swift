/// The tshark half of the known-differences table (issue 17): every kind of disagreement between our
/// codecs and Wireshark 4.0's dissectors found by `crucible fuzz run --differential tshark` over stun,
/// rtp, rtcp and sctp (README, "Differential fuzzing"), with the RFC rule that decides it.
///
/// Wireshark is a protocol analyzer: it shows what it can of a damaged packet and refuses (by an
/// exception or an expert error, `TsharkDissection.verdict`) only where a dissector cannot go on. So
/// most entries are ours refusing by a rule Wireshark does not check; a few are Wireshark refusing what
/// the RFC allows, or reading a field past its length.
extension KnownDifferences {
    static let tshark: [KnownDifference] = tsharkSTUN + tsharkRTP + tsharkRTCP + tsharkSCTP

    /// `part` is `whole` with some elements left out, in the same order.
    static func isSubsequence(_ part: [Substring], of whole: [Substring]) -> Bool {
        var rest = whole[...]
        for element in part {
            guard let index = rest.firstIndex(of: element) else { return false }
            rest = rest[(index + 1)...]
        }
        return true
    }

    /// Some packet of the RTCP compound `bytes`, framed by its length field (RFC 3550 §6.4.1), has P set.
    static func rtcpPacketPadded(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset + 4 <= bytes.count {
            if bytes[offset] & 0x20 != 0 { return true }
            offset += (Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3]) + 1) * 4
        }
        return false
    }

    /// The SCTP packet `bytes` has an INIT, INIT ACK or RE-CONFIG chunk with a parameter of `type` at its top
    /// level (RFC 9260 §3.2 and §3.2.1: chunks and parameters framed by their lengths, padded to 4 bytes).
    static func sctpHoldsParameter(_ bytes: [UInt8], type: UInt16) -> Bool {
        func word(_ at: Int) -> Int { at + 1 < bytes.count ? Int(bytes[at]) << 8 | Int(bytes[at + 1]) : 0 }
        var chunk = 12
        while chunk + 4 <= bytes.count {
            let length = word(chunk + 2)
            guard length >= 4 else { return false }
            let end = min(bytes.count, chunk + length)
            let first: [UInt8: Int] = [0x01: 20, 0x02: 20, 0x82: 4]
            if let start = first[bytes[chunk]] {
                var parameter = chunk + start
                while parameter + 4 <= end, word(parameter + 2) >= 4 {
                    if word(parameter) == Int(type) { return true }
                    parameter += (word(parameter + 2) + 3) & ~3
                }
            }
            chunk += (length + 3) & ~3
        }
        return false
    }

    /// Our accepted verdict's comma-separated `key` holds one of `elements` (`attrs` 001d, `chunks` 09).
    static func ourList(_ disagreement: Disagreement, _ key: String, holdsAny elements: Set<Substring>) -> Bool {
        (disagreement.ours.value(key) ?? "").split(separator: ",").contains(where: elements.contains)
    }

    /// Only `key` differs, and the oracle's comma-separated list of it leaves out (`theirs` shorter) or
    /// adds (`theirs` longer) elements of ours, keeping the order.
    static func listDiffers(_ key: String, theirsLonger: Bool) -> @Sendable (Disagreement) -> Bool {
        { disagreement in
            guard disagreement.kind == .fieldsDiffer([key]) else { return false }
            let ours = (disagreement.ours.value(key) ?? "").split(separator: ",")
            let theirs = (disagreement.theirs.value(key) ?? "").split(separator: ",")
            return theirsLonger ? isSubsequence(ours, of: theirs) : isSubsequence(theirs, of: ours)
        }
    }

    // MARK: - STUN

    static let tsharkSTUN: [KnownDifference] = [
        KnownDifference(
            id: "tshark.stun.header-and-attribute-checks", oracle: .tshark, target: .stun, judgement: .theirs,
            rule: "RFC 8489 §5 (magic cookie; length multiple of 4, counts the attributes), §14 (attributes within the message), §14.7 "
                + "(FINGERPRINT is last and matches), §14.1, §14.8, §14.11–14.12 (fixed lengths, families, ERROR-CODE range)",
            explanation: "Wireshark's STUN dissector shows attributes as it finds them: it does not verify FINGERPRINT, nor that "
                + "it is last, nor attribute lengths, address families, ERROR-CODE classes or bytes after the message, and it "
                + "shows an attribute cut by the message end as far as it goes; a header without the magic cookie it reads as "
                + "RFC 3489's classic STUN.",
            matches: weReject([
                "STUN.fingerprint-value", "STUN.fingerprint-last", "STUN.address-family", "STUN.attribute-length",
                "STUN.attribute-within-message", "STUN.error-code-range", "STUN.password-algorithm-parameters",
                "STUN.length-multiple-of-4", "STUN.length-matches-datagram", "STUN.truncated", "STUN.magic-cookie",
            ])),
        KnownDifference(
            id: "tshark.stun.password-algorithm-parameters", oracle: .tshark, target: .stun, judgement: .theirs,
            rule: "RFC 8489 §14.11–14.12: PASSWORD-ALGORITHM(S) is an algorithm, a 16-bit parameters length, the parameters "
                + "padded to 32 bits",
            explanation: "Wireshark 4.0's check is inverted: it shows the parameters when `length + 4 >= remaining` and otherwise "
                + "flags \"Too few bytes left for parameter data (remaining < length)\", so every well-formed PASSWORD-ALGORITHM "
                + "with room to spare is an error (e.g. \"8 < 6\").",
            matches: { disagreement in
                theyReject(["Too few bytes left for parameter data"])(disagreement)
                    && ourList(disagreement, "attrs", holdsAny: ["001d", "8002"])
            }),
        KnownDifference(
            id: "tshark.stun.unknown-methods", oracle: .tshark, target: .stun, judgement: .theirs,
            rule: "RFC 8489 §5: the method is any 12-bit value (IANA registry, §18.2); an agent answers a request of a method "
                + "it does not know with 400 (§6.3.1), so the message still parses",
            explanation: "Wireshark's STUN dissector declines messages whose method is not in its table (type 0x3fef, 0x0a01, "
                + "…): the datagram shows as data.",
            matches: theyReject(["not dissected as stun"])),
        KnownDifference(
            id: "tshark.stun.ms-turn-attributes", oracle: .tshark, target: .stun, judgement: .ambiguity,
            rule: "RFC 8489 §14 and §18.3: 0x8000–0xFFFF are comprehension-optional; an attribute's layout is the one its "
                + "registration gives, and 0x8050–0x808F are not IETF assignments",
            explanation: "Wireshark reads 0x8050–0x808F with the layouts of Microsoft's MS-TURN (Bandwidth Reservation "
                + "Identifier 0x8057, …) and throws when the value is shorter; our codec keeps comprehension-optional "
                + "attributes it does not model as type and bytes.",
            matches: { disagreement in
                guard theyReject(["Malformed Packet"])(disagreement) else { return false }
                return (disagreement.ours.value("attrs") ?? "").split(separator: ",").contains { type in
                    UInt16(type, radix: 16).map { (0x8050...0x808F).contains($0) } ?? false
                }
            }),
        KnownDifference(
            id: "tshark.stun.unknown-attribute-types", oracle: .tshark, target: .stun, judgement: .theirs,
            rule: "RFC 8489 §14: every attribute is a type-length-value; §14 and §15 keep unknown comprehension-required "
                + "types to list them in UNKNOWN-ATTRIBUTES",
            explanation: "For a type it does not know, Wireshark adds the expert note \"Unknown attribute\" instead of the "
                + "`stun.att.type` field, so its list of attribute types leaves those out.",
            matches: listDiffers("attrs", theirsLonger: false)),
    ]

    // MARK: - RTP

    static let tsharkRTP: [KnownDifference] = [
        KnownDifference(
            id: "tshark.rtp.rtcp-range-second-byte", oracle: .tshark, target: .rtp, judgement: .ambiguity,
            rule: "RFC 5761 §4: with RTP and RTCP on one port, a second byte of 192–223 (marker set, payload type 64–95) "
                + "is RTCP; on a port of its own the same bytes are valid RTP (RFC 3550 §5.1)",
            explanation: "Wireshark's RTP dissector hands such packets to RTCP (or declines them), as a multiplexing receiver "
                + "must; our RTP codec decodes the bytes it is given as RTP, and the demultiplexing (RFC 5761, RFC 7983) is "
                + "its caller's.",
            matches: { disagreement in
                guard disagreement.kind == .weAcceptTheyReject,
                      disagreement.ours.value("m") == "1", let type = disagreement.ours.value("pt").flatMap({ Int($0) })
                else { return false }
                return (64...95).contains(type)
            }),
        KnownDifference(
            id: "tshark.rtp.payload-formats", oracle: .tshark, target: .rtp, judgement: .ambiguity,
            rule: "RFC 3550 §5.1: the payload is opaque to RTP, its format set by the profile (RFC 3551 §6: static types) "
                + "or by signalling (dynamic types 96–127)",
            explanation: "Wireshark decodes some payloads by type — static JPEG, H.261, MPEG, G.723, and by its own defaults "
                + "the dynamic 99 as RED (RFC 2198) and 100–101 as telephone-event — and throws when the bytes are not that "
                + "format; our RTP codec is the RTP layer and leaves payload formats to theirs (a dynamic type means "
                + "nothing without signalling).",
            matches: { disagreement in
                guard disagreement.kind == .weAcceptTheyReject, let type = disagreement.ours.value("pt").flatMap({ Int($0) }) else { return false }
                return [4, 26, 31, 32, 33, 34, 99, 100, 101].contains(type)
            }),
        KnownDifference(
            id: "tshark.rtp.lenient-lengths", oracle: .tshark, target: .rtp, judgement: .theirs,
            rule: "RFC 3550 §5.1 (12-byte fixed header, CC CSRCs, the padding count within the packet) and §5.3.1 (the "
                + "extension's length in 32-bit words)",
            explanation: "Wireshark shows a padding count larger than the payload, or a CSRC list or header extension cut by "
                + "the datagram's end, without an error of its own.",
            matches: weReject(["RTP.padding", "RTP.extension-length", "RTP.csrc-list", "RTP.truncated", "RTP.version"])),
        KnownDifference(
            id: "tshark.rtp.extension-elements", oracle: .tshark, target: .rtp, judgement: .ambiguity,
            rule: "RFC 8285 §4.2–4.3: one-byte and two-byte elements; padding bytes may sit between elements, and a one-byte "
                + "ID of 15 ends the parsing",
            explanation: "Wireshark's RFC 5285 element parser throws (\"Malformed Packet\") on element layouts our codec reads "
                + "as the RFC's padding and terminator rules say; the extension's total length, which frames it (RFC 3550 "
                + "§5.3.1), is the same on both sides.",
            matches: { disagreement in
                guard disagreement.kind == .weAcceptTheyReject, disagreement.ours.value("x") == "1",
                      let reason = disagreement.theirs.rejection else { return false }
                return reason.contains("Malformed Packet") || reason.contains("Block length is greater than packet length")
            }),
    ]

    // MARK: - RTCP

    static let tsharkRTCP: [KnownDifference] = [
        KnownDifference(
            id: "tshark.rtcp.lenient-bodies", oracle: .tshark, target: .rtcp, judgement: .theirs,
            rule: "RFC 3550 §6.4.1 (the length bounds each packet, the version is 2, the padding count fits), §6.4–6.7 (report "
                + "counts, SDES items and null termination, BYE reason, APP data in 32-bit words), RFC 4585 §6.1–6.3, "
                + "RFC 3611 §3, draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1, RFC 8888 §3.1",
            explanation: "Wireshark shows what it can of a packet whose length runs past the datagram, a later packet of a "
                + "compound with another version, padding counts larger than the body, report blocks, SDES chunks, "
                + "feedback bodies and XR blocks cut short or not terminated, without an error of its own.",
            matches: weReject([
                "RTCP.length", "RTCP.version", "RTCP.padding", "RTCP.feedback-length", "RTCP.sdes-terminator", "RTCP.truncated",
                "RTCP.ccfb-block", "RTCP.bye-reason", "RTCP.rpsi-padding", "RTCP.report-count", "RTCP.twcc-status",
                "RTCP.remb-format", "RTCP.twcc-deltas", "RTCP.xr-block", "RTCP.sdes-item", "RTCP.app-data",
            ])),
        KnownDifference(
            id: "tshark.rtcp.twcc-symbols-past-status-count", oracle: .tshark, target: .rtcp, judgement: .theirs,
            rule: "draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1: packet_status_count says how many statuses the "
                + "chunks carry; symbols of the last chunk past it are padding",
            explanation: "Wireshark counts every symbol of a status vector chunk and flags \"Too many packet chunks\", then reads "
                + "receive deltas the packet does not have (\"Malformed Packet\", \"Trying to fetch an unsigned integer\"); "
                + "Corpus/rtcp/twcc-vector-symbols-past-status-count.bin is one.",
            matches: { disagreement in
                (theyReject(["Too many packet chunks", "Trying to fetch an unsigned integer"])(disagreement)
                    || theyReject(["Malformed Packet"])(disagreement) && disagreement.theirs.rejection?.contains(";") == false)
                    && ourRTCPHolds(disagreement, "205:15:")
            }),
        KnownDifference(
            id: "tshark.rtcp.app-name", oracle: .tshark, target: .rtcp, judgement: .ambiguity,
            rule: "RFC 3550 §6.7: the APP name is four octets \"interpreted as a sequence of four ASCII characters\"",
            explanation: "Wireshark refuses an APP packet whose name is not printable ASCII (\"Application name is not a "
                + "string\"); the RFC asks the name's author for ASCII but gives receivers no rule, and our codec keeps the "
                + "four octets as they are.",
            matches: { theyReject(["Application name is not a string"])($0) && ourRTCPHolds($0, "204:") }),
        KnownDifference(
            id: "tshark.rtcp.afb-bodies", oracle: .tshark, target: .rtcp, judgement: .theirs,
            rule: "RFC 4585 §6.4: an application layer feedback message's body is defined by the application",
            explanation: "Wireshark decodes every AFB as one of the applications it knows (REMB, …) and throws on other bodies "
                + "(\"Unknown Application Layer Feedback Type\", or an exception while it reads one as an application it "
                + "knows: \"Malformed Packet\").",
            matches: { theyReject(["Unknown Application Layer Feedback Type", "Malformed Packet"])($0) && ourRTCPHolds($0, "206:15:") }),
        KnownDifference(
            id: "tshark.rtcp.xr-block-constants", oracle: .tshark, target: .rtcp, judgement: .ambiguity,
            rule: "RFC 3611 §3: an XR packet is a sequence of blocks, each framed by its block length; §4.1–4.7 fix the "
                + "length of some block types",
            explanation: "Wireshark throws when a known block type has a length other than its constant (\"Invalid block "
                + "length, should be 8\"), a body shorter than its fields (a Duplicate RLE block of one word, §4.2), or a "
                + "block runs past the packet as it computes it; our codec frames every block by "
                + "its length field and keeps the bodies of types it does not model as they are (as for Pion, "
                + "`pion.rtcp.xr-blocks`).",
            matches: { theyReject(["Invalid block length", "Block length is greater than packet length", "Malformed Packet"])($0) && ourRTCPHolds($0, "207:") }),
        KnownDifference(
            id: "tshark.rtcp.padding-and-strings", oracle: .tshark, target: .rtcp, judgement: .ambiguity,
            rule: "RFC 3550 §6.4.1 (padding MUST only be on the last packet of a compound) and §6.5, §6.6 (SDES chunks and "
                + "the BYE reason end in null octets to a 32-bit boundary)",
            explanation: "Wireshark reads a padding bit on a packet that is not the last, and a BYE or SDES packet whose "
                + "strings are not null-padded as it expects, differently from its length field and throws on the rest "
                + "(\"Padding flag set on not final packet\", \"Reason string is not NULL padded\", \"Trailing stray "
                + "characters\"); our codec frames each packet by its length and reports the compound's padding rule as a "
                + "violation (`RTCPCompound.violations`, RTCP.compound-padding), not a parse error, as receivers accept it. "
                + "A BYE whose body is only padding (Corpus/rtcp/aiortc-bye-padding-only.bin) is one.",
            matches: { disagreement in
                theyReject(["Padding flag set on not final packet", "Reason string is not NULL padded", "Trailing stray characters"])(disagreement)
                    || (theyReject(["Malformed Packet"])(disagreement) && (ourRTCPHolds(disagreement, "203:") || ourRTCPHolds(disagreement, "202:")))
            }),
        KnownDifference(
            id: "tshark.rtcp.padded-bodies", oracle: .tshark, target: .rtcp, judgement: .theirs,
            rule: "RFC 3550 §6.4.1: with P set, the last octet counts the padding octets at the end of the packet, which "
                + "are not part of its body",
            explanation: "Wireshark reads feedback, SDES and BYE bodies without taking the padding off, so it decodes the "
                + "padding as more SLI entries, a longer reason or another packet, and throws or lists packets that are not "
                + "there.",
            matches: { disagreement in
                guard rtcpPacketPadded(disagreement.input) else { return false }
                return theyReject(["Malformed Packet"])(disagreement) || disagreement.kind == .fieldsDiffer(["layout"])
            }),
        KnownDifference(
            id: "tshark.rtcp.h261-fir-nack", oracle: .tshark, target: .rtcp, judgement: .ambiguity,
            rule: "RFC 3550 §6.4.1: the length field frames every packet; RFC 2032 §5.2.1–5.2.2 gave FIR (192) and NACK "
                + "(193) fixed bodies, and RFC 4587, which obsoletes RFC 2032, drops both",
            explanation: "Wireshark reads a FIR as header and SSRC whatever its length says (decoding the rest as the next "
                + "packet) and throws on a NACK shorter than RFC 2032's body; our codec frames these obsolete types by "
                + "their length and keeps their bodies as they are.",
            matches: { disagreement in
                (ourRTCPHolds(disagreement, "192:") || ourRTCPHolds(disagreement, "193:"))
                    && (theyReject(["Malformed Packet"])(disagreement) || disagreement.kind == .fieldsDiffer(["layout"]))
            }),
        KnownDifference(
            id: "tshark.rtcp.profile-extensions", oracle: .tshark, target: .rtcp, judgement: .theirs,
            rule: "RFC 3550 §6.4.1–6.4.2: an SR or RR may end with profile-specific extensions after its report blocks, "
                + "within its length",
            explanation: "Wireshark throws on bytes after the report blocks (\"Malformed Packet\"); "
                + "Corpus/rtcp/pion-rr-profile-extension.bin is one.",
            matches: { disagreement in
                theyReject(["Malformed Packet"])(disagreement) && (ourRTCPHolds(disagreement, "200:") || ourRTCPHolds(disagreement, "201:"))
            }),
        KnownDifference(
            id: "tshark.rtcp.packet-types", oracle: .tshark, target: .rtcp, judgement: .ambiguity,
            rule: "RFC 3550 §6.1 and §12.1: the packet type is 8 bits and receivers skip packets of types they do not know "
                + "by the length field; RFC 5761 §4 reserves 192–223 for RTCP on a shared port",
            explanation: "Wireshark stops decoding a compound at a packet type it does not know (so it lists fewer packets), "
                + "declines a datagram whose first type is outside 192–223, and reads 208–211 with the layouts of IEEE 1733 "
                + "AVB, RFC 5760 token, RFC 6284 port mapping and RFC 7272 IDMS, throwing when the body is not that; our codec frames every packet by its length and keeps the bodies of "
                + "types it does not model as they are.",
            matches: { disagreement in
                listDiffers("layout", theirsLonger: false)(disagreement)
                    || theyReject(["not dissected as rtcp", "Incorrect RTCP packet length"])(disagreement)
                    || (theyReject(["Malformed Packet"])(disagreement) && ["208:", "209:", "210:", "211:"].contains { ourRTCPHolds(disagreement, $0) })
            }),
    ]

    // MARK: - SCTP

    static let tsharkSCTP: [KnownDifference] = [
        KnownDifference(
            id: "tshark.sctp.lenient-lengths", oracle: .tshark, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3 (a packet is the common header and one or more chunks), §3.2 (chunk length at least 4, fixed "
                + "lengths of fixed chunks), §3.2.1 (parameter lengths), §3.3.10 (cause lengths)",
            explanation: "Wireshark shows a packet with no chunks, chunks, parameters and causes of impossible or wrong lengths "
                + "as far as it can without an error of its own.",
            matches: weReject([
                "SCTP.no-chunks", "SCTP.chunk-value-length", "SCTP.parameter-length", "SCTP.chunk-length", "SCTP.truncated",
                "SCTP.parameter-value-length", "SCTP.cause-value-length", "SCTP.cause-length",
            ])),
        KnownDifference(
            id: "tshark.sctp.parameter-length-padding", oracle: .tshark, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3.2.1: the Parameter Length does not include the padding, so it need not be a multiple of 4; "
                + "§3.2: the Chunk Length includes the padding of every parameter but the last, whose padding is the chunk's",
            explanation: "Wireshark raises \"Parameter length is not padded to a multiple of 4 bytes\" as an error on a packet "
                + "whose parameters are framed and padded as the RFC says (found by `--differential tshark` on a HEARTBEAT ACK "
                + "whose Heartbeat Info, 27 bytes, is the last parameter and is padded by the chunk's padding).",
            matches: theyReject(["Parameter length is not padded to a multiple of"])),
        KnownDifference(
            id: "tshark.sctp.nonzero-padding", oracle: .tshark, target: .sctp, judgement: .ambiguity,
            rule: "RFC 9260 §3.2: \"The sender MUST pad the chunk with all zero bytes … The receiver MUST ignore the padding "
                + "bytes\"",
            explanation: "Wireshark ignores non-zero padding; our strict codec reports the sender's breach of the first MUST "
                + "(SCTP.padding), as a conformance checker does. Reading it as the receiver's MUST instead would be a "
                + "tolerance (README, \"Tolerances\"), not a parse rule.",
            matches: weReject(["SCTP.padding"])),
        KnownDifference(
            id: "tshark.sctp.nested-chunks", oracle: .tshark, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3.3.10.6, §3.3.10.8 and §3.3.3.1: the Unrecognized Chunk Type and Unrecognized Parameters "
                + "causes and the Unrecognized Parameter carry what was not recognized as their value, as it was received",
            explanation: "Wireshark dissects the chunk inside an ERROR or ABORT cause as a chunk (its type joins `sctp.chunk_type`), "
                + "and the parameter inside an Unrecognized Parameter (type 8, §3.3.3.1, or the cause of §3.3.10.8) as a "
                + "parameter, and refuses them when that inner length runs past the value.",
            matches: { disagreement in
                if theyReject(["Malformed Packet"])(disagreement), sctpHoldsParameter(disagreement.input, type: 0x0008) { return true }
                return listDiffers("chunks", theirsLonger: true)(disagreement)
                    || (theyReject(["Chunk length", "Malformed Packet"])(disagreement)
                        && ourList(disagreement, "chunks", holdsAny: ["09", "06"]))
            }),
        KnownDifference(
            id: "tshark.sctp.sack-gap-blocks", oracle: .tshark, target: .sctp, judgement: .ambiguity,
            rule: "RFC 9260 §3.3.4: Gap Ack Block start and end offsets relative to the Cumulative TSN Ack",
            explanation: "Wireshark flags gap blocks whose end precedes their start or that are out of order as errors "
                + "(\"Malformed gap block\", \"Gap blocks not in strict order\"); the RFC gives their meaning, not a parse "
                + "rule, and our codec frames the SACK and leaves the blocks' consistency to the association.",
            matches: theyReject(["Malformed gap block", "Gap blocks not in strict order", "TSNs were gap-acknowledged"])),
        KnownDifference(
            id: "tshark.sctp.unregistered-chunk-types", oracle: .tshark, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3.2: a chunk type the endpoint does not implement is handled by its upper two bits and its "
                + "value is not parsed",
            explanation: "Wireshark decodes type 16 as NR-SACK (draft-natarajan-tsvwg-sctp-nrsack, never an RFC) and throws "
                + "when its gap block counts run past the chunk; our codec keeps a chunk of a type it does not implement as "
                + "its type, flags and bytes.",
            matches: { theyReject(["Malformed Packet"])($0) && ourList($0, "chunks", holdsAny: ["10"]) }),
        KnownDifference(
            id: "tshark.sctp.unimplemented-extensions", oracle: .tshark, target: .sctp, judgement: .ambiguity,
            rule: "RFC 9260 §3.2: a chunk type the endpoint does not implement is handled by its upper two bits; the "
                + "optional extensions define ECNE and CWR (RFC 9260 Appendix A), AUTH (RFC 4895 §4.2), ASCONF and "
                + "ASCONF-ACK (RFC 5061 §4.1)",
            explanation: "Our codec implements none of these (WebRTC's SCTP runs inside DTLS, RFC 8261, and uses neither ECN "
                + "nor address reconfiguration), so such a chunk is to it a chunk of a type it does not implement, kept as "
                + "bytes; Wireshark decodes them and throws on one too short for its fields (an ECNE without its TSN, an "
                + "AUTH without its HMAC identifier).",
            matches: { theyReject(["Malformed Packet"])($0) && ourList($0, "chunks", holdsAny: ["0c", "0d", "0f", "80", "c1"]) }),
        KnownDifference(
            id: "tshark.sctp.heartbeat-info", oracle: .tshark, target: .sctp, judgement: .ambiguity,
            rule: "RFC 9260 §3.3.5–3.3.6: HEARTBEAT and HEARTBEAT ACK carry one Heartbeat Info parameter (type 1)",
            explanation: "Wireshark throws on a HEARTBEAT or HEARTBEAT ACK without its parameter; our codec parses the chunk's "
                + "TLVs as they are and leaves the parameter's meaning to the association (as for Pion, "
                + "`pion.sctp.heartbeat-info`).",
            matches: { disagreement in
                theyReject(["Malformed Packet"])(disagreement)
                    && ourList(disagreement, "chunks", holdsAny: ["04", "05"])
            }),
    ]
}
