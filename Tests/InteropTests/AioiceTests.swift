import Foundation
import ICE
import Replay
import SDP
import Testing
import Wire

/// Our `ICEAgent` on real UDP sockets (127.0.0.1) against aioice, an independent ICE implementation in
/// Python, in both roles (issue 6). aioice comes from `Scripts/bootstrap`; without it these tests fail with
/// the command that installs it. Every wait is bounded (30 s) but nothing is timed: the machine is shared.
///
/// aioice nominates aggressively when controlling (every check carries USE-CANDIDATE) and answers regular
/// nomination when controlled, so both of our agent's nomination paths meet a foreign peer here.
@Suite("Interop with aioice over loopback", .serialized)
struct AioiceTests {
    static let roles: [ICERole] = [.controlling, .controlled]

    /// aioice takes the role opposite ours.
    static func peerRole(facing ours: ICERole) -> AioicePeer.Role { ours == .controlling ? .controlled : .controlling }

    /// Our role, and how we nominate when controlling (a controlled agent does not nominate).
    static let setups: [(ICERole, NominationMode)] = [(.controlling, .regular), (.controlling, .aggressive), (.controlled, .regular)]

    /// The session is recorded by the driver and then judged by the replay checker with both passwords:
    /// every STUN message of either stack must carry a valid FINGERPRINT and MESSAGE-INTEGRITY, every
    /// transaction must be answered consistently, every check must follow ICE's rules.
    @Test("checks succeed, both sides select the same pair, data flows both ways, and the capture breaks no STUN or ICE replay rule", arguments: setups)
    func connects(role: ICERole, nomination: NominationMode) async throws {
        let recording = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-aioice-\(UUID().uuidString).pcapng").path
        defer { try? FileManager.default.removeItem(atPath: recording) }
        var passwords: [String] = []
        try await AioicePeer.with(Self.peerRole(facing: role)) { peer in
            try await LoopbackAgent.with(role: role, nomination: nomination, seed: role == .controlling ? 1 : 2, recordingPath: recording) { agent in
                let peerAddress = try await Self.signal(agent, peer, startGathering: true)
                try await Self.expectConnected(agent, peer, peerAddress: peerAddress)
                #expect(try await agent.read { $0.role } == role)
                #expect(peer.events("connected").first?["role"] == Self.peerRole(facing: role).rawValue)
                try await Self.expectDataBothWays(agent, peer, peerAddress: peerAddress, label: "first")
                passwords = [try await agent.read { $0.localCredentials.pwd }] + peer.events("credentials").compactMap { $0["pwd"] }
            }
        }
        let report = try ReplayChecker.check(capturePath: recording, options: ReplayOptions(icePasswords: passwords))
        #expect(report.udpDatagrams >= 6, "the recording holds checks, responses and data")
        // The two test payloads are plain text, whose first byte RFC 7983 assigns to no protocol: they and
        // only they are flagged. Every STUN message of both stacks passes.
        #expect(report.brokenRules == ["Demux.unexpected": 2], "rules broken: \(report.brokenRules); \(report.findings)")
    }

    /// Both sides claim the same role: the tie-breakers decide (RFC 8445 §7.3.1.1, §7.2.5.1), exactly one
    /// side switches, and the session connects with one controlling and one controlled agent.
    @Test("a role conflict with aioice resolves to one controlling and one controlled agent, then connects", arguments: roles)
    func resolvesRoleConflict(role: ICERole) async throws {
        let sameRole = try #require(AioicePeer.Role(rawValue: role.rawValue))
        try await AioicePeer.with(sameRole) { peer in
            try await LoopbackAgent.with(role: role, seed: role == .controlling ? 5 : 6) { agent in
                let peerAddress = try await Self.signal(agent, peer, startGathering: true)
                try await Self.expectConnected(agent, peer, peerAddress: peerAddress)
                let ours = try await agent.read { $0.role }
                let theirs = try #require(peer.events("connected").first?["role"])
                #expect(ours.rawValue != theirs, "we are \(ours), aioice is \(theirs)")
                try await Self.expectDataBothWays(agent, peer, peerAddress: peerAddress, label: "after the conflict")
            }
        }
    }

    /// aioice cannot restart a `Connection` (it has no API for new credentials on a live one), so the
    /// restart is ours: our agent restarts (new ufrag/pwd, new checks), and the peer's new generation is a
    /// fresh aioice `Connection` with its own credentials and port, as a browser's ICE restart looks to us
    /// when the remote also changes its candidates. What must hold: the old pair keeps carrying data both
    /// ways after our restart until the new pair is nominated; then a pair of the new generation is
    /// selected on both sides, and data flows over it; and the agent never reports `failed` or
    /// `disconnected` on the way.
    @Test("after our restart the old pair carries data until a fresh aioice connection is nominated; then the new pair does", arguments: roles)
    func restarts(role: ICERole) async throws {
        let peerRole = Self.peerRole(facing: role)
        try await AioicePeer.with(peerRole) { oldPeer in
            try await LoopbackAgent.with(role: role, seed: role == .controlling ? 3 : 4) { agent in
                let oldAddress = try await Self.signal(agent, oldPeer, startGathering: true)
                try await Self.expectConnected(agent, oldPeer, peerAddress: oldAddress)
                try await Self.expectDataBothWays(agent, oldPeer, peerAddress: oldAddress, label: "before restart")

                let oldCredentials = try await agent.read { $0.localCredentials }
                let mark = agent.outputs.count
                await agent.handle(.restart)
                let newCredentials = try await agent.read { $0.localCredentials }
                #expect(newCredentials != oldCredentials, "a restart takes new credentials (RFC 8445 §9)")
                #expect(try await agent.read { $0.selectedPair?.remote.address } == oldAddress)

                // Between the restart and the new nomination, the old pair still carries data both ways.
                try await Self.expectDataBothWays(agent, oldPeer, peerAddress: oldAddress, label: "during restart", after: mark)

                try await AioicePeer.with(peerRole) { newPeer in
                    let newAddress = try await Self.signal(agent, newPeer, startGathering: false, after: mark)
                    #expect(newAddress != oldAddress)
                    let newBase = try #require(await agent.read { $0.localCandidates.first { $0.kind == .host }?.address })
                    let pair = try await Self.expectConnected(agent, newPeer, peerAddress: newAddress, localBase: newBase, after: mark)
                    #expect(pair.local.base == newBase)
                    #expect(try await agent.read { $0.selectedPair?.remote.address } == newAddress)
                    try await Self.expectDataBothWays(agent, newPeer, peerAddress: newAddress, label: "after restart", after: mark)
                    let states = agent.states(after: mark)
                    #expect(!states.contains(.failed) && !states.contains(.disconnected), "states after the restart: \(states)")
                }
            }
        }
    }

    // MARK: - Signalling and expectations

    /// Offer/answer over the peer's JSON lines: the peer's credentials and candidates to our agent, ours to
    /// the peer, end-of-candidates both ways. Returns the address of the peer's (only) host candidate.
    @discardableResult
    static func signal(
        _ agent: LoopbackAgent, _ peer: AioicePeer, startGathering: Bool, after: Int = 0
    ) async throws -> TransportAddress {
        let credentials = try await peer.event("credentials")
        _ = try await peer.event("end-of-candidates")
        let lines = peer.events("candidate").compactMap { $0["candidate"] }
        let candidates = try lines.map { line in try CandidateCodec.parse(line).candidate }
        let addresses = candidates.compactMap { candidate in IPAddress(candidate.address).map { TransportAddress($0, port: candidate.port) } }
        guard candidates.count == 1, let address = addresses.first, address.address == .loopbackV4 else {
            throw InteropError(message: "aioice should offer one host candidate on 127.0.0.1, not \(lines)")
        }

        let ours = try await agent.read { $0.localCredentials }
        try peer.send("remote-credentials", ["ufrag": ours.ufrag, "pwd": ours.pwd])
        guard let ufrag = credentials["ufrag"], let pwd = credentials["pwd"] else {
            throw InteropError(message: "aioice's credentials event lacks ufrag or pwd: \(credentials)")
        }
        await agent.handle(.setRemoteCredentials(ufrag: ufrag, pwd: pwd, isLite: false))
        for candidate in candidates { await agent.handle(.addRemoteCandidate(candidate)) }
        await agent.handle(.endOfRemoteCandidates)
        if startGathering { await agent.handle(.startGathering) }
        // Host candidates only: gathering completes at once, or once a restart's new socket is bound.
        try await agent.output(after: after, "gathering complete") { if case .gatheringStateChanged(.complete) = $0 { true } else { nil } }
        let local = try await agent.read { $0.localCandidates.filter { $0.kind != .peerReflexive } }
        #expect(local.count == 1 && local.first?.address.address == .loopbackV4)
        // A restart gathers on a new socket (`ICEConfiguration.restartBases`), as libwebrtc and Pion do.
        if after == 0 { #expect(local.map(\.address) == [agent.local]) } else { #expect(local.first?.address != agent.local) }
        for candidate in local {
            try peer.send("candidate", ["candidate": CandidateLine(candidate: candidate.sdpCandidate).text])
        }
        try peer.send("end-of-candidates")
        return address
    }

    /// Both sides report a nominated pair, and it is the same pair seen from either end.
    @discardableResult
    static func expectConnected(
        _ agent: LoopbackAgent, _ peer: AioicePeer, peerAddress: TransportAddress, localBase: TransportAddress? = nil, after: Int = 0
    ) async throws -> ICECandidatePair {
        let base = localBase ?? agent.local
        let pair = try await agent.selectedPair(remote: peerAddress, after: after)
        if after == 0 {
            try await agent.output("connected") { if case .connectionStateChanged(.connected) = $0 { true } else { nil } }
        } else {
            // After a restart the agent was already connected: it may or may not pass through `completed`
            // again, so the state is checked rather than a new event awaited.
            let state = try await agent.read { $0.connectionState }
            #expect(state == .connected || state == .completed, "state after the new nomination: \(state)")
        }
        let connected = try await peer.event("connected")
        #expect(pair.local.base == base)
        #expect(pair.remote.address == peerAddress)
        #expect(connected["local"] == "\(peerAddress)", "aioice's nominated pair starts at its own candidate")
        #expect(connected["remote"] == "\(base)", "aioice's nominated pair ends at our host candidate")
        return pair
    }

    /// One datagram each way, each payload naming its direction and `label`, over the selected pair.
    static func expectDataBothWays(
        _ agent: LoopbackAgent, _ peer: AioicePeer, peerAddress: TransportAddress, label: String, after: Int = 0
    ) async throws {
        let outbound = Array("crucible to aioice, \(label)".utf8)
        let seen = peer.all.count
        await agent.handle(.send(outbound))
        let arrived = try await peer.event("received", after: seen) { $0["data"] == Hex.encode(outbound) }
        #expect(arrived["data"] == Hex.encode(outbound))

        let inbound = Array("aioice to crucible, \(label)".utf8)
        try peer.send("send", ["data": Hex.encode(inbound)])
        let payload = try await agent.output(after: after, "\(label) data from aioice") {
            if case .received(let payload, let source) = $0, source == peerAddress, payload == inbound { payload } else { nil }
        }
        #expect(payload == inbound)
    }
}
