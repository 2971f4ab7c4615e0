import ICE
import SansIO
import Wire

/// The signalling channel between two simulated peers (what an offer/answer and trickle carry): each
/// peer posts inputs for the other, deliverable after a fixed delay. A reference type, because the two
/// machines live in the simulator as separate values; it is read only by those machines, in the
/// simulator's deterministic event order, so a run stays a function of its seed.
final class SignallingBoard: @unchecked Sendable {
    let delay: Duration
    private var mailboxes: [[(at: Instant, input: ICEInput)]] = [[], []]

    init(delay: Duration = .milliseconds(20)) { self.delay = delay }

    func post(_ input: ICEInput, to peer: Int, at now: Instant) { mailboxes[peer].append((now + delay, input)) }

    /// The inputs for `peer` due by `now`, from `index` on (each mailbox only grows).
    func due(for peer: Int, from index: Int, at now: Instant) -> [ICEInput] {
        mailboxes[peer][index...].prefix { $0.at <= now }.map(\.input)
    }
}

/// An `ICEEndpoint` as a simulated host: it starts itself at instant zero with the peer's credentials
/// known (as after offer/answer), trickles its candidates through the board, takes the peer's from it,
/// and once connected sends a numbered ping on the selected pair every `pingInterval` for as long as it
/// runs (the peer may validate the pair much later under loss, and drops data until then). It records
/// what it receives.
struct SignalledEndpoint: DatagramMachine {
    typealias Input = ICEInput
    typealias Output = ICEOutput

    /// How often the board is read while the peer's end-of-candidates has not come.
    static let signallingTick: Duration = .milliseconds(10)
    static let pingInterval: Duration = .milliseconds(50)

    var endpoint: ICEEndpoint
    let index: Int
    let board: SignallingBoard
    let remote: ICECredentials
    var started = false
    var consumed = 0
    var remoteEnded = false
    var lastNow = Instant.zero
    private(set) var connectedAt: Instant?
    private(set) var pingsSent = 0
    var nextPingAt: Instant?
    /// Non-STUN payloads received, with the address they came from.
    private(set) var received: [(payload: [UInt8], from: TransportAddress)] = []
    private var outputs: [ICEOutput] = []

    init(endpoint: ICEEndpoint, index: Int, board: SignallingBoard, remote: ICECredentials) {
        self.endpoint = endpoint
        self.index = index
        self.board = board
        self.remote = remote
    }

    static func ping(_ number: Int, from index: Int) -> [UInt8] { Array("ping \(number) from \(index)".utf8) }

    mutating func handle(_ input: ICEInput, at now: Instant) {
        lastNow = max(lastNow, now)
        endpoint.handle(input, at: now)
        collect(at: now)
    }

    mutating func handleTimeout(at now: Instant) {
        lastNow = max(lastNow, now)
        if !started {
            started = true
            endpoint.handle(.setRemoteCredentials(ufrag: remote.ufrag, pwd: remote.pwd, isLite: false), at: now)
            endpoint.handle(.startGathering, at: now)
        }
        for input in board.due(for: index, from: consumed, at: now) {
            consumed += 1
            if case .endOfRemoteCandidates = input { remoteEnded = true }
            endpoint.handle(input, at: now)
        }
        endpoint.handleTimeout(at: now)
        if let due = nextPingAt, due <= now {
            endpoint.handle(.send(Self.ping(pingsSent, from: index)), at: now)
            pingsSent += 1
            nextPingAt = now + Self.pingInterval
        }
        collect(at: now)
    }

    mutating func poll() -> ICEOutput? { outputs.isEmpty ? nil : outputs.removeFirst() }

    var nextDeadline: Instant? {
        if !started { return .zero }
        var candidates = [endpoint.nextDeadline, nextPingAt].compactMap { $0 }
        if !remoteEnded { candidates.append(lastNow + Self.signallingTick) }
        return candidates.min()
    }

    private mutating func collect(at now: Instant) {
        while let output = endpoint.poll() {
            switch output {
            case .localCandidate(let candidate):
                board.post(.addRemoteCandidate(candidate.sdpCandidate), to: 1 - index, at: now)
            case .gatheringStateChanged(.complete):
                board.post(.endOfRemoteCandidates, to: 1 - index, at: now)
            case .connectionStateChanged(.connected), .connectionStateChanged(.completed):
                if connectedAt == nil {
                    connectedAt = now
                    nextPingAt = now
                }
            case .received(let payload, let source):
                received.append((payload, source))
            default:
                break
            }
            outputs.append(output)
        }
    }

    var isConnected: Bool { [.connected, .completed].contains(endpoint.agent.connectionState) }
}
