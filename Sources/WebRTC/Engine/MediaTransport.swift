import DTLS
public import SansIO
import SRTP

/// SRTP between the transport and the media pipeline (RFC 5764, RFC 3711): keyed from the DTLS
/// exporter, RTP and RTCP told apart by their packet type (RFC 5761 §4), nothing unauthenticated passed on.
extension PeerConnectionMachine {
    /// DTLS is up: SRTP gets its keys (RFC 5764 §4.2) and the media pipeline starts sending.
    mutating func startMedia(_ info: DTLSConnectionInfo, at now: Instant) {
        guard srtp == nil, let keys = info.srtpKeys else { return }
        do {
            srtp = try SRTPTransport(keys: keys, role: info.role == .client ? .client : .server, integrity: configuration.integrity)
        } catch {
            emit(.mediaFailed("SRTP could not be keyed: \(error)"))
            return
        }
        media.transportReady(at: now)
    }

    /// The SCTP association starts once DTLS is up and both descriptions in force (a provisional answer
    /// counts, JSEP §4.1.10.1) have a data section.
    mutating func startChannelsIfNegotiated(at now: Instant) {
        guard !channelsStarted, dtlsState == .connected, let role = dtlsRole,
            localDescription?.dataSection != nil, remoteDescription?.dataSection != nil
        else { return }
        channelsStarted = true
        channels.handle(.start(role == .client ? .even : .odd), at: now)
    }

    /// An RTP or RTCP datagram (first byte 128–191, RFC 7983 §7): RTCP when the second byte is a packet
    /// type 192–223 (RFC 5761 §4), RTP otherwise; refused packets are counted by the SRTP transport.
    mutating func receiveMedia(_ bytes: [UInt8], at now: Instant) {
        guard let srtp else {
            counters.droppedMedia += 1
            return
        }
        let isRTCP = bytes.count > 1 && (192...223).contains(bytes[1])
        do {
            if isRTCP {
                media.receiveRTCP(try srtp.unprotectRTCP(bytes), at: now)
            } else {
                media.receiveRTP(try srtp.unprotectRTP(bytes), at: now)
            }
        } catch {
            // Counted per reason in srtp.statistics (RFC 3711 §3.3: a packet that fails is discarded).
        }
    }

    mutating func route(_ output: MediaOutput, at now: Instant) {
        switch output {
        case .rtp(let packet):
            guard let srtp, let protected = try? srtp.protectRTP(packet) else { return }
            ice?.handle(.send(protected), at: now)
        case .rtcp(let packet):
            guard let srtp, let protected = try? srtp.protectRTCP(packet) else { return }
            ice?.handle(.send(protected), at: now)
        case .frame(let transceiver, let frame):
            emit(.mediaFrame(transceiver, frame))
        }
    }

    /// A frame the application pushed for a track whose source is `.pushed`.
    public mutating func pushFrame(_ frame: PushedFrame, trackID: String, at now: Instant) {
        guard !isClosed else { return }
        media.push(frame, trackID: trackID, at: now)
        pump(at: now)
    }
}
