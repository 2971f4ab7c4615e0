import CrucibleTestSupport
import Foundation
import Fuzzing

#if canImport(Glibc)
import Glibc
#endif

/// Debian's Chromium, headless, driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
/// each command is JSON followed by a NUL byte on the browser's fd 3, each reply and event likewise on
/// its fd 4). A shell opens two FIFOs as those descriptors; this side holds both read-write, so opening
/// never blocks, and every read waits with `poll` against a deadline, so a browser that dies or hangs
/// makes a call throw instead of hanging the test.
///
/// Blocking: use it from a thread of its own (``CrucibleTestSupport/onThread(_:)``).
final class HeadlessChromium {
    /// Where Debian installs it (`Scripts/bootstrap` adds the package).
    static let executable = "/usr/bin/chromium"

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private let watch: ProcessWatch
    private let folder: URL
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var buffer: [UInt8] = []
    private var nextID = 1
    /// The session of the page target, once attached.
    private var session: String?

    /// Starts Chromium with `arguments` added to the headless, loopback-WebRTC set DESIGN §6 measured.
    init(viewport: (width: Int, height: Int), arguments: [String] = []) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw Failure(description: "\(Self.executable) not found: run Scripts/bootstrap (it installs Debian's chromium)")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("crucible-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let input = folder.appendingPathComponent("devtools-in").path
        let output = folder.appendingPathComponent("devtools-out").path
        guard mkfifo(input, 0o600) == 0, mkfifo(output, 0o600) == 0 else { throw Failure(description: "mkfifo failed: errno \(errno)") }
        toBrowser = open(input, O_RDWR)
        fromBrowser = open(output, O_RDWR)
        guard toBrowser >= 0, fromBrowser >= 0 else { throw Failure(description: "cannot open the DevTools FIFOs: errno \(errno)") }
        var flags = [
            "--headless=new", "--remote-debugging-pipe", "--allow-loopback-in-peer-connection",
            "--disable-features=WebRtcHideLocalIpsWithMdns", "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
            "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
            "--window-size=\(viewport.width),\(viewport.height)",
        ]
        if getuid() == 0 { flags.append("--no-sandbox") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"exec "$0" "$@" 3<"$CRUCIBLE_DEVTOOLS_IN" 4>"$CRUCIBLE_DEVTOOLS_OUT""#, Self.executable]
            + flags + arguments + ["about:blank"]
        var environment = ProcessInfo.processInfo.environment
        environment["CRUCIBLE_DEVTOOLS_IN"] = input
        environment["CRUCIBLE_DEVTOOLS_OUT"] = output
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.runWithSignalsUnblocked()
        watch = ProcessWatch(process)
    }

    deinit {
        close(toBrowser)
        close(fromBrowser)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Attaches to the first page and sets its viewport to exactly `width` × `height` CSS pixels at scale 1.
    func attachToPage(width: Int, height: Int, timeout: Duration) throws {
        let end = ContinuousClock.now + timeout
        var target: String?
        while target == nil {
            let targets = try call("Target.getTargets", deadline: end)["targetInfos"] as? [[String: Any]] ?? []
            target = targets.first { $0["type"] as? String == "page" }?["targetId"] as? String
            if target == nil { Thread.sleep(forTimeInterval: 0.1) }
        }
        let attached = try call("Target.attachToTarget", ["targetId": target!, "flatten": true], deadline: end)
        session = attached["sessionId"] as? String
        _ = try call("Emulation.setDeviceMetricsOverride", ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false], deadline: end)
    }

    func navigate(_ url: String, timeout: Duration) throws {
        _ = try call("Page.navigate", ["url": url], deadline: ContinuousClock.now + timeout)
    }

    /// Evaluates `expression` in the page (awaiting it when it is a promise) and returns its JSON value.
    func evaluate(_ expression: String, timeout: Duration) throws -> Any? {
        let result = try call(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true],
            deadline: ContinuousClock.now + timeout)
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw Failure(description: "page threw: \(exception["text"] ?? "") \((exception["exception"] as? [String: Any])?["description"] ?? "")")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// A PNG of the viewport.
    func screenshot(timeout: Duration) throws -> Data {
        let result = try call("Page.captureScreenshot", ["format": "png"], deadline: ContinuousClock.now + timeout)
        guard let text = result["data"] as? String, let png = Data(base64Encoded: text) else {
            throw Failure(description: "Page.captureScreenshot gave no data")
        }
        return png
    }

    /// Asks the browser to close, and ends it if it does not within `grace`.
    /// Evaluates `expression` (which gives a string) every `interval` until `done` accepts its text or
    /// `within` passes, and returns the last text: Page.navigate returns before a page has loaded, and
    /// live pages change as they run.
    func watchPage(_ expression: String, within: Duration, every interval: Duration, until done: (String) -> Bool) throws -> String {
        var text = "{}"
        let end = ContinuousClock.now + within
        repeat {
            text = try evaluate(expression, timeout: .seconds(20)) as? String ?? "{}"
            if done(text) { break }
            Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
        } while ContinuousClock.now < end
        return text
    }

    /// Opens `url` in a new headless Chromium of `width`×`height`, reads it with `readPage` until
    /// `loaded` accepts the text (see ``watchPage(_:within:every:until:)``), then screenshots it and
    /// measures the picture (``BrowserEchoPageTests/inspect(_:)``).
    static func show(
        _ url: String, width: Int, height: Int, readPage: String, within: Duration = .seconds(20),
        every interval: Duration = .milliseconds(100), loaded: (String) -> Bool
    ) throws -> (text: String, png: Data, picture: BrowserEchoPageTests.Picture) {
        let browser = try HeadlessChromium(viewport: (width, height))
        defer { browser.quit() }
        try browser.attachToPage(width: width, height: height, timeout: .seconds(60))
        try browser.navigate(url, timeout: .seconds(30))
        let text = try browser.watchPage(readPage, within: within, every: interval, until: loaded)
        let png = try browser.screenshot(timeout: .seconds(30))
        let measured = try browser.evaluate(BrowserEchoPageTests.inspect(png), timeout: .seconds(30)) as? String ?? "{}"
        return (text, png, try JSONDecoder().decode(BrowserEchoPageTests.Picture.self, from: Data(measured.utf8)))
    }

    func quit(grace: Duration = .seconds(5)) {
        _ = try? call("Browser.close", deadline: ContinuousClock.now + grace, inPage: false)
        _ = watch.end(signal: SIGTERM, grace: grace)
    }

    /// Sends one command and returns its `result`, skipping events; throws its `error`.
    private func call(_ method: String, _ parameters: [String: Any] = [:], deadline: ContinuousClock.Instant, inPage: Bool = true) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if inPage, let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        try bytes.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let written = write(toBrowser, raw.baseAddress! + sent, raw.count - sent)
                guard written > 0 else { throw Failure(description: "writing to Chromium failed: errno \(errno)") }
                sent += written
            }
        }
        while true {
            let reply = try nextMessage(deadline: deadline, waitingFor: method)
            guard reply["id"] as? Int == id else { continue }
            if let error = reply["error"] as? [String: Any] { throw Failure(description: "\(method): \(error["message"] ?? error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
    }

    private func nextMessage(deadline: ContinuousClock.Instant, waitingFor method: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Data(buffer[..<end])
                buffer.removeSubrange(...end)
                return try JSONSerialization.jsonObject(with: message) as? [String: Any] ?? [:]
            }
            guard watch.isRunning else { throw Failure(description: "Chromium ended while waiting for \(method)") }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw Failure(description: "Chromium did not answer \(method) in time") }
            var descriptor = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000, 200))
            guard poll(&descriptor, 1, max(milliseconds, 1)) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(fromBrowser, $0.baseAddress, $0.count) }
            if count > 0 { buffer.append(contentsOf: chunk[..<count]) }
        }
    }
}
