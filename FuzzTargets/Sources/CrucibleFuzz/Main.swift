// The process entry point. SwiftPM (tools-version 5.5 and later) links an executable target's `main` from
// a symbol named `<module>_main` (`--defsym main=crucible_fuzz_main` on Linux), and this module, built
// with `-parse-as-library`, has no `main` of its own; so it defines that symbol and hands over to
// libFuzzer's driver, exactly what libFuzzer's own `main` does.
import CLibFuzzer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@_cdecl("crucible_fuzz_main")
public func crucibleFuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> CInt {
    #if os(Linux)
    // The Swift runtime's crash backtracer (on by default on Linux) takes SIGILL/SIGSEGV before libFuzzer
    // and the sanitizers can: libFuzzer then keeps its hands off ("a handler is already installed"), no
    // input is saved, and ASan misreads the backtracer's own memory reads as a crash. It can only be
    // turned off before the runtime starts, so the process starts itself again once with it off. An
    // explicit SWIFT_BACKTRACE setting is left as it is.
    if getenv("SWIFT_BACKTRACE") == nil, let argv {
        setenv("SWIFT_BACKTRACE", "enable=no", 1)
        execv("/proc/self/exe", argv)
        // Only reached when exec failed: fuzz on, with the backtracer.
    }
    #endif
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
