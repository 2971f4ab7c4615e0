import Testing
import Wire

/// The general field mutations every codec's structure-aware mutator is built from.
@Suite("Field mutations")
struct FieldMutationTests {
    @Test("An integer mutation always changes the value and keeps it within the field's bits")
    func integers() {
        var generator = SeededGenerator(seed: 1)
        for _ in 0..<10_000 {
            var value = UInt8(generator.below(128))
            let old = value
            FieldMutator.mutate(&value, bits: 7, using: &generator)
            #expect(value != old && value < 128)
        }
    }

    @Test("A byte-string mutation never exceeds its maximum length")
    func bytes() {
        var generator = SeededGenerator(seed: 2)
        var bytes: [UInt8] = [1, 2, 3]
        for _ in 0..<10_000 {
            FieldMutator.mutate(&bytes, maxLength: 40, using: &generator)
            #expect(bytes.count <= 40)
        }
    }

    @Test("A text mutation changes the text and stays within its UTF-8 budget")
    func text() {
        var generator = SeededGenerator(seed: 3)
        var text = "foundation"
        for _ in 0..<5_000 {
            let old = text
            FieldMutator.mutate(&text, maxUTF8: 64, tokens: ["typ"], using: &generator)
            #expect(text != old && text.utf8.count <= 64)
        }
    }

    @Test("A list mutation keeps the list within its maximum count")
    func lists() {
        var generator = SeededGenerator(seed: 4)
        var list = [1, 2, 3]
        for _ in 0..<10_000 {
            FieldMutator.mutate(&list, maxCount: 6, using: &generator, fresh: { Int($0.below(100)) }, element: { $0 += 1; _ = $1; return true })
            #expect(list.count <= 6)
        }
    }
}
