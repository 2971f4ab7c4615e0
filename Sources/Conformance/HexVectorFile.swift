import Wire

/// One binary test vector out of a shared vector file: its heading, its notes and its bytes.
public struct HexVector: Hashable, Sendable {
    /// `file#heading`, the name tests and the tour print.
    public let name: String
    public let file: String
    /// The `## ` heading of the section (the file name when the file has a single unnamed vector).
    public let heading: String
    /// The `#` comment lines inside the section: passwords, expected fields, known defects.
    public let notes: [String]
    public let bytes: [UInt8]
}

/// Reads the layout the binary vector files of `../shared/vectors` share: a section per vector under a
/// `## heading`, `#` comment lines, and the bytes as hex lines (`00 01 0a …`, possibly several per vector).
/// Consecutive hex lines form one vector; when a comment separates two runs of hex lines in one section
/// (dcep_rfc8832.txt gives pion's ACK and then the RFC's), each run is a vector of its own, the second
/// named `heading [2]`. Banner lines (`###…`) and anything that is not hex (`data = 00 x 32`) are skipped.
public enum HexVectorFile {
    public static func vectors(file: String, text: String) -> [HexVector] {
        var vectors: [HexVector] = []
        var heading = file
        var notes: [String] = []
        var bytes: [UInt8] = []
        var runsInSection = 0
        var previousWasHex = false

        func flush() {
            if !bytes.isEmpty {
                runsInSection += 1
                let name = runsInSection == 1 ? heading : "\(heading) [\(runsInSection)]"
                vectors.append(HexVector(name: "\(file)#\(name)", file: file, heading: heading, notes: notes, bytes: bytes))
            }
            notes = []
            bytes = []
        }

        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: " \t\r")
            let isHex = isHexLine(line)
            if !isHex, previousWasHex { flush() }
            previousWasHex = isHex
            if line.hasPrefix("###") {
                heading = file
                runsInSection = 0
                notes = []
            } else if line.hasPrefix("## ") {
                heading = String(line.dropFirst(3))
                runsInSection = 0
                notes = []
            } else if line.hasPrefix("#") {
                notes.append(String(line.dropFirst().trimmingCharacters(in: " ")))
            } else if isHex, let decoded = try? Hex.decode(line) {
                bytes += decoded
            }
        }
        flush()
        return vectors
    }

    /// `xx xx xx …`: pairs of hex digits separated by single spaces, nothing else.
    static func isHexLine(_ line: String) -> Bool {
        let utf8 = Array(line.utf8)
        guard !utf8.isEmpty, (utf8.count + 1) % 3 == 0 else { return false }
        for (index, byte) in utf8.enumerated() {
            let isHex = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            if index % 3 == 2 ? byte != UInt8(ascii: " ") : !isHex { return false }
        }
        return true
    }
}

extension SharedFolder {
    /// The binary vectors of `../shared/vectors/<file>`, for tests: locates the shared folder from the
    /// calling test's own path and fails with `SharedFolder.Missing`'s advice when it is absent.
    public static func hexVectors(_ file: String, from path: String = #filePath) throws -> [HexVector] {
        let shared = try SharedFolder.locate(from: path)
        return HexVectorFile.vectors(file: file, text: try shared.vectorText(file))
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
