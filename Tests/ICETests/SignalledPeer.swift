import ICE
import SansIO
import Wire

/// An ICE machine a two-peer test runs: the bare agent or the endpoint (the agent with its TURN
/// allocations). Both take ``ICEInput`` and give ``ICEOutput``.
protocol ICEMachine: DatagramMachine where Input == ICEInput, Output == ICEOutput {
    /// The agent inside, as it is now.
    var iceAgent: ICEAgent { get }
}

extension ICEAgent: ICEMachine {
    var iceAgent: ICEAgent { self }
}

extension ICEEndpoint: ICEMachine {
    var iceAgent: ICEAgent { agent }
}

/// The signalling channel between two simulated peers (what an offer/answer and trickle carry): each
/// peer posts inputs for the other, due after a fixed delay; ``ICELoop`` hands them over at that
/// instant. A reference type, because the two machines live in the simulator as separate values; it is
/// used only in the simulator's deterministic event order, so a run stays a function of its seed.
final class SignallingBoard: @unchecked Sendable {
    let delay: Duration
    /// Whether posts are carried at all: tests that signal by hand turn it off.
    var isForwarding = true
    private var pending: [(at: Instant, peer: Int, input: ICEInput)] = []

    init(delay: Duration) { self.delay = delay }

    func post(_ input: ICEInput, to peer: Int, at now: Instant) {
        guard isForwarding else { return }
        pending.append((now + delay, peer, input))
    }

    /// When the next post is due (posts are due in the order they were made: the delay is fixed).
    var nextDue: Instant? { pending.first?.at }

    /// The posts due by `now`, oldest first, taken off the board.
    func takeDue(at now: Instant) -> [(peer: Int, input: ICEInput)] {
        let count = pending.prefix { $0.at <= now }.count
        defer { pending.removeFirst(count) }
        return pending.prefix(count).map { ($0.peer, $0.input) }
    }
}

/// An ICE machine as a simulated host: it trickles its candidates and end-of-candidates through the
/// board, and, when `pings` is set, once connected sends a numbered ping on the selected pair every
/// ``pingInterval`` for as long as it runs (the peer may validate the pair much later under loss, and
/// drops data until then). It records the payloads it receives.
struct SignalledPeer<Wrapped: ICEMachine>: DatagramMachine {
    typealias Input = ICEInput
    typealias Output = ICEOutput

    static var pingInterval: Duration { .milliseconds(50) }

    private(set) var machine: Wrapped
    let index: Int
    let board: SignallingBoard
    let pings: Bool
    private(set) var connectedAt: Instant?
    private(set) var pingsSent = 0
    private var nextPingAt: Instant?
    /// Non-STUN payloads received, with the address they came from.
    private(set) var received: [(payload: [UInt8], from: TransportAddress)] = []
    private var outputs: [ICEOutput] = []

    init(_ machine: Wrapped, index: Int, board: SignallingBoard, pings: Bool = false) {
        self.machine = machine
        self.index = index
        self.board = board
        self.pings = pings
    }

    static func ping(_ number: Int, from index: Int) -> [UInt8] { Array("ping \(number) from \(index)".utf8) }

    mutating func handle(_ input: ICEInput, at now: Instant) {
        machine.handle(input, at: now)
        collect(at: now)
    }

    mutating func handleTimeout(at now: Instant) {
        if let deadline = machine.nextDeadline, deadline <= now { machine.handleTimeout(at: now) }
        if let due = nextPingAt, due <= now {
            machine.handle(.send(Self.ping(pingsSent, from: index)), at: now)
            pingsSent += 1
            nextPingAt = now + Self.pingInterval
        }
        collect(at: now)
    }

    mutating func poll() -> ICEOutput? { outputs.isEmpty ? nil : outputs.removeFirst() }

    var nextDeadline: Instant? { [machine.nextDeadline, nextPingAt].compactMap { $0 }.min() }

    private mutating func collect(at now: Instant) {
        while let output = machine.poll() {
            switch output {
            case .localCandidate(let candidate):
                board.post(.addRemoteCandidate(candidate.sdpCandidate), to: 1 - index, at: now)
            case .gatheringStateChanged(.complete):
                board.post(.endOfRemoteCandidates, to: 1 - index, at: now)
            case .connectionStateChanged(.connected), .connectionStateChanged(.completed):
                if connectedAt == nil {
                    connectedAt = now
                    if pings { nextPingAt = now }
                }
            case .received(let payload, let source):
                received.append((payload, source))
            default:
                break
            }
            outputs.append(output)
        }
    }

    var agent: ICEAgent { machine.iceAgent }
    var isConnected: Bool { [.connected, .completed].contains(agent.connectionState) }
}
