import PropertyBased
import Testing
import Wire

@Suite("ByteReader and ByteWriter")
struct ByteReaderWriterTests {
    @Test("Big-endian integers of every width read back what was written")
    func integersRoundTrip() throws {
        var writer = ByteWriter()
        writer.writeUInt8(0xAB)
        writer.writeUInt16(0x1234)
        writer.writeUInt24(0x56_789A)
        writer.writeUInt32(0xDEAD_BEEF)
        writer.writeUInt48(0x0102_0304_0506)
        writer.writeUInt64(0x1122_3344_5566_7788)
        #expect(writer.bytes.count == 1 + 2 + 3 + 4 + 6 + 8)
        #expect(Array(writer.bytes[1...2]) == [0x12, 0x34])

        var reader = ByteReader(writer.bytes)
        #expect(try reader.readUInt8() == 0xAB)
        #expect(try reader.readUInt16() == 0x1234)
        #expect(try reader.readUInt24() == 0x56_789A)
        #expect(try reader.readUInt32() == 0xDEAD_BEEF)
        #expect(try reader.readUInt48() == 0x0102_0304_0506)
        #expect(try reader.readUInt64() == 0x1122_3344_5566_7788)
        #expect(reader.isAtEnd)
    }

    @Test("A read past the end throws TruncatedInput with the offset, and consumes nothing")
    func truncation() throws {
        var reader = ByteReader([1, 2, 3])
        _ = try reader.readUInt16()
        #expect(throws: TruncatedInput(offset: 2, needed: 4, available: 1)) { try reader.readUInt32() }
        #expect(reader.offset == 2)
        #expect(try reader.readUInt8() == 3)
    }

    @Test("A negative or huge count from a length field is refused before any allocation")
    func hostileCounts() {
        var reader = ByteReader([1, 2, 3, 4])
        #expect(throws: TruncatedInput.self) { try reader.readBytes(-1) }
        #expect(throws: TruncatedInput.self) { try reader.readBytes(Int.max) }
        #expect(throws: TruncatedInput.self) { try reader.skip(5) }
        #expect(reader.remaining == 4)
    }

    @Test("Sub-readers are bounded and report offsets from the outermost input")
    func subReaderOffsets() throws {
        var outer = ByteReader([0, 1, 2, 3, 4, 5, 6, 7])
        try outer.skip(2)
        var inner = try outer.subReader(3)
        #expect(outer.offset == 5)
        #expect(try inner.readUInt16() == 0x0203)
        #expect(throws: TruncatedInput(offset: 4, needed: 2, available: 1)) { try inner.readUInt16() }
        #expect(Array(inner.readRemaining()) == [4])
    }

    @Test("Readers over slices count offsets from the slice's start")
    func sliceOrigin() throws {
        let bytes: [UInt8] = [9, 9, 0xAA, 0xBB]
        var reader = ByteReader(bytes[2...])
        #expect(reader.offset == 0)
        #expect(try reader.readUInt16() == 0xAABB)
    }

    @Test("Length placeholders are patched in place")
    func patching() {
        var writer = ByteWriter()
        writer.writeUInt16(0)
        writer.writeUInt32(0)
        writer.writeBytes([1, 2, 3])
        writer.setUInt16(UInt16(writer.count), at: 0)
        writer.setUInt32(0xCAFE_F00D, at: 2)
        #expect(writer.bytes == [0x00, 0x09, 0xCA, 0xFE, 0xF0, 0x0D, 1, 2, 3])
    }

    @Test("Property: any sequence of 32-bit writes reads back in order")
    func writeReadProperty() async {
        await propertyCheck(input: Gen.uint32().array(of: 0...40)) { values in
            var writer = ByteWriter()
            for value in values { writer.writeUInt32(value) }
            var reader = ByteReader(writer.bytes)
            var read: [UInt32] = []
            while !reader.isAtEnd { read.append(try! reader.readUInt32()) }
            #expect(read == values)
        }
    }
}

@Suite("Hex")
struct HexTests {
    @Test("Decoding accepts spaces, colons, dashes, newlines and 0x prefixes")
    func decodeForms() throws {
        #expect(try Hex.decode("00 01\nff") == [0x00, 0x01, 0xFF])
        #expect(try Hex.decode("0x0001") == [0x00, 0x01])
        #expect(try Hex.decode("AB:cd-EF") == [0xAB, 0xCD, 0xEF])
        #expect(try Hex.decode("") == [])
    }

    @Test("Decoding names the offending character", arguments: [
        ("0g", 1), ("abc", 3), ("a b", 1), ("1x00", 1),
    ])
    func decodeErrors(text: String, offset: Int) {
        #expect(throws: Hex.DecodingError.self) { try Hex.decode(text) }
        do { _ = try Hex.decode(text) } catch { #expect(error.offset == offset) }
    }

    @Test("Encoding is lower-case with an optional separator")
    func encode() {
        #expect(Hex.encode([0xDE, 0xAD, 0x01]) == "dead01")
        #expect(Hex.encode([0xDE, 0xAD], separator: " ") == "de ad")
    }

    @Test("Property: encode then decode is the identity")
    func roundTrip() async {
        await propertyCheck(input: Gen.uint8().array(of: 0...64)) { bytes in
            #expect(try! Hex.decode(Hex.encode(bytes, separator: " ")) == bytes)
        }
    }
}

@Suite("Structure rendering")
struct StructureTests {
    let sample = Structure.fields([
        "type": .text("Binding \"request\""),
        "length": .unsigned(8),
        "flags": .list([.flag(true), .number(-1)]),
        "raw": .bytes([0xDE, 0xAD]),
    ])

    @Test("JSON keeps field order and escapes strings")
    func json() {
        #expect(sample.renderJSON() == #"{"type":"Binding \"request\"","length":8,"flags":[true,-1],"raw":"dead"}"#)
        #expect(Structure.jsonString("a\u{1}\n") == #""a\u0001\n""#)
    }

    @Test("Text is indented name: value lines")
    func text() {
        #expect(sample.renderText() == """
            type: Binding "request"
            length: 8
            flags: [2]
              [0]: true
              [1]: -1
            raw: de ad
            """)
    }
}

@Suite("Hex integers")
struct HexIntegerTests {
    @Test("Integers are zero-padded to their type's width behind the prefix", arguments: [
        (Hex.integer(UInt16(0x8022)), "0x8022"),
        (Hex.integer(UInt16(0x24), prefix: ""), "0024"),
        (Hex.integer(UInt32(1)), "0x00000001"),
        (Hex.integer(UInt8(0xAB)), "0xab"),
    ])
    func padded(rendered: String, expected: String) {
        #expect(rendered == expected)
    }
}
