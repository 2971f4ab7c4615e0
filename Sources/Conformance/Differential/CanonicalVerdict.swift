/// What a decoder made of one input, reduced to what two independent decoders can both say about it
/// (issue 17, differential fuzzing): accepted with a few canonical fields, or rejected with a reason.
///
/// The line form is the differential oracles' wire format (Scripts/differential/pion-oracle/main.go):
/// `accept key=value …` or `reject <reason>`, each value percent-escaped so that a line splits on spaces.
public enum CanonicalVerdict: Hashable, Sendable, CustomStringConvertible {
    /// The decoder accepted the input; these are its canonical fields, in a fixed order per protocol.
    case accept([CanonicalField])
    /// The decoder refused the input: our codec's rule id and detail, or the other decoder's error text.
    case reject(String)

    public var isAccepted: Bool { if case .accept = self { true } else { false } }

    /// The reason of a rejection; nil for an acceptance.
    public var rejection: String? { if case .reject(let reason) = self { reason } else { nil } }

    /// The fields of an acceptance; empty for a rejection.
    public var fields: [CanonicalField] { if case .accept(let fields) = self { fields } else { [] } }

    /// The value of one field of an acceptance.
    public func value(_ key: String) -> String? { fields.first { $0.key == key }?.value }

    /// The verdict as one line of the oracle format.
    public var description: String {
        switch self {
        case .accept(let fields): (["accept"] + fields.map(\.description)).joined(separator: " ")
        case .reject(let reason): "reject " + reason
        }
    }

    /// Reads one line of the oracle format; nil for a line that is neither form.
    public init?(line: Substring) {
        if line == "accept" {
            self = .accept([])
        } else if line.hasPrefix("accept ") {
            var fields: [CanonicalField] = []
            for token in line.dropFirst("accept ".count).split(separator: " ") {
                guard let equals = token.firstIndex(of: "=") else { return nil }
                fields.append(CanonicalField(String(token[..<equals]), CanonicalField.unescape(token[token.index(after: equals)...])))
            }
            self = .accept(fields)
        } else if line.hasPrefix("reject") {
            self = .reject(String(line.dropFirst("reject".count).drop { $0 == " " }))
        } else {
            return nil
        }
    }
}

/// One canonical field: a key both sides name the same way and a value both sides format the same way.
public struct CanonicalField: Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    /// `key=value`, the value escaped.
    public var description: String { key + "=" + Self.escape(value) }

    /// Every byte outside 0x21–0x7E, and `%`, as `%XX` (upper-case hex), as the oracle writes it.
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte < 0x21 || byte > 0x7E || byte == UInt8(ascii: "%") {
                out += "%" + String(byte >> 4, radix: 16).uppercased() + String(byte & 0xF, radix: 16).uppercased()
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    /// The inverse of `escape`; malformed escapes are kept as they are.
    public static func unescape(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), let high = utf8.index(index, offsetBy: 1, limitedBy: utf8.endIndex),
               let low = utf8.index(index, offsetBy: 2, limitedBy: utf8.endIndex), low < utf8.endIndex,
               let value = UInt8(String(decoding: [utf8[high], utf8[low]], as: UTF8.self), radix: 16) {
                bytes.append(value)
                index = utf8.index(after: low)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
