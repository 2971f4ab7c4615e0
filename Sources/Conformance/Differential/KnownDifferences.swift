/// The known-differences table of differential fuzzing (issue 17): every disagreement between our
/// codecs and an independent decoder that is not our bug, with the RFC rule that decides it. A
/// disagreement that no entry explains is a finding (`DifferentialCheck`).
///
/// Third-party vectors already known to be wrong (`ProtocolCatalog.knownNegatives`: Pion's RTCP lengths)
/// are the same knowledge seen from the vector side; the RTCP entries here cite the same rules.
///
/// Triage of `crucible fuzz run --differential pion` over stun, rtp, rtcp, sctp and sdp (README,
/// "Differential fuzzing") found no bug of ours; every kind of disagreement it found is one entry below.
/// The tshark entries are in KnownDifferencesTshark.swift.
public enum KnownDifferences {
    public static let table: [KnownDifference] = pionPanics + pionSTUN + pionRTP + pionRTCP + pionSCTP + pionSDP + tshark

    // MARK: - Predicates

    /// We refused by one of `rules` (our rule ids) and the oracle accepted.
    static func weReject(_ rules: Set<String>) -> @Sendable (Disagreement) -> Bool {
        { $0.kind == .weRejectTheyAccept && $0.ourRule.map(rules.contains) == true }
    }

    /// We accepted and the oracle refused with a text containing one of `fragments`.
    static func theyReject(_ fragments: [String]) -> @Sendable (Disagreement) -> Bool {
        { disagreement in
            guard disagreement.kind == .weAcceptTheyReject, let reason = disagreement.theirs.rejection else { return false }
            return fragments.contains { reason.contains($0) }
        }
    }

    /// Our accepted RTCP compound holds a packet whose `type:count:` starts with `prefix`.
    static func ourRTCPHolds(_ disagreement: Disagreement, _ prefix: String) -> Bool {
        (disagreement.ours.value("packets") ?? "").split(separator: ",").contains { $0.hasPrefix(prefix) }
    }

    // MARK: - Pion, every target

    /// A panic inside Pion's parser (recovered by the oracle) is never the right answer to an input.
    static let pionPanics: [KnownDifference] = [
        (DifferentialTarget.stun, "RFC 8489 §14 (an attribute's length bounds its value)"),
        (.rtp, "RFC 3550 §5.3.1 and RFC 8285 §4.2 (the header extension's length bounds its elements)"),
        (.rtcp, "RFC 3550 §6.4.1 (the length field bounds each packet), RFC 4585 §6.1"),
        (.sctp, "RFC 9260 §3.2 and §3.2.1 (chunk and parameter lengths bound their values)"),
        (.sdp, "RFC 8866 §5"),
    ].map { target, rule in
        KnownDifference(
            id: "pion.\(target.rawValue).panic", oracle: .pion, target: target, judgement: .theirs, rule: rule,
            explanation: "Pion's parser panics (slice bounds or index out of range) on this input; the oracle recovers and "
                + "reports it as a refusal. Our codec bounds every read by the length fields the rule defines.",
            matches: theyReject(["panic:"]))
    }

    // MARK: - Pion STUN

    static let pionSTUN: [KnownDifference] = [
        KnownDifference(
            id: "pion.stun.header-checks", oracle: .pion, target: .stun, judgement: .theirs,
            rule: "RFC 8489 §5: the top two bits are zero, the length counts the attribute bytes and is a multiple of 4",
            explanation: "stun.Message.Decode checks the cookie and that the datagram is long enough, not the leading bits, "
                + "the length's alignment, nor bytes after the message (RFC 7983 demultiplexing relies on the leading bits).",
            matches: weReject(["STUN.leading-zero-bits", "STUN.length-multiple-of-4", "STUN.length-matches-datagram"])),
        KnownDifference(
            id: "pion.stun.attribute-values", oracle: .pion, target: .stun, judgement: .theirs,
            rule: "RFC 8489 §14.1, §14.8, §14.11–14.12; RFC 8445 §16.1; RFC 8656 §18.11 (fixed lengths, ranges, families)",
            explanation: "Decode keeps attribute values unread; Pion checks a value only in its getter, and its stun package "
                + "has none for ICE-CONTROLLED/PRIORITY lengths, PASSWORD-ALGORITHMS or REQUESTED-ADDRESS-FAMILY, nor an "
                + "ERROR-CODE class range check.",
            matches: weReject(["STUN.attribute-length", "STUN.error-code-range", "STUN.address-family", "STUN.password-algorithm-parameters"])),
        KnownDifference(
            id: "pion.stun.address-reserved-byte", oracle: .pion, target: .stun, judgement: .theirs,
            rule: "RFC 8489 §14.1–14.2: the first byte of an address value is reserved, \"MUST be ignored by receivers\"",
            explanation: "Pion reads the family as a 16-bit field, reserved byte included, so a non-zero reserved byte "
                + "fails its family check.",
            matches: { disagreement in
                guard disagreement.kind == .weAcceptTheyReject, let reason = disagreement.theirs.rejection,
                      let range = reason.range(of: "family: bad value "),
                      let value = UInt16(reason[range.upperBound...].prefix { $0.isNumber })
                else { return false }
                return value >> 8 != 0 && (value & 0xFF == 1 || value & 0xFF == 2)
            }),
        KnownDifference(
            id: "pion.stun.rfc5780-attributes", oracle: .pion, target: .stun, judgement: .ambiguity,
            rule: "RFC 8489 §14: comprehension-optional attributes (0x8000–0xFFFF) an agent does not understand may be ignored",
            explanation: "Pion decodes RESPONSE-ORIGIN (0x802B) and OTHER-ADDRESS (0x802C) of RFC 5780 §7.3–7.4; our codec does "
                + "not implement RFC 5780 and keeps them as unknown optional attributes, unchecked.",
            matches: theyReject(["0x802b:", "0x802c:"])),
        KnownDifference(
            id: "pion.stun.xor-mapped-address-0x8020", oracle: .pion, target: .stun, judgement: .ambiguity,
            rule: "RFC 8489 §18.3 registers XOR-MAPPED-ADDRESS as 0x0020 only",
            explanation: "Pion renames attribute type 0x8020 (the pre-RFC 5389 draft code point) to 0x0020; our codec keeps "
                + "the type on the wire, an unknown comprehension-optional attribute.",
            matches: { disagreement in
                // Pion then reads the 0x8020 attribute as XOR-MAPPED-ADDRESS and may refuse its value.
                if theyReject(["XOR-MAPPED-ADDRESS:"])(disagreement) {
                    let types = (disagreement.ours.value("attrs") ?? "").split(separator: ",")
                    return types.contains("8020")
                }
                guard disagreement.kind == .fieldsDiffer(["attrs"]), let ours = disagreement.ours.value("attrs") else { return false }
                let renamed = ours.split(separator: ",").map { $0 == "8020" ? "0020" : String($0) }.joined(separator: ",")
                return renamed == disagreement.theirs.value("attrs")
            }),
    ]

    // MARK: - Pion RTP

    static let pionRTP: [KnownDifference] = [
        KnownDifference(
            id: "pion.rtp.version", oracle: .pion, target: .rtp, judgement: .theirs,
            rule: "RFC 3550 §5.1: V identifies the version, 2", explanation: "rtp.Packet.Unmarshal does not check the version.",
            matches: weReject(["RTP.version"])),
        KnownDifference(
            id: "pion.rtp.padding", oracle: .pion, target: .rtp, judgement: .theirs,
            rule: "RFC 3550 §5.1: with P set, the last octet counts the padding octets including itself",
            explanation: "Pion takes a padding count of 0, or a P bit with no octet after the header, as no padding.",
            matches: weReject(["RTP.padding"])),
        KnownDifference(
            id: "pion.rtp.extension-elements", oracle: .pion, target: .rtp, judgement: .theirs,
            rule: "RFC 3550 §5.3.1: the extension is `length` 32-bit words; RFC 8285 §4.2–4.3: its elements lie within it",
            explanation: "Pion parses RFC 8285 elements without bounding them by the extension's length, so an element that "
                + "overruns the block either fails (\"buffer too small\") or moves the payload's start; our codec keeps the "
                + "block as its length says and leaves the elements to the extension layer.",
            matches: { disagreement in
                guard disagreement.ours.value("x") == "1" else { return false }
                switch disagreement.kind {
                case .weAcceptTheyReject: return disagreement.theirs.rejection == "buffer too small"
                case .fieldsDiffer(let keys): return keys == ["payload"]
                case .weRejectTheyAccept: return false
                }
            }),
    ]

    // MARK: - Pion RTCP

    static let pionRTCP: [KnownDifference] = [
        KnownDifference(
            id: "pion.rtcp.header-length-padding", oracle: .pion, target: .rtcp, judgement: .theirs,
            rule: "RFC 3550 §6.4.1: the length covers the packet, the report count fits it, padding ends in its own count",
            explanation: "Pion's per-type Unmarshal reads what it needs and does not check that the length, count and "
                + "padding agree with the bytes (ProtocolCatalog.knownNegatives lists Pion's own vectors that break this).",
            matches: weReject(["RTCP.length", "RTCP.padding", "RTCP.report-count"])),
        KnownDifference(
            id: "pion.rtcp.sdes-bye-app", oracle: .pion, target: .rtcp, judgement: .theirs,
            rule: "RFC 3550 §6.5 (SDES items, null terminator to a 32-bit boundary), §6.6 (BYE reason), §6.7 (APP data in words)",
            explanation: "Pion does not check item bounds, terminators, the reason's length or APP's word alignment.",
            matches: weReject(["RTCP.sdes-item", "RTCP.sdes-terminator", "RTCP.bye-reason", "RTCP.app-data"])),
        KnownDifference(
            id: "pion.rtcp.feedback-bodies", oracle: .pion, target: .rtcp, judgement: .theirs,
            rule: "RFC 4585 §6.1–6.3 (FCI lengths, RPSI padding), RFC 5104 §4.2 (TMMBR entries), RFC 8888 §3.1, "
                + "draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1 (status chunks, deltas)",
            explanation: "Pion accepts feedback whose FCI does not fit its format: short TMMBR, RPSI padding beyond the "
                + "bit string, zero-length TWCC runs and bytes after the last delta, cut RFC 8888 blocks.",
            matches: weReject(["RTCP.feedback-length", "RTCP.rpsi-padding", "RTCP.twcc-deltas", "RTCP.twcc-status", "RTCP.ccfb-block"])),
        KnownDifference(
            id: "pion.rtcp.xr-blocks", oracle: .pion, target: .rtcp, judgement: .ambiguity,
            rule: "RFC 3611 §3: an XR packet is a sequence of blocks, each framed by its block length",
            explanation: "Pion accepts XR block lengths that run past the packet (it falls back to raw bytes) and refuses some "
                + "well-framed blocks whose body it re-marshals to another size (\"wrong marshal size\"); our codec checks "
                + "the framing of every block and keeps bodies of types it does not model as they are.",
            matches: { weReject(["RTCP.xr-block"])($0) || (theyReject(["wrong marshal size"])($0) && ourRTCPHolds($0, "207:")) }),
        KnownDifference(
            id: "pion.rtcp.sli-packet-type", oracle: .pion, target: .rtcp, judgement: .theirs,
            rule: "RFC 4585 §6.3.2: SLI is payload-specific feedback, PT 206 FMT 2",
            explanation: "Pion's SliceLossIndication.Unmarshal demands PT 205 (transport feedback), so it refuses every real SLI.",
            matches: { theyReject(["wrong packet type"])($0) && ourRTCPHolds($0, "206:2:") }),
        KnownDifference(
            id: "pion.rtcp.afb-is-not-always-remb", oracle: .pion, target: .rtcp, judgement: .theirs,
            rule: "RFC 4585 §6.4: PSFB FMT 15 is application-layer feedback of any application; REMB "
                + "(draft-alvestrand-rmcat-remb-03 §2.2) is one of them",
            explanation: "Pion parses every FMT 15 packet as REMB and refuses the others (no \"REMB\" identifier, a media SSRC "
                + "other than 0, a body REMB would not pad that way); our codec keeps non-REMB AFB as it is.",
            matches: { theyReject(["REMB", "media SSRC must be 0", "invalid padding value", "packet too short"])($0) && ourRTCPHolds($0, "206:15:") }),
        KnownDifference(
            id: "pion.rtcp.padded-or-empty-packets", oracle: .pion, target: .rtcp, judgement: .theirs,
            rule: "RFC 3550 §6.4.1 (padding on the last packet of a compound), §6.6 (a BYE may name no source)",
            explanation: "Pion refuses padded SDES and BYE packets and a BYE whose body is only padding "
                + "(\"invalid header\", \"packet too short\").",
            matches: { disagreement in
                theyReject(["rtcp: invalid header", "rtcp: packet too short"])(disagreement)
                    && (ourRTCPHolds(disagreement, "202:") || ourRTCPHolds(disagreement, "203:"))
            }),
        KnownDifference(
            id: "pion.rtcp.twcc-symbols-past-status-count", oracle: .pion, target: .rtcp, judgement: .theirs,
            rule: "draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1: packet_status_count says how many statuses the "
                + "chunks carry; symbols of the last chunk past it are padding and have no receive delta",
            explanation: "Pion's TransportLayerCC.Unmarshal counts a receive delta for every received symbol of a status "
                + "vector chunk, past packet_status_count too, so it expects deltas the packet does not have (\"packet too "
                + "short\"); Corpus/rtcp/twcc-vector-symbols-past-status-count.bin is one.",
            matches: { theyReject(["packet too short"])($0) && ourRTCPHolds($0, "205:15:") }),
        KnownDifference(
            id: "pion.rtcp.ccfb-report-count", oracle: .pion, target: .rtcp, judgement: .ambiguity,
            rule: "RFC 8888 §3.1: num_reports counts the metric blocks that follow begin_seq",
            explanation: "Pion's CCFeedbackReport reads num_reports differently from our codec when blocks are padded to a "
                + "32-bit boundary; the block framing (SSRC, begin_seq, num_reports, padded metrics) is the same on both sides.",
            matches: { theyReject(["less reports than num_reports"])($0) && ourRTCPHolds($0, "205:11:") }),
    ]

    // MARK: - Pion SCTP

    static let pionSCTP: [KnownDifference] = [
        KnownDifference(
            id: "pion.sctp.unknown-chunks", oracle: .pion, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3.2: an unrecognized chunk type is skipped or reported by its upper two bits, not a parse error",
            explanation: "Pion's packet parser refuses every chunk type it does not implement (I-DATA, I-FORWARD-TSN, ASCONF, "
                + "AUTH, PAD, HEARTBEAT ACK, unassigned types); our codec keeps them.",
            matches: theyReject(["contains unknown chunk type"])),
        KnownDifference(
            id: "pion.sctp.unknown-parameters-and-causes", oracle: .pion, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3.2.1 (unrecognized parameters by their upper two bits), §3.3.10 (error causes are extensible), "
                + "RFC 6525 §4 (RE-CONFIG parameters)",
            explanation: "Pion refuses parameters and error causes it does not implement (several RE-CONFIG requests, "
                + "Unrecognized Parameters, most causes, HMAC identifiers outside RFC 4895 §6.1's list); our codec keeps each "
                + "as a TLV.",
            matches: theyReject([
                "unhandled ParamType", "BuildErrorCause does not handle", "failed to parse param type", "invalid algorithm type",
            ])),
        KnownDifference(
            id: "pion.sctp.chunk-flags", oracle: .pion, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3.3.2–3.3.3: INIT and INIT ACK flags are \"set to 0 on transmission and ignored on receipt\"",
            explanation: "Pion refuses INIT and INIT ACK chunks with flags set.",
            matches: theyReject(["flags must be all 0"])),
        KnownDifference(
            id: "pion.sctp.heartbeat-info", oracle: .pion, target: .sctp, judgement: .ambiguity,
            rule: "RFC 9260 §3.3.5: HEARTBEAT carries one Heartbeat Info parameter (type 1)",
            explanation: "Pion refuses a HEARTBEAT whose parameter is missing or of another type; our codec parses the chunk's "
                + "TLV as it is and leaves the parameter's meaning to the association, which answers with the bytes it got.",
            matches: theyReject(["heartbeat should only have HEARTBEAT param", "heartbeat is not long enough"])),
        KnownDifference(
            id: "pion.sctp.unpadded-last-chunk", oracle: .pion, target: .sctp, judgement: .ambiguity,
            rule: "RFC 9260 §3.2: chunks are padded to 4 bytes, and \"the receiver MUST ignore the padding\"; whether the last "
                + "chunk's padding may be absent is not said",
            explanation: "Our codec accepts a packet whose last chunk has no padding (and reproduces it, `lastChunkPadded`); "
                + "Pion wants the padding bytes present.",
            matches: theyReject(["not enough data for complete header"])),
        KnownDifference(
            id: "pion.sctp.lengths", oracle: .pion, target: .sctp, judgement: .theirs,
            rule: "RFC 9260 §3 (a packet carries chunks), §3.2 and §3.2.1 (chunk, parameter and cause lengths, padding), "
                + "§3.3.7–3.3.13 (fixed chunk lengths)",
            explanation: "Pion does not check fixed chunk lengths, parameter and cause lengths within their chunk, a parameter's "
                + "padding, or a packet with no chunk.",
            matches: weReject([
                "SCTP.no-chunks", "SCTP.chunk-value-length", "SCTP.padding", "SCTP.parameter-length", "SCTP.parameter-value-length",
                "SCTP.cause-length", "SCTP.cause-value-length",
            ])),
    ]

    // MARK: - Pion SDP

    static let pionSDP: [KnownDifference] = [
        KnownDifference(
            id: "pion.sdp.description-structure", oracle: .pion, target: .sdp, judgement: .theirs,
            rule: "RFC 8866 §5 (v=0, o, s, t required, in order, each once; CRLF or LF line ends; UTF-8), §5.2 (origin fields), §5.7 "
                + "(c= at session level or in every media section), §5.14 (media line)",
            explanation: "Pion's lexer accepts descriptions that miss required lines, put lines out of order, have a lone CR "
                + "or invalid UTF-8, or leave fields of o=, c= and m= empty.",
            matches: weReject([
                "SDP.truncated", "SDP.line-syntax", "SDP.invalid-utf8", "SDP.missing-origin", "SDP.missing-session-name",
                "SDP.line-order", "SDP.origin", "SDP.connection", "SDP.missing-connection", "SDP.media", "SDP.version",
                "SDP.timing", "SDP.missing-timing", "SDP.duplicate-line",
            ])),
        KnownDifference(
            id: "pion.sdp.attribute-grammar", oracle: .pion, target: .sdp, judgement: .ambiguity,
            rule: "RFC 8866 §6 and the attributes' own grammars: RFC 8839 §5 (candidate, ice-ufrag/pwd), RFC 8122 §5 "
                + "(fingerprint), RFC 8841 (sctp-port, max-message-size), RFC 8851–8853 (rid, simulcast), RFC 8830 (msid), "
                + "RFC 8285 §8 (extmap), RFC 4585 §4.2 (rtcp-fb), RFC 3605 (rtcp), RFC 5576 (ssrc), RFC 5888 §4–5 (mid, group), "
                + "RFC 4145 §4–5 (setup, connection)",
            explanation: "Pion keeps attribute values as strings and parses them only when asked; our codec checks each known "
                + "attribute's grammar at parse time (the strict checker of DESIGN §1.7; the engine's tolerant mode is separate).",
            matches: weReject([
                "SDP.attribute", "SDP.ice-parameter", "SDP.rtpmap", "SDP.fmtp", "SDP.candidate", "SDP.mid", "SDP.ssrc", "SDP.rid",
                "SDP.msid", "SDP.rtcp-fb", "SDP.extmap", "SDP.fingerprint", "SDP.sctp", "SDP.simulcast", "SDP.rtcp", "SDP.group",
                "SDP.setup", "SDP.attribute-value",
            ])),
        KnownDifference(
            id: "pion.sdp.uri", oracle: .pion, target: .sdp, judgement: .ambiguity,
            rule: "RFC 8866 §5.5: u=<uri> is a URI (RFC 3986), and the field is informational",
            explanation: "Pion parses u= with Go's url.Parse and refuses the description when that fails; our codec keeps "
                + "the text of this optional, informational field as it is.",
            matches: theyReject(["parse \""])),
        KnownDifference(
            id: "pion.sdp.extensible-tokens", oracle: .pion, target: .sdp, judgement: .theirs,
            rule: "RFC 8866 §5.2 and §5.14: <addrtype>, <media> and <proto> are tokens from IANA registries (§8.2), open to "
                + "new values",
            explanation: "Pion refuses media types, address types and transport protocols outside its own lists "
                + "(\"invalid value\", \"invalid numeric value\").",
            matches: theyReject(["sdp: invalid value", "sdp: invalid numeric value"])),
        KnownDifference(
            id: "pion.sdp.final-line-end", oracle: .pion, target: .sdp, judgement: .ambiguity,
            rule: "RFC 8866 §5: every line ends with CRLF (receivers should also accept LF)",
            explanation: "Pion refuses a description whose last line has no line end (EOF); our codec accepts it, and its "
                + "canonical form adds the CRLF (SDPCodec.canonicalize).",
            matches: { theyReject(["EOF"])($0) && $0.theirs.rejection == "EOF" }),
        KnownDifference(
            id: "pion.sdp.repeated-email-phone", oracle: .pion, target: .sdp, judgement: .theirs,
            rule: "RFC 8866 §5.6 and §9: email-fields = *(%x65 \"=\" email-address CRLF), likewise phone-fields: any number",
            explanation: "Pion's lexer accepts one e= line and then refuses a second (\"syntax error at pos N: \"=\"\" at the "
                + "second e=); Corpus/sdp/two-email-lines.sdp is one.",
            matches: { theyReject(["syntax error at pos"])($0) && $0.theirs.rejection?.hasSuffix("\"=\"") == true }),
        KnownDifference(
            id: "pion.sdp.session-id-overflow", oracle: .pion, target: .sdp, judgement: .theirs,
            rule: "RFC 8866 §5.2: <sess-id> and <sess-version> are 1*DIGIT, not bounded to 64 bits",
            explanation: "Pion keeps them as uint64 and wraps longer numbers silently; our codec keeps the digits.",
            matches: { disagreement in
                guard case .fieldsDiffer(let keys) = disagreement.kind, Set(keys).isSubset(of: ["o.id", "o.version"]) else { return false }
                return keys.allSatisfy { key in disagreement.ours.value(key).map { UInt64($0) == nil } ?? false }
            }),
    ]
}
