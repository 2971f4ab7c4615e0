// The process entry point. SwiftPM (tools-version 5.5 and later) links an executable target's `main` from
// a symbol named `<module>_main` (`--defsym main=crucible_fuzz_main` on Linux), and this module, built
// with `-parse-as-library`, has no `main` of its own; so it defines that symbol and hands over to
// libFuzzer's driver, exactly what libFuzzer's own `main` does.
import CLibFuzzer

@_cdecl("crucible_fuzz_main")
public func crucibleFuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
