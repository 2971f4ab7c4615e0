/// Data-channel descriptions made by other stacks, transcribed verbatim (only the line ends are made CRLF).
/// The shared vector files hold more (Safari, Firefox, RFC 8829 examples); these are the ones found
/// elsewhere, each cited.
enum ThirdParty {
    /// Joins the lines of a multi-line literal with CRLF and ends with one.
    static func crlf(_ text: String) -> String { text.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "\r\n" }.joined() }

    /// A Chromium offer with a data channel and a camera track (data first, then video), BUNDLEd, modern
    /// RFC 8841 form. Source: github.com/JJongTaeng/webrtc-docs SDP/README.md @ 0d9bfdc8965501dbf950b7329871d6023da12f33,
    /// "use media device sdp example".
    static let chromiumDataAndVideoOffer = crlf(
        """
        v=0
        o=- 7129205267550789806 3 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS zHLenxRoEy5ss3jwu5u3sUKWJQOy5m6SwAsY
        m=application 61397 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 192.168.45.7
        a=candidate:3818712247 1 udp 2122260223 192.168.45.7 61397 typ host generation 0 network-id 1 network-cost 10
        a=ice-ufrag:XAAr
        a=ice-pwd:Dnm1QoFhgWUX3RURw+i2gUQA
        a=ice-options:trickle
        a=fingerprint:sha-256 48:52:50:C8:71:93:08:5D:A8:12:63:39:09:C3:19:C8:3A:BC:87:59:E1:6C:26:9C:88:38:9F:EE:72:C5:1D:C2
        a=setup:actpass
        a=mid:0
        a=sctp-port:5000
        a=max-message-size:262144
        m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 122 127 121 125 107 108 109 124 120 39 40 45 46 98 99 100 101 123 119 114 115 116
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:XAAr
        a=ice-pwd:Dnm1QoFhgWUX3RURw+i2gUQA
        a=ice-options:trickle
        a=fingerprint:sha-256 48:52:50:C8:71:93:08:5D:A8:12:63:39:09:C3:19:C8:3A:BC:87:59:E1:6C:26:9C:88:38:9F:EE:72:C5:1D:C2
        a=setup:actpass
        a=mid:1
        a=extmap:1 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 urn:3gpp:video-orientation
        a=extmap:4 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
        a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
        a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
        a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        a=sendrecv
        a=msid:zHLenxRoEy5ss3jwu5u3sUKWJQOy5m6SwAsY dad5ae8e-233a-4556-b795-5b1bb87acfd1
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:102 H264/90000
        a=rtcp-fb:102 goog-remb
        a=rtcp-fb:102 transport-cc
        a=rtcp-fb:102 ccm fir
        a=rtcp-fb:102 nack
        a=rtcp-fb:102 nack pli
        a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
        a=rtpmap:122 rtx/90000
        a=fmtp:122 apt=102
        a=rtpmap:127 H264/90000
        a=rtcp-fb:127 goog-remb
        a=rtcp-fb:127 transport-cc
        a=rtcp-fb:127 ccm fir
        a=rtcp-fb:127 nack
        a=rtcp-fb:127 nack pli
        a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:121 rtx/90000
        a=fmtp:121 apt=127
        a=rtpmap:125 H264/90000
        a=rtcp-fb:125 goog-remb
        a=rtcp-fb:125 transport-cc
        a=rtcp-fb:125 ccm fir
        a=rtcp-fb:125 nack
        a=rtcp-fb:125 nack pli
        a=fmtp:125 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:107 rtx/90000
        a=fmtp:107 apt=125
        a=rtpmap:108 H264/90000
        a=rtcp-fb:108 goog-remb
        a=rtcp-fb:108 transport-cc
        a=rtcp-fb:108 ccm fir
        a=rtcp-fb:108 nack
        a=rtcp-fb:108 nack pli
        a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
        a=rtpmap:109 rtx/90000
        a=fmtp:109 apt=108
        a=rtpmap:124 H264/90000
        a=rtcp-fb:124 goog-remb
        a=rtcp-fb:124 transport-cc
        a=rtcp-fb:124 ccm fir
        a=rtcp-fb:124 nack
        a=rtcp-fb:124 nack pli
        a=fmtp:124 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
        a=rtpmap:120 rtx/90000
        a=fmtp:120 apt=124
        a=rtpmap:39 H264/90000
        a=rtcp-fb:39 goog-remb
        a=rtcp-fb:39 transport-cc
        a=rtcp-fb:39 ccm fir
        a=rtcp-fb:39 nack
        a=rtcp-fb:39 nack pli
        a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
        a=rtpmap:40 rtx/90000
        a=fmtp:40 apt=39
        a=rtpmap:45 AV1/90000
        a=rtcp-fb:45 goog-remb
        a=rtcp-fb:45 transport-cc
        a=rtcp-fb:45 ccm fir
        a=rtcp-fb:45 nack
        a=rtcp-fb:45 nack pli
        a=rtpmap:46 rtx/90000
        a=fmtp:46 apt=45
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 goog-remb
        a=rtcp-fb:98 transport-cc
        a=rtcp-fb:98 ccm fir
        a=rtcp-fb:98 nack
        a=rtcp-fb:98 nack pli
        a=fmtp:98 profile-id=0
        a=rtpmap:99 rtx/90000
        a=fmtp:99 apt=98
        a=rtpmap:100 VP9/90000
        a=rtcp-fb:100 goog-remb
        a=rtcp-fb:100 transport-cc
        a=rtcp-fb:100 ccm fir
        a=rtcp-fb:100 nack
        a=rtcp-fb:100 nack pli
        a=fmtp:100 profile-id=2
        a=rtpmap:101 rtx/90000
        a=fmtp:101 apt=100
        a=rtpmap:123 H264/90000
        a=rtcp-fb:123 goog-remb
        a=rtcp-fb:123 transport-cc
        a=rtcp-fb:123 ccm fir
        a=rtcp-fb:123 nack
        a=rtcp-fb:123 nack pli
        a=fmtp:123 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f
        a=rtpmap:119 rtx/90000
        a=fmtp:119 apt=123
        a=rtpmap:114 red/90000
        a=rtpmap:115 rtx/90000
        a=fmtp:115 apt=114
        a=rtpmap:116 ulpfec/90000
        a=ssrc-group:FID 2829153868 3803804749
        a=ssrc:2829153868 cname:L1LaiKzjPl3EqRhC
        a=ssrc:2829153868 msid:zHLenxRoEy5ss3jwu5u3sUKWJQOy5m6SwAsY dad5ae8e-233a-4556-b795-5b1bb87acfd1
        a=ssrc:3803804749 cname:L1LaiKzjPl3EqRhC
        a=ssrc:3803804749 msid:zHLenxRoEy5ss3jwu5u3sUKWJQOy5m6SwAsY dad5ae8e-233a-4556-b795-5b1bb87acfd1
        """)

    /// A Chromium answer to a data-only offer (setup:active, no candidates yet). Source: the same file,
    /// "not use media sdp example".
    static let chromiumDataAnswer = crlf(
        """
        v=0
        o=- 7825816763851598135 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=extmap-allow-mixed
        a=msid-semantic: WMS
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        c=IN IP4 0.0.0.0
        a=ice-ufrag:0Iqb
        a=ice-pwd:18gH8P63Bx3JOX40N1VrQUP/
        a=ice-options:trickle
        a=fingerprint:sha-256 15:3E:CD:07:B3:4A:1F:F0:44:46:47:E8:57:8B:FD:34:64:44:11:74:01:06:C0:4A:D2:26:72:1F:28:FD:10:99
        a=setup:active
        a=mid:0
        a=sctp-port:5000
        a=max-message-size:262144
        """)

    /// An aiortc offer with audio and a data channel: md5-hex candidate foundations, three fingerprints
    /// (sha-256, sha-384 and sha-512, which we cannot compute), the legacy `DTLS/SCTP 5000` + `a=sctpmap`
    /// form, per-section ICE credentials. Source: a benchmark's TRACES.md published on GitHub (a
    /// "Realtime Audio WebRTC" session log, offer `logs/sdp/20260125_105241_e6e6b998_offer.sdp`), found
    /// through the code index; the repository name was not given by the index.
    static let aiortcAudioAndDataOffer = crlf(
        """
        v=0
        o=- 3978348757 3978348757 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=group:BUNDLE 0 1
        a=msid-semantic:WMS *
        m=audio 48208 UDP/TLS/RTP/SAVPF 96 0 8
        c=IN IP4 10.255.255.254
        a=sendrecv
        a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=mid:0
        a=msid:4dda2902-0ad7-4af0-ba8a-dca711689779 32a8c48a-1c76-478c-b990-2d3d83af6e54
        a=rtcp:9 IN IP4 0.0.0.0
        a=rtcp-mux
        a=ssrc:2770269086 cname:22a5eb72-890c-468c-a89c-1ee54337bede
        a=rtpmap:96 opus/48000/2
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=candidate:04ca8b06d45d14b04e47bfd6f27e21ea 1 udp 2130706431 10.255.255.254 48208 typ host
        a=candidate:5e8a9423a15ffcaef2a35218a505bc95 1 udp 2130706431 192.168.10.65 47442 typ host
        a=candidate:d58b7930e644a07acbe48891f509c72c 1 udp 2130706431 fdc8:d1ab:b2a6:0:129e:4e2c:b75c:c847 47595 typ host
        a=candidate:d6fd1cf191e588e4f0d6b6e60956c1d4 1 udp 2130706431 fdc8:d1ab:b2a6::f3b 46816 typ host
        a=candidate:1d98a1972b49d82afa64940b682d2694 1 udp 2130706431 fdc8:d1ab:b2a6:0:69cd:c5e2:a42a:9f5 45413 typ host
        a=candidate:04c6d03278c06af4d7d47141f5463284 1 udp 1694498815 76.233.245.125 47442 typ srflx raddr 192.168.10.65 rport 47442
        a=end-of-candidates
        a=ice-ufrag:lWpC
        a=ice-pwd:I4b4bkUznzNS30UbuJFVul
        a=fingerprint:sha-256 89:52:B7:7B:38:BD:02:0F:8B:B0:7D:62:C5:9A:4F:28:D8:3C:76:28:01:DE:F1:21:BA:C5:5F:EA:31:67:C7:80
        a=fingerprint:sha-384 DA:1D:7F:CC:B9:EA:A7:69:F7:F3:E6:61:3E:C2:A2:3F:7F:95:09:6B:5D:20:31:B7:76:3C:E8:14:82:25:FA:92:F0:7A:97:AB:9C:EA:6F:C8:3D:E4:F2:E1:38:94:17:BC
        a=fingerprint:sha-512 19:73:D5:CD:7A:FF:63:C3:69:57:E8:20:70:56:D5:FC:3D:86:9A:BA:62:DE:45:3C:80:39:17:44:DC:0A:0D:B8:F3:9E:75:6B:7C:9F:2B:D0:05:99:13:7F:A9:5F:29:F7:FC:15:C1:A8:6D:F6:3A:08:2F:BA:6A:90:08:0A:49:0B
        a=setup:actpass
        m=application 45901 DTLS/SCTP 5000
        c=IN IP4 10.255.255.254
        a=mid:1
        a=sctpmap:5000 webrtc-datachannel 65535
        a=max-message-size:65536
        a=candidate:04ca8b06d45d14b04e47bfd6f27e21ea 1 udp 2130706431 10.255.255.254 45901 typ host
        a=candidate:5e8a9423a15ffcaef2a35218a505bc95 1 udp 2130706431 192.168.10.65 45229 typ host
        a=candidate:d58b7930e644a07acbe48891f509c72c 1 udp 2130706431 fdc8:d1ab:b2a6:0:129e:4e2c:b75c:c847 44921 typ host
        a=candidate:d6fd1cf191e588e4f0d6b6e60956c1d4 1 udp 2130706431 fdc8:d1ab:b2a6::f3b 45517 typ host
        a=candidate:1d98a1972b49d82afa64940b682d2694 1 udp 2130706431 fdc8:d1ab:b2a6:0:69cd:c5e2:a42a:9f5 47070 typ host
        a=candidate:04c6d03278c06af4d7d47141f5463284 1 udp 1694498815 76.233.245.125 45229 typ srflx raddr 192.168.10.65 rport 45229
        a=end-of-candidates
        a=ice-ufrag:yiVJ
        a=ice-pwd:XRCtnyQOjJJdCvUu5B1f7o
        a=fingerprint:sha-256 89:52:B7:7B:38:BD:02:0F:8B:B0:7D:62:C5:9A:4F:28:D8:3C:76:28:01:DE:F1:21:BA:C5:5F:EA:31:67:C7:80
        a=fingerprint:sha-384 DA:1D:7F:CC:B9:EA:A7:69:F7:F3:E6:61:3E:C2:A2:3F:7F:95:09:6B:5D:20:31:B7:76:3C:E8:14:82:25:FA:92:F0:7A:97:AB:9C:EA:6F:C8:3D:E4:F2:E1:38:94:17:BC
        a=fingerprint:sha-512 19:73:D5:CD:7A:FF:63:C3:69:57:E8:20:70:56:D5:FC:3D:86:9A:BA:62:DE:45:3C:80:39:17:44:DC:0A:0D:B8:F3:9E:75:6B:7C:9F:2B:D0:05:99:13:7F:A9:5F:29:F7:FC:15:C1:A8:6D:F6:3A:08:2F:BA:6A:90:08:0A:49:0B
        a=setup:actpass
        """)

    /// An aiortc answer for a data channel alone (legacy form, setup:active, candidates gathered, ICE attributes
    /// after the candidates). Source: a Python example on GitHub that pasted aiortc's
    /// `RTCSessionDescription` JSON into its source (found through the code index; repository not given).
    static let aiortcDataAnswer = crlf(
        """
        v=0
        o=- 3798035874 3798035874 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=group:BUNDLE 0
        a=msid-semantic:WMS *
        m=application 51529 DTLS/SCTP 5000
        c=IN IP4 192.168.1.13
        a=mid:0
        a=sctpmap:5000 webrtc-datachannel 65535
        a=max-message-size:65536
        a=candidate:d27094500494667636f3d2a47dc259db 1 udp 2130706431 192.168.1.13 51529 typ host
        a=candidate:ab44e0e64d150378a4d5ed3100dc7394 1 udp 1694498815 174.55.165.41 51529 typ srflx raddr 192.168.1.13 rport 51529
        a=end-of-candidates
        a=ice-ufrag:p2n4
        a=ice-pwd:doJsGyaVBlzwh4xd7ep8h7
        a=fingerprint:sha-256 B5:43:0C:E4:5A:1E:F9:BD:0B:1E:C3:26:54:BD:B5:0E:90:3A:03:08:20:B2:DB:DC:ED:AE:30:C8:D8:49:F7:DE
        a=setup:active
        """)
}
