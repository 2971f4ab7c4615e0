/// Reads what a libFuzzer process prints on standard error: status lines become progress samples, the
/// lines that name a saved input become artifacts, and a whole crash report becomes a `CrashSignature`.
///
/// Time: libFuzzer's status lines carry `exec/s` as executions over the whole run so far, so a sample's
/// `seconds` is derived as executions ÷ exec/s (fork mode prints `time:` and that is used instead). The
/// estimate is coarse early on (exec/s is an integer, and 0 in the first second); a supervisor that wants
/// wall time stamps the sample with its own clock when the line arrives.
///
/// Fork mode (`-fork=N`) prints its own status lines (`#N: cov: …`) and, when a child crashes, that
/// child's whole log, whose status lines count from 0 again: a supervisor keeps the largest execution
/// count it has seen rather than the last one.
public enum LibFuzzerOutput {
    /// The event one line stands for, or nil for every other line.
    public static func event(from line: String) -> WorkerEvent? {
        if let sample = progress(from: line) { return .progress(sample) }
        if let artifact = artifact(from: line) { return .artifact(kind: artifact.kind, path: artifact.path) }
        return nil
    }

    /// A status line: `#<executions>\t<INITED|NEW|REDUCE|pulse|RELOAD|DONE> cov: … ft: … corp: N/size …
    /// exec/s: …`, or fork mode's `#<executions>: cov: … corp: N exec/s: … time: Ns …`.
    public static func progress(from line: String) -> ProgressSample? {
        let trimmed = line.drop { $0 == " " }
        guard trimmed.first == "#" else { return nil }
        let words = trimmed.dropFirst().split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = words.first else { return nil }
        let countText = first.hasSuffix(":") ? first.dropLast() : first
        guard let executions = Int(countText) else { return nil }
        var values: [Substring: Substring] = [:]
        var index = words.index(after: words.startIndex)
        while index < words.endIndex {
            let word = words[index]
            let next = words.index(after: index)
            if word.hasSuffix(":"), next < words.endIndex {
                values[word.dropLast()] = words[next]
                index = words.index(after: next)
            } else {
                index = next
            }
        }
        // `corp: 7/89b` in the main loop, `corp: 7` in fork mode.
        guard let features = values["ft"].flatMap({ Int($0) }),
              let corpus = values["corp"].flatMap({ Int($0.split(separator: "/").first ?? "") })
        else { return nil }
        let perSecond = values["exec/s"].flatMap { Double($0) } ?? 0
        let seconds: Double
        if let time = values["time"], time.hasSuffix("s"), let value = Double(time.dropLast()) {
            seconds = value
        } else {
            seconds = perSecond > 0 ? Double(executions) / perSecond : 0
        }
        return ProgressSample(
            seconds: seconds, executions: executions, corpusSize: corpus, features: features,
            coverage: values["cov"].flatMap { Int($0) })
    }

    /// `… Test unit written to <path>`: libFuzzer saved an input that failed, named for how it failed
    /// (`crash-`, `timeout-`, `oom-`, `leak-`, `slow-unit-` followed by the input's SHA-1).
    public static func artifact(from line: String) -> (kind: FailureKind, path: String)? {
        let marker = "Test unit written to "
        guard let range = line.range(of: marker) else { return nil }
        let path = String(line[range.upperBound...]).trimmingTrailingWhitespace
        guard !path.isEmpty else { return nil }
        return (kind(ofArtifact: path), path)
    }

    /// The failure an artifact file's name stands for; `.crash` for names libFuzzer did not choose
    /// (`-exact_artifact_path`).
    public static func kind(ofArtifact path: String) -> FailureKind {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasPrefix("timeout-") || name.hasPrefix("slow-unit-") { return .hang }
        if name.hasPrefix("oom-") || name.hasPrefix("leak-") { return .memory }
        return .crash
    }
}

extension String {
    var trimmingTrailingWhitespace: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return String(text)
    }
}
