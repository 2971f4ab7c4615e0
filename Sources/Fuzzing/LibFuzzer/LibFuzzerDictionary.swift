/// A target's dictionary in libFuzzer's `-dict` file format (the AFL format libFuzzer reads): one token a
/// line, `name="value"`, where `\\`, `\"` and `\xHH` are the only escapes the reader understands.
public enum LibFuzzerDictionary {
    /// libFuzzer ignores longer dictionary entries (its `Word` holds at most 64 bytes).
    public static let maximumTokenLength = 64

    /// The file's text: a comment naming the target, then one `tN="…"` line per distinct, non-empty token
    /// of at most `maximumTokenLength` bytes, in the order given.
    public static func render(_ tokens: [[UInt8]], target: String) -> String {
        var seen = Set<[UInt8]>()
        var lines = ["# libFuzzer dictionary of the Crucible fuzz target \(target), generated from its codec."]
        for token in tokens where !token.isEmpty && token.count <= maximumTokenLength && seen.insert(token).inserted {
            lines.append("t\(seen.count)=\"\(escape(token))\"")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One token between the quotes: printable ASCII as itself, quote and backslash escaped, every other
    /// byte as `\xHH` (upper-case hex, two digits).
    public static func escape(_ token: [UInt8]) -> String {
        var text = ""
        for byte in token {
            switch byte {
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                text += "\\x"
                text.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                text.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return text
    }
}
