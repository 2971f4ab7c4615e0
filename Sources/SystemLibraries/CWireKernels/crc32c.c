// CRC-32c with the SSE4.2 crc32 instruction, which computes exactly the Castagnoli polynomial
// (RFC 9260 Appendix A). Selected at run time, so the build needs no -msse4.2 flag and the
// portable table in Wire/CRC32C.swift is used on other CPUs.
#include "CWireKernels.h"
#include <string.h>

#if defined(__x86_64__)
int crucible_crc32c_hardware_available(void) {
    return __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2")))
uint32_t crucible_crc32c_hardware_update(uint32_t state, const uint8_t *bytes, size_t length) {
    uint64_t crc = state;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        crc = __builtin_ia32_crc32di(crc, word);
        bytes += 8;
        length -= 8;
    }
    uint32_t crc32 = (uint32_t)crc;
    while (length > 0) {
        crc32 = __builtin_ia32_crc32qi(crc32, *bytes);
        bytes += 1;
        length -= 1;
    }
    return crc32;
}
#else
int crucible_crc32c_hardware_available(void) { return 0; }
uint32_t crucible_crc32c_hardware_update(uint32_t state, const uint8_t *bytes, size_t length) {
    (void)bytes; (void)length;
    return state;
}
#endif
