public import Wire

extension Hex {
    /// Bytes from hex written in a test's source (tables, vectors), in ``Hex/decode(_:)``'s syntax. A bad
    /// digit there is the author's typo, so it stops the run with the literal's place rather than running
    /// on empty bytes. It lives with the tests: library code never traps, and input gets `decode` and its
    /// typed error.
    public static func literal(_ text: some StringProtocol, file: StaticString = #fileID, line: UInt = #line) -> [UInt8] {
        do { return try decode(text) } catch { fatalError("bad hex literal: \(error)", file: file, line: line) }
    }
}
