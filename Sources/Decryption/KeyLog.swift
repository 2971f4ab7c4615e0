/// An NSS key log: the `SSLKEYLOGFILE` text browsers and TLS libraries write, one secret per line.
///
/// The format (NSS "Key Log Format", also described in draft-ietf-tls-keylogfile) is
/// `<label> <client random, hex> <secret, hex>` with `#` comments and blank lines allowed. DTLS 1.2
/// needs only `CLIENT_RANDOM` lines, which map a 32-byte ClientHello.random to the 48-byte master
/// secret (RFC 5246 §8.1). Other labels (`RSA`, the TLS 1.3 traffic secrets…) are kept as entries so a
/// caller can see them; lines that do not parse are listed in `problems`, never fatal.
public struct KeyLog: Hashable, Sendable {
    /// One well-formed line: its label and its two hex fields, decoded.
    public struct Entry: Hashable, Sendable {
        /// 1-based line number in the text.
        public let line: Int
        public let label: String
        /// The first field: the client random for every label except `RSA` (whose first field is the
        /// first 8 bytes of the encrypted pre-master secret).
        public let identifier: [UInt8]
        public let secret: [UInt8]
    }

    /// A line that was not used, and why.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        /// 1-based line number in the text.
        public let line: Int
        public let reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The label of a TLS 1.2 / DTLS 1.2 master secret line.
    public static let clientRandomLabel = "CLIENT_RANDOM"
    /// ClientHello.random is 32 bytes (RFC 5246 §7.4.1.2).
    public static let clientRandomLength = 32
    /// The master secret is 48 bytes (RFC 5246 §8.1).
    public static let masterSecretLength = 48

    /// Every well-formed line, in order, whatever its label.
    public private(set) var entries: [Entry] = []
    /// Lines that were malformed, or contradicted an earlier line.
    public private(set) var problems: [Problem] = []
    /// Master secret by client random, from the `CLIENT_RANDOM` lines. When two lines give different
    /// secrets for one random the first is kept and the second is a problem.
    public private(set) var masterSecrets: [[UInt8]: [UInt8]] = [:]

    /// An empty key log.
    public init() {}

    /// Parses key log text. Never throws: each unusable line becomes a `Problem`.
    public init(parsing text: String) {
        var number = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            number += 1
            add(line: rawLine, number: number)
        }
    }

    /// The master secret logged for the handshake whose ClientHello.random is `clientRandom`.
    public func masterSecret<Random: Collection>(clientRandom: Random) -> [UInt8]? where Random.Element == UInt8 {
        masterSecrets[Array(clientRandom)]
    }

    private mutating func add(line rawLine: Substring, number: Int) {
        // Fields are separated by spaces; tabs and stray CRs count as spaces. (Swift reads CR LF as one
        // Character, which the line split above already took as a line end.)
        let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        guard let first = fields.first, !first.hasPrefix("#") else { return }
        guard fields.count == 3 else {
            problems.append(Problem(line: number, reason: "expected <label> <hex> <hex>, found \(fields.count) field(s)"))
            return
        }
        let label = String(fields[0])
        guard let identifier = Self.strictHex(fields[1]) else {
            problems.append(Problem(line: number, reason: "second field of \(label) is not hex digits in pairs"))
            return
        }
        guard let secret = Self.strictHex(fields[2]) else {
            problems.append(Problem(line: number, reason: "third field of \(label) is not hex digits in pairs"))
            return
        }
        if label == Self.clientRandomLabel {
            guard identifier.count == Self.clientRandomLength else {
                problems.append(Problem(line: number, reason: "client random of \(identifier.count) bytes, expected \(Self.clientRandomLength)"))
                return
            }
            guard secret.count == Self.masterSecretLength else {
                problems.append(Problem(line: number, reason: "master secret of \(secret.count) bytes, expected \(Self.masterSecretLength)"))
                return
            }
            if let earlier = masterSecrets[identifier] {
                if earlier != secret {
                    problems.append(Problem(line: number, reason: "a different master secret for a client random already logged; the first is kept"))
                }
                return
            }
            masterSecrets[identifier] = secret
        }
        entries.append(Entry(line: number, label: label, identifier: identifier, secret: secret))
    }

    /// Hex digits in pairs and nothing else (no separators, no prefix): the key log's only form.
    static func strictHex(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
