import Testing
import SansIO

@Suite("Instant arithmetic")
struct InstantTests {
    @Test("adding and subtracting durations moves along the timeline")
    func arithmetic() {
        let start = Instant(nanoseconds: 1_000_000_000)
        #expect((start + .milliseconds(50)).nanoseconds == 1_050_000_000)
        #expect((start - .milliseconds(250)).nanoseconds == 750_000_000)
        #expect(start + .milliseconds(50) - start == .milliseconds(50))
        #expect(start - (start + .seconds(2)) == .seconds(-2))
    }

    @Test("absurd durations saturate at the ends of the timeline instead of trapping")
    func saturation() {
        #expect((Instant(nanoseconds: .max - 5) + .seconds(1)).nanoseconds == .max)
        #expect((Instant(nanoseconds: .max / 2 + 10) + .seconds(Int64.max)).nanoseconds == .max)
        #expect((Instant(nanoseconds: 10) - .seconds(1)) == .zero)
        #expect((Instant(nanoseconds: 10) + .seconds(Int64.min)) == .zero)
    }

    @Test("instants print as seconds with milliseconds")
    func description() {
        #expect(Instant(nanoseconds: 12_345_678_901).description == "12.345s")
        #expect(Instant.zero.description == "0.000s")
    }
}

@Suite("Output queue")
struct OutputQueueTests {
    @Test("outputs drain oldest first, and the queue is reusable once empty")
    func drainsInOrder() {
        var queue = OutputQueue<Int>()
        #expect(queue.next() == nil && queue.isEmpty)
        queue.append(1)
        queue.append(2)
        #expect(queue.count == 2)
        #expect(queue.next() == 1)
        queue.append(3)
        #expect(queue.next() == 2 && queue.next() == 3 && queue.next() == nil)
        queue.append(4)
        #expect(queue.count == 1 && queue.next() == 4 && queue.isEmpty)
    }
}
