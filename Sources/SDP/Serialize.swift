/// Writes a session description in RFC 8866 §5 order with CRLF line ends.
enum SessionSerializer {
    static func text(_ session: SessionDescription) -> String {
        var out = ""
        out.reserveCapacity(2048)
        func line(_ type: String, _ value: String) {
            out += type
            out += "="
            out += value
            out += "\r\n"
        }
        line("v", "0")
        let o = session.origin
        line("o", "\(o.username) \(o.sessionID) \(o.sessionVersion) \(o.networkType) \(o.addressType) \(o.address)")
        line("s", session.sessionName)
        if let information = session.information { line("i", information) }
        if let uri = session.uri { line("u", uri) }
        for email in session.emails { line("e", email) }
        for phone in session.phones { line("p", phone) }
        if let connection = session.connection { line("c", connectionText(connection)) }
        for bandwidth in session.bandwidths { line("b", "\(bandwidth.type):\(bandwidth.value)") }
        for timing in session.timings {
            line("t", "\(timing.start) \(timing.stop)")
            for repeatText in timing.repeats { line("r", repeatText) }
        }
        if let zones = session.timeZones { line("z", zones) }
        if let key = session.encryptionKey { line("k", key) }
        for attribute in session.attributes {
            out += attribute.lineText
            out += "\r\n"
        }
        for media in session.media {
            var mediaLine = "\(media.kind) \(media.port)"
            if let count = media.portCount { mediaLine += "/\(count)" }
            mediaLine += " \(media.proto)"
            for format in media.formats { mediaLine += " \(format)" }
            line("m", mediaLine)
            if let information = media.information { line("i", information) }
            for connection in media.connections { line("c", connectionText(connection)) }
            for bandwidth in media.bandwidths { line("b", "\(bandwidth.type):\(bandwidth.value)") }
            if let key = media.encryptionKey { line("k", key) }
            for attribute in media.attributes {
                out += attribute.lineText
                out += "\r\n"
            }
        }
        return out
    }

    static func connectionText(_ connection: ConnectionData) -> String {
        "\(connection.networkType) \(connection.addressType) \(connection.address)"
    }
}
