@testable import Replay
import Testing

/// The bounded memories the rules use to tell a repeat from a late arrival.
@Suite("Recent sets and dictionaries")
struct RecentMemoryTests {
    @Test("A set remembers its last `capacity` distinct elements and forgets the oldest first")
    func set() {
        var recent = RecentSet<Int>(capacity: 3)
        let firsts = [1, 2, 3].map { recent.insert($0) }
        #expect(firsts == [true, true, true])
        let repeated = recent.insert(2)
        #expect(!repeated, "a repeat is not inserted again")
        let fourth = recent.insert(4)
        #expect(fourth)
        #expect(!recent.contains(1) && recent.contains(2) && recent.contains(3) && recent.contains(4))
        let fifth = recent.insert(5)
        #expect(fifth && !recent.contains(2))
        for value in 6...1000 { recent.insert(value) }
        #expect([998, 999, 1000].allSatisfy(recent.contains) && !recent.contains(997))
    }

    @Test("A dictionary keeps the values of its last `capacity` keys; storing a known key again neither evicts nor reorders")
    func dictionary() {
        var recent = RecentDictionary<Int, String>(capacity: 2)
        recent.store("a", for: 1)
        recent.store("b", for: 2)
        recent.store("B", for: 2)
        #expect(recent[1] == "a" && recent[2] == "B")
        recent.store("c", for: 3)
        #expect(recent[1] == nil && recent[2] == "B" && recent[3] == "c")
    }
}
