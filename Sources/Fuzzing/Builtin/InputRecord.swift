public import Foundation

/// The file in which a built-in worker keeps the input it is running, so the supervisor can read it
/// after the worker trapped, hung or grew too large — the worker cannot say anything once it is dead.
///
/// The worker maps the file shared and copies each input into it before running it (a memcpy, cheap
/// next to a parse); the kernel keeps the pages when the process dies. Layout, little-endian:
/// executions so far (8 bytes), the input's length (4 bytes), the input.
public final class InputRecord {
    static let headerSize = 12
    /// Inputs longer than this are recorded cut short (the engine's inputs stay far below it).
    public static let capacity = 1 << 20

    private let base: UnsafeMutableRawPointer
    private let size: Int

    /// Creates (or truncates) the record file and maps it.
    public init(creatingAt url: URL) throws(RecordError) {
        size = Self.headerSize + Self.capacity
        let descriptor = open(url.path, O_RDWR | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw RecordError(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        guard ftruncate(descriptor, off_t(size)) == 0,
              let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
              mapped != MAP_FAILED
        else { throw RecordError(path: url.path, reason: String(cString: strerror(errno))) }
        base = mapped
    }

    deinit { munmap(base, size) }

    /// Stores `input` as the one being run and counts it.
    public func record(_ input: [UInt8]) {
        let length = min(input.count, Self.capacity)
        input.withUnsafeBytes { bytes in
            if let source = bytes.baseAddress { (base + Self.headerSize).copyMemory(from: source, byteCount: length) }
        }
        base.storeBytes(of: UInt32(length).littleEndian, toByteOffset: 8, as: UInt32.self)
        let executions = UInt64(littleEndian: base.load(as: UInt64.self))
        base.storeBytes(of: (executions &+ 1).littleEndian, as: UInt64.self)
    }

    /// What a record file holds: how many inputs the worker started, and the last one.
    public struct Contents: Sendable, Equatable {
        public var executions: UInt64
        public var input: [UInt8]

        public init(executions: UInt64, input: [UInt8]) {
            self.executions = executions
            self.input = input
        }
    }

    /// Reads a record file written by another process; nil if it is missing or too short.
    public static func read(_ url: URL) -> Contents? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: headerSize), header.count == headerSize else { return nil }
        let bytes = Array(header)
        let executions = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let length = min(Int(bytes[8..<12].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }), capacity)
        let input = (try? handle.read(upToCount: length)).map { Array($0) } ?? []
        return Contents(executions: executions, input: input)
    }

    /// Only the execution count, for the supervisor's frequent hang check.
    public static func executions(in url: URL) -> UInt64? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let header = try? handle.read(upToCount: 8), header.count == 8 else { return nil }
        return header.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}

/// The record file could not be created or mapped.
public struct RecordError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot map the input record \(path): \(reason)" }
}
