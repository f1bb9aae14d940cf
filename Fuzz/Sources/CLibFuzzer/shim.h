#ifndef CLIBFUZZER_SHIM_H
#define CLIBFUZZER_SHIM_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's driver, in the fuzzer runtime that `-sanitize=fuzzer` links (compiler-rt's
// FuzzerDriver.cpp). `chungtay-fuzz` has its own `main`, which picks the target and then
// hands over to it, instead of libFuzzer's `main`, which SwiftPM's executable linking
// would clash with.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));

#endif
