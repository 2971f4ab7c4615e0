import DataChannels
import Foundation
@testable import Interop
import Testing
import WebRTC

/// One media session between two stacks' peers over loopback, without a capture (the matrix's cells
/// capture and replay; these look at the reports): each side's `addMedia` (nil: `echoMedia`), the usual
/// connect with a data channel, then the exchange the media scenarios judge.
enum MediaSession {
    static let repository = InteropEnvironment.repository

    static func start(_ stack: InteropStack, role: String) async throws -> any InteropPeer {
        try stack.requireInstalled(repository: repository)
        switch stack {
        case .crucible: return try await EnginePeer.start(client: WebRTCClient(engine: .native), role: role)
        default:
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-media-\(stack)-\(role)-\(UUID().uuidString).log")
            return try await ControlledPeer.start(stack, role: role, repository: repository, logPath: log)
        }
    }

    /// Runs the exchange and hands the session and its record to `body`; both peers are closed afterwards.
    static func run(
        _ offererStack: InteropStack, _ answererStack: InteropStack, offerer: MediaRequest?, answerer: MediaRequest?,
        _ body: (ScenarioSession, MediaExchange) async throws -> Void
    ) async throws {
        let first = try await start(offererStack, role: "offerer")
        let second: any InteropPeer
        do { second = try await start(answererStack, role: "answerer") } catch {
            await first.close()
            throw error
        }
        let session = ScenarioSession(offerer: first, answerer: second, settings: MatrixSettings())
        do {
            let exchange = try await session.exchangeMedia(offerer: offerer, answerer: answerer)
            print("\(offererStack)→\(answererStack): \(exchange.figure); setup \(session.setupTime.map { "\($0)" } ?? "-")")
            print("  offerer: \(exchange.end.offerer.summary)\n  answerer: \(exchange.end.answerer.summary)")
            try await body(session, exchange)
        } catch {
            for peer in [first, second] where !peer.logTail.isEmpty { print("\(peer.events.owner) log tail:\n\(peer.logTail)") }
            await first.close()
            await second.close()
            throw error
        }
        await first.close()
        await second.close()
    }

    /// Both directions' rules, as the audio-video scenario has them, stated again so a test reads whole:
    /// ≥ 80 % of the sent frame numbers decoded in order, at the size sent, and the tone within 2 %.
    static func expectBothWays(_ exchange: MediaExchange) {
        #expect(exchange.flows.count == 2)
        for flow in exchange.flows {
            #expect(flow.picturesSent >= 45, "\(flow.name): the source made \(flow.picturesSent) pictures in \(exchange.window)")
            #expect(Double(flow.picturesInOrder) >= 0.8 * Double(flow.picturesSent), "\(flow.name): \(flow.picturesInOrder)/\(flow.picturesSent) in order")
            let video = flow.received.end.video
            #expect(video?.width == 320 && video?.height == 240, "\(flow.name): decoded at \(video?.width ?? 0)×\(video?.height ?? 0)")
            let found = flow.received.end.audio?.frequency ?? 0
            #expect(abs(found - flow.request.toneFrequency) <= 0.02 * flow.request.toneFrequency, "\(flow.name): tone at \(found) Hz")
        }
    }

    static let offererMedia = Scenario.request(tone: Scenario.offererTone)
    static let answererMedia = Scenario.request(tone: Scenario.answererTone)
}

@Suite("Media between our engine and aiortc", .serialized)
struct EngineAiortcMediaTests {
    @Test("aiortc decodes our Opus and VP8 and we decode its tone and pattern, whichever side offers", arguments: [true, false])
    func bothWays(weOffer: Bool) async throws {
        let (offerer, answerer): (InteropStack, InteropStack) = weOffer ? (.crucible, .aiortc) : (.aiortc, .crucible)
        try await MediaSession.run(offerer, answerer, offerer: MediaSession.offererMedia, answerer: MediaSession.answererMedia) { _, exchange in
            MediaSession.expectBothWays(exchange)
        }
    }

    @Test("aiortc echoes our tracks (re-encoded) and we decode our own frame numbers and tone back")
    func aiortcEchoes() async throws {
        try await MediaSession.run(.crucible, .aiortc, offerer: MediaSession.offererMedia, answerer: nil) { _, exchange in
            let flow = try #require(exchange.flows.first)
            #expect(flow.name == "offerer→echo→offerer")
            #expect(Double(flow.picturesInOrder) >= 0.8 * Double(flow.picturesSent), "\(flow.picturesInOrder)/\(flow.picturesSent)")
            #expect(abs((flow.received.end.audio?.frequency ?? 0) - Scenario.offererTone) <= 0.02 * Scenario.offererTone)
        }
    }
}

@Suite("Media between our engine and Chromium", .serialized)
struct EngineChromiumMediaTests {
    @Test("Chromium's getStats shows our audio at about 50 packets/s and our video decoded at the size we sent; we decode its canvas and oscillator", arguments: [true, false])
    func bothWays(weOffer: Bool) async throws {
        let (offerer, answerer): (InteropStack, InteropStack) = weOffer ? (.crucible, .chromium) : (.chromium, .crucible)
        try await MediaSession.run(offerer, answerer, offerer: MediaSession.offererMedia, answerer: MediaSession.answererMedia) { _, exchange in
            MediaSession.expectBothWays(exchange)
            let chromium = weOffer ? exchange.end.answerer : exchange.end.offerer
            let audio = try #require(chromium.audio?.stats, "Chromium reported no inbound-rtp audio")
            // Opus in 20 ms packets is 50 a second (RFC 7587 §4.2, our packetization).
            #expect((40...60).contains(audio.packetsPerSecond ?? 0), "audio at \(audio.packetsPerSecond ?? 0) packets/s")
            let video = try #require(chromium.video?.stats, "Chromium reported no inbound-rtp video")
            #expect(video.frameWidth == 320 && video.frameHeight == 240, "Chromium decoded \(video.frameWidth ?? 0)×\(video.frameHeight ?? 0)")
            #expect((video.framesDecoded ?? 0) >= 60, "Chromium decoded \(video.framesDecoded ?? 0) frames")
        }
    }

    @Test("Chromium offers audio, video and a data channel to us: the media flows both ways and the channel echoes")
    func chromiumOffersEverything() async throws {
        try await MediaSession.run(.chromium, .crucible, offerer: MediaSession.offererMedia, answerer: MediaSession.answererMedia) { session, exchange in
            let offer = try #require(session.descriptions.first)
            for section in ["m=audio ", "m=video ", "m=application "] { #expect(offer.contains(section), "Chromium's offer has no \(section)") }
            MediaSession.expectBothWays(exchange)
            try await session.echo([.text("alongside the media"), .binary([1, 2, 3])], on: "media")
        }
    }
}

@Suite("Media through Pion's echo", .serialized)
struct PionMediaEchoTests {
    @Test("Pion cannot make media: addMedia is unsupported, not an error of another kind")
    func addMediaUnsupported() async throws {
        let pion = try await MediaSession.start(.pion, role: "offerer")
        var refusal: Interop.InteropError?
        do { try await pion.addMedia(MediaSession.offererMedia) } catch { refusal = error }
        #expect(refusal?.unsupported == true, "addMedia on Pion: \(refusal.map { "\($0)" } ?? "accepted")")
        await pion.close()
    }

    @Test("Pion forwards aiortc's RTP back (TrackLocalStaticRTP): aiortc decodes its own frame numbers and tone")
    func pionEchoesAiortc() async throws {
        try await MediaSession.run(.aiortc, .pion, offerer: MediaSession.offererMedia, answerer: nil) { _, exchange in
            let flow = try #require(exchange.flows.first)
            #expect(Double(flow.picturesInOrder) >= 0.8 * Double(flow.picturesSent), "\(flow.picturesInOrder)/\(flow.picturesSent)")
            #expect(abs((flow.received.end.audio?.frequency ?? 0) - Scenario.offererTone) <= 0.02 * Scenario.offererTone)
            #expect((exchange.end.answerer.video?.frames ?? 0) > 0, "Pion counted no pictures")
        }
    }
}

/// The figures every peer counts alike (CONTROL.md "Media"), on made-up sequences of marks read.
@Suite("Frame number tallies and media reports")
struct FrameNumberTallyTests {
    @Test(
        "in order means greater than every earlier read; missing counts the gaps between the lowest and the highest",
        arguments: [
            ([0, 1, 2, 3], 4, 0, 0),
            ([5, 6, 8, 9], 4, 0, 1),  // 7 never read
            ([0, 2, 1, 3], 3, 1, 0),  // 1 came late
            ([0, 1, 1, 2], 3, 1, 0),  // 1 twice
            ([10, 3, 4, 11], 2, 2, 5),  // 3 and 4 came late; 5 … 9 were never read
        ] as [([UInt32], Int, Int, Int)])
    func tally(_ case_: ([UInt32], Int, Int, Int)) {
        let (numbers, inOrder, outOfOrder, missing) = case_
        var tally = FrameNumberTally()
        for number in numbers { tally.add(number) }
        #expect(tally.count == numbers.count)
        #expect(tally.first == numbers.first && tally.last == numbers.last)
        #expect(tally.inOrder == inOrder, "\(numbers)")
        #expect(tally.outOfOrder == outOfOrder, "\(numbers)")
        #expect(tally.missing == missing, "\(numbers)")
    }

    @Test("A mediaReport reply is read whole; an audio entry without its counts is an error, not zeros")
    func parsing() throws {
        let fields: [String: Any] = [
            "sent": ["audio": 150, "video": 90], "notes": "video out",
            "audio": ["packets": 149, "decoded": 149, "frequency": 660.0, "stats": ["packetsReceived": 149, "packetsPerSecond": 50.1]],
            "video": ["frames": 90, "decoded": 89, "width": 320, "height": 240,
                      "numbers": ["first": 0, "last": 88, "count": 89, "inOrder": 88, "outOfOrder": 1, "missing": 0]],
        ]
        let report = try MediaReport(fields: fields, owner: "test")
        #expect(report.sentAudioFrames == 150 && report.sentVideoFrames == 90 && report.notes == "video out")
        #expect(report.audio?.frequency == 660 && report.audio?.stats?.packetsPerSecond == 50.1)
        #expect(report.video?.numbers.inOrder == 88 && report.video?.numbers.outOfOrder == 1 && report.video?.width == 320)
        #expect(throws: Interop.InteropError.self) { try MediaReport(fields: ["audio": ["frequency": 1.0]], owner: "test") }
    }

    @Test("Pion's audio-video cells are a documented limitation; Crucible's media never is")
    func limitations() {
        #expect(Limitation.explaining(scenario: "audio-video", offerer: .pion, answerer: .crucible) != nil)
        #expect(Limitation.explaining(scenario: "audio-video", offerer: .crucible, answerer: .aiortc) == nil)
        #expect(Limitation.explaining(scenario: "media-echo", offerer: .crucible, answerer: .pion) == nil)
        #expect(Scenario.catalogue.map(\.name).suffix(2) == ["audio-video", "media-echo"])
    }
}
