import Conformance
import DTLSRecord
import Testing
import Wire

/// The vectors of `../shared/vectors/<file>`, keyed by the letter that starts each heading ("A", "B" …).
func sharedVectors(_ file: String) throws -> [String: HexVector] {
    let vectors = try SharedFolder.hexVectors(file)
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
