import DTLSRecord
import Pcap
import Replay
import Testing
import Wire

/// One DTLS association however the capture shows it: records that move to another 5-tuple when ICE
/// selects a new pair (an ICE restart onto new sockets, RFC 8445 §9), and handshake messages fragmented
/// across datagrams (RFC 6347 §4.2.3), as Chromium's 1,400-byte ClientHello is. Both were found in the
/// interop matrix (issue 14): the first made a clean restart look like `SCTP.sack-beyond-sent`, the second
/// left every session with Chromium as the DTLS client undecrypted.
@Suite("Replay follows a DTLS association across 5-tuples and fragmented handshakes")
struct AssociationContinuityTests {
    static let movedClient = Endpoint(address: [192, 0, 2, 1], port: 5100)
    static let movedServer = Endpoint(address: [192, 0, 2, 2], port: 6100)

    @Test("Records moving to a new 5-tuple mid-session stay decrypted and are judged as the same SCTP association", arguments: [false, true])
    func movedAssociation(serverSpeaksFirst: Bool) throws {
        let session = try RecordedDTLSSession.record()
        // Move from an SCTP datagram on: the handshake stays on the first 5-tuple, as before a restart.
        let cut = try #require(
            session.sctpDatagrams.dropFirst(2).first { index in
                (session.datagrams[index].source == RecordedDTLSSession.server) == serverSpeaksFirst
            })
        let report = try session.moving(from: cut).replay()
        #expect(report.brokenRules == ["DTLS.association-moved": 1], "\(report.text())")
        #expect(report.flows.count == 2)
        let dtls = try #require(report.dtls)
        #expect(dtls.keyedHandshakes == 1 && dtls.failed == 0)
        #expect(dtls.applicationData == SCTPAssociationRuleTests.session.count)
        #expect(report.sctpPackets == SCTPAssociationRuleTests.session.count)
        // The DTLS-SRTP keys follow the association too: the media after the move authenticates.
        #expect(report.decryption?.authenticated == 10)
        #expect(report.media.opusPackets == 10)
    }

    @Test("A new 5-tuple whose records no keyed handshake authenticates is not adopted")
    func foreignRecordsStayOpaque() throws {
        let session = try RecordedDTLSSession.record()
        let other = try RecordedDTLSSession.record().moving(from: 0)
        let afterHandshake = other.datagrams[other.sctpDatagrams[0]...]
        var combined = session
        combined.datagrams += afterHandshake
        let report = try combined.replay()
        #expect(report.brokenRules["DTLS.association-moved"] == nil, "\(report.text())")
        #expect(report.dtls?.applicationData == SCTPAssociationRuleTests.session.count)
        #expect(report.sctpPackets == SCTPAssociationRuleTests.session.count)
    }

    @Test("A ClientHello fragmented across two datagrams is reassembled: the handshake is keyed and every record decrypts")
    func fragmentedClientHello() throws {
        let session = try RecordedDTLSSession.record()
        let fragmented = try session.fragmentingClientHellos()
        #expect(fragmented.datagrams.count > session.datagrams.count)
        let report = try fragmented.replay()
        #expect(report.findings.isEmpty, "\(report.text())")
        let dtls = try #require(report.dtls)
        #expect(dtls.keyedHandshakes == 1 && dtls.failed == 0)
        #expect(dtls.applicationData == SCTPAssociationRuleTests.session.count)
        #expect(report.decryption?.authenticated == 10)
    }

    @Test("use_srtp is judged against a ClientHello that arrived in fragments (RFC 5764 §4.1.1)")
    func useSRTPAcrossFragments() {
        var writer = ByteWriter()
        HandshakeMessage(type: .clientHello, messageSequence: 0, body: Traffic.clientHello(profiles: [1])).write(to: &writer)
        let message = writer.bytes
        let body = Array(message.dropFirst(HandshakeHeader.byteCount))
        let half = body.count / 2
        func fragment(_ range: Range<Int>, recordSequence: UInt64) -> [UInt8] {
            let header = HandshakeHeader(
                type: .clientHello, length: UInt32(body.count), messageSequence: 0, fragmentOffset: UInt32(range.lowerBound),
                fragmentLength: UInt32(range.count))
            let bytes = HandshakeFragment.serialize([HandshakeFragment(header: header, body: body[range])])
            return Traffic.dtls([Traffic.record(.handshake, sequence: recordSequence, bytes)])
        }
        let report = Traffic.report([
            Traffic.aliceToBob(fragment(0..<half, recordSequence: 0)),
            Traffic.aliceToBob(fragment(half..<body.count, recordSequence: 1)),
            Traffic.bobToAlice(Traffic.handshake(Traffic.serverHello(profiles: [7]), type: .serverHello, messageSequence: 0, recordSequence: 0)),
        ])
        #expect(report.brokenRules["DTLS.use-srtp-agreement"] == 1, "\(report.text())")
    }
}

extension RecordedDTLSSession {
    /// The same session with every datagram from `index` on between two other endpoints, as after an ICE
    /// restart onto new sockets on both sides.
    func moving(from index: Int) -> RecordedDTLSSession {
        var copy = self
        for position in copy.datagrams.indices where position >= index {
            let original = copy.datagrams[position]
            let fromClient = original.source == Self.client
            copy.datagrams[position] = ReplayDatagram(
                frame: original.frame, timestampNanoseconds: original.timestampNanoseconds,
                source: fromClient ? AssociationContinuityTests.movedClient : AssociationContinuityTests.movedServer,
                destination: fromClient ? AssociationContinuityTests.movedServer : AssociationContinuityTests.movedClient,
                payload: original.payload)
        }
        return copy
    }

    /// The same session with each datagram holding a whole ClientHello split into two datagrams, a
    /// fragment each; the second fragment's record takes the next sequence number, and the client's
    /// later plaintext records move up by one, so epoch 0 stays in order (RFC 6347 §4.1).
    func fragmentingClientHellos() throws -> RecordedDTLSSession {
        var copy = self
        copy.datagrams = []
        var split = 0
        for datagram in datagrams {
            var parsed = try? DTLSDatagram.parse(datagram.payload)
            if let original = parsed, datagram.source == Self.client, split > 0 {
                parsed?.records = original.records.map { record in
                    guard case .classic(var classic) = record, classic.epoch == 0 else { return record }
                    classic.sequenceNumber += UInt64(split)
                    return .classic(classic)
                }
            }
            guard let parsed, parsed.records.count == 1, case .classic(let record)? = parsed.records.first,
                !record.isEncrypted, record.contentType == .handshake,
                let fragments = try? HandshakeFragment.parseAll(record.fragment), fragments.count == 1,
                let whole = fragments.first, whole.header.type == .clientHello, whole.header.isComplete
            else {
                copy.datagrams.append(
                    ReplayDatagram(
                        frame: datagram.frame, timestampNanoseconds: datagram.timestampNanoseconds, source: datagram.source,
                        destination: datagram.destination, payload: parsed?.serialize() ?? datagram.payload))
                continue
            }
            let half = whole.body.count / 2
            let ranges = [whole.body.startIndex..<whole.body.startIndex + half, whole.body.startIndex + half..<whole.body.endIndex]
            for (number, range) in ranges.enumerated() {
                var header = whole.header
                header.fragmentOffset = UInt32(range.lowerBound - whole.body.startIndex)
                header.fragmentLength = UInt32(range.count)
                var piece = record
                piece.fragment = HandshakeFragment.serialize([HandshakeFragment(header: header, body: whole.body[range])])[...]
                piece.sequenceNumber += UInt64(number)
                copy.datagrams.append(
                    ReplayDatagram(
                        frame: datagram.frame, timestampNanoseconds: datagram.timestampNanoseconds, source: datagram.source,
                        destination: datagram.destination, payload: DTLSDatagram(records: [.classic(piece)]).serialize()))
            }
            split += 1
        }
        guard split > 0 else { throw RecordingFailure.handshake }
        return copy
    }
}
