import DTLSRecord
import Testing
import Wire

/// RFC 6347 §4.2.3 reassembly, within the reassembler's memory bounds.
@Suite("Handshake reassembler")
struct ReassemblerTests {
    /// A 100-byte message body 0, 1, 2 … 99.
    static let body: [UInt8] = (0..<100).map { UInt8($0) }

    /// The fragment of `body` covering `range`, for message_seq `sequence`.
    static func fragment(_ range: Range<Int>, of body: [UInt8] = body, sequence: UInt16 = 1, type: HandshakeType = .certificate) -> HandshakeFragment {
        HandshakeFragment(
            header: HandshakeHeader(
                type: type, length: UInt32(body.count), messageSequence: sequence, fragmentOffset: UInt32(range.lowerBound),
                fragmentLength: UInt32(range.count)),
            body: body[range])
    }

    /// The completed message, or a recorded issue.
    static func completed(_ outcome: HandshakeReassembler.Outcome) -> HandshakeFragment? {
        if case .completed(let whole) = outcome { return whole }
        Issue.record("expected completion, got \(outcome)")
        return nil
    }

    @Test("Fragments in order complete the message once the last byte arrives")
    func inOrder() throws {
        var reassembler = HandshakeReassembler()
        #expect(try reassembler.receive(Self.fragment(0..<40)) == .buffered(missing: 60))
        #expect(try reassembler.receive(Self.fragment(40..<80)) == .buffered(missing: 20))
        let whole = try #require(Self.completed(try reassembler.receive(Self.fragment(80..<100))))
        #expect(Array(whole.body) == Self.body)
        #expect(whole.header == HandshakeHeader(type: .certificate, length: 100, messageSequence: 1, fragmentOffset: 0, fragmentLength: 100))
        #expect(reassembler.bufferedBytes == 0)
        #expect(reassembler.pendingSequences == [])
    }

    @Test("Fragments out of order complete the same message")
    func outOfOrder() throws {
        var reassembler = HandshakeReassembler()
        _ = try reassembler.receive(Self.fragment(80..<100))
        _ = try reassembler.receive(Self.fragment(0..<30))
        let whole = try #require(Self.completed(try reassembler.receive(Self.fragment(30..<80))))
        #expect(Array(whole.body) == Self.body)
    }

    @Test("A duplicated fragment is harmless, and a message is emitted only once")
    func duplicated() throws {
        var reassembler = HandshakeReassembler()
        #expect(try reassembler.receive(Self.fragment(0..<50)) == .buffered(missing: 50))
        #expect(try reassembler.receive(Self.fragment(0..<50)) == .buffered(missing: 50))
        #expect(Self.completed(try reassembler.receive(Self.fragment(50..<100))) != nil)
        #expect(try reassembler.receive(Self.fragment(50..<100)) == .dropped(.alreadyCompleted))
        #expect(try reassembler.receive(Self.fragment(0..<100)) == .dropped(.alreadyCompleted))
        #expect(reassembler.dropCount == 2)
    }

    @Test("Overlapping fragments whose shared bytes agree are accepted")
    func overlappingConsistent() throws {
        var reassembler = HandshakeReassembler()
        _ = try reassembler.receive(Self.fragment(0..<60))
        _ = try reassembler.receive(Self.fragment(20..<70))
        let whole = try #require(Self.completed(try reassembler.receive(Self.fragment(50..<100))))
        #expect(Array(whole.body) == Self.body)
    }

    @Test("Overlapping fragments whose shared bytes differ are rejected with DTLS.reassembly-conflict")
    func overlappingConflicting() throws {
        var reassembler = HandshakeReassembler()
        _ = try reassembler.receive(Self.fragment(0..<60))
        var altered = Self.body
        altered[55] ^= 0xFF
        #expect(throws: DTLSError.self) { try reassembler.receive(Self.fragment(50..<100, of: altered)) }
        do {
            _ = try reassembler.receive(Self.fragment(50..<100, of: altered))
        } catch {
            #expect(error.rule == .reassemblyConflict)
            #expect(error.detail.contains("byte 55"))
        }
        // The first fragment is still held, and the honest rest still completes the message.
        #expect(Self.completed(try reassembler.receive(Self.fragment(60..<100))).map { Array($0.body) } == Self.body)
    }

    @Test("A fragment that changes the message's type or length is a conflict")
    func headerConflict() throws {
        var reassembler = HandshakeReassembler()
        _ = try reassembler.receive(Self.fragment(0..<10))
        #expect(throws: DTLSError(.reassemblyConflict, at: 0, "message_seq 1: fragment says server_key_exchange length 100, earlier fragments said certificate length 100")) {
            try reassembler.receive(Self.fragment(10..<20, type: .serverKeyExchange))
        }
        let longer = Self.body + [0]
        do {
            _ = try reassembler.receive(Self.fragment(10..<20, of: longer))
            Issue.record("a changed length was accepted")
        } catch {
            #expect(error.rule == .reassemblyConflict)
        }
    }

    @Test("Partial messages beyond the memory cap are dropped and said so; memory is given back on completion")
    func overMemoryCap() throws {
        var reassembler = HandshakeReassembler(limits: .init(maxMessageLength: 1000, maxBufferedBytes: 250))
        _ = try reassembler.receive(Self.fragment(0..<10, sequence: 1))
        _ = try reassembler.receive(Self.fragment(0..<10, sequence: 2))
        #expect(reassembler.bufferedBytes == 200)
        #expect(try reassembler.receive(Self.fragment(0..<10, sequence: 3)) == .dropped(.bufferFull(needed: 100, buffered: 200, limit: 250)))
        #expect(reassembler.pendingSequences == [1, 2])
        _ = try reassembler.receive(Self.fragment(10..<100, sequence: 1))
        #expect(reassembler.bufferedBytes == 100)
        #expect(try reassembler.receive(Self.fragment(0..<10, sequence: 3)) == .buffered(missing: 90))
    }

    @Test("A fragment claiming a 16 MiB message is dropped without allocating by that length")
    func hugeClaimedLength() throws {
        var reassembler = HandshakeReassembler(limits: .init(maxMessageLength: 4096, maxBufferedBytes: 8192))
        let tiny: [UInt8] = [1, 2, 3]
        let claim = HandshakeFragment(
            header: HandshakeHeader(type: .certificate, length: 0xFF_FFFF, messageSequence: 7, fragmentOffset: 0, fragmentLength: 3),
            body: tiny[...])
        #expect(try reassembler.receive(claim) == .dropped(.messageTooLong(length: 0xFF_FFFF, limit: 4096)))
        #expect(reassembler.bufferedBytes == 0)
        #expect(reassembler.pendingSequences == [])
    }

    @Test("A complete fragment passes straight through; an empty message (ServerHelloDone) completes at once")
    func completeFragments() throws {
        var reassembler = HandshakeReassembler()
        #expect(Self.completed(try reassembler.receive(Self.fragment(0..<100))).map { Array($0.body) } == Self.body)
        let done = HandshakeFragment(type: .serverHelloDone, messageSequence: 4, body: [])
        #expect(Self.completed(try reassembler.receive(done))?.header.type == .serverHelloDone)
        #expect(reassembler.bufferedBytes == 0)
    }

    @Test("A hand-built fragment whose body does not fit its header is refused, not trusted")
    func inconsistentHandBuiltFragment() {
        var reassembler = HandshakeReassembler()
        let body: [UInt8] = [1, 2, 3, 4]
        let lying = HandshakeFragment(
            header: HandshakeHeader(type: .certificate, length: 3, messageSequence: 0, fragmentOffset: 0, fragmentLength: 4),
            body: body[...])
        #expect(throws: DTLSError.self) { try reassembler.receive(lying) }
    }

    @Test("Fragments delivered in any random order and overlap reassemble the original message")
    func randomSplits() throws {
        var rng = SeededGenerator(seed: 0xD715)
        for _ in 0..<200 {
            let length = Int.random(in: 1...300, using: &rng)
            let body = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var pieces: [Range<Int>] = []
            var start = 0
            while start < length {
                let end = min(length, start + Int.random(in: 1...64, using: &rng))
                // Sometimes reach back to overlap the previous piece.
                let from = max(0, start - Int.random(in: 0...8, using: &rng))
                pieces.append(from..<end)
                start = end
            }
            pieces.shuffle(using: &rng)
            var reassembler = HandshakeReassembler()
            var outcomes: [HandshakeReassembler.Outcome] = []
            for piece in pieces { outcomes.append(try reassembler.receive(Self.fragment(piece, of: body))) }
            let completions = outcomes.compactMap { outcome -> [UInt8]? in
                if case .completed(let whole) = outcome { return Array(whole.body) }
                return nil
            }
            #expect(completions == [body])
            // Overlaps can make a later piece redundant: after completion, pieces are dropped as such.
            let completedAt = try #require(outcomes.firstIndex { if case .completed = $0 { true } else { false } })
            #expect(outcomes[(completedAt + 1)...].allSatisfy { $0 == .dropped(.alreadyCompleted) })
        }
    }
}
