/*
 * tests/fuzz/fuzz.h - what the fuzz harnesses share.
 *
 * Each harness defines LLVMFuzzerTestOneInput(); it is linked either with
 * libFuzzer (make fuzz) or with replay.c, a plain main() that feeds it the
 * files of a corpus (the default test suite, gcc or clang, ASan or not).
 * The program reads its input by path, so the fuzz bytes are put in a
 * memfd and opened as /proc/self/fd/N.
 */
#ifndef MDF_FUZZ_H
#define MDF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* Once per process: no messages, a scratch directory for outputs. */
void fuzz_init(void);

/* With FUZZ_VERBOSE set in the environment: print the error (to see what an input reaches). */
struct err;
void fuzz_say(const struct err *e);

/* A memfd holding data; *path names it.  Returns the fd (close it), or -1. */
int fuzz_memfd(const void *data, size_t len, char path[64]);

/* A fresh path in the scratch directory for an output file (not created). */
const char *fuzz_out_path(const char *name);

/*
 * A small x86_64 kernel around fuzz bytes: input = VMCOREINFO text, a NUL,
 * then the bytes of RAM from physical FUZZ_PA0, mapped both in the kernel
 * image (FUZZ_KMAP + pa, phys_base 0) and in the direct map (FUZZ_DMAP +
 * pa), so no page tables are needed.  RAM is ram_bytes long (or the
 * image's length if longer), zero past the image.  Returns the memfd, or
 * -1 when the input has no NUL.
 */
#define FUZZ_PA0	UINT64_C(0x1000000)
#define FUZZ_KMAP	UINT64_C(0xffffffff80000000)
#define FUZZ_DMAP	UINT64_C(0xffff888000000000)
int fuzz_core(const uint8_t *data, size_t len, uint64_t ram_bytes, char path[64]);

#endif
