/* tests/fuzz/fuzz_kdump.c - a kdump-compressed input (refiltering): headers, bitmaps, descriptors, page data. */
#include "input.h"
