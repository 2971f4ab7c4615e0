import DataChannels
import SCTP
import SansIO
import Simulation
import Testing
import Wire

@Suite("Data channels: createChannel validates its options (W3C createDataChannel, RFC 8832 §5.1, §6)")
struct OptionsTests {
    static func options(_ change: (inout DataChannelOptions) -> Void) -> DataChannelOptions {
        var options = DataChannelOptions()
        change(&options)
        return options
    }

    static let invalid: [(String, String, DataChannelOptions)] = [
        ("both maxRetransmits and maxPacketLifeTime", "", options { $0.maxRetransmits = 1; $0.maxPacketLifeTime = .seconds(1) }),
        ("negative maxRetransmits", "", options { $0.maxRetransmits = -1 }),
        ("maxRetransmits beyond an unsigned short", "", options { $0.maxRetransmits = 65536 }),
        ("negative maxPacketLifeTime", "", options { $0.maxPacketLifeTime = .milliseconds(-1) }),
        ("maxPacketLifeTime beyond 2^32 - 1 ms", "", options { $0.maxPacketLifeTime = .milliseconds(Int64(UInt32.max) + 1) }),
        ("negotiated without an id", "", options { $0.negotiated = true }),
        ("the reserved id 65535", "", options { $0.negotiated = true; $0.id = 65535 }),
        ("a label longer than 65535 bytes", String(repeating: "é", count: 32768), .init()),
        ("a protocol longer than 65535 bytes", "", options { $0.protocol = String(repeating: "p", count: 65536) }),
    ]

    @Test("invalid options throw invalidOptions and create nothing", arguments: invalid)
    func invalidOptions(_ name: String, _ label: String, _ options: DataChannelOptions) {
        var machine = makeMachine(SimulationSeed(1), "a")
        #expect {
            _ = try machine.createChannel(label: label, options: options, at: .zero)
        } throws: { error in
            if case DataChannelError.invalidOptions = error { true } else { false }
        }
        #expect(machine.channels.isEmpty)
        #expect(machine.poll() == nil)
    }

    @Test("an in-band id of the peer's parity is refused once the parity is known, and at start when it was not")
    func parityOfExplicitIds() throws {
        var machine = makeMachine(SimulationSeed(1), "a")
        var odd = DataChannelOptions()
        odd.id = 3
        let early = try machine.createChannel(label: "early", options: odd, at: .zero)
        machine.handle(.start(.even), at: .zero)
        var outputs: [DataChannelOutput] = []
        while let output = machine.poll() { outputs.append(output) }
        #expect(outputs.contains { if case .error(early, .invalidOptions) = $0 { true } else { false } })
        #expect(outputs.contains(.closed(early)))
        #expect {
            _ = try machine.createChannel(label: "late", options: odd, at: .zero)
        } throws: { error in
            if case DataChannelError.invalidOptions = error { true } else { false }
        }
        var even = DataChannelOptions()
        even.id = 4
        let fine = try machine.createChannel(label: "fine", options: even, at: .zero)
        #expect(machine.channel(fine)?.stream == 4)
    }

    @Test("an id already in use throws streamIdInUse; a fresh channel skips it")
    func idInUse() throws {
        var machine = makeMachine(SimulationSeed(1), "a")
        machine.handle(.start(.even), at: .zero)
        var options = DataChannelOptions()
        options.negotiated = true
        options.id = 0
        _ = try machine.createChannel(label: "first", options: options, at: .zero)
        #expect(throws: DataChannelError.streamIdInUse(0)) { try machine.createChannel(label: "second", options: options, at: .zero) }
        let automatic = try machine.createChannel(label: "automatic", options: .init(), at: .zero)
        #expect(machine.channel(automatic)?.stream == 2)
    }

    @Test("valid options of every kind are accepted and reported back unchanged")
    func randomValidOptions() throws {
        var generator = SeededGenerator(seed: 11)
        var machine = makeMachine(SimulationSeed(1), "a")
        for index in 0..<200 {
            let options = DataChannelOptions.random(using: &generator)
            let handle = try machine.createChannel(label: "c\(index)", options: options, at: .zero)
            #expect(machine.channel(handle)?.options == options)
            #expect(machine.channel(handle)?.state == .connecting)
        }
        #expect(machine.channels.count == 200)
    }
}
