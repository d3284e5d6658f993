/*
 * tests/fuzz/input.h - read an input dump the way a run does: open it,
 * take the page size from its VMCOREINFO, then the bitmaps and the pages.
 * Shared by the ELF and the kdump-compressed harnesses (their corpora
 * differ).  The work per input is capped, not the dump's claims.
 */
#include "fuzz.h"
#include "../../vmcore.h"
#include "../../vmcoreinfo.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SCAN_PFNS	(UINT64_C(1) << 18)	/* bitmap scanned per input */
#define MAX_PAGES	256			/* pages read per input */

static unsigned page_size_of(struct vmcore *vc)
{
	struct kdump_geometry g;
	struct kfacts k;
	struct err e = { 0 };
	size_t len;
	const char *note = vmcore_vmcoreinfo(vc, &len, NULL);

	if (vmcore_kdump_geometry(vc, &g))
		return g.block_size;
	memset(&k, 0, sizeof(k));
	if (note && vmci_parse(note, len, "VMCOREINFO note", &k, &e) == 0 && kf_have(&k, KF_PAGESIZE))
		return (unsigned)kf_val(&k, KF_PAGESIZE);
	return 4096;
}

static void read_pages(struct vmcore *vc)
{
	uint64_t max = vmcore_max_pfn(vc), end = max < MAX_SCAN_PFNS ? max : MAX_SCAN_PFNS;
	uint8_t *bm = calloc(1, MAX_SCAN_PFNS / 8);
	unsigned pages = 0;
	struct err e = { 0 };
	uint64_t pfn;
	int pass;

	if (!bm)
		abort();
	for (pass = 0; pass < 2; pass++) {
		if (vmcore_window_bits(vc, 0, end, bm, pass, &e) < 0) {
			fuzz_say(&e);
			break;
		}
		for (pfn = 0; pfn < end && pages < MAX_PAGES; pfn++) {
			if (!(bm[pfn / 8] & (1u << (pfn % 8))))
				continue;
			pages++;
			if (!vmcore_page(vc, pfn, &e))
				fuzz_say(&e);
		}
	}
	/* the last pages too: their offsets are the largest */
	for (pfn = max; pfn > 0 && pfn + 4 > max; pfn--)
		vmcore_page(vc, pfn - 1, &e);
	free(bm);
}

static void exercise(struct vmcore *vc)
{
	struct err e = { 0 };
	size_t len;
	uint8_t buf[64];
	unsigned i;

	vmcore_notes(vc, &len);
	vmcore_nr_cpus(vc);
	if (vmcore_set_page_size(vc, page_size_of(vc), &e) < 0) {
		fuzz_say(&e);
		return;
	}
	vmcore_original_pages(vc, UINT64_MAX);
	read_pages(vc);
	for (i = 0; i < vmcore_nsegs(vc) && i < 8; i++) {
		const struct vmcore_seg *s = vmcore_seg(vc, i);

		vmcore_read_phys(vc, s->paddr, buf, sizeof(buf), &e);
		vmcore_read_phys(vc, s->paddr + s->memsz - 1, buf, 1, &e);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char path[64];
	struct err e = { 0 };
	struct vmcore *vc;
	int fd;

	fuzz_init();
	fd = fuzz_memfd(data, len, path);
	/* mmap windows for even sizes, pread windows for odd ones: both readers */
	vc = vmcore_open(path, !(len & 1), &e);
	if (!vc)
		fuzz_say(&e);
	if (vc) {
		exercise(vc);
		vmcore_close(vc);
	}
	close(fd);
	return 0;
}
