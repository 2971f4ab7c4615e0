extension I420Frame {
    /// The picture made `factor` times smaller in each direction, as `scaleResolutionDownBy` asks of a
    /// sender's encoding (W3C webrtc §5.2, RTCRtpEncodingParameters): the new size is the old one divided
    /// by `factor`, rounded down, at least 1×1.
    ///
    /// Nil when `factor` is below 1 or not finite, or the picture's planes do not match its size.
    public func scaledDown(by factor: Double) -> I420Frame? {
        guard factor.isFinite, factor >= 1 else { return nil }
        let width = max(1, Int((Double(self.width) / factor).rounded(.down)))
        let height = max(1, Int((Double(self.height) / factor).rounded(.down)))
        return scaled(toWidth: width, height: height)
    }

    /// The picture resampled to `width`×`height` with a box filter: each new sample is the mean of the
    /// old samples its area covers (whole samples, at least one), which is exact for whole-number
    /// factors and cheap enough for every frame. Each plane is scaled on its own, chroma to the new
    /// chroma size. Growing a picture repeats samples.
    ///
    /// Nil when a target dimension is below 1 or the picture's planes do not match its size.
    public func scaled(toWidth width: Int, height: Int) -> I420Frame? {
        guard isWellFormed, width >= 1, height >= 1 else { return nil }
        if width == self.width && height == self.height { return self }
        let chromaWidth = (width + 1) / 2
        let chromaHeight = (height + 1) / 2
        return I420Frame(
            width: width, height: height,
            y: Self.box(y, from: (self.width, self.height), to: (width, height)),
            u: Self.box(u, from: (self.chromaWidth, self.chromaHeight), to: (chromaWidth, chromaHeight)),
            v: Self.box(v, from: (self.chromaWidth, self.chromaHeight), to: (chromaWidth, chromaHeight)))
    }

    /// The source span `[start, end)` each of `count` target samples averages over `source` samples.
    private static func spans(_ source: Int, _ count: Int) -> [Range<Int>] {
        (0..<count).map { index in
            let start = index * source / count
            return start..<max(start + 1, (index + 1) * source / count)
        }
    }

    private static func box(_ plane: [UInt8], from source: (Int, Int), to target: (Int, Int)) -> [UInt8] {
        let columns = spans(source.0, target.0)
        let rows = spans(source.1, target.1)
        var output = [UInt8](repeating: 0, count: target.0 * target.1)
        // Sums of each source column over the current target row's source rows, then over column spans.
        var columnSums = [Int](repeating: 0, count: source.0)
        plane.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for (targetRow, rowSpan) in rows.enumerated() {
                    for column in 0..<source.0 { columnSums[column] = 0 }
                    for row in rowSpan {
                        let base = row * source.0
                        for column in 0..<source.0 { columnSums[column] += Int(input[base + column]) }
                    }
                    for (targetColumn, columnSpan) in columns.enumerated() {
                        var sum = 0
                        for column in columnSpan { sum += columnSums[column] }
                        let area = rowSpan.count * columnSpan.count
                        // Rounded to nearest, so a uniform plane stays exactly uniform.
                        output[targetRow * target.0 + targetColumn] = UInt8((sum + area / 2) / area)
                    }
                }
            }
        }
        return output
    }
}
