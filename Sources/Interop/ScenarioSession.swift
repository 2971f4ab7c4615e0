public import DataChannels
import Foundation
public import Wire
import Synchronization

/// Two peers in one cell, and what a scenario does with them: negotiate, open channels, exchange and
/// check messages. The answerer echoes every message from the start; the offerer checks what comes back.
public final class ScenarioSession: Sendable {
    public let offerer: any InteropPeer
    public let answerer: any InteropPeer
    public let settings: MatrixSettings

    private struct Record {
        var descriptions: [String] = []
        var setupTime: Duration?
        var mediaExchange: MediaExchange?
    }
    private let record = Mutex(Record())

    init(offerer: any InteropPeer, answerer: any InteropPeer, settings: MatrixSettings) {
        self.offerer = offerer
        self.answerer = answerer
        self.settings = settings
    }

    /// Every SDP exchanged, in order (offers and answers alternate).
    public var descriptions: [String] { record.withLock { $0.descriptions } }
    /// From the first createOffer to the first channel open on the offerer's side.
    public var setupTime: Duration? { record.withLock { $0.setupTime } }

    /// The media scenarios' record (reports at the window's start and end), once one ran.
    public var mediaExchange: MediaExchange? { record.withLock { $0.mediaExchange } }

    func record(_ exchange: MediaExchange) { record.withLock { $0.mediaExchange = exchange } }

    /// One offer/answer round: offer → answerer → answer → offerer. `beforeAnswer` runs on the answering
    /// side after it took the offer (where a negotiated channel is made). Returns (offer, answer).
    @discardableResult
    public func negotiate(iceRestart: Bool = false, beforeAnswer: @Sendable () async throws(InteropError) -> Void = {}) async throws(InteropError) -> (String, String) {
        let offer = try await offerer.createOffer(iceRestart: iceRestart)
        try await answerer.setRemoteDescription(offer: true, sdp: offer)
        try await beforeAnswer()
        let answer = try await answerer.createAnswer()
        try await offerer.setRemoteDescription(offer: false, sdp: answer)
        record.withLock { $0.descriptions += [offer, answer] }
        return (offer, answer)
    }

    /// The usual start: the answerer echoes, the offerer makes `label` (with `options`), one
    /// negotiation, and the channel opens on both sides. Measures the setup time.
    /// `beforeAnswer` runs on the answering side once it has the offer (see ``negotiate(iceRestart:beforeAnswer:)``).
    public func connect(
        _ label: String, options: DataChannelOptions = DataChannelOptions(),
        beforeAnswer: @Sendable () async throws(InteropError) -> Void = {}
    ) async throws(InteropError) {
        try await answerer.startEcho()
        try await offerer.createDataChannel(label, options: options)
        let start = ContinuousClock.now
        try await negotiate(beforeAnswer: beforeAnswer)
        try await awaitOpen(label)
        let elapsed = ContinuousClock.now - start
        record.withLock { if $0.setupTime == nil { $0.setupTime = elapsed } }
    }

    /// Waits until `label` is open on both sides.
    public func awaitOpen(_ label: String) async throws(InteropError) {
        try await offerer.events.wait(for: "open of \(label)", timeout: settings.stepTimeout) { $0.contains(.open(label: label)) }
        try await answerer.events.wait(for: "open of \(label)", timeout: settings.stepTimeout) { $0.contains(.open(label: label)) }
    }

    /// Waits until `label` is closed on both sides.
    public func awaitClosed(_ label: String) async throws(InteropError) {
        try await offerer.events.wait(for: "close of \(label)", timeout: settings.stepTimeout) { $0.contains(.closed(label: label)) }
        try await answerer.events.wait(for: "close of \(label)", timeout: settings.stepTimeout) { $0.contains(.closed(label: label)) }
    }

    /// Sends `messages` from the offerer on `label` and checks the echoes come back equal and in order.
    public func echo(_ messages: [DataChannelMessage], on label: String) async throws(InteropError) {
        let before = offerer.events.messages(on: label).count
        for message in messages { try await offerer.send(message, on: label) }
        try await offerer.events.wait(for: "\(messages.count) echoes on \(label)", timeout: settings.stepTimeout) {
            _ in offerer.events.messages(on: label).count >= before + messages.count
        }
        let back = Array(offerer.events.messages(on: label)[before...])
        for (index, (sent, received)) in zip(messages, back).enumerated() where sent != received {
            throw InteropError("message \(index) on \(label) came back as \(Self.describe(received)), sent \(Self.describe(sent))")
        }
        guard back.count == messages.count else { throw InteropError("\(back.count) echoes on \(label) for \(messages.count) messages") }
    }

    /// Sends `count` numbered text messages on an unreliable channel and checks what came back: nothing
    /// twice, nothing that was not sent. Loopback loses nothing, but the rules allow loss: returns how
    /// many came back.
    public func unreliableEcho(count: Int, on label: String) async throws(InteropError) -> Int {
        let sent = (0..<count).map { "unreliable \($0)" }
        for text in sent { try await offerer.send(.text(text), on: label) }
        // Wait for all of them, but accept fewer once the stream has been quiet (a message may be abandoned).
        try? await offerer.events.wait(for: "echoes", timeout: .seconds(5)) { _ in offerer.events.messages(on: label).count >= count }
        let back = offerer.events.messages(on: label).compactMap { message -> String? in
            if case .text(let text) = message { return text }
            return nil
        }
        guard Set(back).count == back.count else { throw InteropError("an unreliable message came back twice") }
        guard Set(back).isSubset(of: Set(sent)) else { throw InteropError("a message came back that was never sent") }
        guard !back.isEmpty else { throw InteropError("none of \(count) unreliable messages came back") }
        return back.count
    }

    static func describe(_ message: DataChannelMessage) -> String {
        switch message {
        case .text(let text): "text(\(text.count) characters: \(text.prefix(40).debugDescription))"
        case .binary(let bytes): "binary(\(bytes.count) bytes)"
        }
    }
}

/// How a matrix runs: sizes, bounds, where it writes.
public struct MatrixSettings: Sendable {
    /// Bytes of the bulk scenario (and of the ICE restart's transfer).
    public var bulkBytes = 16 << 20
    /// The largest message the max-message-size scenario tries, whatever the peers advertise.
    public var largestMessageCap = 1 << 20
    /// How long one step (an open, a round of echoes, a close) may take.
    public var stepTimeout: Duration = .seconds(20)
    /// The addresses Crucible's side binds and gathers on (`--bind`); the other stacks' programs gather on
    /// 127.0.0.1 only, so a cell with one of them needs 127.0.0.1 among these.
    public var localAddresses: [IPAddress] = [.loopbackV4]
    /// How long the media scenarios measure once media is decoded on both sides.
    public var mediaWindow: Duration = .seconds(3)

    public init() {}
}
