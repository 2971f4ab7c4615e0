import CrucibleTestSupport
import SansIO
import STUN
import TURN
import Wire

/// A client and the fake server joined by a lossless (or, when `delivering` is false, silent) link on
/// virtual time: the smallest driver that follows the Machine contract.
struct Harness {
    static let clientAddress = TransportAddress(IPAddress.loopbackV4, port: 40_000)
    static let serverAddress = TransportAddress(IPAddress.loopbackV4, port: 3478)

    var client: TURNClient
    var server: FakeTURNServer
    var now = Instant.zero
    /// When false, the client's datagrams are lost on the way to the server.
    var delivering = true
    /// Every output other than a transmission, in order.
    private(set) var events: [TURNClient.Output] = []
    /// Every datagram the client sent, with when.
    private(set) var sent: [(at: Instant, payload: [UInt8])] = []

    init(password: String = "secret", seed: UInt64 = 1) {
        client = TURNClient(server: Self.serverAddress, local: Self.clientAddress, username: "alice",
                            password: password, generator: SeededGenerator(seed: seed))
        server = FakeTURNServer(address: Self.serverAddress, username: "alice", password: "secret")
    }

    /// The STUN requests the client sent, in order (retransmissions included).
    var sentRequests: [STUNMessage] {
        sent.compactMap { try? STUNMessage.parse($0.payload) }.filter { $0.type.messageClass == .request }
    }

    func sentRequests(_ method: STUNMethod) -> [STUNMessage] { sentRequests.filter { $0.type.method == method } }

    mutating func input(_ input: TURNClient.Input) {
        client.handle(input, at: now)
        pump()
    }

    /// A datagram from the network, as if it had just arrived.
    mutating func deliver(_ datagram: Datagram) { input(.received(datagram)) }

    /// Lets virtual time run to `instant`, firing every deadline on the way at its exact instant.
    mutating func advance(to instant: Instant) {
        while let deadline = client.nextDeadline, deadline <= instant {
            now = max(now, deadline)
            client.handleTimeout(at: now)
            pump()
        }
        now = max(now, instant)
    }

    mutating func advance(by duration: Duration) { advance(to: now + duration) }

    /// Drains the client; hands its datagrams to the server and the server's answers back, until quiet.
    private mutating func pump() {
        var toServer: [Datagram] = []
        repeat {
            while let output = client.poll() {
                if let datagram = output.transmission {
                    sent.append((now, datagram.payload))
                    if delivering { toServer.append(datagram) }
                } else {
                    events.append(output)
                }
            }
            let batch = toServer
            toServer.removeAll()
            for datagram in batch {
                for answer in server.handle(datagram) { client.handle(.received(answer), at: now) }
            }
        } while client.pendingOutputs
    }

    /// Allocates and forgets the events so far; the common start of most tests.
    mutating func allocated() {
        input(.allocate)
        events.removeAll()
    }

    mutating func clearEvents() { events.removeAll() }
}

extension TURNClient {
    /// Whether poll() has something: a peek that a copy makes cheap enough for tests.
    var pendingOutputs: Bool {
        var copy = self
        return copy.poll() != nil
    }
}
