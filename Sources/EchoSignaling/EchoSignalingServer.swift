public import NIOCore
import NIOHTTP1
import NIOPosix

/// The webrtc-echoes signaling server: HTTP/1.1 on a loopback address answering `POST /offer`, and
/// serving a page at `GET /` when given one (``EchoPage/html``, the browser end of the echo).
///
/// The body must be a JSON offer (`{"type":"offer","sdp":"…"}`); the server hands it to `handler` and
/// replies 200 with the answer it returns as JSON (`Content-Type: application/json`). Anything else gets a
/// plain-text reason: another path 404, another method 405 (with `Allow`), a body that is not a JSON
/// offer 400, a body over 1 MiB 413, a handler that throws 500 with the error's text. `OPTIONS /offer` is
/// answered as the CORS preflight webrtc-echoes' browser clients send, and every reply carries
/// `Access-Control-Allow-Origin: *`. Connections may be kept alive; each request is answered in turn.
///
/// ```swift
/// let server = try await EchoSignalingServer.start(port: 8080) { offer in
///     try await peer.answer(offer)          // the engine's work
/// }
/// defer { Task { await server.stop() } }
/// ```
public final class EchoSignalingServer: Sendable {
    /// The bound port (the system's choice when started with port 0).
    public let port: Int
    /// The bound host, as an IP literal.
    public let host: String

    private let listener: any Channel
    private let serving: Task<Void, Never>

    private init(host: String, port: Int, listener: any Channel, serving: Task<Void, Never>) {
        self.host = host
        self.port = port
        self.listener = listener
        self.serving = serving
    }

    /// Binds `host:port` and starts answering.
    ///
    /// - Parameters:
    ///   - host: an IP literal or `localhost`; refused unless loopback when `policy` is `.loopbackOnly`.
    ///   - port: the TCP port, 0 for one the system chooses (read ``port``).
    ///   - policy: which hosts may be bound.
    ///   - page: HTML served at `GET /` (`text/html`); nil for none (then `/` is 404 like any other path).
    ///   - group: where to find the event loops; the process-wide NIO singleton by default.
    ///   - handler: turns an offer into an answer; called once per request, concurrently for concurrent requests.
    public static func start(
        host: String = "127.0.0.1", port: Int, policy: SignalingAddressPolicy = .loopbackOnly,
        page: String? = nil, group: (any EventLoopGroup)? = nil,
        handler: @escaping @Sendable (SignalingMessage) async throws -> SignalingMessage
    ) async throws(EchoSignalingError) -> EchoSignalingServer {
        let address = try policy.resolve(host)
        guard (0...65535).contains(port) else { throw .bindFailed("port \(port) is out of range") }
        typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
        let listener: NIOAsyncChannel<Connection, Never>
        do {
            listener = try await ServerBootstrap(group: group ?? MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: address, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .bindFailed("\(address):\(port): \(error)")
        }
        let boundPort = listener.channel.localAddress?.port ?? port
        let serving = Task<Void, Never> {
            _ = try? await listener.executeThenClose { connections in
                try await withThrowingDiscardingTaskGroup { group in
                    for try await connection in connections {
                        group.addTask { await serve(connection, page: page, handler: handler) }
                    }
                }
            }
        }
        return EchoSignalingServer(host: address, port: boundPort, listener: listener.channel, serving: serving)
    }

    /// Stops listening, ends every open connection (cancelling handlers still running), and returns once
    /// all is closed.
    public func stop() async {
        serving.cancel()
        try? await listener.close()
        await serving.value
    }

    /// The most a client may send after the limit before the server stops reading and drops the
    /// connection: draining lets the 413 reach a client still writing (closing with unread bytes would
    /// reset the connection and lose the reply), but not forever.
    static let drainLimit = 64 << 20

    /// Answers the requests of one connection in order until the client closes or asks to.
    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, page: String?,
        handler: @escaping @Sendable (SignalingMessage) async throws -> SignalingMessage
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            var received = 0
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                    received = 0
                case .body(let buffer):
                    received += buffer.readableBytes
                    if received <= SignalingRoutes.bodyLimit { body.append(contentsOf: buffer.readableBytesView) }
                    if received > drainLimit { return }
                case .end:
                    guard let request = head else { return }
                    head = nil
                    let reply: HTTPReply
                    switch SignalingRoutes.decide(
                        method: request.method, uri: request.uri,
                        requestedHeaders: request.headers.first(name: "Access-Control-Request-Headers"), page: page)
                    {
                    case .reply(let decided): reply = decided
                    case .readOffer:
                        reply = received > SignalingRoutes.bodyLimit
                            ? SignalingRoutes.tooLarge : await SignalingRoutes.answer(body, handler: handler)
                    }
                    let keepAlive = request.isKeepAlive && reply.status != .payloadTooLarge
                    try await write(reply, keepAlive: keepAlive, version: request.version, to: outbound)
                    if !keepAlive { return }
                }
            }
        }
    }

    private static func write(
        _ reply: HTTPReply, keepAlive: Bool, version: HTTPVersion,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        if let contentType = reply.contentType { headers.add(name: "Content-Type", value: contentType) }
        headers.add(name: "Content-Length", value: String(reply.body.count))
        headers.add(name: "Access-Control-Allow-Origin", value: "*")
        for (name, value) in reply.headers { headers.add(name: name, value: value) }
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        try await outbound.write(.head(HTTPResponseHead(version: version, status: reply.status, headers: headers)))
        if !reply.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))) }
        try await outbound.write(.end(nil))
    }
}
