#pragma once
#include <stddef.h>
#include <stdint.h>

/// True when this CPU has the SSE4.2 crc32 instruction (x86-64 only; false elsewhere).
int crucible_crc32c_hardware_available(void);

/// Continues a CRC-32c (Castagnoli) over `length` bytes with the SSE4.2 crc32 instruction.
/// `state` is the running register (already inverted); call only when the hardware is available.
uint32_t crucible_crc32c_hardware_update(uint32_t state, const uint8_t *bytes, size_t length);
