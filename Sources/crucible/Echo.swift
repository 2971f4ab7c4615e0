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

        @Flag(help: "Also send a 440 Hz tone and check that it comes back decoded.")
        var audio = false

        @Flag(help: "Also send the 640×480 30 fps test pattern and check its frame numbers come back in order.")
        var video = false

        @Option(help: "How long media is sent and checked, in seconds.")
        var seconds: Int = 5

        @Flag(help: "Print the media figures as one JSON object.")
        var json = false

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
            let tone = audio ? try await connection.addTrack(try client.createAudioTrack(), streamIDs: ["echo"]) : nil
            let pattern = video
                ? try await connection.addTrack(try client.createVideoTrack(.init(width: 640, height: 480, frameRate: 30)), streamIDs: ["echo"])
                : nil
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
            let media = try await checkMedia(on: connection, tone: tone, pattern: pattern)
            await channel.close()
            try await channel.awaitState(.closed)
            print("echo connect: channel open in \(opened), \(echoed)/\(messages) messages echoed")
            if let bulk {
                print("echo connect: \(bulk.bytes) bytes echoed intact (sha-256 \(bulk.sha256)) in \(bulk.elapsed)")
            }
            await connection.close()
            if let recording { print("echo connect: recorded \(recording.capturePath) and \(recording.keyLogPath)") }
            if let failure = media?.failure { throw ValidationError(failure) }
        }

        /// Watches the echoed tracks for `seconds`: the pattern's frame numbers and delays, the tone's frequency.
        func checkMedia(on connection: PeerConnection, tone: RtpSender?, pattern: RtpSender?) async throws -> EchoMediaReport? {
            guard tone != nil || pattern != nil else { return nil }
            let tracks = connection.remoteTracks
            let remoteVideo = tracks.first { $0.kind == .video }
            let remoteAudio = tracks.first { $0.kind == .audio }
            let frames = seconds * 30
            let samples = seconds * 50
            async let videoCheck: VideoCheck? =
                if let remoteVideo { await MediaCheck.video(remoteVideo, frames: frames, sender: pattern) } else { nil }
            async let audioCheck: AudioCheck? = if let remoteAudio { await MediaCheck.audio(remoteAudio, frames: samples) } else { nil }
            let (videoResult, audioResult) = await (videoCheck, audioCheck)
            let report = EchoMediaReport(
                video: pattern == nil ? nil : videoResult ?? VideoCheck(), expectedFrames: frames,
                audio: tone == nil ? nil : audioResult ?? AudioCheck(), expectedFrequency: 440)
            print(json ? report.json : report.text)
            return report
        }
    }
}

/// The media half of `echo connect`: what came back, and whether that is a pass.
struct EchoMediaReport {
    var video: VideoCheck?
    var expectedFrames: Int
    var audio: AudioCheck?
    var expectedFrequency: Double

    /// Why the echo failed, nil when it passed: at least 80 % of the frame numbers sent in the time came
    /// back in order with none missing between, and the tone was found.
    var failure: String? {
        var problems: [String] = []
        if let video {
            if video.numbers.count < expectedFrames * 8 / 10 {
                problems.append("only \(video.numbers.count) of \(expectedFrames) frame numbers came back")
            }
            if video.outOfOrder > 0 { problems.append("\(video.outOfOrder) frame numbers out of order") }
        }
        if let audio, !audio.found(expectedFrequency) {
            problems.append("the \(Int(expectedFrequency)) Hz tone was not found (median \(audio.frequency.map { "\(Int($0)) Hz" } ?? "none"))")
        }
        return problems.isEmpty ? nil : "media echo failed: " + problems.joined(separator: "; ")
    }

    var text: String {
        var lines: [String] = []
        if let video {
            let delay = video.medianDelay.map { " median delay \(Self.milliseconds($0)) ms, max \(Self.milliseconds(video.maximumDelay ?? $0)) ms" } ?? ""
            lines.append("echo connect: video \(video.framesDecoded) pictures decoded at \(video.width)×\(video.height), "
                + "frame numbers \(video.numbers.first.map(String.init) ?? "-")…\(video.numbers.last.map(String.init) ?? "-"), "
                + "\(video.missing) missing, \(video.outOfOrder) out of order;\(delay)")
        }
        if let audio {
            lines.append("echo connect: audio \(audio.framesDecoded) frames decoded, tone \(audio.frequency.map { "\(Int($0.rounded())) Hz" } ?? "not found"), "
                + "\(audio.concealedFrames) frames concealed")
        }
        lines.append("echo connect: media " + (failure ?? "echoed"))
        return lines.joined(separator: "\n")
    }

    var json: String {
        var fields: [String] = []
        if let video {
            fields.append("\"video\":{\"decoded\":\(video.framesDecoded),\"numbersRead\":\(video.numbers.count),\"expected\":\(expectedFrames),"
                + "\"missing\":\(video.missing),\"outOfOrder\":\(video.outOfOrder),\"width\":\(video.width),\"height\":\(video.height),"
                + "\"medianDelayMs\":\(video.medianDelay.map { "\(Self.milliseconds($0))" } ?? "null"),"
                + "\"maxDelayMs\":\(video.maximumDelay.map { "\(Self.milliseconds($0))" } ?? "null")}")
        }
        if let audio {
            fields.append("\"audio\":{\"decoded\":\(audio.framesDecoded),\"frequency\":\(audio.frequency.map { "\($0)" } ?? "null"),"
                + "\"expectedFrequency\":\(expectedFrequency),\"concealed\":\(audio.concealedFrames)}")
        }
        fields.append("\"passed\":\(failure == nil)")
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func milliseconds(_ duration: Duration) -> Double {
        (duration.milliseconds * 10).rounded() / 10
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
