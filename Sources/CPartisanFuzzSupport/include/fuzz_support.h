#ifndef PARTISAN_FUZZ_SUPPORT_H
#define PARTISAN_FUZZ_SUPPORT_H

#include <stddef.h>

/// Bytes of heap the process holds now: the address sanitizer's count when the program runs
/// under it (the fuzzing build), glibc's `mallinfo2` otherwise.
size_t partisan_heap_allocated_bytes(void);

/// Starts following the most bytes held at once from now; returns whether it can (only under
/// the address sanitizer, whose allocation hooks it installs on the first call).
int partisan_heap_peak_reset(void);

/// The most bytes held at once since `partisan_heap_peak_reset`, above what was held then
/// (0 without the address sanitizer).
size_t partisan_heap_peak_since_reset(void);

/// libFuzzer's driver, for a program with its own `main` (only the fuzzing build links it):
/// runs libFuzzer with the command line and calls `callback` with each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const unsigned char *data, size_t size));

#endif
