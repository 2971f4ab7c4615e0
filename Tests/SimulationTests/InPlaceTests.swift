import SansIO
import Simulation
import Testing
import Wire

/// A machine whose state is one large buffer, the way an SCTP association holds its queues.
private struct Hoard: DatagramMachine {
    var buffer: [UInt8]
    var nextDeadline: Instant? { nil }

    init(bytes: Int) {
        buffer = [UInt8](repeating: 7, count: bytes)
        buffer.reserveCapacity(bytes + 1024)
    }

    mutating func handle(_ input: ToyInput, at now: Instant) {}
    mutating func handleTimeout(at now: Instant) {}
    mutating func poll() -> ToyOutput? { nil }

    /// Where the buffer's bytes live: a copy-on-write copy moves them.
    var storage: UInt {
        buffer.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }
}

/// An application call on a hosted machine changes it in place (issue 13): nothing in proportion to the
/// machine's buffers is copied, however large they are.
@Suite("Machines are stepped in place")
struct InPlaceTests {
    static let megabyte = 1 << 20

    @Test("A call through a MachineSlot appends to the machine's buffer without moving it")
    func slotPerformsInPlace() throws {
        var slot = MachineSlot(Hoard(bytes: Self.megabyte))
        let before = slot.machine.storage
        let count = slot.perform(as: Hoard.self, at: .zero) { hoard, _ in
            hoard.buffer.append(1)
            return hoard.buffer.count
        }
        #expect(count == Self.megabyte + 1)
        #expect(slot.machine.storage == before, "the buffer was copied")
    }

    @Test("A call of the wrong machine type is refused and touches nothing")
    func slotRefusesOtherTypes() {
        var slot = MachineSlot(Hoard(bytes: 16))
        #expect(slot.perform(as: Pinger.self, at: .zero) { _, _ in 1 } == nil)
        #expect(slot.machine.buffer.count == 16)
    }

    @Test("Simulator.perform changes the host's machine in place")
    func simulatorPerformsInPlace() throws {
        var simulator = Simulator(seed: SimulationSeed(3))
        let address = TransportAddress(.v4(0xC000_0201), port: 5000)
        let host = simulator.addHost("hoard", addresses: [address], machine: Hoard(bytes: Self.megabyte))
        let before = try #require(simulator.machine(host, as: Hoard.self)).storage
        for _ in 0..<100 {
            _ = simulator.perform(on: host, as: Hoard.self) { hoard, _ in hoard.buffer.append(1) }
        }
        let after = try #require(simulator.machine(host, as: Hoard.self))
        #expect(after.buffer.count == Self.megabyte + 100)
        #expect(after.storage == before, "the buffer was copied on a call")
    }
}
