import CrucibleTestSupport
import EchoSignaling
import Foundation
import Harness
import Testing
import WebRTC

/// `crucible echo serve`'s page (`EchoPage`) in a real browser: headless Chromium opens it from our
/// signaling server on loopback, connects to our engine and echoes; the server side counts what it saw,
/// and a screenshot shows the page as a person would read it.
@Suite("The echo page in headless Chromium", .serialized)
struct BrowserEchoPageTests {
    /// `window.crucibleEcho`, as the page keeps it.
    struct PageState: Decodable, Sendable {
        var sent = 0
        var echoes = 0
        var lastRtt: Double?
        var channelState = ""
        var connectionState = ""
        var iceConnectionState = ""
        var signalingState = ""
        var statsUpdates = 0
        var errors: [String] = []
        var media = Media()

        /// `window.crucibleEcho.media`.
        struct Media: Decodable, Sendable {
            var sending: [String] = []
            var echoedTracks = 0
            var framesDecoded = 0
            var frameWidth: Int?
            var frameHeight: Int?
        }
    }

    /// What the browser measured of the screenshot.
    struct Picture: Decodable, Sendable {
        var width: Int
        var height: Int
        var colours: Int
        var other: Double
    }

    /// What the page reports in `window.crucibleEcho` (the RTT history left out); null before its script ran.
    static let readState = """
        window.crucibleEcho ? JSON.stringify(Object.fromEntries(Object.entries(window.crucibleEcho).filter(([key]) => key !== "rtts"))) : null
        """

    /// Decodes `png` in the browser itself (an image drawn on a canvas) and says how much of it is not
    /// the most common colour, and how many colours it has: a blank page is one colour.
    static func inspect(_ png: Data) -> String {
        """
        (async () => {
          const image = new Image();
          image.src = "data:image/png;base64,\(png.base64EncodedString())";
          await image.decode();
          const canvas = document.createElement("canvas");
          canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;
          const context = canvas.getContext("2d");
          context.drawImage(image, 0, 0);
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          const counts = new Map();
          for (let i = 0; i < pixels.length; i += 4) {
            const key = (pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2];
            counts.set(key, (counts.get(key) ?? 0) + 1);
          }
          const total = pixels.length / 4, most = Math.max(...counts.values());
          return JSON.stringify({ width: image.naturalWidth, height: image.naturalHeight, colours: counts.size, other: 1 - most / total });
        })()
        """
    }

    @Test("Chromium opens the page, connects to our engine and echoes; we count the echoes, and a screenshot shows the page")
    func pageEchoesInChromium() async throws {
        let answerer = EchoAnswerer(client: WebRTCClient(engine: .native))
        let server = try await EchoSignalingServer.start(port: 0, page: EchoPage.html) { offer in
            .answer(try await answerer.answer(offer.sdp))
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-echo-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let screenshotPath = folder.appendingPathComponent("echo-page.png").path
        let url = "http://127.0.0.1:\(server.port)/"
        let (width, height) = (1000, 800)

        let run: Result<(state: PageState, png: Data, image: Picture), any Error> = await onThread {
            Result {
                // Ten echoes at one every 500 ms, and the statistics refreshed more than once.
                let shown = try HeadlessChromium.show(url, width: width, height: height, readPage: Self.readState, within: .seconds(90), every: .milliseconds(500)) { text in
                    guard let state = try? JSONDecoder().decode(PageState.self, from: Data(text.utf8)) else { return false }
                    return state.echoes >= 10 && state.statsUpdates >= 3 || !state.errors.isEmpty
                }
                return (try JSONDecoder().decode(PageState.self, from: Data(shown.text.utf8)), shown.png, shown.picture)
            }
        }
        let echoed = answerer.echoedMessages
        let opened = answerer.openedChannels
        await server.stop()
        await answerer.close()
        let (state, png, image) = try run.get()
        try png.write(to: URL(fileURLWithPath: screenshotPath))
        Attachment.record(png, named: "echo-page.png")

        // The browser's side.
        #expect(state.errors.isEmpty, "\(state)")
        #expect(state.channelState == "open", "\(state)")
        #expect(state.connectionState == "connected", "\(state)")
        #expect(["connected", "completed"].contains(state.iceConnectionState), "\(state)")
        #expect(state.signalingState == "stable")
        let echoes = state.echoes
        #expect(echoes >= 10, "\(state)")
        #expect((state.lastRtt ?? -1) >= 0)
        // Our side: the browser's channel opened on our engine, and we sent back every echo it received.
        #expect(opened == 1)
        #expect(echoed >= echoes, "we echoed \(echoed), the page received \(echoes)")
        // The screenshot: a PNG of the requested size (IHDR, RFC 2083 §4.1.1) that is not blank.
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let header = [UInt8](png.prefix(24))
        let pngWidth = header.count == 24 ? header[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
        let pngHeight = header.count == 24 ? header[20..<24].reduce(0) { $0 << 8 | Int($1) } : 0
        #expect(pngWidth == width && pngHeight == height, "\(pngWidth)×\(pngHeight) at \(screenshotPath)")
        #expect(image.width == width && image.height == height)
        #expect(image.colours > 50, "\(image) at \(screenshotPath)")
        #expect(image.other > 0.2, "\(image) at \(screenshotPath)")
    }

    @Test("With Chromium's fake camera and microphone the page sends both, and the server's echo comes back and is decoded")
    func pageEchoesMedia() async throws {
        let answerer = EchoAnswerer(client: WebRTCClient(engine: .native))
        let server = try await EchoSignalingServer.start(port: 0, page: EchoPage.html) { offer in
            .answer(try await answerer.answer(offer.sdp))
        }
        let url = "http://127.0.0.1:\(server.port)/"
        let run: Result<PageState, any Error> = await onThread {
            Result {
                let browser = try HeadlessChromium(
                    viewport: (1000, 800), arguments: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"])
                defer { browser.quit() }
                try browser.attachToPage(width: 1000, height: 800, timeout: .seconds(60))
                try browser.navigate(url, timeout: .seconds(30))
                let text = try browser.watchPage(Self.readState, within: .seconds(90), every: .milliseconds(500)) { text in
                    guard let state = try? JSONDecoder().decode(PageState.self, from: Data(text.utf8)) else { return false }
                    return state.media.framesDecoded >= 30 && state.echoes >= 3 || !state.errors.isEmpty
                }
                return try JSONDecoder().decode(PageState.self, from: Data(text.utf8))
            }
        }
        let frames = answerer.echoedFrames
        await server.stop()
        await answerer.close()
        let state = try run.get()
        #expect(state.errors.isEmpty, "\(state)")
        #expect(state.media.sending.sorted() == ["audio", "video"], "\(state)")
        #expect(state.media.echoedTracks == 2, "\(state)")
        #expect(state.media.framesDecoded >= 30, "\(state)")
        #expect(state.media.frameWidth == 640 && state.media.frameHeight == 480, "\(state)")
        #expect(state.echoes >= 3, "\(state)")
        #expect(frames > 60, "the server echoed \(frames) frames")
    }
}
