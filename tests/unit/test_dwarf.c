/*
 * test_dwarf.c - dwinfo_read() on the fixtures of tests/dwarf/.
 *
 *	test_dwarf [DIR]
 *
 * DIR holds what tests/dwarf/run.sh builds.  Without it (as tests/run
 * starts every tests/unit/test_*.c, from the top of the tree) the test
 * builds them first, with "tests/dwarf/run.sh --fixtures-only", into
 * tests/bin/dwarf.  They are fake-vmlinux (decl.c, mm.c, printk.c,
 * banner.c linked by fake.lds), fake-banner (mm.c, banner.c),
 * fake-norelease (mm.c), fake-nodebug (fake-vmlinux without DWARF) and
 * not-elf.txt.  Expected values are written by hand from the fixture
 * sources (their comments show the arithmetic); every fact not listed
 * must be absent.  Exits 0 when all checks pass, 1 otherwise, 77/99 when
 * the fixtures cannot be built (skip/harness error).
 */
#include <errno.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dwarf_info.h"
#include "tests/unit/check.h"


struct expect {
	enum kf_id id;
	int64_t val;
};

#define X(id, v) { KF_##id, (int64_t)(v) }

/* fake-vmlinux, from the sources in tests/dwarf/. */
static const struct expect expected[] = {
	/* x86_64: 4 KiB pages */
	X(PAGESIZE, 4096),
	/* fake.lds addresses */
	X(SYM_mem_section, 0xffffffff833aa7a0),
	X(SYM_init_uts_ns, 0xffffffff82bf9b60),
	X(SYM__stext, 0xffffffff81000000),
	X(SYM__text, 0xffffffff81000000),
	X(SYM_node_states, 0xffffffff82c3b400),
	X(SYM_node_data, 0xffffffff82c368e0),
	X(SYM_prb, 0xffffffff82a622c0),			/* a static: LOCAL symbol */
	X(SYM_printk_rb_static, 0xffffffff82a622e0),
	X(SYM_free_huge_page, 0xffffffff812fc6f0),	/* a function */

	/* mm.c */
	X(SIZE_page, 64),
	X(SIZE_mem_section, 16),
	X(SIZE_pglist_data, 4880),	/* 4 * 1208 + 4 + 4 (hole) + 4 * 8 + 4 + 4 (tail) */
	X(SIZE_zone, 1208),		/* 1120 + 11 * 8 */
	X(SIZE_free_area, 88),		/* 5 * 16 + 8 */
	X(SIZE_list_head, 16),
	X(SIZE_nodemask_t, 128),	/* 1024 / 64 * 8; decl.c's incomplete one skipped */
	X(SIZE_pageflags, 4),
	X(SIZE_atomic_long_t, 8),
	X(OFF_page_flags, 0),
	X(OFF_page_lru, 8),		/* union 8 > struct 0 > union 0 > lru 0 */
	X(OFF_page_mapping, 24),	/* 8 + 0 + 16 */
	X(OFF_page_private, 40),	/* 8 + 0 + 16 + 8 + 8 */
	X(OFF_page_compound_head, 8),	/* 8 + 0 */
	X(OFF_page_compound_dtor, 16),	/* 8 + 8 */
	X(OFF_page_compound_order, 17),	/* 8 + 9 */
	X(OFF_page__mapcount, 48),	/* union 48 > struct 0 > union 0 > 0 */
	X(OFF_page__refcount, 52),
	X(OFF_folio__flags_1, 64),	/* union 64 > struct 0 > 0 */
	X(OFF_folio__folio_dtor, 80),	/* 64 + 16 */
	X(OFF_folio__folio_order, 81),	/* 64 + 17 */
	X(OFF_mem_section_section_mem_map, 0),
	X(OFF_pglist_data_node_zones, 0),
	X(OFF_pglist_data_nr_zones, 4832),	/* 4 * 1208 */
	X(OFF_pglist_data_node_mem_map, 4840),	/* 4836 aligned to 8 */
	X(OFF_pglist_data_node_start_pfn, 4848),
	X(OFF_pglist_data_node_spanned_pages, 4864),	/* 4848 + 2 * 8 */
	X(OFF_pglist_data_node_id, 4872),
	X(OFF_zone_free_area, 144),	/* 4*8 + 8 + 8 + 4*8 + 8 (int, padded) + 7 * 8 */
	X(OFF_zone_vm_stat, 1120),	/* 144 + 11 * 88 + 8 */
	X(OFF_zone_spanned_pages, 120),
	X(OFF_free_area_free_list, 0),
	X(OFF_list_head_next, 0),
	X(OFF_list_head_prev, 8),
	X(OFF_atomic_long_t_counter, 0),	/* typedef > typedef > struct */
	X(LEN_node_data, 1024),		/* decl.c's "[]" skipped */
	X(LEN_mem_section, 64),
	X(LEN_zone_free_area, 11),
	X(LEN_free_area_free_list, 5),
	X(NUM_NR_FREE_PAGES, 0),
	X(NUM_N_ONLINE, 1),
	X(NUM_PG_lru, 4),
	X(NUM_PG_private, 13),
	X(NUM_PG_head_mask, 1 << 16),	/* PG_head wins over decl.c's PG_compound = 14 */
	X(NUM_PG_swapcache, 10),
	X(NUM_PG_swapbacked, 19),
	X(NUM_PG_slab, 9),
	X(NUM_PG_hwpoison, 22),
	X(NUM_HUGETLB_PAGE_DTOR, 200),	/* DW_FORM_data1 0xc8 */

	/* printk.c: DWARF 2, offsets as DW_OP_plus_uconst */
	X(SIZE_printk_ringbuffer, 88),
	X(SIZE_prb_desc_ring, 48),
	X(SIZE_prb_desc, 24),
	X(SIZE_prb_data_blk_lpos, 16),
	X(SIZE_printk_info, 88),	/* 24 + 64 */
	X(SIZE_dev_printk_info, 64),
	X(SIZE_prb_data_ring, 32),
	X(SIZE_latched_seq, 24),
	X(OFF_vm_struct_addr, 8),
	X(OFF_vmap_area_va_start, 0),
	X(OFF_vmap_area_list, 40),	/* 8 + 8 + 24 */
	X(OFF_printk_ringbuffer_desc_ring, 0),
	X(OFF_printk_ringbuffer_text_data_ring, 48),
	X(OFF_printk_ringbuffer_fail, 80),	/* 48 + 32 */
	X(OFF_prb_desc_ring_count_bits, 0),
	X(OFF_prb_desc_ring_descs, 8),
	X(OFF_prb_desc_ring_infos, 16),
	X(OFF_prb_desc_ring_head_id, 24),
	X(OFF_prb_desc_ring_tail_id, 32),
	X(OFF_prb_desc_state_var, 0),
	X(OFF_prb_desc_text_blk_lpos, 8),
	X(OFF_prb_data_blk_lpos_begin, 0),
	X(OFF_prb_data_blk_lpos_next, 8),
	X(OFF_prb_data_ring_size_bits, 0),
	X(OFF_prb_data_ring_data, 8),
	X(OFF_prb_data_ring_head_lpos, 16),
	X(OFF_prb_data_ring_tail_lpos, 24),
	X(OFF_printk_info_seq, 0),
	X(OFF_printk_info_ts_nsec, 8),
	X(OFF_printk_info_text_len, 16),
	X(OFF_printk_info_caller_id, 20),	/* 16 + 2 + 1 + 1 (bit-fields) */
	X(OFF_printk_info_dev_info, 24),
	X(OFF_dev_printk_info_subsystem, 0),
	X(OFF_dev_printk_info_device, 16),
	X(OFF_latched_seq_val, 8),
	X(OFF_uts_namespace_name, 4),	/* after struct kref */
	X(LEN_printk_info_subsystem, 16),
	X(LEN_printk_info_device, 48),
};

static const struct expect *find_expected(enum kf_id id)
{
	size_t i;

	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
		if (expected[i].id == id)
			return &expected[i];
	return NULL;
}

static const char *fact_name(enum kf_id id)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s(%s)", kf_kind_name(kf_table[id].kind), kf_table[id].key);
	return buf;
}

static char *path_in(const char *dir, const char *name)
{
	static char buf[4][4096];
	static unsigned n;
	char *p = buf[n++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

/* Every fact as expected: listed ones with their value, all others absent. */
static void test_fake_vmlinux(const char *dir)
{
	const char *path = path_in(dir, "fake-vmlinux");
	struct kfacts k;
	struct err e = { 0 };
	int i;

	memset(&k, 0, sizeof(k));
	CHECK(dwinfo_read(path, &k, &e) == 0, "dwinfo_read(%s): %s", path, e.msg);
	CHECK(strcmp(kf_text(&k, KT_OSRELEASE), "6.1.0-fake-dwarf") == 0,
	      "release \"%s\", want init_uts_ns's \"6.1.0-fake-dwarf\"", kf_text(&k, KT_OSRELEASE));
	for (i = 0; i < KF__COUNT; i++) {
		const struct expect *x = find_expected((enum kf_id)i);

		if (x)
			CHECK(k.have[i] && k.val[i] == x->val, "%s = %s%" PRId64 " (%#" PRIx64 "), want %" PRId64 " (%#" PRIx64 ")",
			      fact_name((enum kf_id)i), k.have[i] ? "" : "absent ",
			      k.val[i], (uint64_t)k.val[i], x->val, (uint64_t)x->val);
		else
			CHECK(!k.have[i], "%s = %" PRId64 ", want absent", fact_name((enum kf_id)i),
			      k.val[i]);
	}
}

/* Facts already known are kept, and only missing ones are filled. */
static void test_keeps_known(const char *dir)
{
	const char *path = path_in(dir, "fake-vmlinux");
	struct kfacts k;
	struct err e = { 0 };

	memset(&k, 0, sizeof(k));
	kf_set_text(&k, KT_OSRELEASE, "9.9.9-known", 11);
	kf_set(&k, KF_PAGESIZE, 16384);
	kf_set(&k, KF_SIZE_page, 999);
	kf_set(&k, KF_SYM_prb, 0x1234);
	kf_set(&k, KF_NUM_PG_head_mask, 7);
	CHECK(dwinfo_read(path, &k, &e) == 0, "dwinfo_read(%s): %s", path, e.msg);
	CHECK(strcmp(kf_text(&k, KT_OSRELEASE), "9.9.9-known") == 0, "release overwritten: %s",
	      kf_text(&k, KT_OSRELEASE));
	CHECK(kf_val(&k, KF_PAGESIZE) == 16384, "page size overwritten: %" PRId64,
	      kf_val(&k, KF_PAGESIZE));
	CHECK(kf_val(&k, KF_SIZE_page) == 999, "SIZE(page) overwritten");
	CHECK(kf_val(&k, KF_SYM_prb) == 0x1234, "SYMBOL(prb) overwritten");
	CHECK(kf_val(&k, KF_NUM_PG_head_mask) == 7, "PG_head_mask overwritten");
	CHECK(kf_have(&k, KF_OFF_page__mapcount) && kf_val(&k, KF_OFF_page__mapcount) == 48,
	      "OFFSET(page._mapcount) not filled next to known facts");
}

/* Without init_uts_ns, the release comes from linux_banner. */
static void test_banner(const char *dir)
{
	const char *path = path_in(dir, "fake-banner");
	struct kfacts k;
	struct err e = { 0 };

	memset(&k, 0, sizeof(k));
	CHECK(dwinfo_read(path, &k, &e) == 0, "dwinfo_read(%s): %s", path, e.msg);
	CHECK(strcmp(kf_text(&k, KT_OSRELEASE), "6.1.0-fake-banner") == 0, "banner release \"%s\"",
	      kf_text(&k, KT_OSRELEASE));
	CHECK(kf_val(&k, KF_OFF_page__mapcount) == 48, "OFFSET(page._mapcount) in fake-banner");
	CHECK(!kf_have(&k, KF_SIZE_printk_info), "SIZE(printk_info) without printk.c");
}

/* dwinfo_read fails with one line that names the file and says what. */
static void expect_error(const char *path, const char *what)
{
	struct kfacts k;
	struct err e = { 0 };
	int rc;

	memset(&k, 0, sizeof(k));
	rc = dwinfo_read(path, &k, &e);
	CHECK(rc == -1, "dwinfo_read(%s) = %d, want -1", path, rc);
	CHECK(strstr(e.msg, path) != NULL, "message \"%s\" does not name %s", e.msg, path);
	CHECK(strstr(e.msg, what) != NULL, "message \"%s\" does not say \"%s\"", e.msg, what);
	CHECK(strchr(e.msg, '\n') == NULL, "message \"%s\" is not one line", e.msg);
	printf("error as expected: %s\n", e.msg);
}

static void test_errors(const char *dir)
{
	expect_error(path_in(dir, "no-such-vmlinux"), strerror(ENOENT));
	expect_error(path_in(dir, "not-elf.txt"), "not an ELF file");
	expect_error(path_in(dir, "fake-nodebug"),
		     "no DWARF debug information (is this a vmlinux with debug info?)");
	expect_error(path_in(dir, "fake-norelease"), "no kernel release");
}

/* The file offset and size of .debug_info in an ELF file. */
static int debug_info_range(const char *path, uint64_t *off, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int rc = -1;

	if (!f)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fileno(f), ELF_C_READ, NULL);
	if (elf && elf_getshdrstrndx(elf, &shstrndx) == 0)
		while ((scn = elf_nextscn(elf, scn)) != NULL) {
			GElf_Shdr sh;
			const char *n;

			if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) &&
			    strcmp(n, ".debug_info") == 0) {
				*off = sh.sh_offset;
				*size = sh.sh_size;
				rc = 0;
			}
		}
	if (elf)
		elf_end(elf);
	fclose(f);
	return rc;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    !(buf = malloc((size_t)n)) || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/*
 * Damaged DWARF and truncated files: any result is fine but a crash.
 * The damage is deterministic: a run is reproducible.
 */
static void test_damaged(const char *dir)
{
	const char *src = path_in(dir, "fake-vmlinux");
	const char *dst = path_in(dir, "damaged-vmlinux");
	uint64_t off = 0, size = 0;
	size_t len = 0, i;
	unsigned char *orig = slurp(src, &len);
	unsigned round;
	uint32_t x = 12345;

	CHECK(orig != NULL, "cannot read %s", src);
	CHECK(debug_info_range(src, &off, &size) == 0 && off + size <= len,
	      "no .debug_info in %s", src);
	if (!orig || failed)
		goto out;
	for (round = 0; round < 64; round++) {
		unsigned char *buf = malloc(len);
		size_t cut = len;
		FILE *f;
		struct kfacts k;
		struct err e = { 0 };

		if (!buf)
			break;
		memcpy(buf, orig, len);
		if (round < 48) {
			/* one to a few bytes of .debug_info changed */
			for (i = 0; i <= round % 4; i++) {
				x = x * 1103515245 + 12345;
				buf[off + (x >> 8) % size] ^= (unsigned char)(1 + (x >> 24) % 255);
			}
		} else {
			cut = len * (round - 47) / 17;	/* truncated copies */
		}
		f = fopen(dst, "wb");
		if (!f || fwrite(buf, 1, cut, f) != cut) {
			CHECK(0, "cannot write %s", dst);
			if (f)
				fclose(f);
			free(buf);
			break;
		}
		fclose(f);
		memset(&k, 0, sizeof(k));
		(void)dwinfo_read(dst, &k, &e);	/* must return, whatever it says */
		free(buf);
	}
	unlink(dst);
out:
	free(orig);
}

/*
 * Build the fixtures (in the tree at MDF_TOP, else the current
 * directory); returns their folder, or NULL with *status set to exit with
 * (77 when the builder skips, 99 when it fails).
 */
static const char *build_fixtures(int *status)
{
	static char dir[4096], cmd[4200];
	const char *top = getenv("MDF_TOP");
	int rc;

	if (!top || !*top)
		top = ".";
	snprintf(dir, sizeof(dir), "%s/tests/bin/dwarf", top);
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/dwarf/run.sh' --fixtures-only", top);
	fflush(stdout);
	rc = system(cmd);
	if (rc == -1 || !WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
		*status = rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 77 ? 77 : 99;
		printf("test_dwarf: cannot build the fixtures with %s\n", cmd);
		return NULL;
	}
	return dir;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	int status = 0;

	if (argc > 2) {
		fprintf(stderr, "usage: %s [FIXTURE-DIR]\n", argv[0]);
		return 99;
	}
	if (!dir && !(dir = build_fixtures(&status)))
		return status;
	test_fake_vmlinux(dir);
	test_keeps_known(dir);
	test_banner(dir);
	test_errors(dir);
	test_damaged(dir);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
