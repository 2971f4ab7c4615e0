import Foundation
import Harness
import WebRTC

/// A call recorded once per benchmark process, on loopback: our engine offers a data channel, a tone
/// and the 320×240 test pattern to the echo answerer (which sends every track and message back), moves
/// 4 MiB through the channel and lets the media run ten seconds. The capture has DTLS, SCTP (with DCEP)
/// and SRTP both ways, with the key log and the offer and answer beside it, as `crucible replay` reads them.
enum RecordedCall {
    static let recording = Recording(
        directory: FileManager.default.temporaryDirectory.appendingPathComponent("crucible-replay-benchmark").path, name: "echo-call")

    /// Records the call unless an earlier run left it.
    static func record() async throws {
        guard !FileManager.default.fileExists(atPath: recording.capturePath) else { return }
        try FileManager.default.createDirectory(atPath: recording.directory, withIntermediateDirectories: true)
        let client = WebRTCClient()
        let answerer = EchoAnswerer(client: client)
        let connection = try await client.createPeerConnection { $0.recording = recording }
        let channel = try await connection.createDataChannel("bench")
        _ = try await connection.addTrack(try client.createAudioTrack(), streamIDs: ["call"])
        _ = try await connection.addTrack(try client.createVideoTrack(.init(width: 320, height: 240, frameRate: 30)), streamIDs: ["call"])
        try await connection.setLocalDescription(try await connection.createOffer())
        try await connection.awaitIceGatheringComplete()
        guard let offer = try await connection.localDescription() else { throw WebRTCError.invalidState("no local offer") }
        let answer = try await answerer.answer(offer.sdp)
        try await connection.setRemoteDescription(SessionDescription(type: .answer, sdp: answer))
        try await channel.awaitState(.open)
        _ = try await BulkTransfer.echo(bytes: 4 << 20, over: channel)
        try await Task.sleep(for: .seconds(10))
        await channel.close()
        await connection.close()
        await answerer.close()
    }
}
