/* Shared by the fuzz targets: libFuzzer's entry points (declared, so that targets build with
 * -Wmissing-prototypes and replay.c can call them), small limits, and a check that aborts. */
#ifndef FOLIO_FUZZ_H
#define FOLIO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Lua budgets while fuzzing: small, so every input runs in milliseconds. */
#define FUZZ_LUA_MEMORY (16u << 20)
#define FUZZ_LUA_INSTRUCTIONS 1000000LL
#define FUZZ_LUA_SECONDS 2.0

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: a failure is a finding, so it aborts (libFuzzer keeps
 * the input as a crash). */
#define FUZZ_CHECK(cond)                                                                    \
    do {                                                                                    \
        if (!(cond)) {                                                                      \
            fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

#endif
