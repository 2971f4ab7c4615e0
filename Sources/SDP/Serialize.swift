/// Writes a session description in RFC 8866 §5 order with CRLF line ends.
enum SessionSerializer {
    static func bytes(_ session: SDPDescription) -> [UInt8] {
        var w = TextWriter(capacity: 2048)
        func end(_ w: inout TextWriter) { w.append(byte: 0x0D); w.append(byte: 0x0A) }
        func line(_ w: inout TextWriter, _ type: UInt8, _ value: String) {
            w.append(byte: type); w.append(byte: 0x3D); w.append(value); end(&w)
        }
        func connection(_ w: inout TextWriter, _ c: ConnectionData) {
            w.append("c="); w.append(c.networkType); w.space(); w.append(c.addressType); w.space(); w.append(c.address); end(&w)
        }
        func bandwidth(_ w: inout TextWriter, _ b: Bandwidth) {
            w.append("b="); w.append(b.type); w.append(byte: 0x3A); w.append(number: b.value); end(&w)
        }
        w.append("v=0\r\n")
        let o = session.origin
        w.append("o=")
        w.join([o.username, o.sessionID, o.sessionVersion, o.networkType, o.addressType, o.address], separator: 0x20) { $0.append($1) }
        end(&w)
        line(&w, UInt8(ascii: "s"), session.sessionName)
        if let information = session.information { line(&w, UInt8(ascii: "i"), information) }
        if let uri = session.uri { line(&w, UInt8(ascii: "u"), uri) }
        for email in session.emails { line(&w, UInt8(ascii: "e"), email) }
        for phone in session.phones { line(&w, UInt8(ascii: "p"), phone) }
        if let c = session.connection { connection(&w, c) }
        for b in session.bandwidths { bandwidth(&w, b) }
        for timing in session.timings {
            w.append("t="); w.append(number: timing.start); w.space(); w.append(number: timing.stop); end(&w)
            for repeatText in timing.repeats { line(&w, UInt8(ascii: "r"), repeatText) }
        }
        if let zones = session.timeZones { line(&w, UInt8(ascii: "z"), zones) }
        if let key = session.encryptionKey { line(&w, UInt8(ascii: "k"), key) }
        for attribute in session.attributes { attribute.writeLine(to: &w); end(&w) }
        for media in session.media {
            w.append("m="); w.append(media.kind); w.space(); w.append(number: media.port)
            if let count = media.portCount { w.append(byte: 0x2F); w.append(number: count) }
            w.space(); w.append(media.proto)
            for format in media.formats { w.space(); w.append(format) }
            end(&w)
            if let information = media.information { line(&w, UInt8(ascii: "i"), information) }
            for c in media.connections { connection(&w, c) }
            for b in media.bandwidths { bandwidth(&w, b) }
            if let key = media.encryptionKey { line(&w, UInt8(ascii: "k"), key) }
            for attribute in media.attributes { attribute.writeLine(to: &w); end(&w) }
        }
        return w.bytes
    }
}
