/// A decoded message as a tree of named fields, for people (indented text) and tools (JSON).
///
/// Every codec describes its model as a `Structure`, so `crucible decode`, the tour and replay reports
/// print any protocol the same way without knowing its types.
public indirect enum Structure: Hashable, Sendable {
    case text(String)
    case number(Int64)
    case unsigned(UInt64)
    case flag(Bool)
    /// Raw bytes, shown as hex.
    case bytes([UInt8])
    case list([Structure])
    /// Named fields in the order the protocol puts them.
    case record([Field])

    /// One named member of a record.
    public struct Field: Hashable, Sendable {
        public let name: String
        public let value: Structure
        public init(_ name: String, _ value: Structure) {
            self.name = name
            self.value = value
        }
    }

    /// A record from name–value pairs.
    public static func fields(_ pairs: KeyValuePairs<String, Structure>) -> Structure {
        .record(pairs.map { Field($0.key, $0.value) })
    }

    /// Indented `name: value` lines.
    public func renderText(indent: Int = 0) -> String {
        var lines: [String] = []
        appendText(to: &lines, indent: indent, name: nil)
        return lines.joined(separator: "\n")
    }

    private func appendText(to lines: inout [String], indent: Int, name: String?) {
        let pad = String(repeating: "  ", count: indent)
        let prefix = name.map { "\(pad)\($0):" } ?? pad
        switch self {
        case .record(let fields):
            if name != nil { lines.append(prefix) }
            let childIndent = name == nil ? indent : indent + 1
            for field in fields { field.value.appendText(to: &lines, indent: childIndent, name: field.name) }
        case .list(let items):
            if name != nil { lines.append("\(prefix) [\(items.count)]") }
            let childIndent = name == nil ? indent : indent + 1
            for (index, item) in items.enumerated() { item.appendText(to: &lines, indent: childIndent, name: "[\(index)]") }
        default:
            lines.append(name == nil ? "\(pad)\(scalarText)" : "\(prefix) \(scalarText)")
        }
    }

    private var scalarText: String {
        switch self {
        case .text(let value): value
        case .number(let value): String(value)
        case .unsigned(let value): String(value)
        case .flag(let value): String(value)
        case .bytes(let value): value.isEmpty ? "(empty)" : Hex.encode(value, separator: " ")
        case .list, .record: ""
        }
    }

    /// Compact JSON: records become objects (fields in protocol order), bytes become hex strings.
    public func renderJSON() -> String {
        var output = ""
        appendJSON(to: &output)
        return output
    }

    private func appendJSON(to output: inout String) {
        switch self {
        case .text(let value): output += Structure.jsonString(value)
        case .number(let value): output += String(value)
        case .unsigned(let value): output += String(value)
        case .flag(let value): output += value ? "true" : "false"
        case .bytes(let value): output += Structure.jsonString(Hex.encode(value))
        case .list(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.appendJSON(to: &output)
            }
            output += "]"
        case .record(let fields):
            output += "{"
            for (index, field) in fields.enumerated() {
                if index > 0 { output += "," }
                output += Structure.jsonString(field.name) + ":"
                field.value.appendJSON(to: &output)
            }
            output += "}"
        }
    }

    /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
    public static func jsonString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
