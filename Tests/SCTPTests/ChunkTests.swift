import CrucibleTestSupport
import Conformance
import SCTP
import Testing
import Wire

/// Chunk by chunk: bytes laid out by hand from the RFC figures, and the model each must decode to.
/// Every row is checked both ways (parse and serialize).
@Suite("SCTP chunks")
struct SCTPChunkTests {
    static let rows: [Named<(hex: String, chunk: SCTPChunk)>] = [
        Named("DATA with I, U and B flags (RFC 9260 §3.3.1, RFC 7053), PPID 53, 3 padding bytes", (
            "00 0e 00 11  00000001 0002 0003 00000035 aa  000000",
            .data(DataChunk(
                flags: [.immediate, .unordered, .beginning], tsn: 1, streamIdentifier: 2, streamSequenceNumber: 3,
                payloadProtocol: .binary, userData: [0xAA]))
        )),
        Named("I-DATA first fragment carries the PPID (RFC 8260 §2.1)", (
            "40 02 00 15  00000007 0001 0000 00000009 00000033 68  000000",
            .iData(IDataChunk(
                flags: .beginning, tsn: 7, streamIdentifier: 1, messageIdentifier: 9,
                payloadProtocolOrFragmentSequence: 51, userData: [0x68]))
        )),
        Named("I-DATA later fragment carries the FSN (RFC 8260 §2.1)", (
            "40 01 00 15  00000008 0001 0000 00000009 00000001 69  000000",
            .iData(IDataChunk(
                flags: .ending, tsn: 8, streamIdentifier: 1, messageIdentifier: 9,
                payloadProtocolOrFragmentSequence: 1, userData: [0x69]))
        )),
        Named("I-FORWARD-TSN with an unordered and an ordered stream (RFC 8260 §2.3.1)", (
            "c2 00 00 18  00000064  0001 0001 0000000a  0002 0000 0000000b",
            .iForwardTSN(IForwardTSNChunk(newCumulativeTSN: 100, streams: [
                .init(identifier: 1, unordered: true, messageIdentifier: 10),
                .init(identifier: 2, unordered: false, messageIdentifier: 11),
            ]))
        )),
        Named("FORWARD TSN with two streams (RFC 3758 §3.2)", (
            "c0 00 00 10  00000064  0001 0005  0002 0006",
            .forwardTSN(ForwardTSNChunk(newCumulativeTSN: 100, streams: [
                .init(identifier: 1, sequenceNumber: 5), .init(identifier: 2, sequenceNumber: 6),
            ]))
        )),
        Named("PAD keeps its padding data (RFC 4820 §3)", (
            "84 00 00 08  00000000",
            .pad(PadChunk(padding: [0, 0, 0, 0]))
        )),
        Named("SACK without gap blocks or duplicates (RFC 9260 §3.3.4)", (
            "03 00 00 10  00000010 00010000 0000 0000",
            .selectiveAck(SelectiveAckChunk(cumulativeTSNAck: 16, advertisedReceiverWindowCredit: 65536))
        )),
        Named("SHUTDOWN COMPLETE with the T bit (RFC 9260 §3.3.13)", (
            "0e 01 00 04", .shutdownComplete(ShutdownCompleteChunk(reflectedTag: true))
        )),
        Named("ABORT with the T bit and no cause (RFC 9260 §3.3.7)", (
            "06 01 00 04", .abort(AbortChunk(reflectedTag: true))
        )),
        Named("ABORT with User-Initiated Abort 'bye'; the cause's padding is outside the chunk length", (
            "06 00 00 0b  000c 0007 627965  00",
            .abort(AbortChunk(causes: [.userInitiatedAbort(Array("bye".utf8))]))
        )),
        Named("COOKIE ACK keeps a reserved flag bit as received (RFC 9260 §3.3)", (
            "0b 80 00 04", .cookieAck(EmptyChunk(flags: 0x80))
        )),
        Named("ERROR: Stale Cookie with its staleness (§3.3.10.3)", (
            "09 00 00 0c  0003 0008 000003e8", .error(ErrorChunk(causes: [.staleCookie(stalenessMicroseconds: 1000)]))
        )),
        Named("ERROR: Missing Mandatory Parameter, final padding counted in the chunk length (§3.3.10.2)", (
            "09 00 00 10  0002 000a 00000001 0007 0000",
            .error(ErrorChunk(causes: TLVList([.missingMandatoryParameter([7])], finalPaddingCounted: true)))
        )),
        Named("ERROR: Missing Mandatory Parameter, final padding after the chunk length (§3.2)", (
            "09 00 00 0e  0002 000a 00000001 0007 0000",
            .error(ErrorChunk(causes: TLVList([.missingMandatoryParameter([7])], finalPaddingCounted: false)))
        )),
        Named("ERROR: the causes without a value: Out of Resource, Invalid Mandatory Parameter, Cookie While Shutting Down", (
            "09 00 00 10  0004 0004 0007 0004 000a 0004",
            .error(ErrorChunk(causes: [.outOfResource, .invalidMandatoryParameter, .cookieReceivedWhileShuttingDown]))
        )),
        Named("ERROR: No User Data names the TSN (§3.3.10.9)", (
            "09 00 00 0c  0009 0008 00000005", .error(ErrorChunk(causes: [.noUserData(tsn: 5)]))
        )),
        Named("ERROR: Invalid Stream Identifier (§3.3.10.1)", (
            "09 00 00 0c  0001 0008 0007 0000", .error(ErrorChunk(causes: [.invalidStreamIdentifier(stream: 7, reserved: 0)]))
        )),
        Named("ERROR: Unrecognized Chunk Type carries the chunk (§3.3.10.6)", (
            "09 00 00 0c  0006 0008 4f000004", .error(ErrorChunk(causes: [.unrecognizedChunkType([0x4F, 0, 0, 4])]))
        )),
        Named("ERROR: Unresolvable Address, Unrecognized Parameters, Restart with New Addresses, Protocol Violation", (
            "09 00 00 2c  0005 000c 00050008c0a80001  0008 0008 c0000004  000b 000c 00050008c0a80002  000d 0008 61626364",
            .error(ErrorChunk(causes: [
                .unresolvableAddress(Hex.literal("00050008c0a80001")), .unrecognizedParameters(Hex.literal("c0000004")),
                .restartWithNewAddresses(Hex.literal("00050008c0a80002")), .protocolViolation(Array("abcd".utf8)),
            ]))
        )),
        Named("ERROR: an unknown cause code is kept byte-exact", (
            "09 00 00 0a  0100 0006 abcd  0000", .error(ErrorChunk(causes: [.unknown(code: 0x100, value: [0xAB, 0xCD])]))
        )),
        Named("INIT with the address, cookie preservative, RFC 9653, ECN and Forward-TSN parameters", (
            """
            01 00 00 50  11223344 00020000 0400 0800 00000001
            0005 0008 c0a80001  0006 0014 20010db8000000000000000000000001  000c 0008 0005 0006
            0009 0008 00002710  8001 0008 00000001  8000 0004  c000 0004
            """,
            .initiation(InitChunk(
                initiateTag: 0x1122_3344, advertisedReceiverWindowCredit: 0x20000, outboundStreams: 1024,
                inboundStreams: 2048, initialTSN: 1,
                parameters: [
                    .ipv4Address(0xC0A8_0001), .ipv6Address(IPv6Address(high: 0x2001_0DB8_0000_0000, low: 1)),
                    .supportedAddressTypes([5, 6]), .cookiePreservative(10000),
                    .zeroChecksumAcceptable(edmid: SCTPParameter.edmidDTLS), .ecnCapable, .forwardTSNSupported,
                ]))
        )),
        Named("INIT ACK with State Cookie, Unrecognized Parameter, Host Name and an unknown parameter", (
            """
            02 00 00 38  55667788 00010000 0010 0010 00000064
            0007 0008 01020304  0008 0008 c1230004  000b 0009 6578616d70 000000  c123 0006 abcd 0000
            """,
            .initiationAck(InitChunk(
                initiateTag: 0x5566_7788, advertisedReceiverWindowCredit: 0x10000, outboundStreams: 16, inboundStreams: 16,
                initialTSN: 100,
                parameters: TLVList([
                    .stateCookie([1, 2, 3, 4]), .unrecognizedParameter(Hex.literal("c1230004")), .hostName(Array("examp".utf8)),
                    .unknown(type: 0xC123, value: [0xAB, 0xCD]),
                ], finalPaddingCounted: true)))
        )),
        Named("INIT with a Padding parameter (RFC 4820 §4) and Supported Extensions (RFC 5061 §4.2.7)", (
            "01 00 00 24  00000001 00010000 0001 0001 00000001  8005 0008 00000000  8008 0007 c0c282 00",
            .initiation(InitChunk(
                initiateTag: 1, advertisedReceiverWindowCredit: 0x10000, outboundStreams: 1, inboundStreams: 1, initialTSN: 1,
                parameters: TLVList([.padding([0, 0, 0, 0]), .supportedExtensions([0xC0, 0xC2, 0x82])], finalPaddingCounted: true)))
        )),
        Named("HEARTBEAT ACK echoes Heartbeat Info (RFC 9260 §3.3.6)", (
            "05 00 00 0c  0001 0008 01020304", .heartbeatAck(HeartbeatChunk(parameters: [.heartbeatInfo([1, 2, 3, 4])]))
        )),
        Named("RE-CONFIG: Incoming SSN Reset Request, odd stream count padded (RFC 6525 §4.2)", (
            "82 00 00 0e  000e 000a 00000001 0003  0000",
            .reconfig(ReconfigChunk(parameters: [.incomingSSNResetRequest(IncomingSSNResetRequest(requestSequenceNumber: 1, streams: [3]))]))
        )),
        Named("RE-CONFIG: SSN/TSN Reset Request (RFC 6525 §4.3)", (
            "82 00 00 0c  000f 0008 00000005", .reconfig(ReconfigChunk(parameters: [.ssnTSNResetRequest(5)]))
        )),
        Named("RE-CONFIG: Response with the optional next TSNs (RFC 6525 §4.4)", (
            "82 00 00 18  0010 0014 00000005 00000001 00000064 000000c8",
            .reconfig(ReconfigChunk(parameters: [.reconfigurationResponse(ReconfigurationResponse(
                responseSequenceNumber: 5, result: 1, nextTSNs: .init(sender: 100, receiver: 200)))]))
        )),
        Named("RE-CONFIG: Add Incoming Streams (RFC 6525 §4.6)", (
            "82 00 00 10  0012 000c 00000006 0004 0000",
            .reconfig(ReconfigChunk(parameters: [.addIncomingStreams(AddStreamsRequest(requestSequenceNumber: 6, newStreams: 4))]))
        )),
        Named("RE-CONFIG: Outgoing (all streams) and Incoming SSN Reset Requests together (RFC 6525 §3.1)", (
            "82 00 00 1c  000d 0010 00000001 00000002 00000003  000e 0008 00000004",
            .reconfig(ReconfigChunk(parameters: [
                .outgoingSSNResetRequest(OutgoingSSNResetRequest(
                    requestSequenceNumber: 1, responseSequenceNumber: 2, senderLastAssignedTSN: 3, streams: [])),
                .incomingSSNResetRequest(IncomingSSNResetRequest(requestSequenceNumber: 4, streams: [])),
            ]))
        )),
        Named("An unknown chunk type is kept byte-exact with its flags", (
            "3f 5a 00 06  0102  0000", .unknown(UnknownChunk(type: 0x3F, flags: 0x5A, value: [1, 2]))
        )),
    ]

    @Test("Each chunk decodes to its model and the model encodes to the same bytes", arguments: rows)
    func chunk(_ row: Named<(hex: String, chunk: SCTPChunk)>) throws {
        #expect(try onlyChunk(row.value.hex) == row.value.chunk)
        #expect(row.value.chunk.serialize() == Hex.literal(row.value.hex))
        let whole = packet(chunks: row.value.hex)
        #expect(try SCTPPacket.parse(whole).serialize() == whole)
    }

    @Test(
        "The two high bits of an unknown chunk type choose the receiver's action (RFC 9260 §3.2)",
        arguments: [
            (0x3F, UnrecognizedTypeAction.stopAndDiscard), (0x7F, .stopDiscardAndReport), (0xBF, .skip), (0xFF, .skipAndReport),
        ] as [(UInt8, UnrecognizedTypeAction)])
    func unknownChunkActions(type: UInt8, action: UnrecognizedTypeAction) throws {
        let hex = String(type, radix: 16) + " 00 00 04  0b 00 00 04"
        let parsed = try SCTPPacket.parse(packet(chunks: hex))
        #expect(parsed.unrecognizedChunkActions == [UnrecognizedChunk(chunkIndex: 0, type: type, action: action)])
        #expect(parsed.findings.map(\.rule) == [.unrecognizedChunk])
    }

    @Test("The two high bits of an unknown INIT parameter type choose the receiver's action (RFC 9260 §3.2.1)")
    func unknownParameterActions() throws {
        let parsed = try SCTPPacket.parse(packet(
            chunks: "01 00 00 24  00000001 00010000 0001 0001 00000001  0123 0004 4123 0004 8123 0004 c123 0004",
            verificationTag: 0))
        #expect(parsed.unrecognizedParameterActions.map(\.action) == [.stopAndDiscard, .stopDiscardAndReport, .skip, .skipAndReport])
        #expect(parsed.unrecognizedParameterActions.map(\.parameterIndex) == [0, 1, 2, 3])
        #expect(parsed.findings.map(\.rule) == Array(repeating: .unrecognizedParameter, count: 4))
    }

    @Test("INIT, INIT ACK and SHUTDOWN COMPLETE bundled with other chunks are reported (RFC 9260 §6.10)")
    func bundlingReported() throws {
        let initAndAck = try SCTPPacket.parse(packet(chunks: "01 00 00 14 00000001 00010000 0001 0001 00000001  0b 00 00 04", verificationTag: 0))
        #expect(initAndAck.findings.map(\.rule) == [.bundling])
        #expect(initAndAck.findings.first?.chunkIndex == 0)
        let completeAndData = try SCTPPacket.parse(packet(chunks: "0b 00 00 04  0e 00 00 04"))
        #expect(completeAndData.findings.map(\.rule) == [.bundling])
        #expect(completeAndData.findings.first?.chunkIndex == 1)
        let bundledData = try SCTPPacket.parse(packet(chunks: "0b 00 00 04  00 03 00 11 00000001 0000 0000 00000033 61 000000"))
        #expect(bundledData.findings.isEmpty)
    }

    @Test("INIT with Initiate Tag 0 or zero stream counts is reported (RFC 9260 §3.3.2)")
    func initFieldsReported() throws {
        let parsed = try SCTPPacket.parse(packet(chunks: "01 00 00 14 00000000 00010000 0000 0001 00000001", verificationTag: 0))
        #expect(parsed.findings.map(\.rule) == [.initFields, .initFields])
    }

    @Test(
        "Chunks missing a mandatory parameter are reported (RFC 9260 §3.3.3, §3.3.5, RFC 6525 §3.1)",
        arguments: [
            Named("INIT ACK without State Cookie", "02 00 00 14 00000001 00010000 0001 0001 00000001"),
            Named("HEARTBEAT without Heartbeat Info", "04 00 00 04"),
            Named("HEARTBEAT ACK with only an unknown parameter", "05 00 00 08 8123 0004"),
            Named("RE-CONFIG without parameters", "82 00 00 04"),
            Named("RE-CONFIG with three parameters", "82 00 00 1c 000f 0008 00000001 000f 0008 00000002 000f 0008 00000003"),
            Named("RE-CONFIG with a parameter that is not a re-configuration", "82 00 00 0c 0005 0008 c0a80001"),
        ])
    func mandatoryParameterReported(_ row: Named<String>) throws {
        let findings = try SCTPPacket.parse(packet(chunks: row.value)).findings.map(\.rule)
        #expect(findings.first == .mandatoryParameter)
    }

    @Test("DATA without user data is well-formed but reported (RFC 9260 §3.3.1: the receiver aborts)")
    func emptyDataReported() throws {
        let parsed = try SCTPPacket.parse(packet(chunks: "00 03 00 10 00000001 0000 0000 00000033"))
        #expect(parsed.findings.map(\.rule) == [.noUserData])
    }

    @Test("A last chunk without its padding is accepted and re-serialised without it (RFC 9260 §3.2)")
    func lastChunkUnpadded() throws {
        let unpadded = packet(chunks: "00 03 00 11 00000001 0000 0000 00000033 4d")
        let parsed = try SCTPPacket.parse(unpadded)
        #expect(parsed.lastChunkPadded == false)
        #expect(parsed.serialize() == unpadded)
        var padded = parsed
        padded.lastChunkPadded = true
        #expect(padded.serialize() == packet(chunks: "00 03 00 11 00000001 0000 0000 00000033 4d 000000"))
    }

    @Test("DATA user data is a slice of the input, not a copy")
    func dataIsNotCopied() throws {
        let input = packet(chunks: "00 03 00 14 00000001 0000 0000 00000033 70696e67")
        let parsed = try SCTPPacket.parse(input)
        guard case .data(let data) = parsed.chunks.first else {
            Issue.record("expected DATA")
            return
        }
        #expect(data.userData.startIndex == 28)
        input.withUnsafeBufferPointer { inputBuffer in
            data.userData.withUnsafeBufferPointer { slice in
                #expect(slice.baseAddress == inputBuffer.baseAddress.map { $0 + 28 })
            }
        }
    }

    @Test("PPIDs of RFC 8831 §8 are named, others kept as numbers")
    func payloadProtocols() {
        let expected: [(UInt32, PayloadProtocolIdentifier.Known?)] = [
            (50, .dcep), (51, .string), (52, .stringPartial), (53, .binary), (54, .binaryPartial), (55, nil),
            (56, .stringEmpty), (57, .binaryEmpty), (0, nil), (0xFFFF_FFFF, nil),
        ]
        for (raw, known) in expected {
            #expect(PayloadProtocolIdentifier(rawValue: raw).known == known, "PPID \(raw)")
        }
    }
}

/// Fields of the shared vectors (../shared/vectors/sctp_packets.txt), transcribed from their headings.
@Suite("SCTP shared vector fields")
struct SCTPSharedFieldTests {
    func chunks(_ heading: String) throws -> [SCTPChunk] {
        let vector = try #require(try SharedFolder.hexVectors("sctp_packets.txt").first { $0.heading.hasPrefix(heading) })
        return try SCTPPacket.parse(vector.bytes).chunks
    }

    @Test("aiortc sctp_data.bin: DATA B|E TSN 2584679421 SID 1 SSN 1 PPID 51 'ping'")
    func data() throws {
        #expect(try chunks("aiortc sctp_data.bin") == [.data(DataChunk(
            flags: .complete, tsn: 2_584_679_421, streamIdentifier: 1, streamSequenceNumber: 1, payloadProtocol: .string,
            userData: Array("ping".utf8)[...]))])
    }

    @Test("aiortc sctp_sack.bin: SACK cum TSN 2222939037 a_rwnd 128160 gaps (2,2),(4,4) dup 2222939041")
    func sack() throws {
        #expect(try chunks("aiortc sctp_sack.bin") == [.selectiveAck(SelectiveAckChunk(
            cumulativeTSNAck: 2_222_939_037, advertisedReceiverWindowCredit: 128_160,
            gapAckBlocks: [.init(start: 2, end: 2), .init(start: 4, end: 4)], duplicateTSNs: [2_222_939_041]))])
    }

    @Test("aiortc sctp_abort.bin: ABORT with Protocol Violation text")
    func abort() throws {
        #expect(try chunks("aiortc sctp_abort.bin") == [.abort(AbortChunk(causes: [
            .protocolViolation(Array("Expected B-bit for TSN=4ce1f17f, SID=0001, SSN=0000".utf8)),
        ]))])
    }

    @Test("aiortc sctp_reconfig_reset_out.bin: Outgoing SSN Reset Request, streams [1]")
    func reconfigResetOut() throws {
        #expect(try chunks("aiortc sctp_reconfig_reset_out.bin") == [.reconfig(ReconfigChunk(parameters: [
            .outgoingSSNResetRequest(OutgoingSSNResetRequest(
                requestSequenceNumber: 2_346_191_451, responseSequenceNumber: 3_834_375_283,
                senderLastAssignedTSN: 2_346_191_454, streams: [1])),
        ]))])
    }

    @Test("aiortc sctp_reconfig_response.bin: response seq 2438143828, result 1 (RFC 6525 §4.4: Success - Performed)")
    func reconfigResponse() throws {
        let expected = ReconfigurationResponse(responseSequenceNumber: 2_438_143_828, result: 1)
        #expect(try chunks("aiortc sctp_reconfig_response.bin") == [.reconfig(ReconfigChunk(parameters: [.reconfigurationResponse(expected)]))])
        #expect(expected.resultName == "Success - Performed")
    }

    @Test("aiortc sctp_reconfig_add_out.bin: Add Outgoing Streams, 16 new streams")
    func reconfigAddOut() throws {
        #expect(try chunks("aiortc sctp_reconfig_add_out.bin") == [.reconfig(ReconfigChunk(parameters: [
            .addOutgoingStreams(AddStreamsRequest(requestSequenceNumber: 3_389_191_728, newStreams: 16)),
        ]))])
    }

    @Test("aiortc sctp_forward_tsn.bin: FORWARD TSN 1234, stream 12 SSN 34")
    func forwardTSN() throws {
        #expect(try chunks("aiortc sctp_forward_tsn.bin") == [.forwardTSN(ForwardTSNChunk(
            newCumulativeTSN: 1234, streams: [.init(identifier: 12, sequenceNumber: 34)]))])
    }

    @Test("aiortc sctp_error.bin: ERROR, Invalid Stream Identifier 0x3039")
    func error() throws {
        #expect(try chunks("aiortc sctp_error.bin") == [.error(ErrorChunk(causes: [.invalidStreamIdentifier(stream: 0x3039, reserved: 0)]))])
    }

    @Test("aiortc sctp_shutdown.bin, sctp_shutdown_ack.bin, sctp_cookie_echo.bin")
    func shutdownAndCookie() throws {
        #expect(try chunks("aiortc sctp_shutdown.bin") == [.shutdown(ShutdownChunk(cumulativeTSNAck: 2_696_426_712))])
        #expect(try chunks("aiortc sctp_shutdown_ack.bin") == [.shutdownAck(EmptyChunk())])
        #expect(try chunks("aiortc sctp_cookie_echo.bin") == [.cookieEcho(CookieEchoChunk(cookie: Array("12345678".utf8)))])
    }

    @Test("aiortc sctp_init.bin: usrsctp's INIT parameters, OS 256 MIS 2048")
    func initiation() throws {
        guard case .initiation(let chunk) = try chunks("aiortc sctp_init.bin").first else {
            Issue.record("expected INIT")
            return
        }
        #expect(chunk.outboundStreams == 256 && chunk.inboundStreams == 2048)
        #expect(chunk.parameters.elements.map(\.type) == [0xC000, 0x8008, 0x8002, 0x8004, 0x8003])
        #expect(chunk.parameters.elements[1] == .supportedExtensions([0xC0, 0x0F, 0xC1, 0x80, 0x82]))
        #expect(chunk.parameters.elements[4] == .chunkList([0x80, 0xC1]))
        #expect(chunk.parameters.finalPaddingCounted == false)
    }

    @Test("dcsctp capture INIT: ECN Capable first, init TSN 1426601527, OS/MIS 1000/1000")
    func dcsctpInit() throws {
        guard case .initiation(let chunk) = try chunks("dcsctp DeserializeSimplePacketFromCapture").first else {
            Issue.record("expected INIT")
            return
        }
        #expect(chunk.initialTSN == 1_426_601_527 && chunk.outboundStreams == 1000 && chunk.inboundStreams == 1000)
        #expect(chunk.parameters.elements.first == .ecnCapable)
    }

    @Test("pion Chrome INIT ACK: the State Cookie is the 'KAME-BSD 1.1' blob")
    func chromeInitAck() throws {
        guard case .initiationAck(let chunk) = try chunks("pion TestChromeChunk2InitAck").first else {
            Issue.record("expected INIT ACK")
            return
        }
        guard case .stateCookie(let cookie) = chunk.parameters.elements.last else {
            Issue.record("expected a State Cookie last")
            return
        }
        #expect(cookie.starts(with: Array("KAME-BSD 1.1".utf8)))
        #expect(cookie.count == 0x138 - 4)
    }

    @Test("aiortc sctp_heartbeat.bin: one Heartbeat Info of 36 bytes")
    func heartbeat() throws {
        guard case .heartbeat(let chunk) = try chunks("aiortc sctp_heartbeat.bin").first,
            case .heartbeatInfo(let info) = chunk.parameters.elements.first
        else {
            Issue.record("expected HEARTBEAT with Heartbeat Info")
            return
        }
        #expect(info.count == 36)
    }

    @Test("dcsctp two chunks: COOKIE ACK then SACK")
    func twoChunks() throws {
        let parsed = try chunks("dcsctp DeserializePacketWithTwoChunks")
        #expect(parsed.map(\.name) == ["COOKIE ACK", "SACK"])
    }
}
