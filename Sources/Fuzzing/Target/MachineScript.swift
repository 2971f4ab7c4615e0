import Wire

/// The input of a machine fuzz target (issue 17), in the shape of dcSCTP's socket fuzzer: the first byte
/// picks a start state, which the target reaches with a scripted prologue (an association established, a
/// channel open with data in flight, ICE checking with pairs waiting); the rest is a script of actions.
///
/// Every byte string is some script, as hostile input is normal input: an opcode byte is read modulo the
/// number of actions, and bytes missing at the end read as zero. `bytes` writes the canonical form, which
/// parses back to the same script; seeds and regression inputs are written with it.
public struct MachineScript: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        /// Deliver a datagram the target builds from its codec model: `variant` picks which (a packet the
        /// peer would send now, one of the machine's own recent outputs echoed or replayed, …) and `seed`
        /// drives the codec's structural mutator over it (`WireCodec.mutate`); seed 0 leaves it whole.
        case deliver(variant: UInt8, seed: UInt8)
        /// Deliver these bytes as they are.
        case deliverBytes([UInt8])
        /// Let the clock reach the machine's next deadline and fire what is due (nothing when none runs).
        case fireTimer
        /// Let time pass; timers that fall due on the way fire in order.
        case advance(milliseconds: UInt16)
        /// The target's API call number `selector` (modulo how many it has), with an argument byte.
        case call(selector: UInt8, argument: UInt8)
        /// Close the machine; the actions after it still run against the closed machine.
        case close
    }

    /// The start state, modulo the target's number of start states.
    public var start: UInt8
    public var actions: [Action]

    /// Actions past this many are not read: a bound on the time one input can take.
    public static let maximumActions = 512

    public init(start: UInt8, actions: [Action]) {
        self.start = start
        self.actions = actions
    }

    /// The script `input` spells: opcode `byte % 6` is deliver (variant, seed), deliver bytes (a 2-byte
    /// big-endian length, then the bytes), fire the timer, advance (2 bytes of milliseconds), call
    /// (selector, argument) or close.
    public init(parsing input: [UInt8]) {
        var reader = Reader(bytes: input)
        start = reader.byte()
        actions = []
        while !reader.isAtEnd, actions.count < Self.maximumActions {
            switch reader.byte() % 6 {
            case 0: actions.append(.deliver(variant: reader.byte(), seed: reader.byte()))
            case 1:
                let count = Int(reader.word())
                actions.append(.deliverBytes(reader.bytes(count)))
            case 2: actions.append(.fireTimer)
            case 3: actions.append(.advance(milliseconds: reader.word()))
            case 4: actions.append(.call(selector: reader.byte(), argument: reader.byte()))
            default: actions.append(.close)
            }
        }
    }

    /// The canonical bytes of the script: `MachineScript(parsing: script.bytes) == script` for scripts of
    /// at most `maximumActions` actions whose delivered byte strings fit 16 bits of length.
    public var bytes: [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt8(start)
        for action in actions {
            switch action {
            case .deliver(let variant, let seed):
                writer.writeUInt8(0)
                writer.writeUInt8(variant)
                writer.writeUInt8(seed)
            case .deliverBytes(let bytes):
                let kept = bytes.prefix(Int(UInt16.max))
                writer.writeUInt8(1)
                writer.writeUInt16(UInt16(kept.count))
                writer.writeBytes(kept)
            case .fireTimer:
                writer.writeUInt8(2)
            case .advance(let milliseconds):
                writer.writeUInt8(3)
                writer.writeUInt16(milliseconds)
            case .call(let selector, let argument):
                writer.writeUInt8(4)
                writer.writeUInt8(selector)
                writer.writeUInt8(argument)
            case .close:
                writer.writeUInt8(5)
            }
        }
        return writer.bytes
    }

    /// Reads bytes, giving zeros past the end.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var isAtEnd: Bool { index >= bytes.count }

        mutating func byte() -> UInt8 {
            defer { index += 1 }
            return index < bytes.count ? bytes[index] : 0
        }

        mutating func word() -> UInt16 { UInt16(byte()) << 8 | UInt16(byte()) }

        mutating func bytes(_ count: Int) -> [UInt8] {
            let start = min(index, bytes.count)
            let end = min(bytes.count, start + count)
            index = start + count
            return Array(bytes[start..<end])
        }
    }
}

/// A running hash of what a machine did, in order (its outputs, its state after each action): two runs
/// of one script that end with the same trace did the same thing, which is how a stateful finding is
/// shown to reproduce from its saved input alone (issue 17). FNV-1a through ``StableHash``, so a trace
/// means the same in every process.
public struct MachineTrace: Hashable, Sendable, CustomStringConvertible {
    public private(set) var value: UInt64 = StableHash.offset
    /// How many things were recorded.
    public private(set) var count = 0

    public init() {}

    public mutating func record(_ text: String) {
        value = StableHash.combine(StableHash.combine(value, UInt64(text.utf8.count)), text.utf8)
        count += 1
    }

    public mutating func record(bytes: [UInt8]) {
        value = StableHash.combine(StableHash.combine(value, UInt64(bytes.count)), bytes)
        count += 1
    }

    public var description: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
