@testable import EchoSignaling
import Foundation
import Testing

/// The same HTTP against implementations that are not ours: Python's `urllib` posting to our server, and
/// our client posting to Python's `http.server`.
@Suite("Signaling against Python's HTTP client and server")
struct PythonInteropTests {
    /// urllib: POST (or another method) a body, print `{"status":…,"body":…,"headers":{…}}`.
    static let urllibClient = #"""
import json, sys, urllib.request, urllib.error
url, method, body = sys.argv[1], sys.argv[2], sys.argv[3].encode()
if len(sys.argv) > 4:  # a large body is made here: an argument that long would exceed the system's limit
    body = b"x" * int(sys.argv[4])
request = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
if method == "POST":
    request.add_header("Content-Type", "application/json")
if method == "OPTIONS":
    request.add_header("Origin", "http://127.0.0.1:1")
    request.add_header("Access-Control-Request-Method", "POST")
    request.add_header("Access-Control-Request-Headers", "content-type")
try:
    with urllib.request.urlopen(request, timeout=20) as response:
        status, text, headers = response.status, response.read().decode(), dict(response.headers)
except urllib.error.HTTPError as error:
    status, text, headers = error.code, error.read().decode(), dict(error.headers)
print(json.dumps({"status": status, "body": text, "headers": {k.lower(): v for k, v in headers.items()}}))
"""#

    struct UrllibResult: Decodable {
        var status: Int
        var body: String
        var headers: [String: String]
    }

    static func urllib(_ url: String, method: String = "POST", body: String, repeating count: Int? = nil) async throws -> UrllibResult {
        let (status, output, errors) = try await Python.run(urllibClient, [url, method, body] + (count.map { [String($0)] } ?? []))
        guard status == 0 else { throw PythonError(description: "urllib failed (\(status)): \(errors)") }
        return try JSONDecoder().decode(UrllibResult.self, from: Data(output.utf8))
    }

    @Test("urllib posts an offer to our server and reads the JSON answer")
    func urllibExchanges() async throws {
        try await AnsweringServer.with { answering in
            let offer = SignalingMessage.offer("v=0\r\ns=é\r\n")
            let result = try await Self.urllib(answering.url, body: String(decoding: offer.json, as: UTF8.self))
            #expect(result.status == 200)
            #expect(result.headers["content-type"] == "application/json")
            #expect(result.headers["access-control-allow-origin"] == "*")
            #expect(try SignalingMessage(json: Array(result.body.utf8)) == .answer(offer.sdp + "a=answered\r\n"))
        }
    }

    @Test("urllib's preflight and wrong requests get the statuses a browser would", arguments: [
        ("OPTIONS", "/offer", "", 204), ("GET", "/offer", "", 405), ("POST", "/nowhere", "{}", 404), ("POST", "/offer", "{", 400),
    ])
    func urllibStatuses(method: String, path: String, body: String, status: Int) async throws {
        try await AnsweringServer.with { answering in
            let result = try await Self.urllib("http://127.0.0.1:\(answering.server.port)\(path)", method: method, body: body)
            #expect(result.status == status)
            #expect(result.headers["access-control-allow-origin"] == "*")
        }
    }

    @Test("urllib still reads the 413 when it sends more than 1 MiB (the server drains rather than resets)")
    func urllibTooLarge() async throws {
        try await AnsweringServer.with { answering in
            let result = try await Self.urllib(answering.url, body: "", repeating: SignalingRoutes.bodyLimit + 100_000)
            #expect(result.status == 413)
        }
    }

    /// http.server: each path plays one kind of server, good or bad.
    static let stubServer = #"""
import http.server, json, sys, threading, time
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def reply(self, status, body, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/offer":
            offer = json.loads(body)
            ok = offer.get("type") == "offer" and self.headers.get("Content-Type") == "application/json"
            self.reply(200 if ok else 400, json.dumps({"type": "answer", "sdp": offer["sdp"] + "a=python\r\n"}).encode())
        elif self.path == "/fail":
            self.reply(500, b"boom", "text/plain")
        elif self.path == "/garbage":
            self.reply(200, b"<html>not json</html>", "text/html")
        elif self.path == "/offer-back":
            self.reply(200, body)
        elif self.path == "/huge":
            self.reply(200, b" " * (2 * 1024 * 1024))
        elif self.path == "/slow":
            time.sleep(60)
            self.reply(200, body)
        elif self.path == "/hang-up":
            self.close_connection = True
            self.connection.close()
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
print(server.server_address[1], flush=True)
sys.stdin.read()
"""#

    @discardableResult
    static func withStub<R>(_ body: (PythonStubServer) async throws -> R) async throws -> R {
        let stub = try await PythonStubServer.start(stubServer)
        defer { stub.stop() }
        return try await body(stub)
    }

    @Test("our client posts to Python's http.server and reads its answer")
    func clientExchangesWithPython() async throws {
        try await Self.withStub { stub in
            let answer = try await EchoSignalingClient.exchange(.offer("v=0\r\n"), with: "http://127.0.0.1:\(stub.port)/offer")
            #expect(answer == .answer("v=0\r\na=python\r\n"))
        }
    }

    /// The timeouts are generous (the machine is shared with builds) except for the server that never answers.
    @Test("our client turns each bad server reply into its typed error", arguments: [
        ("/fail", Duration.seconds(20), EchoSignalingError.httpStatus(500, body: "boom")),
        ("/garbage", .seconds(20), .invalidJSON("not a JSON object")),
        ("/offer-back", .seconds(20), .unexpectedType(expected: "answer", received: "offer")),
        ("/huge", .seconds(20), .bodyTooLarge(limit: 1 << 20)),
        ("/slow", .seconds(1), .timedOut(.seconds(1))),
    ])
    func clientErrors(path: String, timeout: Duration, expected: EchoSignalingError) async throws {
        try await Self.withStub { stub in
            await #expect(throws: expected) {
                try await EchoSignalingClient.exchange(.offer("v=0"), with: "http://127.0.0.1:\(stub.port)\(path)", timeout: timeout)
            }
        }
    }

    @Test("a server that hangs up without replying is an HTTP error, not a hang")
    func clientHangUp() async throws {
        try await Self.withStub { stub in
            do {
                _ = try await EchoSignalingClient.exchange(.offer("v=0"), with: "http://127.0.0.1:\(stub.port)/hang-up", timeout: .seconds(10))
                Issue.record("the exchange succeeded")
            } catch {
                switch error as? EchoSignalingError {
                case .invalidHTTP?, .connectionFailed?: break
                default: Issue.record("expected invalidHTTP or connectionFailed, got \(error)")
                }
            }
        }
    }
}
