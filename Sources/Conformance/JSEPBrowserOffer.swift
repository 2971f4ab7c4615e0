/// An offer as Chromium writes it (M120-era `createOffer` with a microphone, a camera and a data
/// channel), for the `jsep-signaling` target: BUNDLE over three sections, `a=extmap-allow-mixed`,
/// `a=msid-semantic`, `a=rtcp` placeholders, transport-cc and RED, G722/PCMU/PCMA/CN, telephone-event,
/// VP8/VP9/H264 each with RTX, SSRC groups and the data section last. Every variant is a valid offer.
enum JSEPBrowserOffer {
    /// `bits`: 0x01 new ICE credentials (an ICE restart, RFC 8839 §4.4.1.1.1); 0x02 no data section;
    /// 0x04 the camera section rejected (port 0, out of BUNDLE); 0x08 the microphone sendonly; 0x10 the
    /// data section in the pre-RFC 8841 `DTLS/SCTP 5000` form with `a=sctpmap` (Safari, old Firefox).
    static func text(bits: UInt8, version: Int) -> String {
        let ufrag = bits & 0x01 != 0 ? "Vq4m" : "kJ7q"
        let pwd = bits & 0x01 != 0 ? "cUv4GmqJ0yrqmgq1JmQOeHf5" : "Xh3cH0zKLPRIqA8U9bTnyPq1"
        let transport = [
            "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0", "a=ice-ufrag:\(ufrag)", "a=ice-pwd:\(pwd)", "a=ice-options:trickle",
            "a=fingerprint:sha-256 3F:8B:6A:51:0E:C2:94:7D:1A:E6:55:0B:93:2C:D8:74:6F:A1:08:E9:C3:5B:72:4D:16:F0:8A:27:BE:39:C4:61",
            "a=setup:actpass",
        ]
        let videoRejected = bits & 0x04 != 0
        let data = bits & 0x02 == 0
        var bundle = ["0"]
        if !videoRejected { bundle.append("1") }
        if data { bundle.append("2") }
        var lines = [
            "v=0", "o=- 4611731400430051336 \(version) IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE \(bundle.joined(separator: " "))",
            "a=extmap-allow-mixed", "a=msid-semantic: WMS 5b1f2c3a-stream",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
        ]
        lines += transport
        lines += [
            "a=mid:0", "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", bits & 0x08 != 0 ? "a=sendonly" : "a=sendrecv",
            "a=msid:5b1f2c3a-stream 9d2e-audio-track", "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1", "a=rtpmap:63 red/48000/2", "a=fmtp:63 111/111", "a=rtpmap:9 G722/8000",
            "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:13 CN/8000", "a=rtpmap:110 telephone-event/48000",
            "a=rtpmap:126 telephone-event/8000", "a=ssrc:3735928559 cname:Wq8e3xF0pQ1zT5vY", "a=ssrc:3735928559 msid:5b1f2c3a-stream 9d2e-audio-track",
        ]
        if videoRejected {
            lines += ["m=video 0 UDP/TLS/RTP/SAVPF 96 97", "c=IN IP4 0.0.0.0", "a=mid:1"]
        } else {
            lines += ["m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103"]
            lines += transport
            lines += [
                "a=mid:1", "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
                "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", "a=extmap:13 urn:3gpp:video-orientation",
                "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid", "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
                "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id", "a=sendrecv", "a=msid:5b1f2c3a-stream 41c7-video-track",
                "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000", "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc",
                "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", "a=rtpmap:97 rtx/90000", "a=fmtp:97 apt=96",
                "a=rtpmap:98 VP9/90000", "a=rtcp-fb:98 goog-remb", "a=rtcp-fb:98 transport-cc", "a=rtcp-fb:98 ccm fir", "a=rtcp-fb:98 nack",
                "a=rtcp-fb:98 nack pli", "a=fmtp:98 profile-id=0", "a=rtpmap:99 rtx/90000", "a=fmtp:99 apt=98",
                "a=rtpmap:102 H264/90000", "a=rtcp-fb:102 goog-remb", "a=rtcp-fb:102 transport-cc", "a=rtcp-fb:102 ccm fir",
                "a=rtcp-fb:102 nack", "a=rtcp-fb:102 nack pli",
                "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f", "a=rtpmap:103 rtx/90000",
                "a=fmtp:103 apt=102", "a=ssrc-group:FID 1122334455 2233445566", "a=ssrc:1122334455 cname:Wq8e3xF0pQ1zT5vY",
                "a=ssrc:1122334455 msid:5b1f2c3a-stream 41c7-video-track", "a=ssrc:2233445566 cname:Wq8e3xF0pQ1zT5vY",
                "a=ssrc:2233445566 msid:5b1f2c3a-stream 41c7-video-track",
            ]
        }
        if data {
            if bits & 0x10 != 0 {
                lines += ["m=application 9 DTLS/SCTP 5000"] + transport.filter { !$0.hasPrefix("a=rtcp:") }
                lines += ["a=mid:2", "a=sctpmap:5000 webrtc-datachannel 1024", "a=max-message-size:262144"]
            } else {
                lines += ["m=application 9 UDP/DTLS/SCTP webrtc-datachannel"] + transport.filter { !$0.hasPrefix("a=rtcp:") }
                lines += ["a=mid:2", "a=sctp-port:5000", "a=max-message-size:262144"]
            }
        }
        return lines.map { $0 + "\r\n" }.joined()
    }
}
