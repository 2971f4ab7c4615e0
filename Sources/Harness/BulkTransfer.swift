public import WebRTC
import DataChannels
import Hashing
import Wire

/// Moving many bytes through one channel with back-pressure, checked by hash: the 16 MB interop
/// transfer and the throughput benchmark.
public enum BulkTransfer {
    public struct Result: Hashable, Sendable {
        public var bytes: Int
        /// SHA-256 of the bytes received, hex.
        public var sha256: String
        public var elapsed: Duration
        /// Megabytes (10⁶ bytes) per second.
        public var megabytesPerSecond: Double {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return seconds > 0 ? Double(bytes) / seconds / 1e6 : 0
        }
    }

    /// The payload: `count` bytes from a seeded generator, so both ends can know it.
    public static func payload(count: Int, seed: UInt64 = 0x6375_6369_626C_6521) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let word = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) where bytes.count < count { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return bytes
    }

    /// Sends `bytes` payload bytes in `messageSize` binary messages on `sender` while `receiver`
    /// collects them; checks they arrive complete and in order. `sender` and `receiver` may be the same
    /// channel when the far side echoes.
    public static func transfer(
        bytes count: Int, from sender: DataChannel, to receiver: DataChannel, messageSize: Int = 64 * 1024,
        highWater: Int = 1024 * 1024, clock: @escaping @Sendable () -> Duration
    ) async throws(WebRTCError) -> Result {
        let payload = Self.payload(count: count)
        let start = clock()
        let received: [UInt8]
        do {
            received = try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask {
                    var offset = 0
                    while offset < payload.count {
                        try await sender.awaitBufferedAmount(atMost: highWater)
                        let end = min(offset + messageSize, payload.count)
                        try await sender.send(Array(payload[offset..<end]))
                        offset = end
                    }
                    return nil
                }
                group.addTask {
                    var collected = [UInt8]()
                    collected.reserveCapacity(count)
                    while collected.count < count { collected.append(contentsOf: try await receiver.receiveBinary()) }
                    return collected
                }
                var result: [UInt8] = []
                for try await value in group { if let value { result = value } }
                return result
            }
        } catch let error as WebRTCError {
            throw error
        } catch {
            throw .operationError("\(error)")
        }
        let elapsed = clock() - start
        guard received == payload else {
            let firstDifference = zip(received, payload).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(received.count, payload.count)
            throw .operationError("the bytes differ from offset \(firstDifference) (\(received.count) received of \(count))")
        }
        return Result(bytes: count, sha256: Hex.encode(DigestAlgorithm.sha256.hash(received)), elapsed: elapsed)
    }

    /// ``transfer(bytes:from:to:messageSize:highWater:clock:)`` through an echoing peer, on the wall clock.
    public static func echo(bytes count: Int, over channel: DataChannel) async throws(WebRTCError) -> Result {
        let origin = ContinuousClock.now
        return try await transfer(bytes: count, from: channel, to: channel) { ContinuousClock.now - origin }
    }
}
