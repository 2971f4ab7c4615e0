#ifndef CRUCIBLE_CLIBFUZZER_H
#define CRUCIBLE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's own byte-level mutator (bit flips, dictionary tokens, CMP-guided values…), which a
/// custom mutator may call. Defined by the libFuzzer runtime that `-sanitize=fuzzer` links.
/// Mutates `data[0..<size]` in place, never past `max_size`, and returns the new size.
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/// libFuzzer's driver (what its own `main` calls): parses the flags in `argv`, calls
/// `LLVMFuzzerInitialize`, then runs `test_one_input` per input. See `Main.swift` for why Crucible calls it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test_one_input)(const uint8_t *data, size_t size));

#endif
