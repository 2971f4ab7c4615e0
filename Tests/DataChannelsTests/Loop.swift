import CrucibleTestSupport
import DataChannels
import SCTP
import SansIO
import Simulation

/// Two data channel machines on the simulator (`MachinePair`), 10 ms apart each way. Side 0 (`a`) plays the
/// DTLS client (even stream ids), side 1 (`b`) the server.
typealias ChannelLoop = MachinePair<DataChannelMachine, DataChannelMachine>

/// The seed of every data channel test: `CRUCIBLE_SEED` when set.
let channelSeed = SimulationSeed.fromEnvironment(default: 0xDC)

func makeMachine(
    _ seed: SimulationSeed, _ side: String, configure: (inout SCTPAssociationConfiguration) -> Void = { _ in }
) -> DataChannelMachine {
    var association = SCTPAssociationConfiguration()
    configure(&association)
    return DataChannelMachine(
        configuration: DataChannelConfiguration(association: association), generator: seed.generator(label: "\(side)/channels"))
}

extension MachinePair where A == DataChannelMachine, B == DataChannelMachine {
    init(seed: SimulationSeed = channelSeed, configure: (inout SCTPAssociationConfiguration) -> Void = { _ in }) {
        self.init(
            makeMachine(seed, "a", configure: configure), makeMachine(seed, "b", configure: configure), seed: seed,
            link: LinkConditions(delay: .milliseconds(10)))
    }

    /// Both sides learn their DTLS role (side 0 the client: even ids) and connect; runs until both are up.
    mutating func start() -> Bool {
        input(0, .start(.even))
        input(1, .start(.odd))
        return run(for: .seconds(30)) { $0.isEstablished(0) && $0.isEstablished(1) }
    }

    mutating func create(
        _ side: Int, _ label: String, _ options: DataChannelOptions = .init()
    ) throws(DataChannelError) -> DataChannelHandle {
        try perform(side) { machine, now throws(DataChannelError) in try machine.createChannel(label: label, options: options, at: now) }
    }

    mutating func send(_ side: Int, _ message: DataChannelMessage, on handle: DataChannelHandle) throws(DataChannelError) {
        try perform(side) { machine, now throws(DataChannelError) in try machine.send(message, on: handle, at: now) }
    }

    func events(_ side: Int) -> [DataChannelOutput] { events[side] }
    func machine(_ side: Int) -> DataChannelMachine { sides[side] }

    func isEstablished(_ side: Int) -> Bool {
        events(side).contains { if case .associationEstablished = $0 { true } else { false } }
    }

    func has(_ side: Int, _ event: DataChannelOutput) -> Bool { events(side).contains(event) }

    func announced(_ side: Int) -> [DataChannelInfo] {
        events(side).compactMap { if case .announced(let info) = $0 { info } else { nil } }
    }

    func messages(_ side: Int, on handle: DataChannelHandle? = nil) -> [DataChannelMessage] {
        events(side).compactMap { event in
            guard case .message(let from, let message) = event, handle == nil || from == handle else { return nil }
            return message
        }
    }

    /// The events of one channel, in order, without messages and buffered amounts.
    func lifecycle(_ side: Int, _ handle: DataChannelHandle) -> [DataChannelOutput] {
        events(side).filter { event in
            switch event {
            case .open(let h), .closing(let h), .closed(let h): h == handle
            case .error(let h, _): h == handle
            case .announced(let info): info.handle == handle
            default: false
            }
        }
    }
}

/// The DATA chunks in packets, in order: how tests read PPIDs and ordering flags off the wire.
func dataChunks(in packets: [[UInt8]]) -> [DataChunk] {
    packets.flatMap { bytes -> [DataChunk] in
        guard let packet = try? SCTPPacket.parse(bytes) else { return [] }
        return packet.chunks.compactMap { if case .data(let chunk) = $0 { chunk } else { nil } }
    }
}
