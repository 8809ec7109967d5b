/*
** tests/fuzz/fuzz.h: the libFuzzer entry point every harness defines. Built
** with clang -fsanitize=fuzzer by `make fuzz`, and with gcc ASan against
** tests/fuzz/replay.c as a plain program that replays the committed corpus
** and regressions once (run by tools/run-tests.sh unit).
*/
#ifndef HOUQIN_FUZZ_H
#define HOUQIN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
