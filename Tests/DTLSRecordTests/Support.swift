import Conformance
import DTLSRecord
import Testing
import Wire

/// Bytes from a hex literal written in a test (spaces allowed).
func hex(_ text: String) -> [UInt8] {
    (try? Hex.decode(text.filter { !$0.isWhitespace })) ?? []
}

/// The vectors of `../shared/vectors/<file>`, keyed by the letter that starts each heading ("A", "B" …).
func sharedVectors(_ file: String) throws -> [String: HexVector] {
    let shared = try SharedFolder.locate(from: #filePath)
    let vectors = HexVectorFile.vectors(file: file, text: try shared.vectorText(file))
    var byLetter: [String: HexVector] = [:]
    for vector in vectors {
        byLetter[String(vector.heading.prefix(while: { $0 != " " }))] = vector
    }
    return byLetter
}

/// The only record of a datagram, which must be a classic record.
func onlyClassicRecord(_ datagram: DTLSDatagram) throws -> ClassicRecord {
    try #require(datagram.records.count == 1)
    guard case .classic(let record) = datagram.records[0] else {
        Issue.record("expected a classic record")
        throw CancellationError()
    }
    return record
}
