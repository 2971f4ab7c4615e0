import Conformance
import Testing

@Suite("Reading the shared binary vector files")
struct HexVectorFileTests {
    @Test("Sections under ## headings collect their hex lines and notes; banners and prose are skipped")
    func layout() {
        let text = """
            # file comment
            ############ origin banner
            ## first — two lines of hex
            # note one
            00 01 02
            ff
            ## second
            data = 00 x 32
            0a 0b

            ## empty section has no bytes and is not a vector
            """
        let vectors = HexVectorFile.vectors(file: "f.txt", text: text)
        #expect(vectors.map(\.heading) == ["first — two lines of hex", "second"])
        #expect(vectors[0].bytes == [0, 1, 2, 0xFF])
        #expect(vectors[0].notes == ["note one"])
        #expect(vectors[1].bytes == [0x0A, 0x0B])
        #expect(vectors[1].name == "f.txt#second")
    }

    @Test("A comment between two runs of hex lines splits them into two vectors (dcep_rfc8832.txt's ACK)")
    func runs() {
        let vectors = HexVectorFile.vectors(file: "d.txt", text: "## ACK\n02 00 00 00\n# the RFC's form:\n02\n## next\n03\n")
        #expect(vectors.map(\.name) == ["d.txt#ACK", "d.txt#ACK [2]", "d.txt#next"])
        #expect(vectors.map(\.bytes) == [[2, 0, 0, 0], [2], [3]])
        #expect(vectors[1].notes == ["the RFC's form:"])
    }

    @Test("A file with one unnamed vector is named after the file (RFC 8489 B.1's layout)")
    func unnamed() {
        let vectors = HexVectorFile.vectors(file: "b1.txt", text: "# comment\n00 01\n02 03\n")
        #expect(vectors.count == 1)
        #expect(vectors[0].name == "b1.txt#b1.txt")
        #expect(vectors[0].bytes == [0, 1, 2, 3])
    }

    @Test("The shared STUN vector files hold RFC 5769's four messages and RFC 8489 B.1")
    func sharedSTUNFiles() throws {
        let shared = try SharedFolder.locate(from: #filePath)
        let rfc5769 = HexVectorFile.vectors(file: "stun_rfc5769.txt", text: try shared.vectorText("stun_rfc5769.txt"))
        #expect(rfc5769.map(\.bytes.count) == [108, 80, 92, 116])
        let b1 = HexVectorFile.vectors(file: "stun_rfc8489_appB1.txt", text: try shared.vectorText("stun_rfc8489_appB1.txt"))
        #expect(b1.map(\.bytes.count) == [164])
    }
}
