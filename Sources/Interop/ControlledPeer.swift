public import DataChannels
public import Foundation
import Fuzzing
import Synchronization

/// Another stack's peer program in a child process, spoken to in the control protocol of
/// `Scripts/interop/CONTROL.md`: a JSON request per line on its stdin, replies and events on its stdout.
public final class ControlledPeer: InteropPeer {
    public let stack: InteropStack
    public let version: String
    public let events: PeerEventLog
    /// The NSS key log lines the peer printed (`keylog` events), for stacks that can export their DTLS
    /// secrets (aiortc); empty for those that cannot (Pion 3.1, Chromium).
    public var keyLog: [String] { reader.keyLog }

    private let reader: ControlledPeerReader
    private let watch: ProcessWatch
    private let input: FileHandle
    private let logPath: URL
    private let pending = Mutex<(next: Int, waiting: [Int: CheckedContinuation<Data, any Error>], ended: String?)>((1, [:], nil))
    /// How long a request may take before the cell fails; `bulk` gets its own, longer bound.
    private let requestTimeout: Duration

    private init(
        stack: InteropStack, version: String, events: PeerEventLog, reader: ControlledPeerReader, watch: ProcessWatch, input: FileHandle,
        logPath: URL, requestTimeout: Duration
    ) {
        self.stack = stack
        self.reader = reader
        self.version = version
        self.events = events
        self.watch = watch
        self.input = input
        self.logPath = logPath
        self.requestTimeout = requestTimeout
    }

    /// Starts `stack`'s peer program and waits for its `ready` line. Its stderr goes to `logPath`.
    public static func start(
        _ stack: InteropStack, role: String, repository: URL, logPath: URL, requestTimeout: Duration = .seconds(30)
    ) async throws(InteropError) -> ControlledPeer {
        guard let command = stack.controlCommand(repository: repository) else {
            throw InteropError("\(stack) runs in process, not as a controlled peer")
        }
        guard FileManager.default.isExecutableFile(atPath: command.executable.path) else {
            throw InteropError("\(stack): \(command.executable.path) not found: \(command.installHint)")
        }
        let process = Process()
        process.executableURL = command.executable
        process.arguments = command.arguments
        process.currentDirectoryURL = repository
        let stdin = Pipe()
        let stdout = Pipe()
        _ = FileManager.default.createFile(atPath: logPath.path, contents: nil)
        guard let log = try? FileHandle(forWritingTo: logPath) else { throw InteropError("\(stack): cannot write its log \(logPath.path)") }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = log
        do { try process.runWithSignalsUnblocked() } catch { throw InteropError("\(stack): cannot start \(command.executable.path): \(error)") }
        try? log.close()
        let watch = ProcessWatch(process)
        let events = PeerEventLog(owner: "\(stack) (\(role))")
        // The peer object needs its version, which the ready line carries: read until then first.
        let reader = ControlledPeerReader(events: events).start(stdout.fileHandleForReading)
        let clock = ContinuousClock()
        let end = clock.now + .seconds(90)
        while reader.version == nil {
            if watch.termination != nil || clock.now > end {
                watch.end(grace: .seconds(2))
                let tail = Self.tail(of: logPath)
                throw InteropError("\(stack): its peer \(watch.termination == nil ? "sent no ready line within 90 s" : "exited before it was ready"); \(command.installHint)\n\(tail)")
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let controlled = ControlledPeer(
            stack: stack, version: reader.version ?? "", events: events, reader: reader, watch: watch,
            input: stdin.fileHandleForWriting, logPath: logPath, requestTimeout: requestTimeout)
        reader.attach(controlled)
        return controlled
    }

    // MARK: Requests

    /// Sends one request and waits for its reply's fields; `ok: false` becomes an error.
    private func request(_ command: String, _ arguments: [String: Any] = [:], timeout: Duration? = nil) async throws(InteropError) -> [String: Any] {
        let (id, ended) = pending.withLock { state in
            defer { state.next += 1 }
            return (state.next, state.ended)
        }
        if let ended { throw InteropError("\(events.owner): \(command): the peer has ended (\(ended))") }
        var object = arguments
        object["id"] = id
        object["cmd"] = command
        guard let line = try? JSONSerialization.data(withJSONObject: object) else { throw InteropError("\(command): arguments are not JSON") }
        let bound = timeout ?? requestTimeout
        let reply: Data
        do {
            reply = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
                pending.withLock { $0.waiting[id] = continuation }
                do { try input.write(contentsOf: line + Data([0x0A])) } catch {
                    fail(id, InteropError("\(events.owner): \(command): cannot write to the peer: \(error)"))
                }
                Task { [weak self] in
                    try? await Task.sleep(for: bound)
                    self?.fail(id, InteropError("\(self?.events.owner ?? "peer"): no reply to \(command) within \(bound)"))
                }
            }
        } catch let error as InteropError {
            throw error
        } catch {
            throw InteropError("\(command): \(error)")
        }
        guard let fields = (try? JSONSerialization.jsonObject(with: reply)) as? [String: Any] else {
            throw InteropError("\(events.owner): \(command): the reply is not a JSON object")
        }
        guard jsonFlag(fields["ok"]) == true else {
            throw InteropError("\(events.owner): \(command) failed: \(fields["error"] as? String ?? "no reason given")",
                               unsupported: jsonFlag(fields["unsupported"]) == true)
        }
        return fields
    }

    private func fail(_ id: Int, _ error: InteropError) {
        pending.withLock { $0.waiting.removeValue(forKey: id) }?.resume(throwing: error)
    }

    /// A reply arrived (from the reader thread).
    fileprivate func deliver(reply id: Int, _ line: Data) {
        pending.withLock { $0.waiting.removeValue(forKey: id) }?.resume(returning: line)
    }

    /// The peer's stdout ended: every waiting request fails now rather than at its timeout.
    fileprivate func ended() {
        let status = watch.wait(timeout: .seconds(2)).map { "\($0)" } ?? "stdout closed"
        let waiting = pending.withLock { state in
            state.ended = status
            defer { state.waiting = [:] }
            return state.waiting
        }
        for (_, continuation) in waiting { continuation.resume(throwing: InteropError("\(events.owner): the peer exited (\(status))")) }
    }

    public func createOffer(iceRestart: Bool) async throws(InteropError) -> String {
        try await description(from: request("createOffer", ["iceRestart": iceRestart]))
    }

    public func createAnswer() async throws(InteropError) -> String {
        try await description(from: request("createAnswer"))
    }

    private func description(from fields: [String: Any]) throws(InteropError) -> String {
        guard let sdp = fields["sdp"] as? String else { throw InteropError("\(events.owner): a description reply without sdp") }
        return sdp
    }

    public func setRemoteDescription(offer: Bool, sdp: String) async throws(InteropError) {
        _ = try await request("setRemoteDescription", ["type": offer ? "offer" : "answer", "sdp": sdp])
    }

    public func createDataChannel(_ label: String, options: DataChannelOptions) async throws(InteropError) {
        var arguments: [String: Any] = ["label": label, "ordered": options.ordered, "protocol": options.protocol, "negotiated": options.negotiated]
        arguments["maxRetransmits"] = options.maxRetransmits ?? NSNull()
        arguments["maxPacketLifeTime"] = options.maxPacketLifeTime.map { Int($0 / .milliseconds(1)) } ?? NSNull()
        arguments["channelId"] = options.id.map(Int.init) ?? NSNull()
        _ = try await request("createDataChannel", arguments)
    }

    public func send(_ message: DataChannelMessage, on label: String) async throws(InteropError) {
        switch message {
        case .text(let text): _ = try await request("send", ["label": label, "text": text])
        case .binary(let bytes): _ = try await request("send", ["label": label, "binary": Data(bytes).base64EncodedString()])
        }
    }

    public func closeChannel(_ label: String) async throws(InteropError) {
        _ = try await request("closeChannel", ["label": label])
    }

    public func startEcho() async throws(InteropError) {
        _ = try await request("echo")
    }

    public func bulk(on label: String, bytes: Int, chunk: Int) async throws(InteropError) -> BulkReport {
        let fields = try await request("bulk", ["label": label, "bytes": bytes, "chunk": chunk], timeout: .seconds(300))
        guard let received = (fields["bytes"] as? NSNumber)?.intValue, let seconds = (fields["seconds"] as? NSNumber)?.doubleValue,
              let sha256 = fields["sha256"] as? String, let sent = fields["sentSha256"] as? String
        else { throw InteropError("\(events.owner): a bulk reply without bytes, seconds, sha256 and sentSha256") }
        return BulkReport(bytes: received, seconds: seconds, sha256: sha256.lowercased(), sentSha256: sent.lowercased())
    }

    public func addMedia(_ request: MediaRequest) async throws(InteropError) {
        _ = try await self.request("addMedia", request.arguments)
    }

    public func startMediaEcho() async throws(InteropError) {
        _ = try await request("echoMedia")
    }

    public func mediaReport() async throws(InteropError) -> MediaReport {
        try MediaReport(fields: try await request("mediaReport"), owner: events.owner)
    }

    public func close() async {
        _ = try? await request("close", timeout: .seconds(10))
        try? input.close()
        let watch = self.watch
        _ = await Task.detached { watch.end(grace: .seconds(5)) }.value
    }

    public var logTail: String { Self.tail(of: logPath) }

    static func tail(of path: URL, lines: Int = 40) -> String {
        ((try? String(contentsOf: path, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines).joined(separator: "\n")
    }
}

/// Reads a controlled peer's stdout on a thread of its own: one line, one reply or event.
private final class ControlledPeerReader: Sendable {
    let events: PeerEventLog
    /// The version from the `ready` line; nil until it came.
    private let ready = Mutex<String?>(nil)
    /// Set once the peer object exists (requests, and so replies, come only after).
    private let peer = Mutex<ControlledPeer?>(nil)
    private let keyLines = Mutex<[String]>([])

    init(events: PeerEventLog) { self.events = events }

    var version: String? { ready.withLock { $0 } }
    var keyLog: [String] { keyLines.withLock { $0 } }

    func attach(_ controlled: ControlledPeer) { peer.withLock { $0 = controlled } }

    func start(_ output: FileHandle) -> ControlledPeerReader {
        Thread { [self] in
            var buffer = Data()
            while true {
                let data = output.availableData
                if data.isEmpty { break }
                buffer.append(data)
                while let newline = buffer.firstIndex(of: 0x0A) {
                    let line = buffer[buffer.startIndex..<newline]
                    handle(Data(line))
                    buffer.removeSubrange(buffer.startIndex...newline)
                }
            }
            peer.withLock { $0 }?.ended()
        }.start()
        return self
    }

    private func handle(_ line: Data) {
        guard let fields = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any] else {
            if !line.isEmpty { events.append(.error("not a JSON line on stdout: \(String(decoding: line.prefix(200), as: UTF8.self))")) }
            return
        }
        if let id = (fields["reply"] as? NSNumber)?.intValue {
            peer.withLock { $0 }?.deliver(reply: id, line)
            return
        }
        guard let name = fields["event"] as? String else { return }
        let label = fields["label"] as? String ?? ""
        switch name {
        case "ready":
            ready.withLock { $0 = fields["version"] as? String ?? "unknown" }
        case "datachannel":
            var options = DataChannelOptions()
            options.ordered = jsonFlag(fields["ordered"]) ?? true
            options.maxRetransmits = (fields["maxRetransmits"] as? NSNumber)?.intValue
            options.maxPacketLifeTime = (fields["maxPacketLifeTime"] as? NSNumber).map { .milliseconds($0.intValue) }
            options.protocol = fields["protocol"] as? String ?? ""
            options.negotiated = jsonFlag(fields["negotiated"]) ?? false
            options.id = (fields["channelId"] as? NSNumber).map { UInt16(truncatingIfNeeded: $0.intValue) }
            events.append(.dataChannel(label: label, options: options))
        case "open": events.append(.open(label: label))
        case "closed": events.append(.closed(label: label))
        case "message":
            if let text = fields["text"] as? String {
                events.append(.message(label: label, .text(text)))
            } else if let encoded = fields["binary"] as? String, let bytes = Data(base64Encoded: encoded) {
                events.append(.message(label: label, .binary(Array(bytes))))
            } else {
                events.append(.error("a message event on \(label) with neither text nor base64 binary"))
            }
        case "connectionState": events.append(.connectionState(fields["value"] as? String ?? ""))
        case "iceConnectionState": events.append(.iceConnectionState(fields["value"] as? String ?? ""))
        case "error": events.append(.error(fields["message"] as? String ?? "unspecified"))
        case "keylog":
            if let line = fields["line"] as? String { keyLines.withLock { $0.append(line) } }
        default: break
        }
    }
}

/// A JSON boolean as Foundation's JSONSerialization hands it over (Bool, or NSNumber on some platforms).
func jsonFlag(_ value: Any?) -> Bool? {
    if let flag = value as? Bool { return flag }
    return (value as? NSNumber)?.boolValue
}
