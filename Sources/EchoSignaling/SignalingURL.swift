/// The parts of an `http://host[:port][/path][?query]` URL the client needs, parsed without Foundation's
/// URL so that what is accepted is written here: scheme `http` only (webrtc-echoes signals in the clear on
/// loopback), no user information, an IPv6 host in brackets, port 1–65535 (80 when absent), path `/` when
/// absent, fragment dropped.
struct SignalingURL: Hashable, Sendable {
    var host: String
    var port: Int
    /// The request target: path and query.
    var target: String

    init(host: String, port: Int, target: String) {
        self.host = host
        self.port = port
        self.target = target
    }

    init(parsing text: String) throws(EchoSignalingError) {
        let scheme = "http://"
        guard text.lowercased().hasPrefix(scheme) else { throw .invalidURL(text) }
        var rest = Substring(text.dropFirst(scheme.count))
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let target = rest[authorityEnd...]
        guard !authority.isEmpty, !authority.contains("@"), !authority.contains(where: \.isWhitespace),
            !target.contains(where: \.isWhitespace)
        else { throw .invalidURL(text) }

        let hostText: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL(text) }
            hostText = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else {
                guard after.hasPrefix(":") else { throw .invalidURL(text) }
                portText = after.dropFirst()
            }
            guard hostText.contains(":") else { throw .invalidURL(text) }
        } else {
            let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw .invalidURL(text) }
            hostText = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
        }
        guard !hostText.isEmpty else { throw .invalidURL(text) }
        var port = 80
        if let portText {
            guard (1...5).contains(portText.count), portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(portText), (1...65535).contains(value)
            else { throw .invalidURL(text) }
            port = value
        }
        self.host = String(hostText)
        self.port = port
        self.target = target.isEmpty ? "/" : (target.hasPrefix("?") ? "/" + target : String(target))
    }
}
