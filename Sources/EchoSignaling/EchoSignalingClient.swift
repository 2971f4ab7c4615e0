public import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The offerer's side of webrtc-echoes signaling: one POST of the offer, the answer back.
public enum EchoSignalingClient {
    /// POSTs `offer` as JSON to `url` and returns the server's answer.
    ///
    /// - Parameters:
    ///   - url: `http://host[:port][/path]`, for example `http://127.0.0.1:8080/offer`; the host must be
    ///     loopback (an IP literal or `localhost`) unless `policy` is `.any`.
    ///   - timeout: for the whole exchange, connecting included.
    ///   - policy: which hosts may be reached.
    ///   - group: where to find the event loops; the process-wide NIO singleton by default.
    /// - Throws: ``EchoSignalingError``: `.httpStatus` for any status but 200 (with the body's text),
    ///   `.invalidJSON` / `.unexpectedType` when the body is not a JSON answer, `.bodyTooLarge` past 1 MiB.
    public static func exchange(
        _ offer: SignalingMessage, with url: String, timeout: Duration = .seconds(30),
        policy: SignalingAddressPolicy = .loopbackOnly, group: (any EventLoopGroup)? = nil
    ) async throws(EchoSignalingError) -> SignalingMessage {
        let target = try SignalingURL(parsing: url)
        let response = try await request(
            method: .POST, to: target, body: offer.json, contentType: "application/json",
            timeout: timeout, policy: policy, group: group)
        guard response.status == 200 else {
            throw .httpStatus(response.status, body: String(decoding: response.body.prefix(1024), as: UTF8.self))
        }
        return try SignalingMessage.decode(response.body, expecting: "answer")
    }

    /// What came back from one request.
    struct Response: Sendable {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// One HTTP/1.1 request on a fresh connection (`Connection: close`), bounded by `timeout`. Internal so
    /// that tests can send what a well-behaved client never would (other methods, paths, bodies).
    static func request(
        method: HTTPMethod, to url: SignalingURL, headers extraHeaders: [(String, String)] = [], body: [UInt8],
        contentType: String?, timeout: Duration, policy: SignalingAddressPolicy = .loopbackOnly,
        group: (any EventLoopGroup)? = nil
    ) async throws(EchoSignalingError) -> Response {
        let address = try policy.resolve(url.host)
        let connection = ConnectionSlot()
        let outcome: Result<Response, EchoSignalingError> = await withTaskGroup(of: Result<Response, EchoSignalingError>?.self) { tasks in
            tasks.addTask {
                do throws(EchoSignalingError) {
                    return .success(try await perform(
                        method: method, url: url, address: address, headers: extraHeaders, body: body,
                        contentType: contentType, timeout: timeout, group: group, slot: connection))
                } catch {
                    return .failure(error)
                }
            }
            tasks.addTask {
                // nil when cancelled: the exchange finished first.
                guard (try? await Task.sleep(for: timeout)) != nil else { return nil }
                return .failure(.timedOut(timeout))
            }
            let first = await tasks.next() ?? nil
            tasks.cancelAll()
            // The exchange may be blocked in a read that cancellation does not reach; closing its channel does.
            connection.close()
            return first ?? .failure(.timedOut(timeout))
        }
        return try outcome.get()
    }

    private static func perform(
        method: HTTPMethod, url: SignalingURL, address: String, headers extraHeaders: [(String, String)],
        body: [UInt8], contentType: String?, timeout: Duration, group: (any EventLoopGroup)?, slot: ConnectionSlot
    ) async throws(EchoSignalingError) -> Response {
        typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>
        let channel: Connection
        do {
            channel = try await ClientBootstrap(group: group ?? MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(nanoseconds(timeout)))
                .connect(host: address, port: url.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .connectionFailed("\(url.host):\(url.port): \(error)")
        }
        slot.hold(channel.channel)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: address.contains(":") ? "[\(url.host)]:\(url.port)" : "\(url.host):\(url.port)")
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "Connection", value: "close")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: url.target, headers: headers)

        let result: Result<Response, EchoSignalingError>
        do {
            result = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(.head(head))
                if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
                try await outbound.write(.end(nil))
                var response: Response?
                for try await part in inbound {
                    switch part {
                    case .head(let responseHead):
                        // 1xx interim responses (100 Continue) precede the real one.
                        guard responseHead.status.code >= 200 else { continue }
                        response = Response(
                            status: Int(responseHead.status.code),
                            headers: responseHead.headers.map { ($0.name, $0.value) }, body: [])
                    case .body(let buffer):
                        guard response != nil else { return .failure(.invalidHTTP("body before the status line")) }
                        guard (response?.body.count ?? 0) + buffer.readableBytes <= SignalingRoutes.bodyLimit else {
                            return .failure(.bodyTooLarge(limit: SignalingRoutes.bodyLimit))
                        }
                        response?.body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        if let response { return .success(response) }
                    }
                }
                return .failure(.invalidHTTP(response == nil ? "the connection closed without a response" : "the connection closed mid-body"))
            }
        } catch {
            throw .connectionFailed("\(url.host):\(url.port): \(error)")
        }
        return try result.get()
    }
}

/// `duration` in whole nanoseconds, saturating (a timeout of centuries is as good as forever).
private func nanoseconds(_ duration: Duration) -> Int64 {
    let (seconds, attoseconds) = duration.components
    let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    guard !overflow else { return seconds < 0 ? 0 : .max }
    return max(0, whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
}

/// The channel of an exchange in flight, so that its timeout can close it from outside.
private final class ConnectionSlot: Sendable {
    private let state = Mutex<(channel: (any Channel)?, closed: Bool)>((nil, false))

    func hold(_ channel: any Channel) {
        let closeNow = state.withLock { state in
            state.channel = channel
            return state.closed
        }
        if closeNow { channel.close(promise: nil) }
    }

    func close() {
        let channel = state.withLock { state in
            state.closed = true
            return state.channel
        }
        channel?.close(promise: nil)
    }
}
