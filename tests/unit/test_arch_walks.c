/*
 * test_arch_walks.c - the page-table walks of 32-bit arm (classic and
 * LPAE), loongarch64 and mips64 on tiny tables built in memory: each test
 * writes a one-segment ELF core of a few MiB holding the tables (in the
 * arch's byte order and ELF class), opens it as the program opens a dump,
 * and checks vtop for every mapping size, for invalid entries, and that a
 * table pointing to itself ends the walk.  The tables are laid out by hand
 * from the kernels' and the architecture manuals' formats.  Ends with
 * "N passed, N failed"; exits 1 on a failure.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arch/arch.h"
#include "kview.h"

static unsigned pass, fail;

/* got and want are evaluated once: a check may open a dump or walk a table */
static void check(const char *what, uint64_t got, uint64_t want)
{
	if (got == want) {
		pass++;
		return;
	}
	fail++;
	printf("FAIL %s: got 0x%" PRIx64 ", want 0x%" PRIx64 "\n", what, got, want);
}
#define EQ(what, got, want) check(what, (uint64_t)(got), (uint64_t)(want))

/* ---- a fake dump: one PT_LOAD of RAM at base ------------------------------ */

struct fake {
	uint8_t *mem;
	uint64_t base, size;
	bool be;
	int cls;		/* ELFCLASS32 / ELFCLASS64 */
	unsigned machine;
	char path[64];
	struct vmcore *vc;
	struct kview kv;
};

static void put_n(uint8_t *b, uint64_t v, unsigned n, bool be)
{
	unsigned i;

	for (i = 0; i < n; i++)
		b[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static void put(struct fake *f, uint64_t pa, uint64_t v, unsigned n)
{
	if (pa < f->base || pa + n > f->base + f->size) {
		printf("test bug: 0x%" PRIx64 " outside the fake RAM\n", pa);
		exit(99);
	}
	put_n(f->mem + (pa - f->base), v, n, f->be);
}

static void fake_new(struct fake *f, unsigned machine, int cls, bool be, uint64_t base,
		     uint64_t size)
{
	memset(f, 0, sizeof(*f));
	f->machine = machine;
	f->cls = cls;
	f->be = be;
	f->base = base;
	f->size = size;
	f->mem = calloc(1, size);
	if (!f->mem)
		exit(99);
}

/* The ELF header and one PT_LOAD (vaddr 0: the arches must not need it), then the RAM. */
static size_t elf_headers(const struct fake *f, uint8_t *h)
{
	bool w = f->cls == ELFCLASS64, be = f->be;
	size_t eh = w ? 64 : 52, ph = w ? 56 : 32, off = eh + ph;

	memcpy(h, ELFMAG, SELFMAG);
	h[EI_CLASS] = (uint8_t)f->cls;
	h[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	h[EI_VERSION] = EV_CURRENT;
	put_n(h + 16, ET_CORE, 2, be);
	put_n(h + 18, f->machine, 2, be);
	put_n(h + 20, EV_CURRENT, 4, be);
	if (w) {
		put_n(h + 32, eh, 8, be);		/* e_phoff */
		put_n(h + 52, eh, 2, be);
		put_n(h + 54, ph, 2, be);
		put_n(h + 56, 1, 2, be);
		put_n(h + eh, PT_LOAD, 4, be);
		put_n(h + eh + 4, PF_R | PF_W | PF_X, 4, be);
		put_n(h + eh + 8, off, 8, be);
		put_n(h + eh + 24, f->base, 8, be);	/* p_paddr */
		put_n(h + eh + 32, f->size, 8, be);
		put_n(h + eh + 40, f->size, 8, be);
	} else {
		put_n(h + 28, eh, 4, be);
		put_n(h + 40, eh, 2, be);
		put_n(h + 42, ph, 2, be);
		put_n(h + 44, 1, 2, be);
		put_n(h + eh, PT_LOAD, 4, be);
		put_n(h + eh + 4, off, 4, be);
		put_n(h + eh + 12, f->base, 4, be);
		put_n(h + eh + 16, f->size, 4, be);
		put_n(h + eh + 20, f->size, 4, be);
		put_n(h + eh + 24, PF_R | PF_W | PF_X, 4, be);
	}
	return off;
}

/* Write the dump, open it and set up the kview (the caller set f->kv.k first). */
static int fake_open(struct fake *f, struct err *e)
{
	uint8_t h[128] = { 0 };
	size_t n = elf_headers(f, h);
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(f->path, sizeof(f->path), "%s/walkXXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	fd = mkstemp(f->path);
	if (fd < 0 || write(fd, h, n) != (ssize_t)n ||
	    write(fd, f->mem, f->size) != (ssize_t)f->size || close(fd) < 0) {
		printf("cannot write %s\n", f->path);
		exit(99);
	}
	f->vc = vmcore_open(f->path, true, e);
	if (!f->vc)
		return -1;
	return kview_init(&f->kv, f->vc, e);
}

static void fake_close(struct fake *f)
{
	if (f->vc) {
		kview_fini(&f->kv);
		vmcore_close(f->vc);
	}
	unlink(f->path);
	free(f->mem);
}

/* vtop through the kview (no translation cache between checks) */
static int vtop(struct fake *f, uint64_t va, uint64_t *pa, uint64_t *span)
{
	struct err e = { 0 };

	f->kv.tlb_len = 0;
	return kview_vtop(&f->kv, va, pa, span, &e);
}

static void want_pa(struct fake *f, const char *what, uint64_t va, uint64_t want, uint64_t want_span)
{
	uint64_t pa = 0, span = 0;
	char buf[160];

	snprintf(buf, sizeof(buf), "%s: vtop(0x%" PRIx64 ") succeeds", what, va);
	EQ(buf, vtop(f, va, &pa, &span), 0);
	snprintf(buf, sizeof(buf), "%s: vtop(0x%" PRIx64 ")", what, va);
	EQ(buf, pa, want);
	if (want_span) {
		snprintf(buf, sizeof(buf), "%s: span of 0x%" PRIx64, what, va);
		EQ(buf, span, want_span);
	}
}

static void want_fail(struct fake *f, const char *what, uint64_t va)
{
	uint64_t pa, span;
	char buf[160];

	snprintf(buf, sizeof(buf), "%s: vtop(0x%" PRIx64 ") fails", what, va);
	EQ(buf, vtop(f, va, &pa, &span), -1);
}

/* A walk that must end (either way) rather than loop: reaching the check is the pass. */
static void want_ends(struct fake *f, const char *what, uint64_t va)
{
	uint64_t pa, span;

	(void)vtop(f, va, &pa, &span);
	EQ(what, 1, 1);
}

static void set_text(struct kview *kv, enum kt_id id, const char *s)
{
	kf_set_text(&kv->k, id, s, (unsigned)strlen(s));
}

/* ---- arm: classic short descriptors ---------------------------------------- */

#define ARM_RAM		UINT64_C(0x80000000)
#define ARM_PGD_VA	UINT64_C(0xc0004000)	/* PAGE_OFFSET + TEXT_OFFSET - 16 KiB */
#define ARM_PGD_PA	UINT64_C(0x80004000)

static void arm_facts(struct fake *f, uint64_t pgd_va)
{
	kf_set(&f->kv.k, KF_PAGESIZE, 4096);
	kf_set(&f->kv.k, KF_SYM__stext, 0xc0008240);
	if (pgd_va)
		kf_set(&f->kv.k, KF_SYM_swapper_pg_dir, (int64_t)pgd_va);
}

static void arm_l1(struct fake *f, uint64_t va, uint32_t desc)
{
	put(f, ARM_PGD_PA + 4 * (va >> 20), desc, 4);
}

static void test_arm_classic(bool with_key)
{
	struct fake f;
	struct err e = { 0 };
	uint64_t hw0 = ARM_RAM + 0x10000 + 2048, hw1 = ARM_RAM + 0x10000 + 3072;
	unsigned i;

	fake_new(&f, EM_ARM, ELFCLASS32, false, ARM_RAM, 4 << 20);
	arm_facts(&f, ARM_PGD_VA);
	if (with_key)
		set_text(&f.kv, KT_CONFIG_ARM_LPAE, "n");
	/* lowmem: 1 MiB sections (AP bits 0xc00), one with PXN (type 3) */
	arm_l1(&f, 0xc0000000, 0x80000000 | 0xc0e);
	arm_l1(&f, 0xc0100000, 0x80100000 | 0xc0e);
	arm_l1(&f, 0xc1000000, 0x81000000 | 0xc03);
	/* a supersection: pa 0x13_12000000 (bits 35:32 in 23:20, 39:36 in 8:5) */
	for (i = 0; i < 16; i++)
		arm_l1(&f, 0xe0000000 + (i << 20), 0x12000000 | 0x3 << 20 | 0x1 << 5 | 1u << 18 | 2);
	/* Linux's pgd pair: two L1 entries to the two h/w tables in one page */
	arm_l1(&f, 0xf0000000, (uint32_t)hw0 | 1);
	arm_l1(&f, 0xf0100000, (uint32_t)hw1 | 1);
	put(&f, hw0 + 4 * 5, 0x81234000 | 0x32, 4);		/* small page */
	for (i = 0x10; i < 0x20; i++)
		put(&f, hw0 + 4 * i, 0x82340000 | 0x31, 4);	/* large page, 16 copies */
	put(&f, hw1 + 4 * 7, 0x85555000 | 0x33, 4);		/* small page, XN */
	/* an L1 entry whose "table" is the pgd itself */
	arm_l1(&f, 0xf0200000, (uint32_t)ARM_PGD_PA | 1);

	EQ("arm classic: opens", fake_open(&f, &e), 0);
	EQ("arm classic: ptr_size", f.kv.ptr_size, 4);
	EQ("arm classic: phys_base is PHYS_OFFSET", f.kv.phys_base, ARM_RAM);
	EQ("arm classic: FLATMEM's mem_map[0] is PHYS_OFFSET's pfn", f.kv.arch_pfn_offset, ARM_RAM >> 12);
	want_pa(&f, "arm section", 0xc0012345, 0x80012345, 0x100000 - 0x12345);
	want_pa(&f, "arm section 2", 0xc01fffff, 0x801fffff, 1);
	want_pa(&f, "arm section with PXN", 0xc1000010, 0x81000010, 0x100000 - 0x10);
	want_pa(&f, "arm supersection", 0xe0abcdef, UINT64_C(0x1312abcdef), 0x1000000 - 0xabcdef);
	want_pa(&f, "arm small page", 0xf0005abc, 0x81234abc, 0x1000 - 0xabc);
	want_pa(&f, "arm large page", 0xf0012345, 0x82342345, 0x10000 - 0x2345);
	want_pa(&f, "arm small page, second h/w table", 0xf0107008, 0x85555008, 0xff8);
	want_fail(&f, "arm empty L2 entry", 0xf0006000);
	want_fail(&f, "arm fault L1 entry", 0xd0000000);
	want_fail(&f, "arm address above 4 GiB", UINT64_C(0x1c0000000));
	want_ends(&f, "arm L1 entry pointing to the pgd: the walk ends", 0xf0203000);
	EQ("arm is_kvaddr(PAGE_OFFSET)", f.kv.arch->is_kvaddr(&f.kv, 0xc0000000), 1);
	EQ("arm is_kvaddr(modules)", f.kv.arch->is_kvaddr(&f.kv, 0xbf000000), 1);
	EQ("arm is_kvaddr(user)", f.kv.arch->is_kvaddr(&f.kv, 0x00400000), 0);
	fake_close(&f);
}

/* Without swapper_pg_dir: the linear map of the RAM the dump holds. */
static void test_arm_linear(void)
{
	struct fake f;
	struct err e = { 0 };

	fake_new(&f, EM_ARM, ELFCLASS32, false, ARM_RAM, 4 << 20);
	arm_facts(&f, 0);
	EQ("arm linear: opens", fake_open(&f, &e), 0);
	want_pa(&f, "arm linear", 0xc0123456, 0x80123456, (4 << 20) - 0x123456);
	want_fail(&f, "arm linear past the RAM", 0xc0400000);
	want_fail(&f, "arm linear below PAGE_OFFSET", 0xbf000000);
	fake_close(&f);
}

/* ---- arm: LPAE long descriptors ------------------------------------------- */

#define LPAE_PGD_VA	UINT64_C(0xc0003000)	/* PAGE_OFFSET + TEXT_OFFSET - 0x5000 */
#define LPAE_PGD_PA	UINT64_C(0x80003000)
#define LPAE_AF		UINT64_C(0x400)

static void lpae_tables(struct fake *f)
{
	uint64_t pmd = ARM_RAM + 0x4000, pte = ARM_RAM + 0x5000;

	put(f, LPAE_PGD_PA + 8 * 3, pmd | 3, 8);			/* 0xc0000000-: table */
	put(f, LPAE_PGD_PA + 8 * 2, UINT64_C(0x40000000) | LPAE_AF | 1, 8);	/* 1 GiB block */
	put(f, pmd + 8 * 0, ARM_RAM | LPAE_AF | 1, 8);		/* 2 MiB block */
	put(f, pmd + 8 * 0x100, pte | 3, 8);			/* 0xe0000000: table */
	put(f, pmd + 8 * 0x101, pmd | 3, 8);			/* points to itself */
	put(f, pte + 8 * 3, UINT64_C(0x812345000) | LPAE_AF | 3, 8);	/* page above 4 GiB */
	put(f, pte + 8 * 4, UINT64_C(0x812346000) | 1, 8);	/* 1 at level 3: reserved */
}

static void lpae_checks(struct fake *f, const char *what)
{
	char buf[96];

	snprintf(buf, sizeof(buf), "%s: 2 MiB block", what);
	want_pa(f, buf, 0xc0012345, 0x80012345, 0x200000 - 0x12345);
	snprintf(buf, sizeof(buf), "%s: 1 GiB block", what);
	want_pa(f, buf, 0x80001234, 0x40001234, 0x40000000 - 0x1234);
	snprintf(buf, sizeof(buf), "%s: 4 KiB page above 4 GiB", what);
	want_pa(f, buf, 0xe0003abc, UINT64_C(0x812345abc), 0x1000 - 0xabc);
	snprintf(buf, sizeof(buf), "%s: reserved level-3 descriptor", what);
	want_fail(f, buf, 0xe0004000);
	snprintf(buf, sizeof(buf), "%s: empty pte", what);
	want_fail(f, buf, 0xe0005000);
	snprintf(buf, sizeof(buf), "%s: empty pgd entry", what);
	want_fail(f, buf, 0x40000000);
	snprintf(buf, sizeof(buf), "%s: empty pmd entry", what);
	want_fail(f, buf, 0xc0400000);
	snprintf(buf, sizeof(buf), "%s: a pmd table pointing to itself ends the walk", what);
	want_ends(f, buf, 0xe0200000);
}

/* how: 0 CONFIG_ARM_LPAE=y, 1 no key (the table's shape says), 2 an ELF64 dump */
static void test_arm_lpae(int how)
{
	static const char *const names[] = { "arm LPAE (key)", "arm LPAE (shape)", "arm LPAE (ELF64)" };
	struct fake f;
	struct err e = { 0 };
	char buf[96];

	fake_new(&f, EM_ARM, how == 2 ? ELFCLASS64 : ELFCLASS32, false, ARM_RAM, 4 << 20);
	arm_facts(&f, LPAE_PGD_VA);
	if (how == 0)
		set_text(&f.kv, KT_CONFIG_ARM_LPAE, "y");
	lpae_tables(&f);
	snprintf(buf, sizeof(buf), "%s: opens", names[how]);
	EQ(buf, fake_open(&f, &e), 0);
	snprintf(buf, sizeof(buf), "%s: the kernel's word is 4 bytes", names[how]);
	EQ(buf, f.kv.ptr_size, 4);
	lpae_checks(&f, names[how]);
	fake_close(&f);
}

/* ---- loongarch64 and mips64: tables linked by kernel addresses ------------- */

struct vatab {
	struct fake f;
	unsigned ps;		/* page shift */
	unsigned levels, pgd_pages;
	uint64_t window;	/* unmapped window base: table va = window | pa */
	uint64_t pgd, next;	/* pa of swapper_pg_dir; next free page */
	uint64_t invalid[4];	/* invalid table per level below the pgd (pa) */
};

static uint64_t va_of(const struct vatab *t, uint64_t pa) { return t->window | pa; }

static uint64_t vt_alloc(struct vatab *t, unsigned pages)
{
	uint64_t pa = t->next;

	t->next += (uint64_t)pages << t->ps;
	return pa;
}

static void vt_fill(struct vatab *t, uint64_t table, unsigned pages, uint64_t v)
{
	uint64_t i, n = ((uint64_t)pages << t->ps) / 8;

	for (i = 0; i < n; i++)
		put(&t->f, table + 8 * i, v, 8);
}

/*
 * As paging_init leaves it: every entry of swapper_pg_dir and of each
 * invalid table points to the invalid table of the level below; the
 * invalid pte table is all zero.
 */
static void vt_new(struct vatab *t, unsigned machine, bool be, unsigned ps, unsigned levels,
		   unsigned pgd_pages, uint64_t window)
{
	int i;

	memset(t, 0, sizeof(*t));
	fake_new(&t->f, machine, ELFCLASS64, be, 0, 4 << 20);
	t->ps = ps;
	t->levels = levels;
	t->pgd_pages = pgd_pages;
	t->window = window;
	t->next = UINT64_C(1) << ps;
	t->pgd = vt_alloc(t, pgd_pages);
	for (i = 0; i < (int)levels - 1; i++)
		t->invalid[i] = vt_alloc(t, 1);
	for (i = (int)levels - 3; i >= 0; i--)
		vt_fill(t, t->invalid[i], 1, va_of(t, t->invalid[i + 1]));
	vt_fill(t, t->pgd, pgd_pages, va_of(t, t->invalid[0]));
	kf_set(&t->f.kv.k, KF_PAGESIZE, 1 << ps);
	kf_set(&t->f.kv.k, KF_SYM_swapper_pg_dir, (int64_t)va_of(t, t->pgd));
}

static unsigned vt_shift(const struct vatab *t, unsigned lvl)
{
	return t->ps + (t->ps - 3) * (t->levels - 1 - lvl);
}

static uint64_t vt_index(const struct vatab *t, unsigned lvl, uint64_t va)
{
	unsigned bits = t->ps - 3 + (lvl == 0 && t->pgd_pages == 2 ? 1 : 0);

	return (va >> vt_shift(t, lvl)) & ((UINT64_C(1) << bits) - 1);
}

static uint64_t get(const struct fake *f, uint64_t pa)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < 8; i++)
		v = v << 8 | f->mem[pa - f->base + (f->be ? i : 7 - i)];
	return v;
}

/* Set va's entry at level leaf to value, making the tables above it as the kernel does. */
static void vt_set(struct vatab *t, uint64_t va, unsigned leaf, uint64_t value)
{
	uint64_t table = t->pgd;
	unsigned lvl;

	for (lvl = 0; lvl < leaf; lvl++) {
		uint64_t slot = table + 8 * vt_index(t, lvl, va), v = get(&t->f, slot);

		if (v == va_of(t, t->invalid[lvl])) {
			uint64_t fresh = vt_alloc(t, 1);

			if (lvl + 1 < t->levels - 1)
				vt_fill(t, fresh, 1, va_of(t, t->invalid[lvl + 1]));
			put(&t->f, slot, va_of(t, fresh), 8);
			v = va_of(t, fresh);
		}
		table = v - t->window;
	}
	put(&t->f, table + 8 * vt_index(t, leaf, va), value, 8);
}

/* The va with index idx[i] at each level i, above base. */
static uint64_t vt_va(const struct vatab *t, uint64_t base, const unsigned *idx, uint64_t off)
{
	uint64_t va = base + off;
	unsigned lvl;

	for (lvl = 0; lvl < t->levels; lvl++)
		va += (uint64_t)idx[lvl] << vt_shift(t, lvl);
	return va;
}

/* The checks both arches share; pte(pa, present) and huge(pa, present) make their entries. */
struct vt_arch {
	const char *name;
	uint64_t mapped_base;	/* a mapped kernel region */
	uint64_t (*pte)(unsigned ps, uint64_t pa, bool present);
	uint64_t (*huge)(unsigned ps, uint64_t pa, bool present);
};

static void vt_checks(struct vatab *t, const struct vt_arch *a, const char *what)
{
	unsigned pmd = t->levels - 2, last = t->levels - 1;
	uint64_t psz = UINT64_C(1) << t->ps, hsz = UINT64_C(1) << vt_shift(t, pmd);
	unsigned i0[4] = { 0 }, i1[4] = { 0 }, i2[4] = { 0 }, i3[4] = { 0 }, i4[4] = { 0 };
	uint64_t va_page, va_none, va_absent, va_huge, va_huge_absent, va_self, va_empty;
	uint64_t self_table;
	struct err e = { 0 };
	char buf[128];

	/* a page; its neighbour empty; a pte without the present bit */
	i0[0] = 1; i0[pmd] = 5; i0[last] = 7;
	va_page = vt_va(t, a->mapped_base, i0, 0x123);
	vt_set(t, va_page, last, a->pte(t->ps, 0x12344000 & ~(psz - 1), true));
	va_none = va_page + psz;
	va_absent = va_page + 2 * psz;
	vt_set(t, va_absent, last, a->pte(t->ps, 0x12348000 & ~(psz - 1), false));
	/* a huge pmd, present and not; levels > 2 only */
	i1[0] = 1; i1[pmd] = 6;
	va_huge = vt_va(t, a->mapped_base, i1, hsz / 2 + 0x567);
	i2[0] = 1; i2[pmd] = 8;
	va_huge_absent = vt_va(t, a->mapped_base, i2, 0);
	if (t->levels > 2) {
		vt_set(t, va_huge, pmd, a->huge(t->ps, UINT64_C(0x40000000) & ~(hsz - 1), true));
		vt_set(t, va_huge_absent, pmd, a->huge(t->ps, UINT64_C(0x80000000), false));
	}
	/* a pmd pointing to its own table */
	i3[0] = 1; i3[pmd] = 9;
	va_self = vt_va(t, a->mapped_base, i3, 0);
	vt_set(t, va_self, last, 0);
	self_table = t->pgd;
	for (unsigned l = 0; l < pmd; l++)
		self_table = get(&t->f, self_table + 8 * vt_index(t, l, va_self)) - t->window;
	put(&t->f, self_table + 8 * vt_index(t, pmd, va_self), va_of(t, self_table), 8);
	/* a pgd entry still pointing to the invalid tables */
	i4[0] = 3;
	va_empty = vt_va(t, a->mapped_base, i4, 0);

	snprintf(buf, sizeof(buf), "%s: opens", what);
	if (fake_open(&t->f, &e) < 0)
		printf("  (%s)\n", e.msg);
	EQ(buf, t->f.vc && t->f.kv.arch, 1);
	snprintf(buf, sizeof(buf), "%s: page", what);
	want_pa(&t->f, buf, va_page, (0x12344000 & ~(psz - 1)) + 0x123, psz - 0x123);
	snprintf(buf, sizeof(buf), "%s: empty pte", what);
	want_fail(&t->f, buf, va_none);
	snprintf(buf, sizeof(buf), "%s: pte not present", what);
	want_fail(&t->f, buf, va_absent);
	if (t->levels > 2) {
		snprintf(buf, sizeof(buf), "%s: huge pmd", what);
		want_pa(&t->f, buf, va_huge, (UINT64_C(0x40000000) & ~(hsz - 1)) + hsz / 2 + 0x567,
			hsz / 2 - 0x567);
		snprintf(buf, sizeof(buf), "%s: huge pmd not present", what);
		want_fail(&t->f, buf, va_huge_absent);
	}
	snprintf(buf, sizeof(buf), "%s: pgd entry to the invalid tables", what);
	want_fail(&t->f, buf, va_empty);
	snprintf(buf, sizeof(buf), "%s: a table pointing to itself ends the walk", what);
	want_ends(&t->f, buf, va_self);
}

/* loongarch64: pte = pa | _PAGE_PRESENT (7) | VALID | DIRTY | GLOBAL (6) | CC (4); huge: HUGE (6) | HGLOBAL (12) */
static uint64_t la_pte(unsigned ps, uint64_t pa, bool present)
{
	(void)ps;
	return pa | (present ? 0x80 : 0) | 0x1 | 0x2 | 0x40 | 0x10 | 0x100;
}

static uint64_t la_huge(unsigned ps, uint64_t pa, bool present)
{
	(void)ps;
	return pa | (present ? 0x80 : 0) | 0x1 | 0x2 | 0x40 | 0x1000 | 0x10 | 0x100;
}

static const struct vt_arch la_arch = { "loongarch64", UINT64_C(0xffff000000000000), la_pte, la_huge };

static void test_loongarch(unsigned ps, unsigned levels, bool detectable)
{
	struct vatab t;
	char what[64];
	uint64_t pa, span;

	snprintf(what, sizeof(what), "loongarch64 %uK %u-level%s", 1u << (ps - 10), levels,
		 detectable ? "" : " (levels not detectable)");
	vt_new(&t, EM_LOONGARCH, false, ps, levels, 1, UINT64_C(0x9000000000000000));
	if (!detectable)	/* every pgd entry points to a table pointing to itself */
		vt_fill(&t, t.pgd, 1, va_of(&t, t.pgd));
	if (detectable)
		vt_checks(&t, &la_arch, what);
	else {
		struct err e = { 0 };

		EQ("loongarch64 undetectable levels: opens", fake_open(&t.f, &e), 0);
		want_ends(&t.f, "loongarch64 undetectable levels: walk of a self-pointing pgd ends",
			  UINT64_C(0xffff000000000000));
	}
	/* the direct-mapped windows */
	want_pa(&t.f, "loongarch64 DMW cached", UINT64_C(0x9000000012345678), 0x12345678, 0);
	want_pa(&t.f, "loongarch64 DMW uncached", UINT64_C(0x8000000000001000), 0x1000, 0);
	want_pa(&t.f, "loongarch64 DMW write-combining", UINT64_C(0xa000000000002000), 0x2000, 0);
	EQ("loongarch64 user address fails", vtop(&t.f, 0x120000000, &pa, &span), -1);
	EQ("loongarch64 is_kvaddr(DMW)", t.f.kv.arch->is_kvaddr(&t.f.kv, UINT64_C(0x9000000000000000)), 1);
	EQ("loongarch64 is_kvaddr(user)", t.f.kv.arch->is_kvaddr(&t.f.kv, 0x120000000), 0);
	fake_close(&t.f);
}

/* mips64 R2 with RI/XI and huge pages: pfn << (PAGE_SHIFT + 2); P 0, W 1, A 2, M 3, H 4, G 8, V 9, D 10, C 11-13 */
static uint64_t mips_pte(unsigned ps, uint64_t pa, bool present)
{
	return (pa >> ps) << (ps + 2) | (present ? 1 : 0) | 0x2 | 0x4 | 0x8 | 0x100 | 0x200 |
	       0x400 | 3 << 11;
}

static uint64_t mips_huge(unsigned ps, uint64_t pa, bool present)
{
	return mips_pte(ps, pa, present) | 0x10;
}

static const struct vt_arch mips_arch = { "mips64", UINT64_C(0xc000000000000000), mips_pte, mips_huge };

static void test_mips64(unsigned ps, bool be, uint64_t window)
{
	struct vatab t;
	char what[80];
	unsigned levels = ps == 16 ? 2 : 3;

	snprintf(what, sizeof(what), "mips64%s %uK %u-level (tables at %016" PRIx64 ")",
		 be ? "" : "el", 1u << (ps - 10), levels, window);
	vt_new(&t, EM_MIPS, be, ps, levels, ps == 12 ? 2 : 1, window);
	if (ps == 12) {
		/* PGD_TABLE_ORDER 1: an index of the second page of the pgd */
		unsigned idx[4] = { 600, 2, 3, 0 };
		uint64_t va = vt_va(&t, UINT64_C(0xc000000000000000), idx, 0x10);

		vt_set(&t, va, 2, mips_pte(ps, 0x777000, true));
		vt_checks(&t, &mips_arch, what);
		want_pa(&t.f, "mips64 4K: pgd index 600 (the pgd's second page)", va, 0x777010, 0xff0);
	} else {
		vt_checks(&t, &mips_arch, what);
	}
	want_pa(&t.f, "mips64 XKPHYS cached", UINT64_C(0x9800000012345678), 0x12345678, 0);
	want_pa(&t.f, "mips64 XKPHYS uncached", UINT64_C(0x9000000000001000), 0x1000, 0);
	want_pa(&t.f, "mips64 CKSEG0", UINT64_C(0xffffffff80123456), 0x123456, 0x20000000 - 0x123456);
	want_pa(&t.f, "mips64 CKSEG1", UINT64_C(0xffffffffa0123456), 0x123456, 0);
	EQ("mips64 is_kvaddr(XKPHYS)", t.f.kv.arch->is_kvaddr(&t.f.kv, UINT64_C(0x9800000000000000)), 1);
	EQ("mips64 is_kvaddr(user)", t.f.kv.arch->is_kvaddr(&t.f.kv, 0x120000000), 0);
	fake_close(&t.f);
}

static void test_mips32_refused(void)
{
	struct fake f;
	struct err e = { 0 };

	fake_new(&f, EM_MIPS, ELFCLASS32, false, 0, 1 << 20);
	kf_set(&f.kv.k, KF_PAGESIZE, 4096);
	EQ("mips ELF32 dump: refused", fake_open(&f, &e), -1);
	EQ("mips ELF32 dump: says why", strstr(e.msg, "64-bit MIPS") != NULL, 1);
	fake_close(&f);
}

static void test_table(void)
{
	EQ("arch_for_machine(EM_ARM)", arch_for_machine(EM_ARM) == &arch_arm, 1);
	EQ("arch_for_machine(EM_LOONGARCH)", arch_for_machine(258) == &arch_loongarch64, 1);
	EQ("arch_for_machine(EM_MIPS)", arch_for_machine(EM_MIPS) == &arch_mips64, 1);
	EQ("arm char is unsigned", arch_arm.char_is_signed, 0);
	EQ("loongarch64 char is signed", arch_loongarch64.char_is_signed, 1);
	EQ("mips64 char is signed", arch_mips64.char_is_signed, 1);
	EQ("arm SECTION_SIZE_BITS", arch_arm.section_size_bits(NULL), 28);
	EQ("loongarch64 SECTION_SIZE_BITS", arch_loongarch64.section_size_bits(NULL), 29);
	EQ("loongarch64 MAX_PHYSMEM_BITS", arch_loongarch64.max_physmem_bits(NULL), 48);
	EQ("mips64 MAX_PHYSMEM_BITS", arch_mips64.max_physmem_bits(NULL), 48);
}

int main(void)
{
	test_arm_classic(false);
	test_arm_classic(true);
	test_arm_linear();
	test_arm_lpae(0);
	test_arm_lpae(1);
	test_arm_lpae(2);
	test_loongarch(14, 3, true);
	test_loongarch(12, 4, true);
	test_loongarch(14, 2, true);
	test_loongarch(14, 3, false);
	test_mips64(14, false, UINT64_C(0x9800000000000000));
	test_mips64(14, true, UINT64_C(0x9800000000000000));
	test_mips64(12, false, UINT64_C(0xffffffff80000000));
	test_mips64(16, true, UINT64_C(0x9800000000000000));
	test_mips32_refused();
	test_table();
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
