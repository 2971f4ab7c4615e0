import SRTP
import Testing

/// Two ends of one DTLS-SRTP transport: the DTLS client sends, the server receives, one stream is up.
struct TransportPair {
    static let ssrc: UInt32 = 0x1234_5678

    let keys: DTLSSRTPKeys
    let sender: SRTPTransport
    let receiver: SRTPTransport
    var sequence: UInt16
    /// Protected packets the receiver accepted, oldest first.
    var acceptedRTP: [[UInt8]] = []
    var acceptedRTCP: [[UInt8]] = []

    /// Keys of `profile` whose every byte is `fill` plus its position, so two fills give unrelated keys.
    static func keys(_ profile: SRTPProfile, fill: UInt8 = 1) throws -> DTLSSRTPKeys {
        let length = DTLSSRTPKeys.exportLength(for: profile)
        return try DTLSSRTPKeys(profile: profile, exported: (0..<length).map { fill &+ UInt8(truncatingIfNeeded: $0) })
    }

    static func rtp(sequence: UInt16, ssrc: UInt32 = ssrc, payload: Int = 40) -> [UInt8] {
        [0x80, 0x60, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0, 0, 0x10, 0x00]
            + bytes(ssrc) + (0..<payload).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(sequence)) }
    }

    /// An RTCP sender report of 11 words after its first (RFC 3550 §6.4.1), the body filler.
    static func rtcp(ssrc: UInt32 = ssrc) -> [UInt8] {
        [0x80, 0xC8, 0x00, 0x0B] + bytes(ssrc) + [UInt8](repeating: 0xAB, count: 40)
    }

    static func bytes(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    init(_ profile: SRTPProfile, sequence: UInt16 = 100, maximumInboundStreams: Int = SRTPTransport.defaultMaximumInboundStreams) throws {
        keys = try Self.keys(profile)
        sender = try SRTPTransport(keys: keys, role: .client)
        receiver = try SRTPTransport(keys: keys, role: .server, maximumInboundStreams: maximumInboundStreams)
        self.sequence = sequence
    }

    /// The next RTP packet of `ssrc`, plain and protected by the sender.
    mutating func nextRTP(ssrc: UInt32 = ssrc) throws -> (plain: [UInt8], protected: [UInt8]) {
        let plain = Self.rtp(sequence: sequence, ssrc: ssrc)
        sequence &+= 1
        return (plain, try sender.protectRTP(plain))
    }

    /// Sends the next RTP packet through and checks it arrives whole.
    mutating func deliverRTP(ssrc: UInt32 = ssrc) throws {
        let (plain, protected) = try nextRTP(ssrc: ssrc)
        #expect(try receiver.unprotectRTP(protected) == plain)
        acceptedRTP.append(protected)
    }

    mutating func deliverRTCP(ssrc: UInt32 = ssrc) throws {
        let plain = Self.rtcp(ssrc: ssrc)
        let protected = try sender.protectRTCP(plain)
        #expect(try receiver.unprotectRTCP(protected) == plain)
        acceptedRTCP.append(protected)
    }
}

@Suite("SRTP transport: the engine's per-transport SRTP context")
struct SRTPTransportTests {
    // MARK: Hostile input

    struct HostileCase: CustomTestStringConvertible, Sendable {
        let name: String
        let kind: SRTPPacketKind
        let reason: SRTPDropReason
        /// The hostile bytes, made against a pair that already carries one stream.
        let make: @Sendable (inout TransportPair) throws -> [UInt8]
        var testDescription: String { name }
    }

    /// The SRTCP index word's offset: before the tag for HMAC profiles (RFC 3711 §3.4), after it for
    /// AEAD (RFC 7714 §9.1).
    static func indexOffset(_ packet: [UInt8], _ profile: SRTPProfile) -> Int {
        profile.rtcpTagLength == 16 ? packet.count - 4 : packet.count - 4 - profile.rtcpTagLength
    }

    static let hostileCases: [HostileCase] = [
        HostileCase(name: "RTP under another key", kind: .rtp, reason: .authenticationFailed) { pair in
            let stranger = try SRTPTransport(keys: TransportPair.keys(pair.keys.profile, fill: 0x77), role: .client)
            return try stranger.protectRTP(TransportPair.rtp(sequence: pair.sequence &+ 1))
        },
        HostileCase(name: "a flipped tag bit", kind: .rtp, reason: .authenticationFailed) { pair in
            var packet = try pair.nextRTP().protected
            packet[packet.count - 1] ^= 0x01
            return packet
        },
        HostileCase(name: "a flipped payload bit", kind: .rtp, reason: .authenticationFailed) { pair in
            var packet = try pair.nextRTP().protected
            packet[14] ^= 0x80
            return packet
        },
        HostileCase(name: "a flipped header bit (the marker)", kind: .rtp, reason: .authenticationFailed) { pair in
            var packet = try pair.nextRTP().protected
            packet[1] ^= 0x80
            return packet
        },
        HostileCase(name: "a replayed packet", kind: .rtp, reason: .replayed) { pair in pair.acceptedRTP[0] },
        HostileCase(name: "a packet older than the 1024-packet window", kind: .rtp, reason: .replayed) { pair in
            let old = try pair.nextRTP().protected
            for _ in 0..<1100 { _ = try pair.nextRTP() }
            let recent = try pair.nextRTP()
            #expect(try pair.receiver.unprotectRTP(recent.protected) == recent.plain)
            return old
        },
        HostileCase(name: "truncated to 0 bytes", kind: .rtp, reason: .malformed) { _ in [] },
        HostileCase(name: "truncated to 1 byte", kind: .rtp, reason: .malformed) { pair in Array(try pair.nextRTP().protected.prefix(1)) },
        HostileCase(name: "truncated to 11 bytes", kind: .rtp, reason: .malformed) { pair in Array(try pair.nextRTP().protected.prefix(11)) },
        HostileCase(name: "truncated to 12 bytes", kind: .rtp, reason: .malformed) { pair in Array(try pair.nextRTP().protected.prefix(12)) },
        HostileCase(name: "truncated to the tag length", kind: .rtp, reason: .malformed) { pair in
            Array(try pair.nextRTP().protected.prefix(pair.keys.profile.rtpTagLength))
        },
        HostileCase(name: "truncated to a header and one byte short of a tag", kind: .rtp, reason: .malformed) { pair in
            Array(try pair.nextRTP().protected.prefix(12 + pair.keys.profile.rtpTagLength - 1))
        },
        HostileCase(name: "its tag cut off", kind: .rtp, reason: .authenticationFailed) { pair in
            Array(try pair.nextRTP().protected.dropLast(pair.keys.profile.rtpTagLength))
        },
        HostileCase(name: "not RTP version 2", kind: .rtp, reason: .malformed) { pair in
            var packet = try pair.nextRTP().protected
            packet[0] = 0x40
            return packet
        },
        HostileCase(name: "an SSRC signalling never named", kind: .rtp, reason: .unknownSSRC) { pair in
            pair.receiver.expectedSSRCs = [TransportPair.ssrc]
            return try pair.nextRTP(ssrc: 0xBAD0_BAD0).protected
        },
        HostileCase(name: "one SSRC more than the 64 tracked", kind: .rtp, reason: .tooManyStreams) { pair in
            for extra in 1..<UInt32(SRTPTransport.defaultMaximumInboundStreams) { try pair.deliverRTP(ssrc: 0x100 + extra) }
            return try pair.nextRTP(ssrc: 0xFFFF_0000).protected
        },
        HostileCase(name: "SRTCP with an altered index", kind: .rtcp, reason: .authenticationFailed) { pair in
            var packet = try pair.sender.protectRTCP(TransportPair.rtcp())
            packet[indexOffset(packet, pair.keys.profile) + 3] ^= 0x10
            return packet
        },
        HostileCase(name: "SRTCP with its E flag cleared", kind: .rtcp, reason: .authenticationFailed) { pair in
            var packet = try pair.sender.protectRTCP(TransportPair.rtcp())
            packet[indexOffset(packet, pair.keys.profile)] &= 0x7F
            return packet
        },
        HostileCase(name: "SRTCP replayed (its index seen)", kind: .rtcp, reason: .replayed) { pair in pair.acceptedRTCP[0] },
        HostileCase(name: "SRTCP under another key", kind: .rtcp, reason: .authenticationFailed) { pair in
            let stranger = try SRTPTransport(keys: TransportPair.keys(pair.keys.profile, fill: 0x77), role: .client)
            // Its second index: the first was seen, and the replay check comes before the tag (RFC 3711 §3.3).
            _ = try stranger.protectRTCP(TransportPair.rtcp())
            return try stranger.protectRTCP(TransportPair.rtcp())
        },
        HostileCase(name: "SRTCP truncated to 11 bytes", kind: .rtcp, reason: .malformed) { pair in
            Array(try pair.sender.protectRTCP(TransportPair.rtcp()).prefix(11))
        },
        HostileCase(name: "SRTCP without its tag", kind: .rtcp, reason: .malformed) { pair in
            Array(try pair.sender.protectRTCP(TransportPair.rtcp()).prefix(8 + pair.keys.profile.rtcpOverhead - 1))
        },
    ]

    @Test("Each hostile packet is dropped with its typed reason, counted once, and the stream carries on", arguments: hostileCases, SRTPProfile.allCases)
    func hostile(_ hostile: HostileCase, profile: SRTPProfile) throws {
        var pair = try TransportPair(profile)
        try pair.deliverRTP()
        try pair.deliverRTP()
        try pair.deliverRTCP()
        let before = pair.receiver.statistics
        let packet = try hostile.make(&pair)
        #expect {
            _ = hostile.kind == .rtp ? try pair.receiver.unprotectRTP(packet) : try pair.receiver.unprotectRTCP(packet)
        } throws: { error in
            (error as? SRTPDrop)?.reason == hostile.reason && (error as? SRTPDrop)?.kind == hostile.kind
        }
        let after = pair.receiver.statistics
        #expect(after.inbound[hostile.kind].dropped[hostile.reason] == before.inbound[hostile.kind].dropped[hostile.reason] + 1)
        #expect(after.inbound.rtp.dropped.total + after.inbound.rtcp.dropped.total == 1, "one drop, under one reason")
        // Nothing accepted is lost: the stream's next packets decrypt, and its old ones stay replays.
        try pair.deliverRTP()
        try pair.deliverRTCP()
        #expect(throws: SRTPDrop(reason: .replayed, kind: .rtp, ssrc: TransportPair.ssrc)) {
            try pair.receiver.unprotectRTP(pair.acceptedRTP[0])
        }
    }

    // MARK: Keys and roles

    @Test("The DTLS client sends under the client keys and the server under the server keys (RFC 5764 §4.2)", arguments: SRTPProfile.allCases)
    func roles(_ profile: SRTPProfile) throws {
        let keys = try TransportPair.keys(profile)
        let client = try SRTPTransport(keys: keys, role: .client)
        let server = try SRTPTransport(keys: keys, role: .server)
        let plain = TransportPair.rtp(sequence: 7)
        let fromClient = try client.protectRTP(plain)
        let fromServer = try server.protectRTP(plain)
        #expect(try SRTPSession(keys: keys.client, ssrc: nil).unprotectRTP(fromClient) == plain)
        #expect(try SRTPSession(keys: keys.server, ssrc: nil).unprotectRTP(fromServer) == plain)
        #expect(try server.unprotectRTP(fromClient) == plain)
        #expect(try client.unprotectRTP(fromServer) == plain)
        // A transport never accepts its own packets: they are under the other direction's keys.
        let own = try client.protectRTP(TransportPair.rtp(sequence: 8))
        #expect(throws: SRTPDrop(reason: .authenticationFailed, kind: .rtp, ssrc: TransportPair.ssrc)) {
            try client.unprotectRTP(own)
        }
        #expect(fromClient.count == plain.count + profile.rtpTagLength)
        #expect(try client.protectRTCP(TransportPair.rtcp()).count == TransportPair.rtcp().count + profile.rtcpOverhead)
    }

    @Test("An RTP index is never protected twice: allow_repeat_tx is off, retransmissions go through RTX", arguments: SRTPProfile.allCases)
    func noRepeatedIndex(_ profile: SRTPProfile) throws {
        var pair = try TransportPair(profile)
        let (plain, _) = try pair.nextRTP()
        #expect(throws: SRTPDrop(reason: .replayed, kind: .rtp, ssrc: TransportPair.ssrc)) { try pair.sender.protectRTP(plain) }
        #expect(pair.sender.statistics.outbound.rtp.dropped[.replayed] == 1)
        #expect(pair.sender.statistics.outbound.rtp.packets == 1)
        // The RTX copy has its own SSRC and sequence (RFC 4588 §4), so it is protected like any packet.
        #expect(throws: Never.self) { try pair.sender.protectRTP(TransportPair.rtp(sequence: 9000, ssrc: 0x0BAD_F00D)) }
    }

    // MARK: Rollover counter (RFC 3711 §3.3.1)

    @Test("Streams crossing sequence 65535 → 0 decrypt every packet both ways and count one rollover", arguments: SRTPProfile.allCases)
    func rolloverBothWays(_ profile: SRTPProfile) throws {
        let keys = try TransportPair.keys(profile)
        let client = try SRTPTransport(keys: keys, role: .client)
        let server = try SRTPTransport(keys: keys, role: .server)
        for (from, to, ssrc) in [(client, server, UInt32(0xC11E_0001)), (server, client, UInt32(0x5E2F_0002))] {
            var sequence: UInt16 = 65_000
            for _ in 0..<3000 {
                let plain = TransportPair.rtp(sequence: sequence, ssrc: ssrc)
                #expect(try to.unprotectRTP(from.protectRTP(plain)) == plain)
                sequence &+= 1
            }
            #expect(from.outboundRolloverCounter(ssrc: ssrc) == 1)
            #expect(to.inboundRolloverCounter(ssrc: ssrc) == 1)
            #expect(to.statistics.inbound.rtp.packets == 3000)
        }
    }

    @Test("Packets reordered across the wrap decrypt with the right rollover counter, before and after it", arguments: SRTPProfile.allCases)
    func reorderedAcrossTheWrap(_ profile: SRTPProfile) throws {
        var pair = try TransportPair(profile, sequence: 65_530)
        var sent: [(plain: [UInt8], protected: [UInt8])] = []
        for _ in 0..<12 { sent.append(try pair.nextRTP()) }  // 65530…65535 (ROC 0), 0…5 (ROC 1)
        // 65530 65531 65532 65533 0 1 65535 2 65534 5 3 4: late packets of ROC 0 after ROC 1 began.
        for index in [0, 1, 2, 3, 6, 7, 5, 8, 4, 11, 9, 10] {
            #expect(try pair.receiver.unprotectRTP(sent[index].protected) == sent[index].plain, "packet \(index)")
        }
        #expect(pair.receiver.inboundRolloverCounter(ssrc: TransportPair.ssrc) == 1)
        // And each is now a replay, whichever side of the wrap it was on.
        for index in [4, 6] {
            #expect(throws: SRTPDrop(reason: .replayed, kind: .rtp, ssrc: TransportPair.ssrc)) {
                try pair.receiver.unprotectRTP(sent[index].protected)
            }
        }
    }

    // MARK: SSRCs and bounds

    @Test("Until SSRCs are named any is accepted; once named, only those, and RTCP from any SSRC still passes")
    func expectedSSRCs() throws {
        var pair = try TransportPair(.aeadAES128GCM)
        try pair.deliverRTP(ssrc: 0xAAAA_0001)
        pair.receiver.expectedSSRCs = [0xAAAA_0001, 0xAAAA_0002]
        try pair.deliverRTP(ssrc: 0xAAAA_0001)
        try pair.deliverRTP(ssrc: 0xAAAA_0002)
        #expect(throws: SRTPDrop(reason: .unknownSSRC, kind: .rtp, ssrc: 0xAAAA_0003)) {
            try pair.receiver.unprotectRTP(pair.nextRTP(ssrc: 0xAAAA_0003).protected)
        }
        // A receive-only peer's reports come from an SSRC its description never named.
        try pair.deliverRTCP(ssrc: 1)
        pair.receiver.expectedSSRCs = nil
        try pair.deliverRTP(ssrc: 0xAAAA_0003)
        #expect(pair.receiver.inboundStreams == [0xAAAA_0001, 0xAAAA_0002, 0xAAAA_0003, 1])
    }

    @Test("Forgetting a stream frees its place under the bound; packets that fail make no stream")
    func forgetFreesAPlace() throws {
        var pair = try TransportPair(.aes128CounterHMACSHA1_80, maximumInboundStreams: 2)
        let stranger = try SRTPTransport(keys: TransportPair.keys(.aes128CounterHMACSHA1_80, fill: 9), role: .client)
        for ssrc: UInt32 in 10..<20 {
            _ = try? pair.receiver.unprotectRTP(stranger.protectRTP(TransportPair.rtp(sequence: 1, ssrc: ssrc)))
        }
        #expect(pair.receiver.inboundStreams.isEmpty, "unauthenticated packets make no stream")
        #expect(pair.receiver.statistics.inbound.rtp.dropped[.authenticationFailed] == 10)
        try pair.deliverRTP(ssrc: 1)
        try pair.deliverRTP(ssrc: 2)
        #expect(throws: SRTPDrop(reason: .tooManyStreams, kind: .rtp, ssrc: 3)) { try pair.receiver.unprotectRTP(pair.nextRTP(ssrc: 3).protected) }
        #expect(throws: SRTPDrop(reason: .tooManyStreams, kind: .rtcp, ssrc: 3)) {
            try pair.receiver.unprotectRTCP(pair.sender.protectRTCP(TransportPair.rtcp(ssrc: 3)))
        }
        pair.receiver.forgetInboundStream(1)
        #expect(pair.receiver.inboundRolloverCounter(ssrc: 1) == nil)
        try pair.deliverRTP(ssrc: 3)
        try pair.deliverRTP(ssrc: 2)
        #expect(pair.receiver.inboundStreams == [2, 3])
    }

    @Test("Statistics count packets and wire bytes each way, RTP and RTCP apart")
    func statistics() throws {
        var pair = try TransportPair(.aes128CounterHMACSHA1_32)
        for _ in 0..<5 { try pair.deliverRTP() }
        for _ in 0..<2 { try pair.deliverRTCP() }
        let rtpBytes = 5 * (TransportPair.rtp(sequence: 0).count + 4)
        let rtcpBytes = 2 * (TransportPair.rtcp().count + 14)
        #expect(pair.sender.statistics.outbound.rtp.packets == 5)
        #expect(pair.sender.statistics.outbound.rtp.bytes == rtpBytes)
        #expect(pair.sender.statistics.outbound.rtcp.packets == 2)
        #expect(pair.sender.statistics.outbound.rtcp.bytes == rtcpBytes)
        #expect(pair.receiver.statistics.inbound.rtp.packets == 5)
        #expect(pair.receiver.statistics.inbound.rtp.bytes == rtpBytes)
        #expect(pair.receiver.statistics.inbound.rtcp.packets == 2)
        #expect(pair.receiver.statistics.inbound.rtcp.bytes == rtcpBytes)
        #expect(pair.sender.statistics.inbound == SRTPStatistics.Direction())
        #expect(pair.receiver.statistics.outbound == SRTPStatistics.Direction())
    }

    @Test("A transport refuses a bound of no streams and a replay window outside 64…32768")
    func badConfiguration() throws {
        let keys = try TransportPair.keys(.aeadAES256GCM)
        #expect(throws: SRTPError.self) { try SRTPTransport(keys: keys, role: .client, maximumInboundStreams: 0) }
        #expect(throws: SRTPError.self) { try SRTPTransport(keys: keys, role: .client, replayWindow: 32) }
        #expect(throws: Never.self) { try SRTPTransport(keys: keys, role: .client, replayWindow: 64) }
    }
}
