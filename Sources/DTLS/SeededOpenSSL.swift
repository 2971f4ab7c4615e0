import COpenSSL

/// The OpenSSL library context every seeded endpoint and seeded certificate draws from: its generators
/// are OpenSSL's "TEST-RAND", which hands out only the bytes it was last given (see the shim).
///
/// One context for the process, not one per endpoint: each library context takes two of the process's
/// thread-local keys for its generators (glibc has 1024), and a benchmark making a few hundred simulated
/// connections ran out of them. Sharing keeps runs deterministic: OpenSSL keeps a context's generators
/// per thread, and a seeded caller supplies its own bytes to its thread's generators right before each
/// call that may draw (`supply(from:)`), replacing whatever an earlier caller left; nothing runs between
/// the two on that thread.
enum SeededOpenSSL {
    /// `OSSL_LIB_CTX *`, made once (Swift runs a global's initialiser once, thread-safely) and kept for
    /// the process's life, so keys and certificates made in it never outlive it; nil if OpenSSL refused.
    static var context: OpaquePointer? { shared.pointer }

    /// Random bytes handed to each of the two generators per supply; a whole handshake draws a few hundred.
    static let supplySize = 4096

    /// Gives the calling thread's generators of ``context`` their next bytes from `generator`; false
    /// when there is no context or OpenSSL refused.
    static func supply(from generator: inout some RandomNumberGenerator) -> Bool {
        guard let context else { return false }
        var bytes = [UInt8](repeating: 0, count: 2 * supplySize)
        bytes.withUnsafeMutableBytes { buffer in
            for offset in stride(from: 0, to: buffer.count, by: 8) {
                buffer.storeBytes(of: generator.next().littleEndian, toByteOffset: offset, as: UInt64.self)
            }
        }
        return bytes.withUnsafeBufferPointer { crucible_OSSL_LIB_CTX_supply_test_rand(context, $0.baseAddress, supplySize) } == 1
    }

    /// OpenSSL library contexts may be used from any thread (their generators are per thread), so the
    /// handle can be shared.
    private struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer?
    }

    private static let shared: Handle = {
        guard let context = OSSL_LIB_CTX_new() else { return Handle(pointer: nil) }
        // The generator type must be chosen before the context draws anything.
        guard crucible_OSSL_LIB_CTX_use_test_rand(context) == 1 else {
            OSSL_LIB_CTX_free(context)
            return Handle(pointer: nil)
        }
        return Handle(pointer: context)
    }()
}
