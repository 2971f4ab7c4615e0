import CVPX

/// How a VP8 encoder is set up: the picture size, the frame rate it is paced for, the bitrate it aims
/// at and how often it sends a key frame unasked.
public struct VP8EncoderConfiguration: Hashable, Sendable {
    /// Picture width in pixels, 1 … 16 383 (a key frame carries it in 14 bits, RFC 6386 §9.1).
    public var width: Int
    /// Picture height in pixels, 1 … 16 383 (RFC 6386 §9.1).
    public var height: Int
    /// Frames per second the rate control plans for, 1 … 240.
    public var frameRate: Int
    /// Target bitrate in bits per second, 10 000 … 50 000 000.
    public var targetBitrate: Int
    /// The longest run of frames between key frames, at least 1. A receiver asks for key frames with
    /// PLI or FIR when it needs one, so the default is long: 3 000 frames, 100 s at 30 fps.
    public var keyFrameInterval: Int

    /// A configuration; `targetBitrate` nil scales with the picture: 1 Mbit/s at 640×480, proportionally
    /// to the pixel count (250 kbit/s at 320×240), within 100 kbit/s … 8 Mbit/s.
    public init(width: Int, height: Int, frameRate: Int = 30, targetBitrate: Int? = nil, keyFrameInterval: Int = 3_000) {
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.targetBitrate = targetBitrate ?? Self.defaultBitrate(width: width, height: height)
        self.keyFrameInterval = keyFrameInterval
    }

    /// 1 Mbit/s for VGA's 307 200 pixels, scaled by the pixel count and kept within 100 kbit/s … 8 Mbit/s.
    public static func defaultBitrate(width: Int, height: Int) -> Int {
        let pixels = max(0, min(width, 16_383)) * max(0, min(height, 16_383))
        return min(8_000_000, max(100_000, pixels * 1_000_000 / 307_200))
    }

    static let dimensions = 1...16_383
    static let bitrates = 10_000...50_000_000

    func validate() throws(MediaCodecError) {
        guard Self.dimensions.contains(width), Self.dimensions.contains(height) else {
            throw .invalidConfiguration("VP8 picture \(width)×\(height) is outside 1…16383 in a dimension (RFC 6386 §9.1)")
        }
        guard (1...240).contains(frameRate) else {
            throw .invalidConfiguration("VP8 frame rate \(frameRate) is outside 1…240")
        }
        try Self.check(bitrate: targetBitrate)
        guard keyFrameInterval >= 1 else {
            throw .invalidConfiguration("VP8 key frame interval \(keyFrameInterval) is not at least 1")
        }
    }

    static func check(bitrate: Int) throws(MediaCodecError) {
        guard bitrates.contains(bitrate) else {
            throw .invalidConfiguration("VP8 target bitrate \(bitrate) bit/s is outside 10000…50000000")
        }
    }
}

/// One encoded VP8 frame: the bytes an RTP packetizer splits into payloads (RFC 7741 §4).
public struct EncodedVideoFrame: Hashable, Sendable {
    /// The compressed frame (RFC 6386 §9), beginning with its 3-byte frame tag.
    public var data: [UInt8]
    /// Whether it decodes alone (RFC 6386 §9.1: the frame tag's P bit is 0).
    public var isKeyFrame: Bool
    /// The size of the picture it was made from, in pixels.
    public var width: Int
    public var height: Int

    public init(data: [UInt8], isKeyFrame: Bool, width: Int, height: Int) {
        self.data = data
        self.isKeyFrame = isKeyFrame
        self.width = width
        self.height = height
    }
}

/// A real-time VP8 encoder over libvpx: one I420 picture in, at most one encoded frame out, at once.
///
/// Tuned as WebRTC senders tune it: the real-time deadline, no look-ahead (lag 0, so no frame is held
/// back), error-resilient mode (a lost frame does not spoil the entropy contexts of those after it),
/// constant-bitrate rate control and no dropped frames, so every picture gives exactly one frame.
/// A picture of another size re-creates the encoder at that size, and the next frame is a key frame.
///
/// Not safe to use from two threads at once (not `Sendable`), like ``OpusEncoder``.
public final class VP8Encoder {
    /// The configuration in force: the size follows the last picture, the bitrate the last change.
    public private(set) var configuration: VP8EncoderConfiguration
    private let context: UnsafeMutablePointer<vpx_codec_ctx_t>
    private var settings = vpx_codec_enc_cfg_t()
    private var isOpen = false
    /// The presentation time of the next frame, in frames (the time base is 1 / frame rate).
    private var frameIndex: Int64 = 0

    /// An encoder for `configuration`.
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` when a field is out of range (0×0, a bitrate
    ///   too low or too high); `.libraryFailure` when libvpx refuses.
    public init(_ configuration: VP8EncoderConfiguration) throws(MediaCodecError) {
        try configuration.validate()
        self.configuration = configuration
        // libvpx keeps pointers into its context, so it lives at one address for the encoder's life.
        context = UnsafeMutablePointer<vpx_codec_ctx_t>.allocate(capacity: 1)
        context.initialize(to: vpx_codec_ctx_t())
        try open()
    }

    deinit {
        if isOpen { vpx_codec_destroy(context) }
        context.deinitialize(count: 1)
        context.deallocate()
    }

    /// Sets up libvpx for the current configuration.
    private func open() throws(MediaCodecError) {
        var settings = vpx_codec_enc_cfg_t()
        try VPXStatus.check(vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &settings, 0), context: nil, operation: "vpx_codec_enc_config_default")
        settings.g_w = UInt32(configuration.width)
        settings.g_h = UInt32(configuration.height)
        settings.g_timebase = vpx_rational(num: 1, den: Int32(configuration.frameRate))
        settings.g_threads = 1
        settings.g_lag_in_frames = 0
        settings.g_error_resilient = vpx_codec_er_flags_t(VPX_ERROR_RESILIENT_DEFAULT)
        settings.g_pass = VPX_RC_ONE_PASS
        settings.rc_end_usage = VPX_CBR
        settings.rc_target_bitrate = UInt32(configuration.targetBitrate / 1_000)
        // Never drop: one picture in, one frame out, which the frame-numbered test pattern relies on.
        settings.rc_dropframe_thresh = 0
        settings.rc_resize_allowed = 0
        // The quantiser range and buffer model real-time senders use (libwebrtc's VP8 defaults).
        settings.rc_min_quantizer = 2
        settings.rc_max_quantizer = 56
        settings.rc_undershoot_pct = 100
        settings.rc_overshoot_pct = 15
        settings.rc_buf_initial_sz = 500
        settings.rc_buf_optimal_sz = 600
        settings.rc_buf_sz = 1_000
        settings.kf_mode = VPX_KF_AUTO
        settings.kf_min_dist = 0
        settings.kf_max_dist = UInt32(configuration.keyFrameInterval)
        try VPXStatus.check(crucible_vp8_encoder_init(context, &settings), context: context, operation: "vpx_codec_enc_init")
        isOpen = true
        self.settings = settings
        // Speed over quality, as a real-time sender must keep up with its camera. libwebrtc's desktop
        // choice is -6, but a negative value lets libvpx pick its speed from measured encode times, so the
        // same frames would encode differently from run to run; +6 is the same speed level, fixed, which
        // keeps a seeded simulation's trace the same (DESIGN §1.5). Static blocks below threshold 1 are skipped.
        try control(Int32(VP8E_SET_CPUUSED.rawValue), 6)
        try control(Int32(VP8E_SET_STATIC_THRESHOLD.rawValue), 1)
        // A key frame may take this percentage of an average frame's bits: half the 600 ms optimal
        // buffer at the frame rate, libwebrtc's rule, so a key frame does not stall the stream.
        try control(Int32(VP8E_SET_MAX_INTRA_BITRATE_PCT.rawValue), max(300, 600 / 2 * configuration.frameRate / 10))
    }

    private func close() {
        if isOpen { vpx_codec_destroy(context) }
        isOpen = false
    }

    private func control(_ id: Int32, _ value: Int) throws(MediaCodecError) {
        try VPXStatus.check(crucible_vpx_control_int(context, id, Int32(value)), context: context, operation: "vpx_codec_control(\(id))")
    }

    /// The encoded frame for `frame`, a key frame when `forceKeyFrame` (a receiver's PLI or FIR asked
    /// for one, RFC 4585 §6.3.1, RFC 5104 §3.5.1), or nil when libvpx gave no frame for it.
    ///
    /// - Throws: `MediaCodecError.frameMismatch` for a picture whose planes do not match its size;
    ///   `.invalidConfiguration` for a size VP8 cannot carry; `.libraryFailure` if libvpx fails.
    public func encode(_ frame: I420Frame, forceKeyFrame: Bool = false) throws(MediaCodecError) -> EncodedVideoFrame? {
        guard frame.isWellFormed else {
            throw .frameMismatch(
                "a \(frame.width)×\(frame.height) picture needs planes of \(frame.width * frame.height) and 2 × \(frame.chromaWidth * frame.chromaHeight) samples; "
                    + "it has \(frame.y.count), \(frame.u.count), \(frame.v.count)")
        }
        if frame.width != configuration.width || frame.height != configuration.height || !isOpen {
            // libvpx can only shrink a VP8 encoder in place; re-creating it handles every change alike.
            var resized = configuration
            resized.width = frame.width
            resized.height = frame.height
            try resized.validate()
            close()
            configuration = resized
            try open()
        }
        let flags = forceKeyFrame ? vpx_enc_frame_flags_t(VPX_EFLAG_FORCE_KF) : 0
        let pts = frameIndex
        let status = frame.y.withUnsafeBufferPointer { y in
            frame.u.withUnsafeBufferPointer { u in
                frame.v.withUnsafeBufferPointer { v in
                    var image = vpx_image_t()
                    guard let yBase = y.baseAddress, let uBase = u.baseAddress, let vBase = v.baseAddress,
                        vpx_img_wrap(&image, VPX_IMG_FMT_I420, UInt32(frame.width), UInt32(frame.height), 1, UnsafeMutablePointer(mutating: yBase)) != nil
                    else { return VPX_CODEC_INVALID_PARAM }
                    // The planes are three separate arrays with packed rows, not one buffer, so the
                    // wrapped image's plane pointers and strides are set to them. libvpx only reads them.
                    image.planes = (UnsafeMutablePointer(mutating: yBase), UnsafeMutablePointer(mutating: uBase), UnsafeMutablePointer(mutating: vBase), nil)
                    image.stride = (Int32(frame.width), Int32(frame.chromaWidth), Int32(frame.chromaWidth), 0)
                    return vpx_codec_encode(context, &image, pts, 1, flags, UInt(VPX_DL_REALTIME))
                }
            }
        }
        try VPXStatus.check(status, context: context, operation: "vpx_codec_encode")
        frameIndex += 1

        var result: EncodedVideoFrame?
        var iterator: vpx_codec_iter_t?
        while let packet = vpx_codec_get_cx_data(context, &iterator) {
            guard packet.pointee.kind == VPX_CODEC_CX_FRAME_PKT else { continue }
            let data = packet.pointee.data.frame
            guard let buffer = data.buf, data.sz > 0 else { continue }
            // With no look-ahead and one token partition per packet, a picture gives one frame packet.
            guard result == nil else {
                throw .libraryFailure(codec: "libvpx", operation: "vpx_codec_get_cx_data", status: 0, message: "two frames for one picture")
            }
            let bytes = Array(UnsafeRawBufferPointer(start: buffer, count: data.sz))
            result = EncodedVideoFrame(
                data: bytes, isKeyFrame: data.flags & vpx_codec_frame_flags_t(VPX_FRAME_IS_KEY) != 0,
                width: configuration.width, height: configuration.height)
        }
        return result
    }

    /// Changes the target bitrate from the next frame on (a sender follows its bandwidth estimate or
    /// `RTCRtpEncodingParameters.maxBitrate`).
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` outside 10 000 … 50 000 000 bit/s.
    public func setTargetBitrate(_ bps: Int) throws(MediaCodecError) {
        try VP8EncoderConfiguration.check(bitrate: bps)
        var changed = settings
        changed.rc_target_bitrate = UInt32(bps / 1_000)
        try VPXStatus.check(vpx_codec_enc_config_set(context, &changed), context: context, operation: "vpx_codec_enc_config_set")
        settings = changed
        configuration.targetBitrate = bps
    }
}

/// libvpx status codes as typed errors, with the library's text and, when it has one, its detail.
enum VPXStatus {
    static func check(_ status: vpx_codec_err_t, context: UnsafeMutablePointer<vpx_codec_ctx_t>?, operation: String) throws(MediaCodecError) {
        guard status == VPX_CODEC_OK else { throw failure(status, context: context, operation: operation) }
    }

    static func failure(_ status: vpx_codec_err_t, context: UnsafeMutablePointer<vpx_codec_ctx_t>?, operation: String) -> MediaCodecError {
        var message = String(cString: vpx_codec_err_to_string(status))
        if let context, let detail = vpx_codec_error_detail(context) {
            message += ": " + String(cString: detail)
        }
        switch status {
        case VPX_CODEC_CORRUPT_FRAME, VPX_CODEC_UNSUP_BITSTREAM, VPX_CODEC_UNSUP_FEATURE:
            // The bitstream's fault: damaged, or a feature this decoder does not have.
            return .malformedInput("libvpx \(operation): \(message)")
        default:
            return .libraryFailure(codec: "libvpx", operation: operation, status: Int(status.rawValue), message: message)
        }
    }
}
