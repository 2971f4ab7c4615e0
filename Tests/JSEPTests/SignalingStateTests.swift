import JSEP
import Testing

/// W3C webrtc-pc §4.3.1 (state diagram) and §4.4.1.5 (set the RTCSessionDescription).
@Suite("Signaling state machine")
struct SignalingStateTests {
    /// One row of the transition table.
    struct Move: CustomTestStringConvertible, Sendable {
        let from: SignalingState
        let type: DescriptionType
        let source: DescriptionSource
        /// nil: InvalidStateError.
        let to: SignalingState?

        var testDescription: String {
            "\(from.rawValue) + \(source == .local ? "local" : "remote") \(type.rawValue) → \(to?.rawValue ?? "InvalidStateError")"
        }
    }

    /// The allowed moves, written out from the specification (not from the implementation).
    static let allowed: [(SignalingState, DescriptionType, DescriptionSource, SignalingState)] = [
        (.stable, .offer, .local, .haveLocalOffer),
        (.stable, .offer, .remote, .haveRemoteOffer),
        (.haveLocalOffer, .offer, .local, .haveLocalOffer),
        (.haveLocalOffer, .answer, .remote, .stable),
        (.haveLocalOffer, .pranswer, .remote, .haveRemotePranswer),
        (.haveLocalOffer, .rollback, .local, .stable),
        (.haveLocalOffer, .rollback, .remote, .stable),
        (.haveRemoteOffer, .offer, .remote, .haveRemoteOffer),
        (.haveRemoteOffer, .answer, .local, .stable),
        (.haveRemoteOffer, .pranswer, .local, .haveLocalPranswer),
        (.haveRemoteOffer, .rollback, .local, .stable),
        (.haveRemoteOffer, .rollback, .remote, .stable),
        (.haveLocalPranswer, .pranswer, .local, .haveLocalPranswer),
        (.haveLocalPranswer, .answer, .local, .stable),
        (.haveRemotePranswer, .pranswer, .remote, .haveRemotePranswer),
        (.haveRemotePranswer, .answer, .remote, .stable),
    ]

    /// Every (state, type, source): 6 × 4 × 2 = 48 rows.
    static let table: [Move] = SignalingState.allCases.flatMap { state in
        DescriptionType.allCases.flatMap { type in
            [DescriptionSource.local, .remote].map { source in
                let to = allowed.first { $0.0 == state && $0.1 == type && $0.2 == source }?.3
                return Move(from: state, type: type, source: source, to: to)
            }
        }
    }

    static func machine(in state: SignalingState) throws -> SignalingStateMachine {
        var machine = SignalingStateMachine()
        switch state {
        case .stable: break
        case .haveLocalOffer: try machine.apply(.offer, from: .local)
        case .haveRemoteOffer: try machine.apply(.offer, from: .remote)
        case .haveLocalPranswer:
            try machine.apply(.offer, from: .remote)
            try machine.apply(.pranswer, from: .local)
        case .haveRemotePranswer:
            try machine.apply(.offer, from: .local)
            try machine.apply(.pranswer, from: .remote)
        case .closed: machine.close()
        }
        #expect(machine.state == state)
        return machine
    }

    @Test("the table has every (state, type, source) once", arguments: [table.count])
    func tableIsComplete(count: Int) {
        #expect(count == 48)
        #expect(Self.allowed.count == 16)
    }

    @Test("each move leads where webrtc-pc §4.3.1 says, or is InvalidStateError and leaves the state", arguments: table)
    func transition(move: Move) throws {
        var machine = try Self.machine(in: move.from)
        if let to = move.to {
            #expect(try machine.apply(move.type, from: move.source) == to)
            #expect(machine.state == to)
        } else {
            #expect(throws: JSEPError.invalidState(move.from, move.type, move.source)) {
                try machine.apply(move.type, from: move.source)
            }
            #expect(machine.state == move.from)
        }
    }

    @Test("a provisional answer then the final answer returns to stable (local and remote)")
    func pranswerThenAnswer() throws {
        var caller = SignalingStateMachine()
        var callee = SignalingStateMachine()
        try caller.apply(.offer, from: .local)
        try callee.apply(.offer, from: .remote)
        try callee.apply(.pranswer, from: .local)
        try caller.apply(.pranswer, from: .remote)
        #expect(callee.state == .haveLocalPranswer)
        #expect(caller.state == .haveRemotePranswer)
        try callee.apply(.answer, from: .local)
        try caller.apply(.answer, from: .remote)
        #expect(callee.state == .stable)
        #expect(caller.state == .stable)
    }

    @Test("several provisional answers in a row are allowed before the final one")
    func severalPranswers() throws {
        var machine = SignalingStateMachine()
        try machine.apply(.offer, from: .local)
        for _ in 0..<3 { #expect(try machine.apply(.pranswer, from: .remote) == .haveRemotePranswer) }
        #expect(try machine.apply(.answer, from: .remote) == .stable)
    }

    @Test("rollback returns to stable from have-local-offer and have-remote-offer, whatever its source")
    func rollbackFromOfferStates() throws {
        for state in [SignalingState.haveLocalOffer, .haveRemoteOffer] {
            for source in [DescriptionSource.local, .remote] {
                var machine = try Self.machine(in: state)
                #expect(try machine.apply(.rollback, from: source) == .stable)
                // A new negotiation can start afterwards.
                #expect(try machine.apply(.offer, from: .local) == .haveLocalOffer)
            }
        }
    }

    @Test("rollback in stable is InvalidStateError, not a no-op (webrtc-pc §4.4.1.5)")
    func rollbackInStable() {
        var machine = SignalingStateMachine()
        #expect(throws: JSEPError.invalidState(.stable, .rollback, .local)) { try machine.apply(.rollback, from: .local) }
    }

    @Test("after close every move is InvalidStateError")
    func closed() throws {
        var machine = try Self.machine(in: .haveLocalOffer)
        machine.close()
        #expect(machine.state == .closed)
        for type in DescriptionType.allCases {
            #expect(throws: JSEPError.invalidState(.closed, type, .remote)) { try machine.apply(type, from: .remote) }
        }
    }

    @Test("raw values are the W3C enum strings")
    func rawValues() {
        #expect(SignalingState.allCases.map(\.rawValue) == [
            "stable", "have-local-offer", "have-remote-offer", "have-local-pranswer", "have-remote-pranswer", "closed",
        ])
        #expect(DescriptionType.allCases.map(\.rawValue) == ["offer", "pranswer", "answer", "rollback"])
    }
}
