/* banner.c - linux_banner alone: the release when init_uts_ns is missing. */
#include "kernel.h"

const char linux_banner[] AT(linux_banner) =
	"Linux version 6.1.0-fake-banner (fixture@dwarf) (gcc) #1 SMP\n";
