public import Wire

/// Readable `Structure` trees for session descriptions, media sections, attributes and candidates.
public enum SDPStructure {
    public static func session(_ s: SDPDescription) -> Structure {
        var fields: [Structure.Field] = [
            .init("origin", .fields([
                "username": .text(s.origin.username), "session-id": .text(s.origin.sessionID),
                "session-version": .text(s.origin.sessionVersion), "network-type": .text(s.origin.networkType),
                "address-type": .text(s.origin.addressType), "address": .text(s.origin.address),
            ])),
            .init("session-name", .text(s.sessionName)),
        ]
        if let information = s.information { fields.append(.init("information", .text(information))) }
        if let uri = s.uri { fields.append(.init("uri", .text(uri))) }
        if !s.emails.isEmpty { fields.append(.init("emails", .list(s.emails.map(Structure.text)))) }
        if !s.phones.isEmpty { fields.append(.init("phones", .list(s.phones.map(Structure.text)))) }
        if let connection = s.connection { fields.append(.init("connection", self.connection(connection))) }
        if !s.bandwidths.isEmpty { fields.append(.init("bandwidths", .list(s.bandwidths.map(bandwidth)))) }
        fields.append(.init("timings", .list(s.timings.map { timing in
            .fields(["start": .unsigned(timing.start), "stop": .unsigned(timing.stop), "repeats": .list(timing.repeats.map(Structure.text))])
        })))
        if let zones = s.timeZones { fields.append(.init("time-zones", .text(zones))) }
        if let key = s.encryptionKey { fields.append(.init("encryption-key", .text(key))) }
        fields.append(.init("attributes", .list(s.attributes.map(attribute))))
        fields.append(.init("media", .list(s.media.map(media))))
        return .record(fields)
    }

    public static func media(_ m: MediaDescription) -> Structure {
        var fields: [Structure.Field] = [
            .init("kind", .text(m.kind)), .init("port", .unsigned(UInt64(m.port))),
        ]
        if let count = m.portCount { fields.append(.init("port-count", .unsigned(UInt64(count)))) }
        fields.append(.init("proto", .text(m.proto)))
        fields.append(.init("formats", .list(m.formats.map(Structure.text))))
        if let information = m.information { fields.append(.init("information", .text(information))) }
        if !m.connections.isEmpty { fields.append(.init("connections", .list(m.connections.map(connection)))) }
        if !m.bandwidths.isEmpty { fields.append(.init("bandwidths", .list(m.bandwidths.map(bandwidth)))) }
        if let key = m.encryptionKey { fields.append(.init("encryption-key", .text(key))) }
        fields.append(.init("attributes", .list(m.attributes.map(attribute))))
        return .record(fields)
    }

    static func connection(_ c: ConnectionData) -> Structure {
        .fields(["network-type": .text(c.networkType), "address-type": .text(c.addressType), "address": .text(c.address)])
    }

    static func bandwidth(_ b: Bandwidth) -> Structure {
        .fields(["type": .text(b.type), "value": .unsigned(b.value)])
    }

    public static func attribute(_ a: Attribute) -> Structure {
        let detail: Structure? =
            switch a {
            case .group(let g): .fields(["semantics": .text(g.semantics), "mids": .list(g.mids.map(Structure.text))])
            case .mid(let v), .iceUfrag(let v), .icePwd(let v): .text(v)
            case .iceOptions(let tags): .list(tags.map(Structure.text))
            case .fingerprint(let f): .fields(["hash-function": .text(f.hashFunction), "digest": .bytes(f.digest)])
            case .setup(let role): .text(role.rawValue)
            case .connection(let reuse): .text(reuse.rawValue)
            case .rtcp(let r):
                .record([.init("port", .unsigned(UInt64(r.port)))] + (r.connection.map { [.init("connection", connection($0))] } ?? []))
            case .rtpmap(let m):
                .record([
                    .init("payload-type", .unsigned(UInt64(m.payloadType))), .init("encoding", .text(m.encoding)),
                    .init("clock-rate", .unsigned(UInt64(m.clockRate))),
                ] + (m.channels.map { [.init("channels", .unsigned(UInt64($0)))] } ?? []))
            case .fmtp(let f): .fields(["format": .text(f.format), "parameters": .text(f.parameters)])
            case .rtcpFeedback(let f):
                .record([.init("format", .text(f.format)), .init("type", .text(f.type))]
                    + (f.parameter.map { [.init("parameter", .text($0))] } ?? []))
            case .extmap(let e):
                .record([.init("id", .unsigned(UInt64(e.id)))]
                    + (e.direction.map { [.init("direction", .text($0.rawValue))] } ?? [])
                    + [.init("uri", .text(e.uri))]
                    + (e.attributes.map { [.init("attributes", .text($0))] } ?? []))
            case .msid(let m): .record([.init("stream", .text(m.stream))] + (m.track.map { [.init("track", .text($0))] } ?? []))
            case .ssrc(let s):
                .record([.init("ssrc", .unsigned(UInt64(s.ssrc))), .init("name", .text(s.name))]
                    + (s.value.map { [.init("value", .text($0))] } ?? []))
            case .ssrcGroup(let g): .fields(["semantics": .text(g.semantics), "ssrcs": .list(g.ssrcs.map { .unsigned(UInt64($0)) })])
            case .rid(let r):
                .record([.init("id", .text(r.id)), .init("direction", .text(r.direction.rawValue))]
                    + (r.restrictions.map { [.init("restrictions", .text($0))] } ?? []))
            case .simulcast(let s):
                .list(s.directions.map { entry in
                    .fields([
                        "direction": .text(entry.direction.rawValue),
                        "streams": .list(entry.streams.map { .list($0.map { .text(($0.paused ? "~" : "") + $0.rid) }) }),
                    ])
                })
            case .sctpPort(let port): .unsigned(UInt64(port))
            case .maxMessageSize(let size): .unsigned(size)
            case .candidate(let c): candidate(c)
            case .other(_, let value): value.map(Structure.text)
            case .iceLite, .rtcpMux, .rtcpMuxOnly, .rtcpRsize, .extmapAllowMixed, .endOfCandidates, .direction: nil
            }
        var fields: [Structure.Field] = [.init("name", .text(a.name))]
        if case .other = a { fields.append(.init("typed", .flag(false))) }
        if let detail { fields.append(.init("value", detail)) }
        return .record(fields)
    }

    public static func candidate(_ c: Candidate) -> Structure {
        var fields: [Structure.Field] = [
            .init("foundation", .text(c.foundation)), .init("component", .unsigned(UInt64(c.component))),
            .init("transport", .text(c.transport)), .init("priority", .unsigned(UInt64(c.priority))),
            .init("address", .text(c.address)), .init("port", .unsigned(UInt64(c.port))), .init("type", .text(c.type.text)),
        ]
        if let address = c.relatedAddress { fields.append(.init("related-address", .text(address))) }
        if let port = c.relatedPort { fields.append(.init("related-port", .unsigned(UInt64(port)))) }
        if !c.extensions.isEmpty {
            fields.append(.init("extensions", .record(c.extensions.map { .init($0.name, .text($0.value)) })))
        }
        return .record(fields)
    }
}
