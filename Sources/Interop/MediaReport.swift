import Foundation

/// CONTROL.md `addMedia`: the send tracks a peer adds before the offer/answer. The audio is a sine tone
/// at ``toneFrequency``; the video is the test pattern, every picture carrying its frame number in the
/// mark that `FrameNumberMark`'s doc comment specifies, numbered from 0.
public struct MediaRequest: Hashable, Sendable {
    public var audio: Bool
    /// The tone's frequency in Hz (each side of a cell sends its own, so a reflection cannot pass for it).
    public var toneFrequency: Double
    public var video: VideoFormat?

    /// The test pattern's size and rate.
    public struct VideoFormat: Hashable, Sendable {
        public var width: Int
        public var height: Int
        public var frameRate: Int

        public init(width: Int, height: Int, frameRate: Int) {
            self.width = width
            self.height = height
            self.frameRate = frameRate
        }
    }

    public init(audio: Bool, toneFrequency: Double = 440, video: VideoFormat?) {
        self.audio = audio
        self.toneFrequency = toneFrequency
        self.video = video
    }

    /// The request as CONTROL.md's JSON arguments.
    var arguments: [String: Any] {
        var arguments: [String: Any] = ["audio": audio, "frequency": toneFrequency]
        if let video { arguments["video"] = ["width": video.width, "height": video.height, "frameRate": video.frameRate] }
        return arguments
    }
}

/// What the frame numbers read back from received pictures say (CONTROL.md `mediaReport`), counted
/// alike by every peer: numbers are taken in the order the pictures were decoded.
///
/// - `count`: pictures whose mark read (a picture without a valid mark is not counted here);
/// - `inOrder`: reads greater than every number read before them (the first read is in order);
/// - `outOfOrder`: `count − inOrder` (late and repeated numbers);
/// - `missing`: numbers between the lowest and the highest read that were never read.
public struct FrameNumberTally: Hashable, Sendable {
    public private(set) var first: UInt32?
    public private(set) var last: UInt32?
    public private(set) var count = 0
    public private(set) var inOrder = 0
    private var lowest: UInt32?
    private var highest: UInt32?
    /// Distinct numbers read, at most ``distinctLimit`` (a long session stops adding; `missing` then
    /// counts from what was kept, which over-counts only beyond the limit).
    private var distinct = Set<UInt32>()
    static let distinctLimit = 1 << 16

    public init() {}

    /// Made from a peer's figures (CONTROL.md), which cannot be re-derived here.
    public init(first: UInt32?, last: UInt32?, count: Int, inOrder: Int, missing: Int) {
        self.first = first
        self.last = last
        self.count = max(0, count)
        self.inOrder = max(0, min(inOrder, count))
        reportedMissing = max(0, missing)
    }
    private var reportedMissing: Int?

    public var outOfOrder: Int { count - inOrder }

    public var missing: Int {
        if let reportedMissing { return reportedMissing }
        guard let lowest, let highest else { return 0 }
        return max(0, Int(highest - lowest) + 1 - distinct.count)
    }

    /// Takes the number read from the next decoded picture.
    public mutating func add(_ number: UInt32) {
        if first == nil { first = number }
        last = number
        count += 1
        if highest.map({ number > $0 }) ?? true { inOrder += 1 }
        lowest = min(lowest ?? number, number)
        highest = max(highest ?? number, number)
        if distinct.count < Self.distinctLimit { distinct.insert(number) }
    }
}

/// A browser's `getStats()` `inbound-rtp` figures for one received kind (Chromium only).
public struct InboundFigures: Hashable, Sendable {
    public var packetsReceived: Int
    /// Packets a second over the last second before the report.
    public var packetsPerSecond: Double?
    public var framesDecoded: Int?
    public var frameWidth: Int?
    public var frameHeight: Int?

    public init(packetsReceived: Int, packetsPerSecond: Double? = nil, framesDecoded: Int? = nil, frameWidth: Int? = nil, frameHeight: Int? = nil) {
        self.packetsReceived = packetsReceived
        self.packetsPerSecond = packetsPerSecond
        self.framesDecoded = framesDecoded
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
    }
}

/// CONTROL.md `mediaReport`: what a peer sent and, per received kind, what it received and decoded.
public struct MediaReport: Hashable, Sendable {
    /// Frames its sources made so far (audio: 20 ms frames; video: pictures, so the next frame number).
    public var sentAudioFrames = 0
    public var sentVideoFrames = 0
    public var audio: Audio?
    public var video: Video?
    /// What the peer says about its own sending, in words (Chromium: getStats outbound-rtp, why its
    /// encoder was limited); shown in reports, never judged.
    public var notes: String?

    public struct Audio: Hashable, Sendable {
        /// Audio packets received, and frames the decoder gave samples for.
        public var packets: Int
        public var decoded: Int
        /// The dominant frequency in the latest decoded audio (Hz), nil when nothing stood out.
        public var frequency: Double?
        public var stats: InboundFigures?

        public init(packets: Int, decoded: Int, frequency: Double?, stats: InboundFigures? = nil) {
            self.packets = packets
            self.decoded = decoded
            self.frequency = frequency
            self.stats = stats
        }
    }

    public struct Video: Hashable, Sendable {
        /// Pictures received and decoded.
        public var frames: Int
        public var decoded: Int
        /// The latest decoded picture's size.
        public var width: Int?
        public var height: Int?
        public var numbers: FrameNumberTally
        public var stats: InboundFigures?

        public init(frames: Int, decoded: Int, width: Int?, height: Int?, numbers: FrameNumberTally, stats: InboundFigures? = nil) {
            self.frames = frames
            self.decoded = decoded
            self.width = width
            self.height = height
            self.numbers = numbers
            self.stats = stats
        }
    }

    public init() {}

    /// A `mediaReport` reply's fields (CONTROL.md); fields of the wrong type are an error, absent kinds nil.
    init(fields: [String: Any], owner: String) throws(InteropError) {
        func int(_ object: [String: Any], _ name: String) -> Int? { (object[name] as? NSNumber)?.intValue }
        func double(_ object: [String: Any], _ name: String) -> Double? { (object[name] as? NSNumber)?.doubleValue }
        func figures(_ object: [String: Any]) -> InboundFigures? {
            guard let stats = object["stats"] as? [String: Any], let packets = int(stats, "packetsReceived") else { return nil }
            return InboundFigures(
                packetsReceived: packets, packetsPerSecond: double(stats, "packetsPerSecond"), framesDecoded: int(stats, "framesDecoded"),
                frameWidth: int(stats, "frameWidth"), frameHeight: int(stats, "frameHeight"))
        }
        notes = fields["notes"] as? String
        if let sent = fields["sent"] as? [String: Any] {
            sentAudioFrames = int(sent, "audio") ?? 0
            sentVideoFrames = int(sent, "video") ?? 0
        }
        if let audio = fields["audio"] as? [String: Any] {
            guard let packets = int(audio, "packets"), let decoded = int(audio, "decoded") else {
                throw InteropError("\(owner): a mediaReport whose audio has no packets and decoded counts")
            }
            self.audio = Audio(packets: packets, decoded: decoded, frequency: double(audio, "frequency"), stats: figures(audio))
        }
        if let video = fields["video"] as? [String: Any] {
            guard let frames = int(video, "frames"), let decoded = int(video, "decoded") else {
                throw InteropError("\(owner): a mediaReport whose video has no frames and decoded counts")
            }
            var tally = FrameNumberTally()
            if let numbers = video["numbers"] as? [String: Any] {
                let number = { (name: String) in int(numbers, name).map { UInt32(truncatingIfNeeded: $0) } }
                tally = FrameNumberTally(
                    first: number("first"), last: number("last"), count: int(numbers, "count") ?? 0, inOrder: int(numbers, "inOrder") ?? 0,
                    missing: int(numbers, "missing") ?? 0)
            }
            self.video = Video(
                frames: frames, decoded: decoded, width: int(video, "width"), height: int(video, "height"), numbers: tally, stats: figures(video))
        }
    }

    /// One line for a cell's figure or a test's log.
    public var summary: String {
        var parts = ["sent \(sentAudioFrames) audio/\(sentVideoFrames) video frames"]
        if let audio {
            var text = "audio \(audio.packets) packets, \(audio.decoded) decoded, tone \(audio.frequency.map { String(format: "%.1f Hz", $0) } ?? "not found")"
            if let stats = audio.stats { text += ", getStats \(stats.summary)" }
            parts.append(text)
        }
        if let video {
            let numbers = video.numbers
            var text = "video \(video.frames) frames, \(video.decoded) decoded at \(video.width ?? 0)×\(video.height ?? 0), numbers "
            text += "\(numbers.first.map(String.init) ?? "-")…\(numbers.last.map(String.init) ?? "-"): \(numbers.count) read, \(numbers.inOrder) in order, "
            text += "\(numbers.outOfOrder) out of order, \(numbers.missing) missing"
            if let stats = video.stats { text += ", getStats \(stats.summary)" }
            parts.append(text)
        }
        if let notes { parts.append("notes: \(notes)") }
        return parts.joined(separator: "; ")
    }
}

extension InboundFigures {
    var summary: String {
        var parts = ["\(packetsReceived) packets"]
        if let rate = packetsPerSecond { parts.append(String(format: "%.1f/s", rate)) }
        if let decoded = framesDecoded { parts.append("\(decoded) decoded") }
        if let width = frameWidth, let height = frameHeight { parts.append("\(width)×\(height)") }
        return parts.joined(separator: " ")
    }
}
