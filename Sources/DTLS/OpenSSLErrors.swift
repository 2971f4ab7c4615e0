import COpenSSL

/// Reading OpenSSL's thread-local error queue into text for typed errors.
enum OpenSSLErrors {
    /// Every queued error's reason, oldest first, joined by "; " (the queue is emptied).
    /// Empty when OpenSSL queued nothing.
    static func drain() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                reasons.append(String(cString: reason))
            } else {
                reasons.append("error 0x\(String(code, radix: 16))")
            }
        }
        return reasons.joined(separator: "; ")
    }

    /// A configuration error naming the step that failed and OpenSSL's reasons.
    static func configuration(_ step: String) -> DTLSEndpointError {
        let reasons = drain()
        return .configuration(reasons.isEmpty ? "\(step) failed" : "\(step) failed: \(reasons)")
    }
}
