@testable import EchoSignaling
import NIOHTTP1
import Testing

/// The server's decisions, apart from sockets (the socket tests check the same statuses end to end).
@Suite("Signaling routes")
struct RoutingTests {
    @Test("POST /offer reads the offer, query string or not", arguments: ["/offer", "/offer?session=1"])
    func postReadsOffer(uri: String) {
        #expect(SignalingRoutes.decide(method: .POST, uri: uri, requestedHeaders: nil) == .readOffer)
    }

    @Test("any other path is 404, whatever the method", arguments: [
        (HTTPMethod.POST, "/"), (.POST, "/offer/"), (.GET, "/answer"), (.OPTIONS, "/x"), (.POST, "/Offer"),
    ])
    func otherPathIsNotFound(method: HTTPMethod, uri: String) throws {
        guard case .reply(let reply) = SignalingRoutes.decide(method: method, uri: uri, requestedHeaders: nil) else {
            Issue.record("expected a reply")
            return
        }
        #expect(reply.status == .notFound)
    }

    @Test("with a page, GET / serves it as HTML (query string or not); another method on / is 405", arguments: ["/", "/?x=1"])
    func page(uri: String) throws {
        guard case .reply(let reply) = SignalingRoutes.decide(method: .GET, uri: uri, requestedHeaders: nil, page: "<p>hi</p>") else {
            Issue.record("expected a reply")
            return
        }
        #expect(reply.status == .ok)
        #expect(reply.contentType == "text/html; charset=utf-8")
        #expect(reply.body == Array("<p>hi</p>".utf8))
        guard case .reply(let post) = SignalingRoutes.decide(method: .POST, uri: uri, requestedHeaders: nil, page: "<p>hi</p>") else {
            Issue.record("expected a reply")
            return
        }
        #expect(post.status == .methodNotAllowed)
        #expect(post.headers.contains { $0.0 == "Allow" && $0.1 == "GET" })
        // Without a page, / is a path like any other.
        guard case .reply(let none) = SignalingRoutes.decide(method: .GET, uri: uri, requestedHeaders: nil) else {
            Issue.record("expected a reply")
            return
        }
        #expect(none.status == .notFound)
        // /offer is unchanged by the page.
        #expect(SignalingRoutes.decide(method: .POST, uri: "/offer", requestedHeaders: nil, page: "<p>hi</p>") == .readOffer)
    }

    @Test("the echo page is one self-contained document: no outside script, style, image or font, and it offers to /offer")
    func echoPageIsSelfContained() {
        let html = EchoPage.html
        #expect(html.hasPrefix("<!doctype html>"))
        for outside in ["src=\"http", "href=\"http", "src=\"//", "@import", "url(http"] { #expect(!html.contains(outside), "\(outside)") }
        #expect(html.contains(#"fetch("/offer""#))
        #expect(html.contains("getStats()"))
    }

    @Test("another method on /offer is 405 and names the allowed ones", arguments: [HTTPMethod.GET, .PUT, .DELETE, .HEAD, .PATCH])
    func otherMethodIsNotAllowed(method: HTTPMethod) {
        guard case .reply(let reply) = SignalingRoutes.decide(method: method, uri: "/offer", requestedHeaders: nil) else {
            Issue.record("expected a reply")
            return
        }
        #expect(reply.status == .methodNotAllowed)
        #expect(reply.headers.contains { $0.0 == "Allow" && $0.1 == "POST, OPTIONS" })
    }

    @Test("OPTIONS /offer is a CORS preflight that allows POST and the headers asked for")
    func preflight() {
        guard case .reply(let reply) = SignalingRoutes.decide(method: .OPTIONS, uri: "/offer", requestedHeaders: "content-type, x-a") else {
            Issue.record("expected a reply")
            return
        }
        #expect(reply.status == .noContent)
        #expect(reply.body.isEmpty)
        #expect(reply.headers.contains { $0.0 == "Access-Control-Allow-Methods" && $0.1.contains("POST") })
        #expect(reply.headers.contains { $0.0 == "Access-Control-Allow-Headers" && $0.1 == "content-type, x-a" })
    }

    @Test("a JSON offer is handed to the handler and its answer returned as 200 application/json")
    func answers() async {
        let reply = await SignalingRoutes.answer(SignalingMessage.offer("v=0\r\n").json) { offer in .answer(offer.sdp + "a=x\r\n") }
        #expect(reply == .json(.answer("v=0\r\na=x\r\n")))
        #expect(reply.contentType == "application/json")
    }

    @Test("a body that is not a JSON offer is 400 with the reason, and the handler is not called", arguments: [
        ("{", "invalid signaling JSON: not a JSON object"),
        (#"{"type":"answer","sdp":""}"#, #"expected a message of type "offer", got "answer""#),
    ])
    func badOfferIsBadRequest(body: String, reason: String) async {
        let reply = await SignalingRoutes.answer(Array(body.utf8)) { _ in
            Issue.record("the handler must not be called")
            return .answer("")
        }
        #expect(reply == .text(.badRequest, reason))
    }

    struct Refusal: Error, CustomStringConvertible { var description: String { "no peer connection left" } }

    @Test("a handler that throws gives 500 with the error's text")
    func handlerErrorIsServerError() async {
        let reply = await SignalingRoutes.answer(SignalingMessage.offer("v=0").json) { _ in throw Refusal() }
        #expect(reply == .text(.internalServerError, "no peer connection left"))
    }
}
