/*
 * tests/fuzz/fuzz_vmcoreinfo.c - VMCOREINFO text (the dump's note, -i),
 * and the page rules built from whatever facts it gives.
 */
#include "fuzz.h"
#include "../../pagerules.h"
#include "../../vmcoreinfo.h"

#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static FILE *null;
	struct kfacts k;
	struct page_rules r;
	struct err e = { 0 };

	fuzz_init();
	if (!null)
		null = fopen("/dev/null", "w");
	memset(&k, 0, sizeof(k));
	if (vmci_parse((const char *)data, len, "fuzz", &k, &e) < 0) {
		fuzz_say(&e);
		return 0;
	}
	vmci_write(&k, null);
	if (pagerules_init(&r, &k, 8, false, 31, &e) < 0)
		fuzz_say(&e);
	return 0;
}
