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
