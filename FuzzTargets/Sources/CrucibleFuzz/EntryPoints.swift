// libFuzzer's entry points for every Crucible fuzz target (issue 4, "Engines").
//
// libFuzzer owns `main`; it calls `LLVMFuzzerInitialize` once, then `LLVMFuzzerTestOneInput` per input
// and, because this binary defines them, `LLVMFuzzerCustomMutator` / `LLVMFuzzerCustomCrossOver` to make
// inputs. Built with `-parse-as-library` so this module has no `main` of its own.
import CLibFuzzer
import Conformance
import Fuzzing
import Wire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The target this process serves, chosen once in `LLVMFuzzerInitialize` before any input runs; libFuzzer
/// calls the entry points from one thread, so nothing else writes it.
nonisolated(unsafe) private var selectedTarget: FuzzTarget?

private func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

private func printError(_ text: String) {
    let line = text + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<CInt>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    if environment(LibFuzzerBinaryName.listTargetsVariable) == "1" {
        for target in ProtocolCatalog.fuzzTargets { print("\(target.name) \(target.corpusName)") }
        exit(0)
    }
    let path = argv?.pointee?.pointee.map { String(cString: $0) } ?? LibFuzzerBinaryName.executable
    let name = LibFuzzerBinaryName.target(
        executablePath: path, environmentValue: environment(LibFuzzerBinaryName.targetVariable))
    guard let name, let target = ProtocolCatalog.fuzzTarget(named: name) else {
        printError("""
            crucible-fuzz: \(name.map { "unknown target '\($0)'" } ?? "no target named"): run a link named \
            crucible-fuzz-<target>, or set \(LibFuzzerBinaryName.targetVariable)=<target>.
            Known targets: \(ProtocolCatalog.fuzzTargets.map(\.name).joined(separator: " "))
            """)
        exit(2)
    }
    if environment(LibFuzzerBinaryName.printDictionaryVariable) == "1" {
        print(LibFuzzerDictionary.render(target.dictionary, target: target.name), terminator: "")
        exit(0)
    }
    selectedTarget = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let target = selectedTarget else { return 0 }
    let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if case .finding(let finding) = target.run(input) {
        // An oracle failure is a bug like a trap: dying is how libFuzzer learns of it and saves the input.
        // The message leaves the input out (libFuzzer saves it) so that triage's signature, which is
        // made of this message and the trap site, is the same for every input that shows this bug.
        fatalError("\(finding.target): \(finding.oracle.rawValue) oracle failed: \(finding.detail)")
    }
    return 0
}

/// Half the time the target's structure-aware mutator (parse, change one field, re-serialise, repair);
/// otherwise, or when it has nothing to offer, libFuzzer's byte-level mutator, whose mutant is repaired
/// (checksums, fingerprints) half the time so that both sides of those gates get fuzzed.
@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzerCustomMutator(
    _ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: CUnsignedInt
) -> Int {
    guard let data else { return 0 }
    var generator = SeededGenerator(seed: UInt64(seed))
    let target = selectedTarget
    if let mutate = target?.mutate, Bool.random(using: &generator) {
        let input = Array(UnsafeBufferPointer(start: data, count: size))
        if let mutant = mutate(input, &generator), mutant.count <= maxSize {
            return copy(mutant, into: data)
        }
    }
    let mutatedSize = LLVMFuzzerMutate(data, size, maxSize)
    if let repair = target?.repair, Bool.random(using: &generator) {
        let repaired = repair(Array(UnsafeBufferPointer(start: data, count: mutatedSize)))
        if repaired.count <= maxSize { return copy(repaired, into: data) }
    }
    return mutatedSize
}

/// Splices two corpus entries (head of one, tail of the other) and repairs the result half the time.
@_cdecl("LLVMFuzzerCustomCrossOver")
public func fuzzerCustomCrossOver(
    _ first: UnsafePointer<UInt8>?, _ firstSize: Int,
    _ second: UnsafePointer<UInt8>?, _ secondSize: Int,
    _ output: UnsafeMutablePointer<UInt8>?, _ maxOutputSize: Int, _ seed: CUnsignedInt
) -> Int {
    guard let output, maxOutputSize > 0 else { return 0 }
    var mutator = Mutator(seed: UInt64(seed), maxLength: maxOutputSize)
    let head = first.map { Array(UnsafeBufferPointer(start: $0, count: firstSize)) } ?? []
    let tail = second.map { Array(UnsafeBufferPointer(start: $0, count: secondSize)) } ?? []
    var child = mutator.splice(head, tail)
    if let repair = selectedTarget?.repair, Bool.random(using: &mutator.generator) {
        let repaired = repair(child)
        if repaired.count <= maxOutputSize { child = repaired }
    }
    return copy(Array(child.prefix(maxOutputSize)), into: output)
}

private func copy(_ bytes: [UInt8], into buffer: UnsafeMutablePointer<UInt8>) -> Int {
    bytes.withUnsafeBufferPointer { source in
        if let base = source.baseAddress { buffer.update(from: base, count: source.count) }
    }
    return bytes.count
}
