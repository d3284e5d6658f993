/*
 * tests/fuzz/fuzz_memmap.c - section tables and struct page words as the
 * filter sees them (memmap.c, pagerules.c, filter.c): the input is
 * VMCOREINFO text, a NUL, then the kernel's RAM (see fuzz_core in fuzz.h),
 * in a machine of RAM_BYTES; one pass of dump level 31 over every pfn.
 */
#include "fuzz.h"
#include "../../filter.h"
#include "../../kview.h"
#include "../../memmap.h"
#include "../../vmcore.h"
#include "../../vmcoreinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RAM_BYTES	(UINT64_C(4) << 20)
#define WINDOW		4096		/* pfns per filter window: several windows per pass */

static void filter_all(struct kview *kv, struct memmap *mm)
{
	struct err e = { 0 };
	struct dump_counts counts = { 0 }, *c = &counts;
	struct filter *f = filter_new(kv, mm, 31, &counts, &e);
	uint64_t max = memmap_max_pfn(mm), start;
	uint8_t bm[WINDOW / 8];

	if (!f) {
		fuzz_say(&e);
		return;
	}
	filter_begin_pass(f, true);
	for (start = 0; start < max; start += WINDOW) {
		uint64_t end = max - start < WINDOW ? max : start + WINDOW;

		if (vmcore_window_bits(kv->vc, start, end, bm, true, &e) < 0 ||
		    filter_window(f, start, end, bm, &e) < 0) {
			fuzz_say(&e);
			break;
		}
	}
	filter_end_pass(f);
	if (getenv("FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz: %s, max_pfn %#llx: zero %llu cache %llu private %llu user %llu free %llu hwpoison %llu offline %llu bad order %llu unreadable %llu kept first %llu\n",
			memmap_model_name(memmap_model(mm)), (unsigned long long)max,
			(unsigned long long)c->zero, (unsigned long long)c->cache,
			(unsigned long long)c->cache_private, (unsigned long long)c->user,
			(unsigned long long)c->free, (unsigned long long)c->hwpoison,
			(unsigned long long)c->offline, (unsigned long long)c->bad_order,
			(unsigned long long)c->unreadable, (unsigned long long)c->kept_first);
	filter_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char path[64];
	struct err e = { 0 };
	struct kview kv;
	struct vmcore *vc;
	struct memmap *mm;
	const char *note;
	size_t n;
	int fd;

	fuzz_init();
	fd = fuzz_core(data, len, RAM_BYTES, path);
	if (fd < 0)
		return 0;
	memset(&kv, 0, sizeof(kv));
	vc = vmcore_open(path, true, &e);
	if (!vc) {
		fuzz_say(&e);
		goto out;
	}
	note = vmcore_vmcoreinfo(vc, &n, NULL);
	if (note && vmci_parse(note, n, "VMCOREINFO note", &kv.k, &e) == 0 &&
	    kview_init(&kv, vc, &e) == 0 && kv.arch) {
		kv.have_facts = true;
		mm = memmap_open(&kv, vmcore_max_pfn(vc), &e);
		if (!mm)
			fuzz_say(&e);
		if (mm) {
			uint64_t pfn;

			filter_all(&kv, mm);
			memmap_page_to_pfn(mm, FUZZ_KMAP + FUZZ_PA0 + 0x10000, &pfn, &e);
			memmap_close(mm);
		}
	}
	kview_fini(&kv);
	vmcore_close(vc);
out:
	close(fd);
	return 0;
}
