/// A frame number drawn into a picture so that a receiver reads it back after a lossy codec, and
/// measures order, loss and delay from the pictures themselves (DESIGN §4a).
///
/// This description is the format; readers in other languages (aiortc in Python, Chromium in
/// JavaScript) are written from it, so it says everything, in pixels of the luma plane:
///
/// - **Band.** The top `bandHeight = max(16, (height / 6) & ~1)` rows of the picture (integer
///   division; the band height is even, so it covers whole chroma rows).
/// - **Cells.** The band is split into 32 cells of `cellWidth = width / 32` columns (integer division),
///   left to right, cell k covering columns `k × cellWidth ..< (k + 1) × cellWidth`. Any remainder
///   columns on the right (`width − 32 × cellWidth`) are left as picture content, in every plane.
/// - **Values.** Cell k (k = 0 … 31) carries bit (31 − k) of a 32-bit word, the most significant bit in
///   the leftmost cell: every luma sample of the cell is 235 for a 1 and 16 for a 0 (BT.601
///   limited-range white and black). Both chroma planes are 128 (no colour) under all 32 cells, in
///   the chroma rows `0 ..< bandHeight / 2` and columns `0 ..< (32 × cellWidth + 1) / 2`.
/// - **Word.** The upper 24 bits are the frame number modulo 2^24. The low 8 bits are a check byte,
///   `~(b2 ^ b1 ^ b0) & 0xFF`, where b2, b1, b0 are the 24-bit frame number's bytes, most
///   significant first. (The inversion makes an all-black or all-white band fail the check.)
/// - **Reading.** For each cell, take the mean luma over its central half in both directions: columns
///   `k × cellWidth + cellWidth / 4` for `max(1, cellWidth / 2)` columns, rows `bandHeight / 4` for
///   `bandHeight / 2` rows (integer division throughout). A mean above 128 is a 1, otherwise a 0.
///   The word is rebuilt from the 32 bits; when its check byte does not match its upper 24 bits, or
///   the picture is smaller than 64×48, there is no number.
///
/// The check byte catches any single wrong cell. A picture that is not marked (black, white, mid-grey)
/// reads as no number, and random content passes the check only by chance (1 in 256).
public enum FrameNumberMark {
    /// Frame numbers wrap at 2^24 (the word's upper 24 bits).
    public static let modulus: UInt32 = 1 << 24
    /// The smallest picture that carries a mark: 2 columns per cell, and a band of 16 rows.
    public static let minimumWidth = 64
    public static let minimumHeight = 48

    /// The height of the band in rows: `max(16, (height / 6) & ~1)`.
    public static func bandHeight(forHeight height: Int) -> Int {
        max(16, (height / 6) & ~1)
    }

    /// The 32-bit word for `number`: its 24 low bits, then the check byte.
    public static func word(for number: UInt32) -> UInt32 {
        let number = number % modulus
        return number << 8 | UInt32(checkByte(number))
    }

    /// `~(b2 ^ b1 ^ b0) & 0xFF` over the 24-bit number's three bytes.
    static func checkByte(_ number: UInt32) -> UInt8 {
        ~(UInt8(truncatingIfNeeded: number >> 16) ^ UInt8(truncatingIfNeeded: number >> 8) ^ UInt8(truncatingIfNeeded: number))
    }

    /// Draws the mark of `number` (modulo 2^24) into `frame`. A picture smaller than 64×48 or with
    /// planes of the wrong size is left as it is: it cannot carry a mark that reads back.
    public static func write(_ number: UInt32, into frame: inout I420Frame) {
        guard frame.isWellFormed, frame.width >= minimumWidth, frame.height >= minimumHeight else { return }
        let word = word(for: number)
        let band = bandHeight(forHeight: frame.height)
        let cell = frame.width / 32
        let width = frame.width
        frame.y.withUnsafeMutableBufferPointer { luma in
            for k in 0..<32 {
                let value: UInt8 = (word >> (31 - UInt32(k))) & 1 == 1 ? 235 : 16
                for row in 0..<band {
                    let start = row * width + k * cell
                    for index in start..<(start + cell) { luma[index] = value }
                }
            }
        }
        let chromaWidth = frame.chromaWidth
        let chromaColumns = (32 * cell + 1) / 2
        for row in 0..<(band / 2) {
            let start = row * chromaWidth
            for index in start..<(start + chromaColumns) {
                frame.u[index] = 128
                frame.v[index] = 128
            }
        }
    }

    /// The frame number the mark in `frame` carries, or nil when the check byte does not match, the
    /// picture is smaller than 64×48 or its planes do not match its size.
    public static func read(from frame: I420Frame) -> UInt32? {
        guard frame.isWellFormed, frame.width >= minimumWidth, frame.height >= minimumHeight else { return nil }
        let band = bandHeight(forHeight: frame.height)
        let cell = frame.width / 32
        let columns = max(1, cell / 2)
        let rows = band / 2
        var word: UInt32 = 0
        frame.y.withUnsafeBufferPointer { luma in
            for k in 0..<32 {
                var sum = 0
                for row in (band / 4)..<(band / 4 + rows) {
                    let start = row * frame.width + k * cell + cell / 4
                    for index in start..<(start + columns) { sum += Int(luma[index]) }
                }
                // "Above 128 is 1": compare sums, so no rounding of the mean decides a bit.
                word = word << 1 | (sum > 128 * rows * columns ? 1 : 0)
            }
        }
        let number = word >> 8
        guard UInt8(truncatingIfNeeded: word) == checkByte(number) else { return nil }
        return number
    }
}
