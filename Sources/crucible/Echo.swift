import ArgumentParser
import EchoSignaling
import Foundation
import Harness
import WebRTC

/// `crucible echo`: the webrtc-echoes interop convention, so any stack can be pointed at ours.
struct Echo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "webrtc-echoes interop: serve an echoing answerer, or connect to one as the offerer.",
        subcommands: [Serve.self, Connect.self])

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer offers POSTed as JSON to http://127.0.0.1:PORT/offer and echo every data channel message.")

        @Option(help: "The TCP port of the signalling server (0: any free port, printed).")
        var port: Int = 8080

        @Option(help: "Create a negotiated channel with this id on every connection (repeatable).")
        var negotiated: [UInt16] = []

        @Option(help: "Record each session as pcapng plus key log into this folder.")
        var record: String?

        @Option(help: "Stop after this many seconds (default: serve until interrupted).")
        var seconds: Int?

        func run() async throws {
            let recordFolder = record
            let counter = Counter()
            let answerer = EchoAnswerer(client: WebRTCClient(), negotiatedIDs: negotiated)
            let server = try await EchoSignalingServer.start(port: port) { offer in
                let recording = recordFolder.map { Recording(directory: $0, name: "echo-serve-\(counter.next())") }
                return .answer(try await answerer.answer(offer.sdp, recording: recording))
            }
            // One JSON line, written unbuffered, so a supervising process can read the port at once.
            FileHandle.standardOutput.write(Data("{\"event\":\"listening\",\"port\":\(server.port)}\n".utf8))
            if let seconds {
                try await Task.sleep(for: .seconds(seconds))
            } else {
                while true { try await Task.sleep(for: .seconds(3600)) }
            }
            await server.stop()
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

        func run() async throws {
            let client = WebRTCClient()
            let start = ContinuousClock.now
            let recording = record.map { Recording(directory: $0, name: name) }
            let connection = try await client.createPeerConnection { $0.recording = recording }
            let channel = try await connection.createDataChannel(label)
            try await connection.setLocalDescription(try await connection.createOffer())
            try await connection.awaitIceGatheringComplete()
            guard let offer = try await connection.localDescription() else { throw ValidationError("no offer") }
            let answer = try await EchoSignalingClient.exchange(.offer(offer.sdp), with: url)
            try await connection.setRemoteDescription(SessionDescription(type: .answer, sdp: answer.sdp))
            try await channel.awaitState(.open)
            let opened = ContinuousClock.now - start
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

/// A thread-safe counter for session names.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}
