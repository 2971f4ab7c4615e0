import CVPX

/// A VP8 decoder over libvpx: whole encoded frames (as a depacketizer reassembles them, RFC 7741 §4.5)
/// in, I420 pictures out.
///
/// Decoding starts at a key frame (RFC 6386 §9.1); an inter frame before one is refused with
/// `.keyFrameRequired` without reaching libvpx. A key frame larger than the decoder's limit is refused
/// before libvpx allocates for it, so a peer cannot make it reserve gigabytes with a 10-byte header.
/// Garbled frames give typed errors, never a trap. Not safe to use from two threads at once.
public final class VP8Decoder {
    /// The widest and tallest picture this decoder accepts.
    public let maximumDimension: Int
    private let context: UnsafeMutablePointer<vpx_codec_ctx_t>
    private var hasKeyFrame = false

    /// The largest frame handed to libvpx, which takes a 32-bit length; far above any real frame.
    static let maximumFrameBytes = 16 << 20

    /// A decoder for pictures of up to `maximumDimension` pixels in each direction (4 096 covers 4K;
    /// VP8 itself allows 16 383, RFC 6386 §9.1).
    ///
    /// - Throws: `MediaCodecError.invalidConfiguration` for a limit outside 1 … 16 383;
    ///   `.libraryFailure` if libvpx cannot make the decoder.
    public init(maximumDimension: Int = 4_096) throws(MediaCodecError) {
        guard VP8EncoderConfiguration.dimensions.contains(maximumDimension) else {
            throw .invalidConfiguration("VP8 decoder limit \(maximumDimension) is outside 1…16383 (RFC 6386 §9.1)")
        }
        self.maximumDimension = maximumDimension
        context = UnsafeMutablePointer<vpx_codec_ctx_t>.allocate(capacity: 1)
        context.initialize(to: vpx_codec_ctx_t())
        let status = crucible_vp8_decoder_init(context)
        guard status == VPX_CODEC_OK else {
            context.deinitialize(count: 1)
            context.deallocate()
            throw VPXStatus.failure(status, context: nil, operation: "vpx_codec_dec_init")
        }
    }

    deinit {
        vpx_codec_destroy(context)
        context.deinitialize(count: 1)
        context.deallocate()
    }

    /// The picture in one encoded frame, or nil when the frame is not shown (RFC 6386 §9.1's
    /// `show_frame` = 0: it only updates a reference).
    ///
    /// - Throws: `MediaCodecError.malformedInput` for empty, oversized or garbled frames and key frames
    ///   larger than ``maximumDimension``; `.keyFrameRequired` for an inter frame before any key frame;
    ///   `.corruptFrame` when libvpx decoded the frame but flagged it or its references as damaged.
    public func decode(_ data: [UInt8]) throws(MediaCodecError) -> I420Frame? {
        // RFC 6386 §9.1: a frame starts with a 3-byte frame tag (a key frame adds 7 more bytes).
        guard data.count >= 3 else { throw .malformedInput("a VP8 frame of \(data.count) bytes has no frame tag (RFC 6386 §9.1)") }
        guard data.count <= Self.maximumFrameBytes else {
            throw .malformedInput("a VP8 frame of \(data.count) bytes is longer than \(Self.maximumFrameBytes)")
        }
        // The frame tag's lowest bit is 0 for a key frame (RFC 6386 §9.1).
        let isKeyFrame = data[0] & 0x01 == 0
        if isKeyFrame {
            try checkKeyFrameHeader(data)
        } else if !hasKeyFrame {
            throw .keyFrameRequired
        }
        let status = data.withUnsafeBufferPointer { vpx_codec_decode(context, $0.baseAddress, UInt32($0.count), nil, 0) }
        try VPXStatus.check(status, context: context, operation: "vpx_codec_decode")
        var corrupted: Int32 = 0
        if crucible_vp8_frame_corrupted(context, &corrupted) == VPX_CODEC_OK, corrupted != 0 {
            throw .corruptFrame
        }
        if isKeyFrame { hasKeyFrame = true }
        var iterator: vpx_codec_iter_t?
        guard let image = vpx_codec_get_frame(context, &iterator) else { return nil }
        return try Self.copy(image.pointee)
    }

    /// The key frame's declared size, read by libvpx's own header parser, checked against the limit.
    private func checkKeyFrameHeader(_ data: [UInt8]) throws(MediaCodecError) {
        var info = vpx_codec_stream_info_t()
        info.sz = UInt32(MemoryLayout<vpx_codec_stream_info_t>.size)
        let status = data.withUnsafeBufferPointer { vpx_codec_peek_stream_info(vpx_codec_vp8_dx(), $0.baseAddress, UInt32($0.count), &info) }
        guard status == VPX_CODEC_OK, info.is_kf != 0 else {
            throw .malformedInput("a VP8 key frame without the start code 9d 01 2a or with a zero size (RFC 6386 §9.1)")
        }
        guard Int(info.w) <= maximumDimension, Int(info.h) <= maximumDimension else {
            throw .malformedInput("a VP8 key frame of \(info.w)×\(info.h) is larger than this decoder's limit of \(maximumDimension)")
        }
    }

    /// The decoded image, copied out of libvpx's buffers (which the next decode reuses) into packed planes.
    private static func copy(_ image: vpx_image_t) throws(MediaCodecError) -> I420Frame {
        guard image.fmt == VPX_IMG_FMT_I420, let y = image.planes.0, let u = image.planes.1, let v = image.planes.2 else {
            throw .libraryFailure(codec: "libvpx", operation: "vpx_codec_get_frame", status: 0, message: "an image not in I420 (format \(image.fmt.rawValue))")
        }
        let width = Int(image.d_w)
        let height = Int(image.d_h)
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        func plane(_ base: UnsafeMutablePointer<UInt8>, stride: Int32, width: Int, height: Int) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: width * height) { buffer, count in
                for row in 0..<height {
                    let source = UnsafeBufferPointer(start: base + row * Int(stride), count: width)
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[(row * width)..<((row + 1) * width)]).initialize(from: source)
                }
                count = width * height
            }
        }
        return I420Frame(
            width: width, height: height, y: plane(y, stride: image.stride.0, width: width, height: height),
            u: plane(u, stride: image.stride.1, width: chromaWidth, height: chromaHeight),
            v: plane(v, stride: image.stride.2, width: chromaWidth, height: chromaHeight))
    }
}
