public import DataChannels
import Foundation
import Synchronization
import Hashing
import Wire

/// One side of an interop cell: a stack's peer connection, driven by a scenario.
///
/// The operations are CONTROL.md's requests; Crucible's ``EnginePeer`` does them in process and
/// ``ControlledPeer`` sends them to another stack's peer program. What the peer reports on its own
/// (channels announced, opened, closed, messages) lands in ``events``.
public protocol InteropPeer: Sendable {
    var stack: InteropStack { get }
    /// The stack's version as the peer reports it.
    var version: String { get }
    var events: PeerEventLog { get }

    /// createOffer (restarting ICE when asked), setLocalDescription, and the SDP once gathering is complete.
    func createOffer(iceRestart: Bool) async throws(InteropError) -> String
    /// createAnswer, setLocalDescription, and the SDP once gathering is complete.
    func createAnswer() async throws(InteropError) -> String
    func setRemoteDescription(offer: Bool, sdp: String) async throws(InteropError)
    func createDataChannel(_ label: String, options: DataChannelOptions) async throws(InteropError)
    func send(_ message: DataChannelMessage, on label: String) async throws(InteropError)
    func closeChannel(_ label: String) async throws(InteropError)
    /// From now on, every message on every channel is sent back where it came from (and not reported).
    func startEcho() async throws(InteropError)
    /// Sends `bytes` bytes (byte i is `i % 251`) in `chunk`-byte binary messages through an echoing far
    /// side, and reports what came back.
    func bulk(on label: String, bytes: Int, chunk: Int) async throws(InteropError) -> BulkReport
    /// Adds send tracks (the tone, the test pattern) before the offer/answer; `unsupported` from a stack
    /// that cannot make media (Pion: no encoders).
    func addMedia(_ request: MediaRequest) async throws(InteropError)
    /// From now on every received track is sent back on a track of its own (an SFU's echo test).
    func startMediaEcho() async throws(InteropError)
    /// What was sent, and per received kind what was received and decoded.
    func mediaReport() async throws(InteropError) -> MediaReport
    /// Closes the connection and ends the peer (its process, for another stack).
    func close() async
    /// The peer's own log (a child's stderr), for a failed cell's report.
    var logTail: String { get }
    /// NSS key log lines of the DTLS sessions, when the stack can give them (Crucible does).
    var keyLog: [String] { get }
}

/// What a `bulk` transfer measured (CONTROL.md).
public struct BulkReport: Hashable, Sendable {
    public var bytes: Int
    public var seconds: Double
    /// SHA-256 (hex) of the bytes that came back, and of the bytes sent.
    public var sha256: String
    public var sentSha256: String

    public init(bytes: Int, seconds: Double, sha256: String, sentSha256: String) {
        self.bytes = bytes
        self.seconds = seconds
        self.sha256 = sha256
        self.sentSha256 = sentSha256
    }

    /// Megabytes (10⁶ bytes) per second, counting the bytes once (not the echo).
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds / 1e6 : 0 }

    /// The payload of CONTROL.md's `bulk`: byte number i is `i % 251`, so every stack makes it alike.
    public static func pattern(offset: Int, count: Int) -> [UInt8] {
        (0..<count).map { UInt8((offset + $0) % 251) }
    }
}

/// What a peer reports on its own (CONTROL.md "Events").
public enum PeerEvent: Hashable, Sendable {
    /// The far side opened a channel; its parameters as this side sees them.
    case dataChannel(label: String, options: DataChannelOptions)
    case open(label: String)
    case message(label: String, DataChannelMessage)
    case closed(label: String)
    case connectionState(String)
    case iceConnectionState(String)
    case error(String)
}

/// A peer's events in arrival order, which scenarios wait on.
public final class PeerEventLog: Sendable {
    private let events = Mutex<[PeerEvent]>([])
    /// Who the log belongs to, for messages ("aiortc (answerer)").
    public let owner: String

    public init(owner: String) { self.owner = owner }

    public func append(_ event: PeerEvent) { events.withLock { $0.append(event) } }
    public var all: [PeerEvent] { events.withLock { $0 } }

    /// Messages received on `label`, in order.
    public func messages(on label: String) -> [DataChannelMessage] {
        all.compactMap { event in
            if case .message(label, let message) = event { return message }
            return nil
        }
    }

    public func opened(_ label: String) -> Bool { all.contains(.open(label: label)) }
    public func closed(_ label: String) -> Bool { all.contains(.closed(label: label)) }

    /// The far side's announcement of `label`, if it came.
    public func announcement(of label: String) -> DataChannelOptions? {
        for case .dataChannel(label, let options) in all { return options }
        return nil
    }

    /// Waits until `condition` holds over the events, polling; throws after `timeout`, naming `what`.
    /// An `.error` event or a closed peer does not end the wait early: the condition decides.
    public func wait(
        for what: String, timeout: Duration, until condition: ([PeerEvent]) -> Bool
    ) async throws(InteropError) {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while !condition(all) {
            guard clock.now < end else { throw InteropError("\(owner): no \(what) within \(timeout)") }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

extension BulkReport {
    /// SHA-256 (hex) of the first `count` bytes of the pattern: what an intact transfer hashes to.
    public static func sha256OfPattern(count: Int) -> String {
        Hex.encode(DigestAlgorithm.sha256.hash(pattern(offset: 0, count: count)))
    }
}
