import Foundation

/// One SDP (or trickled candidate) from the shared vector files, with the presentation undone.
public struct SDPVectorDocument: Hashable, Sendable {
    /// What the text is: a whole session description, or one candidate string (`candidate:…`).
    public enum Kind: String, Hashable, Sendable {
        case sessionDescription
        case candidate
    }

    /// `file#block`, for example `sdp_rfc8829_jsep_examples.txt#offer-A1`; files with one description
    /// use the file name alone.
    public let name: String
    /// The vector file it came from.
    public let file: String
    /// The text: lines joined with LF and a final LF (canonicalise to CRLF before comparing with the
    /// codec's output); a candidate has no line end.
    public let text: String
    public let kind: Kind

    public init(name: String, file: String, text: String, kind: Kind) {
        self.name = name
        self.file = file
        self.text = text
        self.kind = kind
    }

    /// Reads every `sdp_*.txt` vector file and returns its documents in file order.
    ///
    /// Only the presentation is undone, nothing else:
    /// - `#` comment lines and blank lines are dropped (RFC presentation puts blank lines between
    ///   m-sections; the aiortc and RFC 8866 files carry `#` headers);
    /// - a line that starts with spaces continues the line before it (RFC presentation folds long
    ///   `a=fingerprint` and `a=candidate` lines): it is appended after one space, or directly when the
    ///   line before ends in `:` (a fingerprint split between hex pairs);
    /// - files with `======== name ========` headers hold one block per header (`|name|` pipes dropped);
    ///   a block that starts with `v=` is a description, a block with an `attr` line is a trickled
    ///   candidate and its text is that line's value;
    /// - other files hold one description per `v=` line.
    public static func load(from shared: SharedFolder) throws -> [SDPVectorDocument] {
        var documents: [SDPVectorDocument] = []
        for file in try shared.vectorFiles(prefix: "sdp_") {
            let raw = try shared.vectorText(file)
            documents += parse(file: file, text: raw)
        }
        return documents
    }

    /// Splits one vector file's text into documents (see `load(from:)`).
    public static func parse(file: String, text: String) -> [SDPVectorDocument] {
        let rawLines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        let hasHeaders = rawLines.contains { $0.hasPrefix("======== ") }
        var blocks: [(name: String?, lines: [String])] = []
        for line in rawLines {
            if line.hasPrefix("======== ") {
                let title = line.dropFirst(9).replacingOccurrences(of: " ========", with: "")
                    .replacingOccurrences(of: "|", with: "").trimmingCharacters(in: .whitespaces)
                blocks.append((title, []))
                continue
            }
            if line.hasPrefix("#") || line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if line.first == " " {
                guard !blocks.isEmpty, let previous = blocks[blocks.count - 1].lines.popLast() else { continue }
                let piece = line.trimmingCharacters(in: .whitespaces)
                blocks[blocks.count - 1].lines.append(previous + (previous.hasSuffix(":") ? "" : " ") + piece)
                continue
            }
            if !hasHeaders, line.hasPrefix("v=") { blocks.append((nil, [])) }
            if blocks.isEmpty { continue }
            blocks[blocks.count - 1].lines.append(String(line))
        }
        var documents: [SDPVectorDocument] = []
        for (index, block) in blocks.enumerated() where !block.lines.isEmpty {
            let name: String
            if let title = block.name {
                name = "\(file)#\(title)"
            } else {
                name = blocks.count == 1 ? file : "\(file)#\(index + 1)"
            }
            if block.lines[0].hasPrefix("v=") {
                documents.append(SDPVectorDocument(
                    name: name, file: file, text: block.lines.joined(separator: "\n") + "\n", kind: .sessionDescription))
            } else if let attr = block.lines.first(where: { $0.hasPrefix("attr ") }) {
                documents.append(SDPVectorDocument(
                    name: name, file: file, text: attr.dropFirst(5).trimmingCharacters(in: .whitespaces), kind: .candidate))
            }
        }
        return documents
    }
}
