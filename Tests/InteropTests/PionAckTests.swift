import CrucibleTestSupport
import EchoSignaling
import Foundation
import Fuzzing
import Interop
import Testing
import WebRTC

/// Issue 14's first report, end to end: our engine offers to a Pion v3 echo server (`.interop/pion-peer
/// serve`, the webrtc-echoes convention, as `crucible echo connect` does). Pion acknowledges our
/// DATA_CHANNEL_OPEN with a 4-byte DATA_CHANNEL_ACK (RFC 8832 §5.2 defines one byte); the engine
/// accepts it (`Tolerance.dcepAckTrailingBytes`), counts it, and the channel opens and echoes.
@Suite("Our engine offers to Pion's echo server")
struct PionAckTests {
    @Test("The channel opens despite Pion's 4-byte DATA_CHANNEL_ACK, echoes, and the tolerance is counted in the statistics")
    func channelOpensThroughPionAck() async throws {
        try InteropStack.pion.requireInstalled(repository: InteropEnvironment.repository)
        let process = Process()
        process.executableURL = InteropEnvironment.repository.appendingPathComponent(".interop/pion-peer")
        process.arguments = ["serve", "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.runWithSignalsUnblocked()
        let watch = ProcessWatch(process)
        defer { watch.end(grace: .seconds(5)) }
        // The first line is {"event":"listening","port":P}.
        let reader = output.fileHandleForReading
        let first: Data = await onThread {
            var line = Data()
            while !line.contains(0x0A) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            return line
        }
        let event = try JSONSerialization.jsonObject(with: first.prefix { $0 != 0x0A }) as? [String: Any]
        let port = try #require((event?["port"] as? NSNumber)?.intValue, "pion-peer serve printed \(String(decoding: first, as: UTF8.self))")

        let connection = try await WebRTCClient(engine: .native).createPeerConnection()
        let channel = try await connection.createDataChannel("crucible-echo")
        try await connection.setLocalDescription(try await connection.createOffer())
        try await connection.awaitIceGatheringComplete()
        let offer = try #require(try await connection.localDescription())
        let answer = try await EchoSignalingClient.exchange(.offer(offer.sdp), with: "http://127.0.0.1:\(port)/offer")
        try await connection.setRemoteDescription(SessionDescription(type: .answer, sdp: answer.sdp))
        try await channel.awaitState(.open, timeout: .seconds(20))
        try await channel.send("through Pion")
        #expect(try await channel.receiveText() == "through Pion")

        let tolerances = try await connection.statistics().entries(ofType: "tolerance")
        #expect(tolerances.count == 1, "\(tolerances)")
        #expect(tolerances.first?["rule"] == .string("DCEP.ack-length"))
        #expect(tolerances.first?["count"] == .int(1))
        await connection.close()
    }
}
