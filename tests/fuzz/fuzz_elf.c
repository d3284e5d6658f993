/* tests/fuzz/fuzz_elf.c - ELF header, program headers and notes of an input dump. */
#include "input.h"
