import Foundation

/// The media scenarios: pictures and a tone through real codecs, judged from what each receiver read
/// back (frame numbers from the pictures' mark, the tone's frequency), not from packet counts.
extension Scenario {
    /// The media scenarios, in the order the matrix shows them.
    public static let mediaCatalogue: [Scenario] = [audioVideo, mediaEcho]

    /// What each side sends in the media scenarios: the pattern at 320×240, 30 fps, and a tone of its own.
    static func request(tone: Double) -> MediaRequest {
        MediaRequest(audio: true, toneFrequency: tone, video: .init(width: 320, height: 240, frameRate: 30))
    }
    static let offererTone = 660.0
    static let answererTone = 1_000.0

    static let audioVideo = Scenario(
        name: "audio-video",
        summary: "both sides send a tone and the numbered test pattern (320×240, 30 fps): each decodes ≥ 80 % of the other's frame numbers in order and finds its tone within 2 %"
    ) { session in
        let exchange = try await session.exchangeMedia(offerer: request(tone: offererTone), answerer: request(tone: answererTone))
        return exchange.figure
    }

    static let mediaEcho = Scenario(
        name: "media-echo",
        summary: "one side sends a tone and the numbered pattern, the other sends every received track back (an SFU's echo): the sender decodes ≥ 80 % of its own frame numbers in order and its tone"
    ) { session in
        // The offerer sends and the answerer echoes, unless the offerer cannot make media (Pion): then the other way.
        let exchange: MediaExchange
        if try await addMediaUnlessUnsupported(request(tone: offererTone), to: session.offerer) {
            exchange = try await session.exchangeMedia(offerer: nil, answerer: nil, offererSends: request(tone: offererTone))
        } else {
            try await session.answerer.addMedia(request(tone: answererTone))
            exchange = try await session.exchangeMedia(offerer: nil, answerer: nil, answererSends: request(tone: answererTone))
        }
        return exchange.figure
    }
}

extension Scenario {
    /// Adds `request`'s tracks to `peer`; false when the peer's stack cannot make media at all.
    static func addMediaUnlessUnsupported(_ request: MediaRequest, to peer: any InteropPeer) async throws(InteropError) -> Bool {
        do {
            try await peer.addMedia(request)
            return true
        } catch {
            if error.unsupported { return false }
            throw error
        }
    }
}

/// A media exchange's record: who sent what, and both sides' reports when media was flowing and at the
/// end of the measured window.
public struct MediaExchange: Sendable {
    /// What each side sent (nil: it echoed or sent nothing).
    public var offererSends: MediaRequest?
    public var answererSends: MediaRequest?
    public var offererEchoes: Bool
    public var answererEchoes: Bool
    /// From the offer to every expected kind decoded (a mark read, the tone found) on both sides.
    public var timeToMedia: Duration
    /// The measured window.
    public var window: Duration
    public var start: (offerer: MediaReport, answerer: MediaReport)
    public var end: (offerer: MediaReport, answerer: MediaReport)

    /// One direction of media the exchange judges: `source` made it, `receiver` decoded it.
    public struct Flow: Sendable {
        public var name: String
        public var request: MediaRequest
        public var sent: (start: MediaReport, end: MediaReport)
        public var received: (start: MediaReport, end: MediaReport)

        /// Pictures the source made in the window, and numbers the receiver read in order in it.
        public var picturesSent: Int { received.end.video == nil && request.video == nil ? 0 : sent.end.sentVideoFrames - sent.start.sentVideoFrames }
        public var picturesInOrder: Int { (received.end.video?.numbers.inOrder ?? 0) - (received.start.video?.numbers.inOrder ?? 0) }
        public var audioFramesSent: Int { sent.end.sentAudioFrames - sent.start.sentAudioFrames }
        public var audioPacketsReceived: Int { (received.end.audio?.packets ?? 0) - (received.start.audio?.packets ?? 0) }
    }

    /// The directions media went, each from its source to the side that decodes it.
    public var flows: [Flow] {
        var flows: [Flow] = []
        if let request = offererSends {
            let receiver = answererEchoes ? (start.offerer, end.offerer) : (start.answerer, end.answerer)
            flows.append(Flow(name: answererEchoes ? "offerer→echo→offerer" : "offerer→answerer", request: request, sent: (start.offerer, end.offerer), received: receiver))
        }
        if let request = answererSends {
            let receiver = offererEchoes ? (start.answerer, end.answerer) : (start.offerer, end.offerer)
            flows.append(Flow(name: offererEchoes ? "answerer→echo→answerer" : "answerer→offerer", request: request, sent: (start.answerer, end.answerer), received: receiver))
        }
        return flows
    }

    /// The cell's figure: per direction, pictures in order of those sent, and the tone found.
    public var figure: String {
        let parts = flows.map { flow in
            let tone = flow.received.end.audio?.frequency.map { String(format: "%.0f Hz", $0) } ?? "no tone"
            return "\(flow.name) \(flow.picturesInOrder)/\(flow.picturesSent) in order, \(tone)"
        }
        return parts.joined(separator: "; ") + String(format: "; media after %.2f s", Double(timeToMedia / .milliseconds(1)) / 1000)
    }

    /// The scenario's rules; the first broken one is thrown.
    func check() throws(InteropError) {
        for flow in flows {
            let seconds = Double(window / .milliseconds(1)) / 1000
            if let video = flow.request.video {
                // The source must have run at about its rate, or "80 % of what was sent" proves little.
                let expected = seconds * Double(video.frameRate)
                guard Double(flow.picturesSent) >= 0.5 * expected else {
                    throw InteropError("\(flow.name): the source made \(flow.picturesSent) pictures in \(String(format: "%.1f", seconds)) s (\(Int(expected)) expected at \(video.frameRate) fps)")
                }
                guard Double(flow.picturesInOrder) >= 0.8 * Double(flow.picturesSent) else {
                    throw InteropError("\(flow.name): \(flow.picturesInOrder) of \(flow.picturesSent) frame numbers sent were decoded in order (80 % needed); offerer's report: \(end.offerer.summary); answerer's: \(end.answerer.summary)")
                }
                if let received = flow.received.end.video, received.width != video.width || received.height != video.height {
                    throw InteropError("\(flow.name): pictures decoded at \(received.width ?? 0)×\(received.height ?? 0), sent at \(video.width)×\(video.height)")
                }
            }
            if flow.request.audio {
                guard let found = flow.received.end.audio?.frequency, abs(found - flow.request.toneFrequency) <= 0.02 * flow.request.toneFrequency else {
                    throw InteropError("\(flow.name): the tone of \(flow.request.toneFrequency) Hz was found at \(flow.received.end.audio?.frequency.map { "\($0) Hz" } ?? "no frequency") (within 2 % needed)")
                }
                guard Double(flow.audioPacketsReceived) >= 0.8 * Double(flow.audioFramesSent) else {
                    throw InteropError("\(flow.name): \(flow.audioPacketsReceived) audio packets received for \(flow.audioFramesSent) frames sent in the window (80 % needed)")
                }
            }
        }
    }
}

extension ScenarioSession {
    /// Both sides' reports, asked for at the same time so that the windows line up.
    public func mediaReports() async throws(InteropError) -> (offerer: MediaReport, answerer: MediaReport) {
        let offerer = self.offerer
        let answerer = self.answerer
        let first = Task { () async -> Result<MediaReport, InteropError> in
            do throws(InteropError) { return .success(try await offerer.mediaReport()) } catch { return .failure(error) }
        }
        let second = Task { () async -> Result<MediaReport, InteropError> in
            do throws(InteropError) { return .success(try await answerer.mediaReport()) } catch { return .failure(error) }
        }
        return (try await first.value.get(), try await second.value.get())
    }

    /// Runs a media exchange: each side adds `offerer`/`answerer` (when given; a side given none and not
    /// named as a sender echoes), the usual connect with a data channel, then waits until every
    /// direction decodes, measures `settings.mediaWindow`, and checks the scenario's rules.
    /// `offererSends`/`answererSends` name a side's request that was added already (see `media-echo`).
    public func exchangeMedia(
        offerer offererRequest: MediaRequest?, answerer answererRequest: MediaRequest?,
        offererSends: MediaRequest? = nil, answererSends: MediaRequest? = nil
    ) async throws(InteropError) -> MediaExchange {
        let offererSending = offererRequest ?? offererSends
        let answererSending = answererRequest ?? answererSends
        let offererEchoes = offererSending == nil
        let answererEchoes = answererSending == nil
        if let offererRequest { try await offerer.addMedia(offererRequest) } else if offererEchoes { try await offerer.startMediaEcho() }
        if let answererRequest { try await answerer.addMedia(answererRequest) } else if answererEchoes { try await answerer.startMediaEcho() }

        let clock = ContinuousClock()
        let started = clock.now
        try await connect("media")
        // What each side should decode: the other's media, or its own coming back from an echo.
        func expected(_ own: MediaRequest?, _ other: MediaRequest?, otherEchoes: Bool) -> (audio: Bool, video: Bool) {
            let source = other ?? (otherEchoes ? own : nil)
            return (source?.audio ?? false, source?.video != nil)
        }
        // An echoing side forwards what it gets and need not decode it (Pion cannot).
        let offererExpects = offererEchoes ? (false, false) : expected(offererSending, answererSending, otherEchoes: answererEchoes)
        let answererExpects = answererEchoes ? (false, false) : expected(answererSending, offererSending, otherEchoes: offererEchoes)
        func flowing(_ report: MediaReport, _ expects: (audio: Bool, video: Bool)) -> Bool {
            (!expects.audio || report.audio?.frequency != nil) && (!expects.video || (report.video?.numbers.count ?? 0) > 0)
        }
        let deadline = clock.now + settings.stepTimeout
        var start = try await mediaReports()
        while !(flowing(start.offerer, offererExpects) && flowing(start.answerer, answererExpects)) {
            guard clock.now < deadline else {
                throw InteropError("no media decoded within \(settings.stepTimeout): offerer \(start.offerer.summary); answerer \(start.answerer.summary)")
            }
            try? await Task.sleep(for: .milliseconds(250))
            start = try await mediaReports()
        }
        let timeToMedia = clock.now - started
        let windowStart = clock.now
        try? await Task.sleep(for: settings.mediaWindow)
        let end = try await mediaReports()
        let exchange = MediaExchange(
            offererSends: offererSending, answererSends: answererSending, offererEchoes: offererEchoes, answererEchoes: answererEchoes,
            timeToMedia: timeToMedia, window: clock.now - windowStart, start: start, end: end)
        record(exchange)
        try exchange.check()
        return exchange
    }
}
