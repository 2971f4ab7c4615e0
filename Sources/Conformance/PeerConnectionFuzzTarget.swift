import DataChannels
import DTLS
public import Fuzzing
import JSEP
import SansIO
import SDP
import Simulation
import WebRTC
import Wire

/// Fuzz target `peer-connection`: signalling-order fuzzing (issue 17). Two peer connections on the
/// simulator are driven by a script of W3C calls in any order (createOffer, createAnswer,
/// setLocal/RemoteDescription of every type with the descriptions the peers made, structurally mutated
/// now and then by the SDP mutator, addIceCandidate, restartIce, createDataChannel, addTrack,
/// removeTrack, send, close), with the network's datagrams replayed and mutated in between.
///
/// Oracles besides not trapping:
/// - every description set moves the signalling state exactly as W3C webrtc-pc §4.3.1's table says,
///   and a refused one leaves it where it was;
/// - a move the table forbids is refused with InvalidStateError (`WebRTCError.invalidState`), whatever
///   the description holds: webrtc-pc §4.4.1.5 checks the state before the content;
/// - after `close`, every call that can fail fails with InvalidStateError (webrtc-pc §4.4.1.7);
/// - a script that leaves both peers open ends with a valid offer/answer exchange, which must connect
///   (unless a peer's DTLS transport failed, which no exchange restores: webrtc-pc §5.5).
///
/// The same input gives the same run: the simulator's trace hash, the certificates and DTLS's
/// randomness all follow the seed (DESIGN §1.5).
public enum PeerConnectionFuzzTarget {
    public static let name = "peer-connection"

    public static var target: FuzzTarget {
        FuzzTarget(name: name, dictionary: dictionary) { input in run(input).execution }
    }

    /// The runner's self-test for this target (issue 17): the harness judges the peers against a copy of
    /// webrtc-pc §4.3.1's table with one cell wrong (a second remote pranswer leads to stable), so the
    /// fuzzer must reach have-remote-pranswer and set another pranswer there to find it. Never in `all`.
    public static var plantedTarget: FuzzTarget {
        FuzzTarget(name: "planted-" + name, dictionary: dictionary, corpusName: name) { input in
            run(input, table: plantedTransition).execution
        }
    }

    /// Call actions and the start bytes, for libFuzzer's dictionary and the built-in engine's tokens.
    static let dictionary: [[UInt8]] = Call.allCases.map { [4, UInt8($0.rawValue), 0] } + [[4, UInt8(Call.setRemotePranswer.rawValue), 1]]

    static func plantedTransition(from state: SignalingState, _ type: DescriptionType, _ source: DescriptionSource) -> SignalingState? {
        if state == .haveRemotePranswer, type == .pranswer, source == .remote { return .stable }
        return SignalingStateMachine.transition(from: state, type, source)
    }

    /// What a run did: the verdict, and a hash of everything that happened (the simulator's trace and
    /// each call's result), equal for equal inputs.
    public struct Run: Sendable {
        public var outcome: FuzzOutcome
        public var trace: MachineTrace
        /// What the built-in engine's feedback counts: each call with the peer's signalling state before it
        /// and how it ended, and the connection states the run ended in.
        public var features: Set<UInt64> = []

        var execution: Execution {
            Execution(outcome: outcome, features: features.sorted() + [Execution.feature(of: outcome)], trace: trace)
        }
    }

    /// The calls a script's `call` action picks from (`selector % count`); the argument's low bit picks
    /// the peer, and for descriptions set from the other peer its high bit asks for a mutated copy.
    enum Call: Int, CaseIterable {
        case createOffer, createAnswer, createPranswer
        case setLocalOffer, setLocalAnswer, setLocalPranswer, setLocalRollback
        case setRemoteOffer, setRemoteAnswer, setRemotePranswer, setRemoteRollback
        case addCandidate, endOfCandidates, restartIce
        case createDataChannel, addAudio, addVideo, removeTrack, send, close
    }

    /// The start states the first byte picks (`start % 3`).
    enum Start: Int, CaseIterable {
        /// Two new peers.
        case fresh
        /// The first peer has a channel and has set its offer (have-local-offer).
        case offering
        /// Negotiated and connected, a channel open.
        case connected
    }

    /// Simulated time a run may spend on its final exchange before it must be connected.
    static let connectLimit = Duration.seconds(30)

    /// Runs one script against webrtc-pc §4.3.1's table.
    public static func run(_ input: [UInt8]) -> Run {
        run(input, table: SignalingStateMachine.transition)
    }

    /// Runs one script; `table` is webrtc-pc §4.3.1's, unless a self-test plants a wrong cell in it.
    static func run(
        _ input: [UInt8], table: @escaping (SignalingState, DescriptionType, DescriptionSource) -> SignalingState?
    ) -> Run {
        let script = MachineScript(parsing: input)
        var session: Session
        do {
            session = try Session(seed: StableHash.combine(StableHash.offset, input.prefix(1)), table: table)
        } catch {
            // A certificate OpenSSL would not make is the host's problem, not the input's.
            return Run(outcome: .rejected(rule: "setup: \(error)"), trace: MachineTrace())
        }
        func finding(_ detail: String) -> Run {
            Run(
                outcome: .finding(FuzzFinding(target: name, oracle: .invariant, input: input, detail: detail)), trace: session.trace,
                features: session.features)
        }
        if let problem = session.reach(Start(rawValue: Int(script.start) % Start.allCases.count) ?? .fresh) { return finding(problem) }
        for action in script.actions {
            if let problem = session.perform(action) { return finding(problem) }
        }
        if let problem = session.finish() { return finding(problem) }
        return Run(outcome: .accepted, trace: session.trace, features: session.features)
    }

    /// The two peers and what the harness remembers of them.
    struct Session {
        var simulator: Simulator
        let hosts: [HostID]
        let log = Log()
        /// Per peer: the last offer, answer and pranswer it created (the descriptions scripts set).
        var offers: [String?] = [nil, nil]
        var answers: [String?] = [nil, nil]
        var pranswers: [String?] = [nil, nil]
        var channels: [[DataChannelHandle]] = [[], []]
        var tracks: [[TransceiverID]] = [[], []]
        var trace = MachineTrace()
        var features: Set<UInt64> = []
        /// The signalling table the peers are held to.
        let table: (SignalingState, DescriptionType, DescriptionSource) -> SignalingState?

        /// What the simulator's closures write to (they outlive any one copy of the session).
        final class Log {
            /// Candidate lines each peer gathered, in order.
            var candidates: [[LocalCandidateEvent]] = [[], []]
            /// The last datagrams sent, for the deliver action to replay.
            var sent: [Datagram] = []
            /// Sees every output of either peer (its index first): what a harness built on the session
            /// (the cross-layer targets) reads the peers' events through.
            var observer: ((Int, PeerConnectionMachine.Output) -> Void)?
        }

        static let addresses = [TransportAddress(.v4(0xC000_0201), port: 5000), TransportAddress(.v4(0xC000_0202), port: 5000)]

        /// Two peers on a new simulator, everything drawn from `seed`; `integrity` is what their DTLS, SCTP
        /// and SRTP check (bypassed only by the cross-layer targets of a fuzzing build).
        init(
            seed: UInt64, table: @escaping (SignalingState, DescriptionType, DescriptionSource) -> SignalingState?,
            integrity: IntegrityChecks = .enforced
        ) throws(DTLSEndpointError) {
            self.table = table
            var simulator = Simulator(seed: SimulationSeed(seed), traceRetention: .none)
            let log = self.log
            simulator.tap = { record in
                guard record.point == .sent else { return }
                log.sent.append(record.datagram)
                if log.sent.count > 16 { log.sent.removeFirst() }
            }
            var generator = SeededGenerator(seed: seed)
            var hosts: [HostID] = []
            for (index, address) in Self.addresses.enumerated() {
                var configuration = EngineConfiguration(hostAddresses: [address], seed: generator.next())
                configuration.seededDTLS = true
                configuration.integrity = integrity
                let certificate = try DTLSCertificate(seededBy: &generator, serialNumber: UInt32(index + 1))
                hosts.append(
                    simulator.addHost(
                        "peer\(index)", addresses: [address], machine: PeerConnectionMachine(configuration: configuration, certificate: certificate)
                    ) { output, _ in
                        if case .event(.localCandidate(let event)) = output { log.candidates[index].append(event) }
                        log.observer?(index, output)
                    })
            }
            self.simulator = simulator
            self.hosts = hosts
        }

        func machine(_ side: Int) -> PeerConnectionMachine? { simulator.machine(hosts[side], as: PeerConnectionMachine.self) }

        func state(_ side: Int) -> SignalingState { machine(side)?.signalingState ?? .closed }

        /// Runs `body` on a peer as an application call.
        mutating func call<Result>(_ side: Int, _ body: (inout PeerConnectionMachine, Instant) throws(WebRTCError) -> Result) -> Swift.Result<Result, WebRTCError> {
            simulator.perform(on: hosts[side], as: PeerConnectionMachine.self) { machine, now in
                do throws(WebRTCError) { return .success(try body(&machine, now)) } catch { return .failure(error) }
            } ?? .failure(.operationError("no peer connection on host \(side)"))
        }

        /// The scripted prologue of a start state.
        mutating func reach(_ start: Start) -> String? {
            trace.record("start \(start)")
            switch start {
            case .fresh:
                return nil
            case .offering:
                return perform(.call(selector: UInt8(Call.createDataChannel.rawValue), argument: 0))
                    ?? perform(.call(selector: UInt8(Call.createOffer.rawValue), argument: 0))
                    ?? perform(.call(selector: UInt8(Call.setLocalOffer.rawValue), argument: 0))
            case .connected:
                _ = perform(.call(selector: UInt8(Call.createDataChannel.rawValue), argument: 0))
                return connect(requireConnected: true)
            }
        }

        /// One script action; a broken oracle's complaint, or nil.
        mutating func perform(_ action: MachineScript.Action) -> String? {
            switch action {
            case .deliver(let variant, let seed):
                guard !log.sent.isEmpty else { return nil }
                let original = log.sent[Int(variant) % log.sent.count]
                var payload = original.payload
                var generator = SeededGenerator(seed: UInt64(seed))
                // Seed 0 replays the datagram as sent (a duplicate); others flip a few bytes of it.
                for _ in 0..<(seed == 0 ? 0 : 1 + Int(seed % 4)) where !payload.isEmpty {
                    payload[Int.random(in: 0..<payload.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator)
                }
                let from = hosts.first { simulator.addresses(of: $0).contains(original.source) } ?? hosts[0]
                simulator.inject(Datagram(from: original.source, to: original.destination, payload: payload), from: from, at: simulator.now)
                trace.record("deliver \(variant) \(seed)")
            case .deliverBytes(let bytes):
                simulator.inject(Datagram(from: Self.addresses[0], to: Self.addresses[1], payload: bytes), from: hosts[0], at: simulator.now)
                trace.record(bytes: bytes)
            case .fireTimer:
                simulator.step()
            case .advance(let milliseconds):
                simulator.run(for: .milliseconds(Int64(milliseconds)))
            case .call(let selector, let argument):
                guard let call = Call(rawValue: Int(selector) % Call.allCases.count) else { return nil }
                let side = Int(argument & 1)
                let before = "\(call) in \(state(side).rawValue) (other \(state(1 - side).rawValue))"
                let problem = self.call(call, side: side, argument: argument)
                let after = "\(state(0).rawValue) \(state(1).rawValue)"
                features.insert(StableHash.of(before + " → " + after))
                trace.record("\(call) \(side): " + after)
                return problem
            case .close:
                for side in 0..<2 { _ = call(side) { machine, now in machine.close(at: now) } }
            }
            trace.record(simulator.traceHash)
            return nil
        }

        /// Runs one W3C call on `side` and checks what it did to the signalling state.
        mutating func call(_ call: Call, side: Int, argument: UInt8) -> String? {
            let other = 1 - side
            let mutated = argument & 0x80 != 0
            switch call {
            case .createOffer:
                if case .success(let offer) = self.call(side, { machine, now throws(WebRTCError) in try machine.createOffer(at: now) }) {
                    offers[side] = offer
                }
            case .createAnswer, .createPranswer:
                let type: DescriptionType = call == .createAnswer ? .answer : .pranswer
                if case .success(let answer) = self.call(side, { machine, now throws(WebRTCError) in try machine.createAnswer(type: type, at: now) }) {
                    if type == .answer { answers[side] = answer } else { pranswers[side] = answer }
                }
            case .setLocalOffer: return set(.offer, .local, on: side, sdp: offers[side] ?? "", mutated: false)
            case .setLocalAnswer: return set(.answer, .local, on: side, sdp: answers[side] ?? "", mutated: false)
            case .setLocalPranswer: return set(.pranswer, .local, on: side, sdp: pranswers[side] ?? "", mutated: false)
            case .setLocalRollback: return set(.rollback, .local, on: side, sdp: "", mutated: false)
            case .setRemoteOffer: return set(.offer, .remote, on: side, sdp: mutate(offers[other] ?? "", mutated, argument), mutated: mutated)
            case .setRemoteAnswer: return set(.answer, .remote, on: side, sdp: mutate(answers[other] ?? "", mutated, argument), mutated: mutated)
            case .setRemotePranswer:
                return set(.pranswer, .remote, on: side, sdp: mutate(pranswers[other] ?? "", mutated, argument), mutated: mutated)
            case .setRemoteRollback: return set(.rollback, .remote, on: side, sdp: "", mutated: false)
            case .addCandidate:
                let gathered = log.candidates[other]
                guard !gathered.isEmpty else { return nil }
                let event = gathered[Int(argument >> 1) % gathered.count]
                let result = self.call(side) { machine, now throws(WebRTCError) in
                    try machine.addIceCandidate(event.candidate, sdpMid: event.sdpMid, sdpMLineIndex: event.sdpMLineIndex, at: now)
                }
                return refusedAfterClose(result, "addIceCandidate", side)
            case .endOfCandidates:
                let result = self.call(side) { machine, now throws(WebRTCError) in try machine.addIceCandidate(nil, sdpMid: nil, sdpMLineIndex: nil, at: now) }
                return refusedAfterClose(result, "addIceCandidate(end)", side)
            case .restartIce:
                _ = self.call(side) { machine, now in machine.restartIce(at: now) }
            case .createDataChannel:
                var options = DataChannelOptions()
                options.ordered = argument & 2 == 0
                options.maxRetransmits = argument & 4 == 0 ? nil : 0
                let result = self.call(side) { machine, now throws(WebRTCError) in
                    try machine.createDataChannel(label: "fuzz\(argument >> 3)", options: options, at: now)
                }
                if case .success(let handle) = result { channels[side].append(handle) }
                return refusedAfterClose(result, "createDataChannel", side)
            case .addAudio, .addVideo:
                let track = call == .addAudio
                    ? LocalTrackDescription(id: "audio\(argument)", kind: .audio, source: .pushed)
                    : LocalTrackDescription(id: "video\(argument)", kind: .video, source: .pushed)
                let result = self.call(side) { machine, now throws(WebRTCError) in try machine.addTrack(track, streamIDs: ["fuzz"], at: now) }
                if case .success(let id) = result { tracks[side].append(id) }
                return refusedAfterClose(result, "addTrack", side)
            case .removeTrack:
                guard !tracks[side].isEmpty else { return nil }
                let id = tracks[side][Int(argument >> 1) % tracks[side].count]
                let result = self.call(side) { machine, now throws(WebRTCError) in try machine.removeTrack(id, at: now) }
                return refusedAfterClose(result, "removeTrack", side)
            case .send:
                guard !channels[side].isEmpty else { return nil }
                let handle = channels[side][Int(argument >> 1) % channels[side].count]
                _ = self.call(side) { machine, now throws(WebRTCError) in
                    try machine.send(.binary(Array(repeating: argument, count: Int(argument) * 4)), on: handle, at: now)
                }
            case .close:
                _ = self.call(side) { machine, now in machine.close(at: now) }
                if state(side) != .closed { return "peer \(side) is \(state(side).rawValue) after close()" }
            }
            return nil
        }

        /// `sdp`, or a copy the SDP mutator changed (seeded by the argument) when `mutated`.
        func mutate(_ sdp: String, _ mutated: Bool, _ argument: UInt8) -> String {
            guard mutated, var description = try? SDPCodec.parse(sdp) else { return sdp }
            var generator = SeededGenerator(seed: UInt64(argument))
            _ = SDPCodec.mutate(&description, using: &generator)
            return String(decoding: SDPCodec.serialize(description), as: UTF8.self)
        }

        /// Sets a description and holds the signalling state to webrtc-pc §4.3.1's table.
        mutating func set(_ type: DescriptionType, _ source: DescriptionSource, on side: Int, sdp: String, mutated: Bool) -> String? {
            let before = state(side)
            let expected = before == .closed ? nil : table(before, type, source)
            let result = call(side) { machine, now throws(WebRTCError) in
                switch source {
                case .local: try machine.setLocalDescription(type, sdp: sdp, at: now)
                case .remote: try machine.setRemoteDescription(type, sdp: sdp, at: now)
                }
            }
            let after = state(side)
            let move = "set\(source == .local ? "Local" : "Remote")Description(\(type.rawValue)) on peer \(side) in \(before.rawValue)"
            switch result {
            case .success:
                guard let expected else { return "\(move) succeeded, where webrtc-pc §4.3.1 allows no such move" }
                if after != expected { return "\(move) led to \(after.rawValue), not \(expected.rawValue)" }
            case .failure(let error):
                if after != before { return "\(move) was refused (\(error)) but the state became \(after.rawValue)" }
                if expected == nil, !mutated || source == .remote, !error.isInvalidState {
                    return "\(move) was refused with \(error); webrtc-pc §4.4.1.5 checks the state first: InvalidStateError"
                }
            }
            return nil
        }

        /// Whether a refused call on a closed peer was refused as webrtc-pc §4.4.1.7 says: InvalidStateError.
        func refusedAfterClose<Value>(_ result: Swift.Result<Value, WebRTCError>, _ name: String, _ side: Int) -> String? {
            guard state(side) == .closed else { return nil }
            switch result {
            case .success: return "\(name) succeeded on closed peer \(side)"
            case .failure(let error): return error.isInvalidState ? nil : "\(name) on closed peer \(side) threw \(error), not InvalidStateError"
            }
        }

        /// The end of every script: both peers open → a clean offer/answer exchange, which must connect.
        mutating func finish() -> String? {
            guard state(0) != .closed, state(1) != .closed else { return nil }
            return connect(requireConnected: false)
        }

        /// Brings both peers to stable (rolling back an exchange in progress), then negotiates afresh with
        /// an ICE restart (webrtc-pc §4.4.1.6 restartIce) and the candidates in the descriptions; true
        /// `requireConnected` is a prologue, where not connecting is a broken harness rather than a finding.
        mutating func connect(requireConnected: Bool) -> String? {
            for side in 0..<2 {
                switch state(side) {
                case .haveLocalOffer: _ = call(side) { machine, now throws(WebRTCError) in try machine.setLocalDescription(.rollback, sdp: "", at: now) }
                case .haveRemoteOffer: _ = call(side) { machine, now throws(WebRTCError) in try machine.setRemoteDescription(.rollback, sdp: "", at: now) }
                default: break
                }
            }
            // A provisional answer cannot be rolled back (webrtc-pc §4.4.1.5): such a script ends undecided.
            guard state(0) == .stable, state(1) == .stable else { return nil }
            if [0, 1].contains(where: { machine($0)?.dtlsState == .failed }) { return nil }
            // An offer needs something to negotiate a transport for (a description with no section is
            // refused: JSEPError.noDataSection), so the exchange brings a channel when the script made none.
            if channels[0].isEmpty, tracks[0].isEmpty, machine(0)?.localDescription == nil {
                if case .success(let handle) = call(0, { machine, now throws(WebRTCError) in
                    try machine.createDataChannel(label: "finish", options: DataChannelOptions(), at: now)
                }) {
                    channels[0].append(handle)
                }
            }
            _ = call(0) { machine, now in machine.restartIce(at: now) }
            let exchange: Swift.Result<Void, WebRTCError>
            do throws(WebRTCError) {
                try negotiate()
                exchange = .success(())
            } catch {
                exchange = .failure(error)
            }
            if case .failure(let error) = exchange { return "a clean offer/answer exchange from stable was refused: \(error)" }
            let hosts = self.hosts
            let connected = simulator.run(
                until: { simulator in
                    hosts.allSatisfy { simulator.machine($0, as: PeerConnectionMachine.self)?.connectionState == .connected }
                },
                limit: simulator.now + PeerConnectionFuzzTarget.connectLimit)
            trace.record("connect \(connected) \(simulator.traceHash)")
            for side in 0..<2 {
                features.insert(StableHash.of("end \(side) \(machine(side).map { "\($0.connectionState) \($0.dtlsState)" } ?? "gone")"))
            }
            guard !connected else { return nil }
            if !requireConnected, [0, 1].contains(where: { machine($0)?.dtlsState == .failed }) { return nil }
            let states = (0..<2).map { side in
                let summary = machine(side).map { peer in "\(peer.connectionState) (ICE \(peer.iceConnectionState), DTLS \(peer.dtlsState))" }
                return "peer \(side) \(summary ?? "gone")"
            }
            return "a valid offer/answer exchange did not connect in \(PeerConnectionFuzzTarget.connectLimit): " + states.joined(separator: ", ")
        }

        /// The first peer offers, the second answers; each description carries the candidates gathered
        /// while the simulation ran 50 ms after it was set.
        mutating func negotiate() throws(WebRTCError) {
            let offer = try call(0) { machine, now throws(WebRTCError) in try machine.createOffer(at: now) }.get()
            try call(0) { machine, now throws(WebRTCError) in try machine.setLocalDescription(.offer, sdp: offer, at: now) }.get()
            simulator.run(for: .milliseconds(50))
            let gatheredOffer = machine(0)?.localDescriptionWithCandidates()?.sdp ?? offer
            try call(1) { machine, now throws(WebRTCError) in try machine.setRemoteDescription(.offer, sdp: gatheredOffer, at: now) }.get()
            let answer = try call(1) { machine, now throws(WebRTCError) in try machine.createAnswer(at: now) }.get()
            try call(1) { machine, now throws(WebRTCError) in try machine.setLocalDescription(.answer, sdp: answer, at: now) }.get()
            simulator.run(for: .milliseconds(50))
            let gatheredAnswer = machine(1)?.localDescriptionWithCandidates()?.sdp ?? answer
            try call(0) { machine, now throws(WebRTCError) in try machine.setRemoteDescription(.answer, sdp: gatheredAnswer, at: now) }.get()
        }
    }
}

extension PeerConnectionFuzzTarget {
    /// A script from `generator`: a start state, then calls in any order (mostly the ones an exchange
    /// needs, so that scripts get somewhere), time passing, and now and then a datagram replayed or
    /// mutated. Seeds and the unit tests use it; the same generator state gives the same script.
    public static func randomScript(using generator: inout some RandomNumberGenerator) -> [UInt8] {
        var actions: [MachineScript.Action] = []
        for _ in 0..<Int.random(in: 4...40, using: &generator) {
            switch Int.random(in: 0..<10, using: &generator) {
            case 0..<6:
                let call = Call.allCases.randomElement(using: &generator) ?? .createOffer
                actions.append(.call(selector: UInt8(call.rawValue), argument: UInt8.random(in: 0...255, using: &generator)))
            case 6, 7:
                actions.append(.advance(milliseconds: UInt16.random(in: 0...500, using: &generator)))
            case 8:
                actions.append(.deliver(variant: UInt8.random(in: 0...15, using: &generator), seed: UInt8.random(in: 0...3, using: &generator)))
            default:
                actions.append(.fireTimer)
            }
        }
        return MachineScript(start: UInt8.random(in: 0...2, using: &generator), actions: actions).bytes
    }
}

extension WebRTCError {
    /// W3C InvalidStateError.
    var isInvalidState: Bool {
        if case .invalidState = self { return true }
        return false
    }
}
