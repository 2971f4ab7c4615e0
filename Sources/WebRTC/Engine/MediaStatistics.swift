import JSEP
import RTP
import SansIO
import SRTP

/// The media entries of a stats report (webrtc-stats §3: `media-source`, `outbound-rtp`,
/// `remote-inbound-rtp`, `inbound-rtp`, `remote-outbound-rtp`, `codec`), plus what SRTP and the RTP
/// demultiplexer dropped, on the transport entry.
extension PeerConnectionMachine {
    func mediaStatistics(at now: Instant, add: (String, String, [String: StatisticsValue]) -> Void) {
        var codecs: [String: [String: StatisticsValue]] = [:]
        for transceiver in transceivers {
            let id = transceiver.id.value
            let mid = transceiver.mid.map(StatisticsValue.string)
            if let track = transceiver.track {
                var source: [String: StatisticsValue] = ["kind": .string(track.kind.rawValue), "trackIdentifier": .string(track.id)]
                if let sender = media.senders[transceiver.id] {
                    source["frames"] = .int(sender.statistics.framesFromSource)
                    if let level = sender.statistics.audioLevel { source["audioLevel"] = .double(level) }
                    if case .testPattern(let width, let height, let rate) = track.source {
                        source["width"] = .int(width)
                        source["height"] = .int(height)
                        source["framesPerSecond"] = .double(Double(rate))
                    }
                }
                add("SO-\(id)", "media-source", source)
            }
            if let sender = media.senders[transceiver.id] {
                let ssrc = sender.rtp.ssrc
                let rtp = sender.rtp.statistics
                let codecID = "CO-\(sender.rtp.payloadType)"
                codecs[codecID] = codecValues(transceiver.negotiated?.codecs.first { $0.payloadType == sender.rtp.payloadType }, kind: transceiver.kind)
                var outbound: [String: StatisticsValue] = [
                    "ssrc": .int(Int(ssrc)), "kind": .string(transceiver.kind.rawValue), "transportId": .string("T"),
                    "codecId": .string(codecID), "mediaSourceId": .string("SO-\(id)"),
                    "packetsSent": .int(Int(rtp.packetsSent)), "bytesSent": .int(Int(rtp.bytesSent)),
                    "headerBytesSent": .int(Int(rtp.headerBytesSent)), "framesEncoded": .int(sender.statistics.framesEncoded),
                    "keyFramesEncoded": .int(sender.statistics.keyFramesEncoded), "nackCount": .int(sender.statistics.nackCount),
                    "pliCount": .int(sender.statistics.pliCount), "firCount": .int(sender.statistics.firCount),
                    "retransmittedPacketsSent": .int(sender.statistics.retransmittedPackets),
                    "retransmittedBytesSent": .int(sender.statistics.retransmittedBytes),
                    "active": .bool(sender.track.isEnabled),
                ]
                if let mid { outbound["mid"] = mid }
                if let width = sender.statistics.frameWidth, let height = sender.statistics.frameHeight {
                    outbound["frameWidth"] = .int(width)
                    outbound["frameHeight"] = .int(height)
                }
                if let started = sender.startedAt, now > started, transceiver.kind == .video {
                    outbound["framesPerSecond"] = .double(Double(sender.statistics.framesEncoded) / (now - started).seconds)
                }
                if rtp.reportsReceived > 0 {
                    outbound["remoteId"] = .string("RI-\(ssrc)")
                    var remote: [String: StatisticsValue] = [
                        "ssrc": .int(Int(ssrc)), "kind": .string(transceiver.kind.rawValue), "transportId": .string("T"),
                        "codecId": .string(codecID), "localId": .string("OT-\(ssrc)"),
                        "reportsReceived": .int(Int(rtp.reportsReceived)),
                        "roundTripTimeMeasurements": .int(Int(rtp.roundTripTimeMeasurements)),
                    ]
                    if let lost = rtp.remotePacketsLost { remote["packetsLost"] = .int(Int(lost)) }
                    if let fraction = rtp.remoteFractionLost { remote["fractionLost"] = .double(Double(fraction) / 256) }
                    if let jitter = rtp.remoteJitterSeconds { remote["jitter"] = .double(jitter) }
                    if let rtt = rtp.roundTripTime { remote["roundTripTime"] = .double(rtt.seconds) }
                    add("RI-\(ssrc)", "remote-inbound-rtp", remote)
                }
                add("OT-\(ssrc)", "outbound-rtp", outbound)
            }
            if let receiver = media.receivers[transceiver.id], let ssrc = receiver.ssrc {
                let counts = receiver.receiver?.statistics ?? RTPReceiverStatistics()
                let stats = receiver.statistics
                let payloadType = receiver.payloadTypes.min()
                let codecID = payloadType.map { "CO-\($0)" }
                if let codecID {
                    codecs[codecID] = codecValues(transceiver.negotiated?.codecs.first { $0.payloadType == payloadType }, kind: transceiver.kind)
                }
                var inbound: [String: StatisticsValue] = [
                    "ssrc": .int(Int(ssrc)), "kind": .string(transceiver.kind.rawValue), "transportId": .string("T"),
                    "packetsReceived": .int(Int(counts.packetsReceived)), "bytesReceived": .int(Int(counts.bytesReceived)),
                    "headerBytesReceived": .int(Int(counts.headerBytesReceived)), "packetsLost": .int(Int(counts.packetsLost)),
                    "packetsDiscarded": .int(Int(counts.packetsDiscarded)), "jitter": .double(counts.jitterSeconds),
                    "framesReceived": .int(stats.framesReceived), "framesDecoded": .int(stats.framesDecoded),
                    "keyFramesDecoded": .int(stats.keyFramesDecoded), "framesDropped": .int(stats.framesDropped),
                    "nackCount": .int(stats.nackCount), "pliCount": .int(stats.pliCount), "firCount": .int(stats.firCount),
                    "retransmittedPacketsReceived": .int(stats.retransmissionsReceived),
                    "crucibleDecoderErrors": .int(stats.decoderErrors),
                ]
                if let codecID { inbound["codecId"] = .string(codecID) }
                if let mid { inbound["mid"] = mid }
                if let track = transceiver.remoteTrack { inbound["trackIdentifier"] = .string(track.id) }
                if let width = stats.frameWidth, let height = stats.frameHeight {
                    inbound["frameWidth"] = .int(width)
                    inbound["frameHeight"] = .int(height)
                }
                if let first = receiver.firstDecodedAt, now > first, stats.framesDecoded > 1 {
                    // The average since the first picture (webrtc-stats asks for the last second's).
                    inbound["framesPerSecond"] = .double(Double(stats.framesDecoded - 1) / (now - first).seconds)
                }
                if transceiver.kind == .audio {
                    inbound["totalSamplesReceived"] = .int(stats.totalSamplesReceived)
                    inbound["concealedSamples"] = .int(stats.concealedSamples)
                    if let level = stats.audioLevel { inbound["audioLevel"] = .double(level) }
                }
                if let last = counts.lastPacketReceived { inbound["lastPacketReceivedTimestamp"] = .double(Double(last.nanoseconds) / 1_000_000) }
                if let remote = counts.remoteSender {
                    inbound["remoteId"] = .string("RO-\(ssrc)")
                    add("RO-\(ssrc)", "remote-outbound-rtp", [
                        "ssrc": .int(Int(ssrc)), "kind": .string(transceiver.kind.rawValue), "transportId": .string("T"),
                        "localId": .string("IT-\(ssrc)"), "packetsSent": .int(Int(remote.packetCount)),
                        "bytesSent": .int(Int(remote.octetCount)), "reportsSent": .int(Int(remote.reportsReceived)),
                        // NTP seconds since 1900 to milliseconds since 1970 (webrtc-stats remoteTimestamp).
                        "remoteTimestamp": .double((Double(remote.ntpTimestamp >> 32) - 2_208_988_800
                            + Double(remote.ntpTimestamp & 0xFFFF_FFFF) / 4_294_967_296) * 1_000),
                    ])
                }
                add("IT-\(ssrc)", "inbound-rtp", inbound)
            }
        }
        for (id, values) in codecs.sorted(by: { $0.key < $1.key }) { add(id, "codec", values) }
    }

    private func codecValues(_ codec: RTPCodecParameters?, kind: MediaKind) -> [String: StatisticsValue] {
        guard let codec else { return ["transportId": .string("T")] }
        var values: [String: StatisticsValue] = [
            "transportId": .string("T"), "payloadType": .int(Int(codec.payloadType)),
            "mimeType": .string("\(kind.rawValue)/\(codec.name)"), "clockRate": .int(codec.clockRate),
        ]
        if let channels = codec.channels { values["channels"] = .int(channels) }
        if let fmtp = codec.formatParameters { values["sdpFmtpLine"] = .string(fmtp) }
        return values
    }

    /// SRTP and demultiplexer drops for the transport entry (Crucible's own names, prefixed).
    var mediaTransportValues: [String: StatisticsValue] {
        var values: [String: StatisticsValue] = [
            "crucibleUnroutableRTP": .int(media.counters.unroutableRTP),
            "crucibleMediaBeforeKeys": .int(counters.droppedMedia),
        ]
        if let srtp {
            let statistics = srtp.statistics
            values["srtpCipher"] = .string(srtp.profile.description)
            for reason in SRTPDropReason.allCases {
                let count = statistics.inbound.rtp.dropped[reason] + statistics.inbound.rtcp.dropped[reason]
                values["crucibleSRTPDropped-\(reason.rawValue)"] = .int(count)
            }
        }
        return values
    }
}

extension Duration {
    /// The duration in seconds, as a double.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
