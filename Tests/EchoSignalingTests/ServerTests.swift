@testable import EchoSignaling
import Foundation
import NIOHTTP1
import Synchronization
import Testing

/// A server with a handler that answers by appending one attribute line, and remembers the offers it saw.
final class AnsweringServer: Sendable {
    let server: EchoSignalingServer
    let offers = Mutex<[SignalingMessage]>([])
    var url: String { "http://127.0.0.1:\(server.port)/offer" }
    var target: SignalingURL { SignalingURL(host: "127.0.0.1", port: server.port, target: "/offer") }

    struct Refusal: Error, CustomStringConvertible { var description: String { "the engine refused the offer" } }

    private init(server: EchoSignalingServer) { self.server = server }

    @discardableResult
    static func with<R>(_ body: (AnsweringServer) async throws -> R) async throws -> R {
        let box = Mutex<AnsweringServer?>(nil)
        let server = try await EchoSignalingServer.start(port: 0) { offer in
            box.withLock { $0 }?.offers.withLock { $0.append(offer) }
            if offer.sdp.contains("a=refuse") { throw Refusal() }
            return .answer(offer.sdp + "a=answered\r\n")
        }
        let answering = AnsweringServer(server: server)
        box.withLock { $0 = answering }
        do {
            let result = try await body(answering)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}

@Suite("The signaling server over loopback TCP")
struct ServerTests {
    static let offer = SignalingMessage.offer("v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n")

    @Test("our client posts the offer and gets the handler's answer")
    func exchanges() async throws {
        try await AnsweringServer.with { answering in
            let answer = try await EchoSignalingClient.exchange(Self.offer, with: answering.url)
            #expect(answer == .answer(Self.offer.sdp + "a=answered\r\n"))
            #expect(answering.offers.withLock { $0 } == [Self.offer])
        }
    }

    @Test("concurrent offers are each answered with their own answer")
    func concurrent() async throws {
        try await AnsweringServer.with { answering in
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let offer = SignalingMessage.offer("v=0\r\ns=\(index)\r\n")
                        return try await EchoSignalingClient.exchange(offer, with: answering.url) == .answer(offer.sdp + "a=answered\r\n")
                    }
                }
                for try await matched in group { #expect(matched) }
            }
            #expect(answering.offers.withLock { $0.count } == 8)
        }
    }

    /// Every refusal the brief lists, end to end: method, path and body sent raw, the status read back.
    static let refusals: [(String, HTTPMethod, String, String, Int, String)] = [
        ("another path", .POST, "/answer", "{}", 404, "no resource at /answer"),
        ("another method", .GET, "/offer", "", 405, "GET is not allowed"),
        ("a body that is not JSON", .POST, "/offer", "v=0", 400, "not a JSON object"),
        ("an answer where the offer belongs", .POST, "/offer", #"{"type":"answer","sdp":"v=0"}"#, 400, #"got "answer""#),
        ("a handler that throws", .POST, "/offer", #"{"type":"offer","sdp":"a=refuse"}"#, 500, "the engine refused the offer"),
    ]

    @Test("each refusal gets its status and a plain-text reason, with the CORS origin header", arguments: refusals)
    func refuses(_ name: String, method: HTTPMethod, path: String, body: String, status: Int, reason: String) async throws {
        try await AnsweringServer.with { answering in
            var target = answering.target
            target.target = path
            let response = try await EchoSignalingClient.request(
                method: method, to: target, body: Array(body.utf8), contentType: "application/json", timeout: .seconds(10))
            #expect(response.status == status)
            #expect(String(decoding: response.body, as: UTF8.self).contains(reason), "\(name)")
            #expect(response.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            if status == 405 { #expect(response.header("Allow") == "POST, OPTIONS") }
        }
    }

    @Test("a body over 1 MiB is 413, and the handler never sees it")
    func tooLarge() async throws {
        try await AnsweringServer.with { answering in
            let body = SignalingMessage.offer(String(repeating: "a", count: SignalingRoutes.bodyLimit)).json
            let response = try await EchoSignalingClient.request(
                method: .POST, to: answering.target, body: body, contentType: "application/json", timeout: .seconds(10))
            #expect(response.status == 413)
            #expect(answering.offers.withLock { $0.isEmpty })
        }
    }

    @Test("a body of exactly 1 MiB is still read and answered")
    func atLimit() async throws {
        let overhead = SignalingMessage.offer("").json.count
        let offer = SignalingMessage.offer(String(repeating: "a", count: SignalingRoutes.bodyLimit - overhead))
        #expect(offer.json.count == SignalingRoutes.bodyLimit)
        let server = try await EchoSignalingServer.start(port: 0) { .answer("length \($0.sdp.utf8.count)") }
        let answer = try await EchoSignalingClient.exchange(offer, with: "http://127.0.0.1:\(server.port)/offer")
        await server.stop()
        #expect(answer == .answer("length \(offer.sdp.utf8.count)"))
    }

    @Test("the CORS preflight is answered 204 with the origin, methods and headers a browser needs")
    func preflight() async throws {
        try await AnsweringServer.with { answering in
            let response = try await EchoSignalingClient.request(
                method: .OPTIONS, to: answering.target,
                headers: [("Origin", "http://127.0.0.1:9"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type")],
                body: [], contentType: nil, timeout: .seconds(10))
            #expect(response.status == 204)
            #expect(response.header("Access-Control-Allow-Origin") == "*")
            #expect(response.header("Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(response.header("Access-Control-Allow-Headers") == "content-type")
        }
    }

    @Test("our client reports a non-200 status with the server's reason")
    func clientReportsStatus() async throws {
        try await AnsweringServer.with { answering in
            await #expect(throws: EchoSignalingError.httpStatus(500, body: "the engine refused the offer\n")) {
                try await EchoSignalingClient.exchange(.offer("a=refuse"), with: answering.url)
            }
        }
    }

    @Test("the server refuses to bind anything but loopback", arguments: ["0.0.0.0", "192.0.2.1", "::", "example.com"])
    func serverRefusesNonLoopback(host: String) async {
        await #expect(throws: EchoSignalingError.notLoopback(host)) {
            _ = try await EchoSignalingServer.start(host: host, port: 0) { $0 }
        }
    }

    @Test("the client refuses a non-loopback URL before connecting", arguments: ["http://192.0.2.1:8080/offer", "http://example.com/offer"])
    func clientRefusesNonLoopback(url: String) async {
        let host = url.dropFirst("http://".count).split(separator: ":").first.map(String.init) ?? ""
        let hostOnly = host.split(separator: "/").first.map(String.init) ?? host
        await #expect(throws: EchoSignalingError.notLoopback(hostOnly)) {
            _ = try await EchoSignalingClient.exchange(.offer("v=0"), with: url)
        }
    }

    @Test("the client refuses an invalid URL")
    func clientRefusesInvalidURL() async {
        await #expect(throws: EchoSignalingError.invalidURL("https://127.0.0.1/offer")) {
            _ = try await EchoSignalingClient.exchange(.offer("v=0"), with: "https://127.0.0.1/offer")
        }
    }

    @Test("after stop the port refuses connections, and the client says the connection failed")
    func stopCloses() async throws {
        let server = try await EchoSignalingServer.start(port: 0) { $0 }
        let url = "http://127.0.0.1:\(server.port)/offer"
        await server.stop()
        do {
            _ = try await EchoSignalingClient.exchange(.offer("v=0"), with: url, timeout: .seconds(5))
            Issue.record("the exchange succeeded after stop")
        } catch {
            guard case .connectionFailed = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
        }
    }

    @Test("a server on ::1 answers too, and localhost binds 127.0.0.1")
    func otherLoopbacks() async throws {
        let v6 = try await EchoSignalingServer.start(host: "::1", port: 0) { .answer($0.sdp) }
        let answer = try await EchoSignalingClient.exchange(.offer("v=0"), with: "http://[::1]:\(v6.port)/offer")
        await v6.stop()
        #expect(answer == .answer("v=0"))
        let named = try await EchoSignalingServer.start(host: "localhost", port: 0) { .answer($0.sdp) }
        #expect(named.host == "127.0.0.1")
        let again = try await EchoSignalingClient.exchange(.offer("v=1"), with: "http://localhost:\(named.port)/offer")
        await named.stop()
        #expect(again == .answer("v=1"))
    }

    @Test("stop returns while a handler is still running, cancelling it")
    func stopCancelsHandler() async throws {
        let started = Mutex(false)
        let server = try await EchoSignalingServer.start(port: 0) { offer in
            started.withLock { $0 = true }
            try await Task.sleep(for: .seconds(60))
            return .answer(offer.sdp)
        }
        let url = "http://127.0.0.1:\(server.port)/offer"
        let exchange = Task { try await EchoSignalingClient.exchange(.offer("v=0"), with: url, timeout: .seconds(30)) }
        let clock = ContinuousClock()
        // Generous: under a full parallel test run on two cores the request may take seconds to arrive.
        let end = clock.now + .seconds(60)
        while !started.withLock({ $0 }) && clock.now < end { try await Task.sleep(for: .milliseconds(5)) }
        #expect(started.withLock { $0 })
        let before = clock.now
        await server.stop()
        #expect(clock.now - before < .seconds(10))
        // The handler was cancelled: 500 with the cancellation, or the connection closed under the client.
        await #expect(throws: EchoSignalingError.self) { try await exchange.value }
    }
}
