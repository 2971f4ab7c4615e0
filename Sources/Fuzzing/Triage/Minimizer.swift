/// Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", 2002):
/// removes ever smaller chunks of a failing input while it still fails the same way, then tries
/// zeroing the bytes that remain, so the saved crash is small enough to read in a minute.
public enum Minimizer {
    /// The smallest input found within `attempts` calls of `stillFails`, which must hold for `input`.
    public static func minimize(_ input: [UInt8], attempts: Int = 400, stillFails: ([UInt8]) -> Bool) -> [UInt8] {
        var current = input
        var budget = attempts
        func tryCandidate(_ candidate: [UInt8]) -> Bool {
            guard budget > 0 else { return false }
            budget -= 1
            return stillFails(candidate)
        }
        var granularity = 2
        while current.count >= 2, budget > 0 {
            let chunk = max(1, current.count / granularity)
            var removedAny = false
            var start = 0
            while start < current.count, budget > 0 {
                var candidate = current
                candidate.removeSubrange(start..<min(start + chunk, current.count))
                if tryCandidate(candidate) {
                    current = candidate
                    removedAny = true
                } else {
                    start += chunk
                }
            }
            if removedAny { granularity = max(granularity - 1, 2); continue }
            if chunk == 1 { break }
            granularity = min(granularity * 2, current.count)
        }
        // Simpler bytes read faster: zero what the failure does not need.
        for index in current.indices where current[index] != 0 && budget > 0 {
            var candidate = current
            candidate[index] = 0
            if tryCandidate(candidate) { current = candidate }
        }
        return current
    }
}
