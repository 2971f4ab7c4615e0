import ArgumentParser
import EchoSignaling
import Foundation
import Harness
import WebRTC
import Wire

/// `crucible echo`: the webrtc-echoes interop convention, so any stack can be pointed at ours.
struct Echo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "webrtc-echoes interop: serve an echoing answerer, or connect to one as the offerer.",
        subcommands: [Serve.self, Connect.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer offers POSTed as JSON to http://127.0.0.1:PORT/offer and echo every data channel message.",
            discussion: """
                A browser pointed at http://ADDRESS:PORT/ gets a page that connects, echoes a message every 500 ms \
                and shows the round-trip times, the connection's states and its statistics. --bind with an address \
                of this machine's LAN lets a browser on another machine do so.
                """)

        @Option(help: "The TCP port of the signalling server (0: any free port, printed).")
        var port: Int = 8080

        @Option(help: ArgumentHelp(
            "A local IP address to bind: the signalling server listens on it and connections gather host candidates on it (repeatable; default 127.0.0.1).",
            valueName: "address"))
        var bind: [String] = []

        @Option(help: "Create a negotiated channel with this id on every connection (repeatable).")
        var negotiated: [UInt16] = []

        @Option(help: "Record each session as pcapng plus key log into this folder.")
        var record: String?

        @Option(help: "Stop after this many seconds (default: serve until interrupted).")
        var seconds: Int?

        func run() async throws {
            let recordFolder = record
            let counter = Counter()
            let addresses = try Echo.localAddresses(bind)
            let client = WebRTCClient { $0.defaultConnection.localAddresses = addresses.map { TransportAddress($0, port: 0) } }
            let answerer = EchoAnswerer(client: client, negotiatedIDs: negotiated)
            let handler: @Sendable (SignalingMessage) async throws -> SignalingMessage = { offer in
                let recording = recordFolder.map { Recording(directory: $0, name: "echo-serve-\(counter.next())") }
                return .answer(try await answerer.answer(offer.sdp, recording: recording))
            }
            // The signalling server listens on every bound address, on one port (the first's choice for 0).
            let policy = Echo.signalingPolicy(addresses)
            var servers: [EchoSignalingServer] = []
            for address in addresses {
                let chosen = servers.first?.port ?? port
                servers.append(try await EchoSignalingServer.start(
                    host: address.description, port: chosen, policy: policy, page: EchoPage.html, handler: handler))
            }
            let pages = addresses.map { "\"http://\(Echo.urlHost($0)):\(servers[0].port)/\"" }
            // One JSON line, written unbuffered, so a supervising process can read the port at once.
            FileHandle.standardOutput.write(Data(
                "{\"event\":\"listening\",\"port\":\(servers[0].port),\"addresses\":[\(addresses.map { "\"\($0)\"" }.joined(separator: ","))],\"pages\":[\(pages.joined(separator: ","))]}\n".utf8))
            if let seconds {
                try await Task.sleep(for: .seconds(seconds))
            } else {
                while true { try await Task.sleep(for: .seconds(3600)) }
            }
            for server in servers { await server.stop() }
            await answerer.close()
        }
    }

    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Offer to a webrtc-echoes server at URL, send messages on a data channel and check the echoes.")

        @Argument(help: "The server's offer URL, e.g. http://127.0.0.1:8080/offer.")
        var url: String

        @Option(help: "Messages to send and expect back.")
        var messages: Int = 10

        @Option(help: "Also send this many bytes in 64 KiB binary messages and check their SHA-256 on the way back.")
        var bytes: Int = 0

        @Option(help: "The data channel's label.")
        var label: String = "crucible-echo"

        @Option(help: "Record the session as <DIR>/<NAME>.pcapng plus <DIR>/<NAME>.keys (see --name).")
        var record: String?

        @Option(help: "The recording's file name, without extension.")
        var name: String = "echo-connect"

        @Option(help: ArgumentHelp(
            "A local IP address to bind and gather host candidates on (repeatable; default 127.0.0.1).", valueName: "address"))
        var bind: [String] = []

        func run() async throws {
            let addresses = try Echo.localAddresses(bind)
            let client = WebRTCClient()
            let start = ContinuousClock.now
            let recording = record.map { Recording(directory: $0, name: name) }
            let connection = try await client.createPeerConnection {
                $0.recording = recording
                $0.localAddresses = addresses.map { TransportAddress($0, port: 0) }
            }
            let channel = try await connection.createDataChannel(label)
            try await connection.setLocalDescription(try await connection.createOffer())
            try await connection.awaitIceGatheringComplete()
            guard let offer = try await connection.localDescription() else { throw ValidationError("no offer") }
            let answer = try await EchoSignalingClient.exchange(.offer(offer.sdp), with: url, policy: Echo.signalingPolicy(addresses))
            try await connection.setRemoteDescription(SessionDescription(type: .answer, sdp: answer.sdp))
            try await channel.awaitState(.open)
            let opened = ContinuousClock.now - start
            let report = try await connection.statistics()
            if let pair = report.entries(ofType: "candidate-pair").first,
                case .string(let local) = pair["localCandidateId"], case .string(let remote) = pair["remoteCandidateId"]
            {
                print("echo connect: candidate pair \(local.dropFirst(2)) -> \(remote.dropFirst(2))")
            }
            var echoed = 0
            for index in 0..<messages {
                let text = "crucible echo \(index)"
                try await channel.send(text)
                let back = try await channel.receiveText()
                guard back == text else { throw ValidationError("message \(index) came back as \(back.debugDescription)") }
                echoed += 1
            }
            var bulk: BulkTransfer.Result?
            if bytes > 0 {
                bulk = try await BulkTransfer.echo(bytes: bytes, over: channel)
            }
            await channel.close()
            try await channel.awaitState(.closed)
            print("echo connect: channel open in \(opened), \(echoed)/\(messages) messages echoed")
            if let bulk {
                print("echo connect: \(bulk.bytes) bytes echoed intact (sha-256 \(bulk.sha256)) in \(bulk.elapsed)")
            }
            await connection.close()
            if let recording { print("echo connect: recorded \(recording.capturePath) and \(recording.keyLogPath)") }
        }
    }
}

extension Echo {
    /// The `--bind` addresses as IP addresses, 127.0.0.1 when there are none; a usage error (exit 2) for
    /// text that is not an IP address or an address none of this machine's interfaces has.
    static func localAddresses(_ texts: [String]) throws -> [IPAddress] {
        guard !texts.isEmpty else { return [.loopbackV4] }
        var addresses: [IPAddress] = []
        for text in texts {
            guard let address = IPAddress(text) else { throw ValidationError("--bind \(text): not an IPv4 or IPv6 address") }
            if !addresses.contains(address) { addresses.append(address) }
        }
        do {
            try NativeEngine.validate(localAddresses: addresses.map { TransportAddress($0, port: 0) })
        } catch {
            guard case .driver(let reason) = error else { throw ValidationError("--bind: \(error)") }
            throw ValidationError("--bind: \(reason)")
        }
        return addresses
    }

    /// Signalling reaches loopback only while every bound address is loopback (DESIGN §6); binding an
    /// address of a real network is the user's consent to signal over it too.
    static func signalingPolicy(_ addresses: [IPAddress]) -> SignalingAddressPolicy {
        addresses.allSatisfy(\.isLoopback) ? .loopbackOnly : .any
    }

    /// The host part of an HTTP URL for `address` (RFC 3986 §3.2.2: IPv6 literals in brackets).
    static func urlHost(_ address: IPAddress) -> String { address.isIPv6 ? "[\(address)]" : "\(address)" }
}

/// A thread-safe counter for session names.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
