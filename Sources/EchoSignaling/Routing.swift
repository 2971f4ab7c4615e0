import NIOHTTP1

/// A complete HTTP response, decided before any byte is written.
struct HTTPReply: Sendable, Equatable {
    var status: HTTPResponseStatus
    var contentType: String?
    var body: [UInt8]
    /// Headers beyond Content-Type, Content-Length and the CORS origin every reply carries.
    var headers: [(String, String)] = []

    static func == (left: HTTPReply, right: HTTPReply) -> Bool {
        left.status == right.status && left.contentType == right.contentType && left.body == right.body
            && left.headers.map { "\($0.0): \($0.1)" } == right.headers.map { "\($0.0): \($0.1)" }
    }

    /// A plain-text reply stating `reason` (one line, as a person reading curl's output wants it).
    static func text(_ status: HTTPResponseStatus, _ reason: String, headers: [(String, String)] = []) -> HTTPReply {
        HTTPReply(status: status, contentType: "text/plain; charset=utf-8", body: Array((reason + "\n").utf8), headers: headers)
    }

    /// The answer: 200 with the JSON body.
    static func json(_ message: SignalingMessage) -> HTTPReply {
        HTTPReply(status: .ok, contentType: "application/json", body: message.json)
    }
}

/// What the signaling server does with a request, as pure functions of the request so that every status
/// is decided (and tested) apart from the sockets.
enum SignalingRoutes {
    /// The one resource: webrtc-echoes' clients POST their offer here.
    static let offerPath = "/offer"
    /// The largest body accepted: a generous SDP is a few KiB; 1 MiB leaves room for any real one.
    static let bodyLimit = 1 << 20
    static let allowedMethods = "POST, OPTIONS"

    /// What to do once the request head is known.
    enum Decision: Equatable {
        /// Read the body (at most ``bodyLimit`` bytes) and answer it with ``answer(_:handler:)``.
        case readOffer
        /// Reply with this whatever the body holds.
        case reply(HTTPReply)
    }

    /// The page, when the server has one (``EchoSignalingServer/start(host:port:policy:page:group:handler:)``).
    static let pagePath = "/"

    static func decide(method: HTTPMethod, uri: String, requestedHeaders: String?, page: String? = nil) -> Decision {
        let path = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? uri
        if path == pagePath, let page {
            guard method == .GET else {
                return .reply(.text(.methodNotAllowed, "\(method.rawValue) is not allowed on \(pagePath): use GET", headers: [("Allow", "GET")]))
            }
            return .reply(HTTPReply(
                status: .ok, contentType: "text/html; charset=utf-8", body: Array(page.utf8), headers: [("Cache-Control", "no-store")]))
        }
        guard path == offerPath else {
            return .reply(.text(.notFound, "no resource at \(path): POST the offer to \(offerPath)"))
        }
        switch method {
        case .POST:
            return .readOffer
        case .OPTIONS:
            // A browser's CORS preflight (Fetch standard §3.2.2) before its cross-origin JSON POST: allow
            // the method and whatever headers it asks for (it asks for Content-Type).
            return .reply(HTTPReply(status: .noContent, contentType: nil, body: [], headers: [
                ("Access-Control-Allow-Methods", allowedMethods),
                ("Access-Control-Allow-Headers", requestedHeaders ?? "Content-Type"),
                ("Access-Control-Max-Age", "600"),
            ]))
        default:
            return .reply(.text(.methodNotAllowed, "\(method.rawValue) is not allowed on \(offerPath): use POST", headers: [("Allow", allowedMethods)]))
        }
    }

    /// The reply to a body that exceeded ``bodyLimit``.
    static let tooLarge = HTTPReply.text(.payloadTooLarge, "the body exceeds \(bodyLimit) bytes")

    /// Decodes the offer, asks `handler` for the answer, and replies with it: 400 when the body is not a
    /// JSON offer, 500 with the error's text when the handler throws.
    static func answer(_ body: [UInt8], handler: @Sendable (SignalingMessage) async throws -> SignalingMessage) async -> HTTPReply {
        let offer: SignalingMessage
        do {
            offer = try SignalingMessage.decode(body, expecting: "offer")
        } catch {
            return .text(.badRequest, error.description)
        }
        do {
            return .json(try await handler(offer))
        } catch {
            return .text(.internalServerError, "\(error)")
        }
    }
}
