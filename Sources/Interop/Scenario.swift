import DataChannels
import Foundation
import Synchronization

/// A named interop script (DESIGN §4): it runs on any pair of peers, the offerer checking what the
/// echoing answerer sends back. Its result is a figure where one says something (a throughput, a size).
public struct Scenario: Sendable, Identifiable {
    public let name: String
    /// One line: what passing proves.
    public let summary: String
    /// The script; what it throws is an ``InteropError`` (untyped here so that closures infer their type).
    let script: @Sendable (ScenarioSession) async throws -> String?

    public var id: String { name }

    /// Every scenario, in the order the matrix shows them: the data channel ones, then the media ones.
    public static let catalogue: [Scenario] = dataChannelCatalogue + mediaCatalogue

    /// The data channel scenarios.
    public static let dataChannelCatalogue: [Scenario] = [
        orderedThousand, messageKinds, largestMessage, unreliableRetransmits, unreliableLifetime, negotiated,
        hundredChannels, closeByOfferer, closeByAnswerer, iceRestart, renegotiation, bulk,
    ]

    /// Looks scenarios up by name (a comma-separated list); nil or "all" means every one.
    public static func named(_ list: String?) throws(InteropError) -> [Scenario] {
        guard let list, list != "all" else { return catalogue }
        return try list.split(separator: ",").map { name throws(InteropError) in
            guard let scenario = catalogue.first(where: { $0.name == name }) else {
                throw InteropError("unknown scenario \(name.debugDescription): expected some of \(catalogue.map(\.name).joined(separator: ", "))")
            }
            return scenario
        }
    }

    static let orderedThousand = Scenario(name: "ordered-1000", summary: "1000 ordered text messages come back equal and in order") { session in
        try await session.connect("ordered")
        try await session.echo((0..<1000).map { .text("message \($0)") }, on: "ordered")
        return nil
    }

    static let messageKinds = Scenario(name: "message-kinds", summary: "binary, empty (text and binary) and Unicode messages come back as they went") { session in
        try await session.connect("kinds")
        try await session.echo([
            .text("plain ASCII"), .binary([0, 1, 2, 0x7F, 0x80, 0xFF]), .text(""), .binary([]),
            .text("Grüße, 日本語, עברית, 🎉 and a combining é"), .binary(BulkReport.pattern(offset: 0, count: 1200)),
        ], on: "kinds")
        return nil
    }

    static let largestMessage = Scenario(
        name: "max-message-size", summary: "the largest message both sides' a=max-message-size allow (RFC 8841 §6) goes and comes back whole"
    ) { session in
        try await session.connect("large")
        // The offer carries what the offerer can receive (the echo's limit), the answer what the answerer can.
        let limits = session.descriptions.prefix(2).map(DescriptionFacts.init(sdp:))
        let size = limits.reduce(session.settings.largestMessageCap) { min($0, $1.receivableMessageSize ?? $0) }
        try await session.echo([.binary(BulkReport.pattern(offset: 7, count: size))], on: "large")
        return "\(size) bytes (offer \(limits.first?.maxMessageSizeText ?? "?"), answer \(limits.last?.maxMessageSizeText ?? "?"))"
    }

    static let unreliableRetransmits = Scenario(
        name: "unreliable-rexmit", summary: "an unordered channel with maxRetransmits 0 is announced as such and carries messages once each"
    ) { session in
        try await session.connect("rexmit-0", options: .with { $0.ordered = false; $0.maxRetransmits = 0 })
        try expectAnnounced("rexmit-0", on: session.answerer) { $0.ordered == false && $0.maxRetransmits == 0 && $0.maxPacketLifeTime == nil }
        let back = try await session.unreliableEcho(count: 200, on: "rexmit-0")
        return "\(back)/200 back"
    }

    static let unreliableLifetime = Scenario(
        name: "unreliable-lifetime", summary: "an unordered channel with maxPacketLifeTime 500 ms is announced as such and carries messages once each"
    ) { session in
        try await session.connect("lifetime-500", options: .with { $0.ordered = false; $0.maxPacketLifeTime = .milliseconds(500) })
        try expectAnnounced("lifetime-500", on: session.answerer) {
            $0.ordered == false && $0.maxPacketLifeTime == .milliseconds(500) && $0.maxRetransmits == nil
        }
        let back = try await session.unreliableEcho(count: 200, on: "lifetime-500")
        return "\(back)/200 back"
    }

    static let negotiated = Scenario(
        name: "negotiated", summary: "a channel both sides create with id 5 (negotiated, no DCEP) opens and carries messages"
    ) { session in
        let options = DataChannelOptions.with { $0.negotiated = true; $0.id = 5 }
        try await session.connect("negotiated-5", options: options) { () async throws(InteropError) in
            try await session.answerer.createDataChannel("negotiated-5", options: options)
        }
        try await session.echo([.text("negotiated"), .binary([5])], on: "negotiated-5")
        if session.answerer.events.announcement(of: "negotiated-5") != nil {
            throw InteropError("the answerer was told of a negotiated channel: a DATA_CHANNEL_OPEN was sent for it (RFC 8832 §6)")
        }
        return nil
    }

    static let hundredChannels = Scenario(name: "channels-100", summary: "100 channels opened at once all open and each echoes its own message") { session in
        try await session.connect("first")
        let labels = (0..<100).map { "channel-\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for label in labels { group.addTask { try await session.offerer.createDataChannel(label, options: DataChannelOptions()) } }
            try await group.waitForAll()
        }
        for label in labels { try await session.awaitOpen(label) }
        for label in labels { try await session.offerer.send(.text(label), on: label) }
        try await session.offerer.events.wait(for: "an echo on each of 100 channels", timeout: session.settings.stepTimeout) { _ in
            labels.allSatisfy { session.offerer.events.messages(on: $0) == [.text($0)] }
        }
        return nil
    }

    static let closeByOfferer = Scenario(
        name: "close-by-offerer", summary: "the offerer closes a channel: both sides see it closed (RFC 8831 §6.7 stream reset); a new channel still works"
    ) { session in
        try await closeScenario(session, closing: session.offerer)
    }

    static let closeByAnswerer = Scenario(
        name: "close-by-answerer", summary: "the answerer closes a channel: both sides see it closed; a new channel still works"
    ) { session in
        try await closeScenario(session, closing: session.answerer)
    }

    static func closeScenario(_ session: ScenarioSession, closing side: any InteropPeer) async throws(InteropError) -> String? {
        try await session.connect("doomed")
        try await session.echo([.text("before the close")], on: "doomed")
        try await side.closeChannel("doomed")
        try await session.awaitClosed("doomed")
        try await session.offerer.createDataChannel("survivor", options: DataChannelOptions())
        try await session.awaitOpen("survivor")
        try await session.echo([.text("after the close")], on: "survivor")
        return nil
    }

    static let iceRestart = Scenario(
        name: "ice-restart", summary: "ICE restarts (new ufrag and password, RFC 8445 §9) in the middle of a transfer, which completes intact"
    ) { session in
        try await session.connect("restart")
        let bytes = session.settings.bulkBytes
        let finished = Mutex(false)
        let transfer = Task { () async -> Result<BulkReport, InteropError> in
            defer { finished.withLock { $0 = true } }
            do throws(InteropError) {
                return .success(try await session.offerer.bulk(on: "restart", bytes: bytes, chunk: 64 * 1024))
            } catch { return .failure(error) }
        }
        try? await Task.sleep(for: .milliseconds(50))
        let before = session.descriptions.prefix(2).map { DescriptionFacts(sdp: $0).iceUfrag }
        let (offer, answer) = try await session.negotiate(iceRestart: true)
        let restartedInFlight = !finished.withLock { $0 }
        // RFC 8445 §9 and JSEP §5.3.1: both sides take new credentials, the answerer because the offer did.
        for (side, old, new) in [("offer", before.first ?? nil, DescriptionFacts(sdp: offer).iceUfrag), ("answer", before.last ?? nil, DescriptionFacts(sdp: answer).iceUfrag)]
        where new == nil || new == old {
            transfer.cancel()
            throw InteropError("the restart's \(side) kept its ice-ufrag \(new ?? "none") (RFC 8445 §9, JSEP §5.3.1: a restart takes new credentials)")
        }
        let report = try await transfer.value.get()
        try check(report, bytes: bytes)
        try await session.echo([.text("after the restart")], on: "restart")
        return String(format: "%.1f MB/s, restarted %@", report.megabytesPerSecond, restartedInFlight ? "mid-transfer" : "after the transfer ended")
    }

    static let renegotiation = Scenario(
        name: "renegotiation", summary: "a second offer/answer on the live connection, then a channel made later opens; the first still works"
    ) { session in
        try await session.connect("first")
        try await session.negotiate()
        try await session.offerer.createDataChannel("later", options: DataChannelOptions())
        try await session.awaitOpen("later")
        try await session.echo([.text("on the later channel")], on: "later")
        try await session.echo([.text("on the first channel")], on: "first")
        return nil
    }

    static let bulk = Scenario(name: "bulk", summary: "many MiB in 64 KiB messages under back-pressure come back intact (SHA-256); the figure is the throughput") { session in
        try await session.connect("bulk")
        let bytes = session.settings.bulkBytes
        let report = try await session.offerer.bulk(on: "bulk", bytes: bytes, chunk: 64 * 1024)
        try check(report, bytes: bytes)
        return String(format: "%.1f MB/s (%d MiB echoed)", report.megabytesPerSecond, bytes >> 20)
    }

    // MARK: Checks the scenarios share

    static func expectAnnounced(_ label: String, on peer: any InteropPeer, _ rule: (DataChannelOptions) -> Bool) throws(InteropError) {
        guard let options = peer.events.announcement(of: label) else { throw InteropError("\(peer.events.owner) was not told of \(label)") }
        guard rule(options) else {
            throw InteropError("\(peer.events.owner) was told of \(label) as ordered \(options.ordered), maxRetransmits \(options.maxRetransmits.map(String.init) ?? "none"), maxPacketLifeTime \(options.maxPacketLifeTime.map { "\($0)" } ?? "none")")
        }
    }

    static func check(_ report: BulkReport, bytes: Int) throws(InteropError) {
        let expected = BulkReport.sha256OfPattern(count: bytes)
        guard report.sentSha256 == expected else { throw InteropError("the sender sent other bytes than CONTROL.md's pattern (sha-256 \(report.sentSha256), expected \(expected))") }
        guard report.bytes == bytes, report.sha256 == expected else {
            throw InteropError("\(report.bytes) of \(bytes) bytes came back, sha-256 \(report.sha256) (sent \(expected))")
        }
    }
}
