public import SDP

extension OfferAnswer {
    /// A trickled candidate (W3C `RTCIceCandidateInit`: candidate, sdpMid, sdpMLineIndex) checked against
    /// `description` (W3C webrtc-pc §4.4.1.6 addIceCandidate, RFC 8840 §9).
    ///
    /// - `line` is `candidate:…` (what browsers trickle) or `a=candidate:…` (an SDP line, RFC 8839 §5.1);
    ///   numbers must be in canonical spelling (the standalone candidate codec keeps no verbatim form).
    /// - `sdpMid` wins over `sdpMLineIndex` (webrtc-pc §4.4.1.6); the one used must name a section, else
    ///   `.unknownMediaSection` (OperationError). A non-empty candidate with neither is refused the same way.
    /// - An empty `line` is an end-of-candidates indication: returns nil.
    /// - A `ufrag` extension that is not the description's ufrag is refused (webrtc-pc §4.4.1.6: the
    ///   usernameFragment must match), as is a candidate for a rejected section (it has no transport).
    public static func candidate(
        _ line: String, sdpMid: String?, sdpMLineIndex: Int?, in description: NegotiatedDescription
    ) throws(JSEPError) -> Candidate? {
        if line.isEmpty, sdpMid == nil, sdpMLineIndex == nil { return nil }  // end of candidates, all sections
        let section: MediaSection
        if let sdpMid {
            guard let found = description.sections.first(where: { $0.mid == sdpMid }) else {
                throw .unknownMediaSection(mid: sdpMid, index: sdpMLineIndex)
            }
            section = found
        } else if let sdpMLineIndex {
            guard description.sections.indices.contains(sdpMLineIndex) else {
                throw .unknownMediaSection(mid: nil, index: sdpMLineIndex)
            }
            section = description.sections[sdpMLineIndex]
        } else {
            throw .unknownMediaSection(mid: nil, index: nil)
        }
        if line.isEmpty { return nil }
        guard !section.isRejected else {
            throw .invalidCandidate("m= section \(section.index) is rejected (port 0) and has no transport")
        }
        let parsed: CandidateLine
        do { parsed = try CandidateCodec.parse(line) } catch { throw .invalidCandidate(error.description) }
        if let ufrag = parsed.candidate.ufrag, ufrag != description.credentials.ufrag {
            throw .invalidCandidate("ufrag \(ufrag) is not the description's \(description.credentials.ufrag)")
        }
        return parsed.candidate
    }

    /// Whether `new` restarts ICE relative to `old`: the ufrag or the pwd changed (RFC 8839 §4.4.1.1.1,
    /// RFC 8445 §9).
    public static func isICERestart(from old: NegotiatedDescription, to new: NegotiatedDescription) -> Bool {
        old.credentials.ufrag != new.credentials.ufrag || old.credentials.pwd != new.credentials.pwd
    }
}
