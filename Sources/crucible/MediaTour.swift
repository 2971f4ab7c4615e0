import Foundation
import Harness
import WebRTC

/// The tour's media part: two engines in this process over loopback UDP, the caller sending a 440 Hz
/// tone and the 320×240 test pattern for three seconds; the callee's decoded frame numbers, the tone
/// it finds, and both sides' RTP statistics are printed.
enum MediaTour {
    static let seconds = 3

    static func run(record folder: String?) async throws -> [String] {
        let client = WebRTCClient(engine: .native)
        let recording = folder.map { Recording(directory: $0, name: "engine-engine-media") }
        if let folder { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let caller = try await client.createPeerConnection { $0.recording = recording }
        let callee = try await client.createPeerConnection()
        try await caller.addTrack(try client.createAudioTrack(), streamIDs: ["tour"])
        try await caller.addTrack(try client.createVideoTrack(.init(width: 320, height: 240, frameRate: 30)), streamIDs: ["tour"])
        let start = ContinuousClock.now
        try await caller.setLocalDescription(try await caller.createOffer())
        try await caller.awaitIceGatheringComplete()
        guard let offer = try await caller.localDescription() else { throw WebRTCError.invalidState("no local offer") }
        try await callee.setRemoteDescription(offer)
        try await callee.setLocalDescription(try await callee.createAnswer())
        try await callee.awaitIceGatheringComplete()
        guard let answer = try await callee.localDescription() else { throw WebRTCError.invalidState("no local answer") }
        try await caller.setRemoteDescription(answer)
        let tracks = callee.remoteTracks
        guard let video = tracks.first(where: { $0.kind == .video }), let audio = tracks.first(where: { $0.kind == .audio }) else {
            throw WebRTCError.invalidState("the callee has no remote audio and video tracks")
        }
        let firstFrame = try await video.nextFrame()
        let setup = ContinuousClock.now - start
        async let videoCheck = MediaCheck.video(video, frames: seconds * 30 - 1)
        async let audioCheck = MediaCheck.audio(audio, frames: seconds * 50)
        let (seen, heard) = await (videoCheck, audioCheck)
        let sent = try await caller.statistics()
        let received = try await callee.statistics()
        await caller.close()
        await callee.close()

        var lines = ["", "media: two engines over loopback UDP, a 440 Hz tone and the 320×240 test pattern for \(seconds) s"]
        lines.append("  first picture decoded after \(SessionTour.format(setup)) (offer to picture)")
        lines.append("  video: \(seen.framesDecoded + (firstFrame == nil ? 0 : 1)) pictures decoded at \(seen.width)×\(seen.height), "
            + "numbers \(seen.numbers.first.map(String.init) ?? "-")…\(seen.numbers.last.map(String.init) ?? "-"), "
            + "\(seen.missing) missing, \(seen.outOfOrder) out of order")
        lines.append("  audio: \(heard.framesDecoded) frames decoded, tone \(heard.frequency.map { String(format: "%.0f Hz", $0) } ?? "not found")")
        for entry in sent.entries(ofType: "outbound-rtp") + sent.entries(ofType: "remote-inbound-rtp") + received.entries(ofType: "inbound-rtp") {
            let names = ["kind", "packetsSent", "bytesSent", "framesEncoded", "keyFramesEncoded", "packetsReceived", "packetsLost", "jitter",
                         "framesDecoded", "frameWidth", "frameHeight", "roundTripTime", "totalSamplesReceived", "concealedSamples"]
            let values = names.compactMap { name in entry[name].map { "\(name)=\($0)" } }.joined(separator: " ")
            lines.append("  \(entry.type) \(entry.id): \(values)")
        }
        if let recording { lines.append("recorded: \(recording.capturePath) and \(recording.keyLogPath)") }
        let passed = seen.isClean(atLeast: seconds * 30 * 8 / 10) && heard.found(440)
        lines.append("media: " + (passed ? "passed" : "failed"))
        if !passed { throw MediaTourFailure(lines: lines) }
        return lines
    }
}

/// A media tour that ran but did not see its frames or its tone: the figures say why.
struct MediaTourFailure: Error, CustomStringConvertible {
    var lines: [String]
    var description: String { lines.joined(separator: "\n") }
}
