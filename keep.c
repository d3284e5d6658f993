/* keep.c - the pages kept whatever the classifier says; see keep.h. */
#include "keep.h"
#include "arch/arch.h"
#include "kallsyms.h"
#include "log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * Page tables walked at most: more than any kernel has (a 1 TiB machine
 * with every vmalloc page mapped has a few tens of thousands); past it the
 * tables are a loop of garbage, and the walk stops.
 */
#define MAX_TABLES	(1u << 17)
#define MAX_RANGES	(MAX_TABLES + 64)
#define IMAGE_MAX	(UINT64_C(1) << 30)	/* no kernel image is larger */

struct range {
	uint64_t start, end;	/* physical bytes */
};

struct keep_set {
	struct range *r;	/* sorted, merged pfn ranges once built */
	size_t n, cap;
	uint64_t page_shift;
	/*
	 * The last answer of keep_next: for any pfn in [hit_from, hit_end) the
	 * first range ending after it is [hit_first, hit_end) (none: hit_none).
	 * The filter asks in ascending pfns, per excluded block and zero page.
	 */
	uint64_t hit_from, hit_first, hit_end;
	bool hit_valid, hit_none;
	bool shares;		/* r belongs to the set this one was shared from */
	/* the tables seen: an open-addressed set of their physical addresses */
	uint64_t *seen;
	size_t nseen, seen_cap;
};

static int add_bytes(struct keep_set *ks, uint64_t pa, uint64_t len)
{
	if (!len)
		return 0;
	if (ks->n == ks->cap) {
		size_t ncap = ks->cap ? 2 * ks->cap : 256;
		struct range *n;

		if (ks->cap >= MAX_RANGES)
			return 0;	/* bounded: the rest is not kept */
		n = realloc(ks->r, ncap * sizeof(*n));
		if (!n)
			return -1;
		ks->r = n;
		ks->cap = ncap;
	}
	ks->r[ks->n].start = pa;
	ks->r[ks->n].end = pa + len < pa ? UINT64_MAX : pa + len;
	ks->n++;
	return 0;
}

/* ---- the kernel image, per-CPU areas and notes ------------------------ */

/* Keep [va, va + len) of kernel virtual memory, a mapping at a time. */
static int add_virt(struct keep_set *ks, struct kview *kv, uint64_t va, uint64_t len)
{
	while (len) {
		uint64_t pa, span;
		struct err quiet = { 0 };

		if (kview_vtop(kv, va, &pa, &span, &quiet) < 0) {
			log_debug("keep: 0x%" PRIx64 " does not translate: %s\n", va, quiet.msg);
			span = kv->page_size - (va & (kv->page_size - 1));
		} else if (add_bytes(ks, pa, span < len ? span : len) < 0) {
			return -1;
		}
		if (span >= len)
			break;
		va += span;
		len -= span;
	}
	return 0;
}

/* What the kernel's own symbol table is asked for. */
enum sym {
	S_stext, S_etext, S_start_rodata, S_end_rodata, S_sdata, S_init_begin, S_init_end,
	S_bss_stop, S_end, S_smp_locks, S_smp_locks_end, S_bss_decrypted_unused, S_end_bss_decrypted,
	S_per_cpu_offset, S_nr_cpu_ids, S_per_cpu_start, S_per_cpu_end,
	S_pcpu_unit_size, S_crash_notes, S_vmcoreinfo_note, S__COUNT
};
static const char *const sym_names[S__COUNT] = {
	"_stext", "_etext", "__start_rodata", "__end_rodata", "_sdata", "__init_begin", "__init_end",
	"__bss_stop", "_end", "__smp_locks", "__smp_locks_end", "__start_bss_decrypted_unused",
	"__end_bss_decrypted", "__per_cpu_offset", "nr_cpu_ids", "__per_cpu_start", "__per_cpu_end",
	"pcpu_unit_size", "crash_notes", "vmcoreinfo_note",
};

struct syms {
	uint64_t a[S__COUNT];
	bool have[S__COUNT];
};

/*
 * What the kernel frees of its image after boot: the init sections, the
 * SMP alternatives table (x86) and the unused part of the bss it keeps
 * decrypted for SME (x86).  Those pages are any other page now.
 */
static const enum sym freed[][2] = {
	{ S_init_begin, S_init_end },
	{ S_smp_locks, S_smp_locks_end },
	{ S_bss_decrypted_unused, S_end_bss_decrypted },
};
#define NFREED (sizeof(freed) / sizeof(freed[0]))

/* Keep [from, to) of the image, less what the kernel freed. */
static int add_image_part(struct keep_set *ks, struct kview *kv, const struct syms *y,
			  uint64_t from, uint64_t to)
{
	size_t i;

	if (to <= from || to - from > IMAGE_MAX)
		return 0;
	for (i = 0; i < NFREED; i++) {
		uint64_t fb = y->a[freed[i][0]], fe = y->a[freed[i][1]];

		if (!y->have[freed[i][0]] || !y->have[freed[i][1]] || fb >= to || fe <= from || fe <= fb)
			continue;
		/* [from, fb) is clear of this hole; the rest of the holes may cut either side */
		if (fb > from && add_image_part(ks, kv, y, from, fb) < 0)
			return -1;
		return fe < to ? add_image_part(ks, kv, y, fe, to) : 0;
	}
	return add_virt(ks, kv, from, to - from);
}

/*
 * The live image: text, read-only data, data and bss, less what the
 * kernel freed (above); the padding between them is not kept either (x86
 * frees it).  Without the init bounds nothing but text is known to be
 * live.
 */
static int add_image(struct keep_set *ks, struct kview *kv, const struct syms *y)
{
	uint64_t ps = kv->page_size;
	bool init = y->have[S_init_begin] && y->have[S_init_end] && y->a[S_init_begin] < y->a[S_init_end];
	uint64_t end = y->have[S_bss_stop] ? y->a[S_bss_stop] : y->a[S_end];

	if (!y->have[S_stext] || !y->have[S_etext]) {
		log_debug("keep: the kernel image's bounds are not known\n");
		return 0;
	}
	if (add_image_part(ks, kv, y, y->a[S_stext], (y->a[S_etext] + ps - 1) & ~(ps - 1)) < 0)
		return -1;
	if (!init) {
		log_debug("keep: the init sections are not known: only text is kept\n");
		return 0;
	}
	if (y->have[S_start_rodata] && y->have[S_end_rodata] &&
	    add_image_part(ks, kv, y, y->a[S_start_rodata], y->a[S_end_rodata]) < 0)
		return -1;
	if (y->have[S_sdata] && (y->have[S_bss_stop] || y->have[S_end]) &&
	    add_image_part(ks, kv, y, y->a[S_sdata], end) < 0)
		return -1;
	return 0;
}

/* A pointer-sized value at va, or 0. */
static uint64_t read_ptr_or_0(struct kview *kv, uint64_t va)
{
	struct err quiet = { 0 };
	uint64_t v;

	return kview_read_ptr(kv, va, &v, &quiet) < 0 ? 0 : v;
}

/*
 * The bytes of one CPU's crash note in the dead kernel's memory: the
 * NT_PRSTATUS note the dump copied from it (header, name, prstatus) and the
 * empty note that ends it; 1 when the dump has none (its first byte only).
 */
static uint64_t crash_note_bytes(const struct kview *kv)
{
	size_t len, at = 0;
	const uint8_t *n = vmcore_notes(kv->vc, &len);

	while (n && at + 12 <= len) {
		uint64_t namesz = kv_ld32(kv, n + at), descsz = kv_ld32(kv, n + at + 4);
		uint32_t type = kv_ld32(kv, n + at + 8);
		uint64_t size = 12 + ((namesz + 3) & ~UINT64_C(3)) + ((descsz + 3) & ~UINT64_C(3));

		if (type == 1 /* NT_PRSTATUS */ && size <= 4096)
			return size + 12;
		if (size > len - at)
			break;
		at += (size_t)size;
	}
	return 1;
}

/*
 * The static per-CPU section's start, added to each CPU's offset; 0 where
 * per-CPU symbols are offsets from 0 (x86_64's absolute per-CPU symbols,
 * which KASLR-shifted facts move somewhere below the image).
 */
static uint64_t percpu_start(const struct syms *y)
{
	uint64_t a = y->a[S_per_cpu_start];

	if (!y->have[S_per_cpu_start] || !y->have[S_stext] || a < y->a[S_stext] ||
	    a - y->a[S_stext] > IMAGE_MAX)
		return 0;
	return a;
}

#define MAX_CPUS	8192		/* NR_CPUS of any distribution kernel */
#define MAX_UNIT	(UINT64_C(64) << 20)

/*
 * Each possible CPU's per-CPU unit and its crash note; the vmcoreinfo note
 * (the text a reader takes; vmcoreinfo_data, where the kernel wrote it
 * first, is not needed and need not be live: an i386 6.1 dump's points at
 * a page-cache page).
 */
static int add_percpu_and_notes(struct keep_set *ks, struct kview *kv, const struct syms *y)
{
	uint64_t unit = 0, notes = 0, p, start = percpu_start(y), note_bytes = crash_note_bytes(kv);
	uint32_t ncpus = 0, cpu, u32;
	struct err quiet = { 0 };

	if (y->have[S_vmcoreinfo_note] && (p = read_ptr_or_0(kv, y->a[S_vmcoreinfo_note])) &&
	    add_virt(ks, kv, p, kv->page_size + 36) < 0)	/* VMCOREINFO_NOTE_SIZE */
		return -1;
	if (!y->have[S_per_cpu_offset] || !y->have[S_nr_cpu_ids] ||
	    kview_read_u32(kv, y->a[S_nr_cpu_ids], &ncpus, &quiet) < 0 || !ncpus || ncpus > MAX_CPUS) {
		log_debug("keep: the per-CPU areas are not known\n");
		return 0;
	}
	if (y->have[S_pcpu_unit_size] && kview_read_u32(kv, y->a[S_pcpu_unit_size], &u32, &quiet) == 0)
		unit = u32;
	else if (y->have[S_per_cpu_start] && y->have[S_per_cpu_end])
		unit = y->a[S_per_cpu_end] - y->a[S_per_cpu_start];
	if (unit > MAX_UNIT)
		unit = 0;
	if (y->have[S_crash_notes])
		notes = read_ptr_or_0(kv, y->a[S_crash_notes]);
	for (cpu = 0; cpu < ncpus; cpu++) {
		uint64_t off = read_ptr_or_0(kv, y->a[S_per_cpu_offset] + (uint64_t)cpu * kv->ptr_size);
		if (unit && add_virt(ks, kv, off + start, unit) < 0)
			return -1;
		if (notes && add_virt(ks, kv, notes + off, note_bytes) < 0)
			return -1;
	}
	log_debug("keep: %u per-CPU unit(s) of 0x%" PRIx64 " bytes%s\n", ncpus, unit,
		  notes ? " and their crash notes" : "");
	return 0;
}

/*
 * The same symbols as kernel facts (a -x vmlinux's symbol table, or -i),
 * for what the dump's kallsyms lacks (a kernel without KALLSYMS_ALL names
 * text only).
 */
static const enum kf_id sym_facts[S__COUNT] = {
	[S_stext] = KF_SYM__stext, [S_etext] = KF_SYM__etext,
	[S_start_rodata] = KF_SYM___start_rodata, [S_end_rodata] = KF_SYM___end_rodata,
	[S_sdata] = KF_SYM__sdata, [S_init_begin] = KF_SYM___init_begin,
	[S_init_end] = KF_SYM___init_end, [S_bss_stop] = KF_SYM___bss_stop, [S_end] = KF_SYM__end,
	[S_smp_locks] = KF_SYM___smp_locks, [S_smp_locks_end] = KF_SYM___smp_locks_end,
	[S_bss_decrypted_unused] = KF_SYM___start_bss_decrypted_unused,
	[S_end_bss_decrypted] = KF_SYM___end_bss_decrypted,
	[S_per_cpu_offset] = KF_SYM___per_cpu_offset, [S_nr_cpu_ids] = KF_SYM_nr_cpu_ids,
	[S_per_cpu_start] = KF_SYM___per_cpu_start, [S_per_cpu_end] = KF_SYM___per_cpu_end,
	[S_pcpu_unit_size] = KF_SYM_pcpu_unit_size, [S_crash_notes] = KF_SYM_crash_notes,
	[S_vmcoreinfo_note] = KF_SYM_vmcoreinfo_note,
};

static int add_from_symbols(struct keep_set *ks, struct kview *kv)
{
	struct syms y = { 0 };
	struct err why = { 0 };
	unsigned i;

	if (kallsyms_lookup(kv, sym_names, S__COUNT, y.a, y.have, &why) < 0)
		log_debug("keep: no kernel symbol table: %s\n", why.msg);
	for (i = 0; i < S__COUNT; i++)
		if (!y.have[i] && sym_facts[i] != KF__COUNT && kf_have(&kv->k, sym_facts[i])) {
			y.a[i] = kf_addr(&kv->k, sym_facts[i]);
			y.have[i] = true;
		}
	if (add_image(ks, kv, &y) < 0 || add_percpu_and_notes(ks, kv, &y) < 0)
		return -1;
	return 0;
}

/* ---- the kernel's page tables ------------------------------------------ */

/* Mark pa seen; false when it already was (or the set is full). */
static bool first_visit(struct keep_set *ks, uint64_t pa)
{
	size_t i;

	if (!ks->seen) {
		ks->seen_cap = 2 * (size_t)MAX_TABLES;
		ks->seen = calloc(ks->seen_cap, sizeof(*ks->seen));
		if (!ks->seen)
			return false;
	}
	if (ks->nseen >= MAX_TABLES)
		return false;
	for (i = (size_t)((pa >> 6) * UINT64_C(0x9e3779b97f4a7c15) >> 47) % ks->seen_cap;;
	     i = (i + 1) % ks->seen_cap) {
		if (ks->seen[i] == pa + 1)
			return false;
		if (!ks->seen[i]) {
			ks->seen[i] = pa + 1;	/* 0 is the empty slot */
			ks->nseen++;
			return true;
		}
	}
}

struct table_walk {
	struct keep_set *ks;
	struct kview *kv;
	const struct pt_tree *t;
	uint8_t *buf[PT_MAX_LEVELS];	/* one table per level */
	uint64_t unreadable;
};

static uint64_t entry_at(const struct table_walk *w, const uint8_t *p)
{
	uint64_t v = 0;
	unsigned i, n = w->t->entry_bytes;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[w->t->big_endian ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static int walk_table(struct table_walk *w, unsigned lvl, uint64_t pa, unsigned first, unsigned count)
{
	const struct pt_tree *t = w->t;
	uint64_t len = (uint64_t)count * t->entry_bytes;
	struct err why = { 0 };
	unsigned i;

	if (!first_visit(w->ks, pa))
		return 0;
	if (add_bytes(w->ks, pa + (uint64_t)first * t->entry_bytes, len) < 0)
		return -1;
	if (lvl + 1 == t->levels)
		return 0;	/* its entries map pages */
	if (vmcore_read_phys(w->kv->vc, pa + (uint64_t)first * t->entry_bytes, w->buf[lvl], len, &why) < 0) {
		w->unreadable++;
		return 0;
	}
	for (i = 0; i < count; i++) {
		uint64_t ent = entry_at(w, w->buf[lvl] + (size_t)i * t->entry_bytes), next;
		unsigned n = t->count[lvl + 1];

		next = t->next(w->kv, lvl, ent, &n);
		if (next && n && n <= t->count[lvl + 1] && walk_table(w, lvl + 1, next, 0, n) < 0)
			return -1;
	}
	return 0;
}

static int add_tables(struct keep_set *ks, struct kview *kv)
{
	struct pt_tree t = { 0 };
	struct table_walk w = { .ks = ks, .kv = kv, .t = &t };
	unsigned lvl;
	int rc = -1;

	if (!kv->arch || !kv->arch->kernel_tables || kv->arch->kernel_tables(kv, &t) < 0 || !t.root_pa) {
		log_debug("keep: the kernel page tables are not known\n");
		return 0;
	}
	if (t.levels < 1 || t.levels > PT_MAX_LEVELS || (t.entry_bytes != 4 && t.entry_bytes != 8) ||
	    t.root_first + t.root_count > t.count[0])
		return 0;
	for (lvl = 0; lvl < t.levels; lvl++)
		if (!(w.buf[lvl] = malloc((size_t)t.count[lvl] * t.entry_bytes)))
			goto out;
	rc = walk_table(&w, 0, t.root_pa, t.root_first, t.root_count);
	log_debug("keep: %zu kernel page tables from 0x%" PRIx64 "%s; %" PRIu64 " unreadable\n",
		  ks->nseen, t.root_pa, ks->nseen >= MAX_TABLES ? " (the bound: the rest are not walked)" : "",
		  w.unreadable);
out:
	for (lvl = 0; lvl < t.levels; lvl++)
		free(w.buf[lvl]);
	free(ks->seen);
	ks->seen = NULL;
	return rc;
}

/* ---- the set ----------------------------------------------------------- */

static int cmp_range(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Bytes to pfns, sorted and merged. */
static void to_pfn_ranges(struct keep_set *ks)
{
	size_t i, m = 0;

	if (!ks->n)
		return;		/* no array at all: qsort must not see NULL */
	for (i = 0; i < ks->n; i++) {
		ks->r[i].start >>= ks->page_shift;
		ks->r[i].end = ((ks->r[i].end - 1) >> ks->page_shift) + 1;
	}
	qsort(ks->r, ks->n, sizeof(*ks->r), cmp_range);
	for (i = 0; i < ks->n; i++) {
		if (m && ks->r[i].start <= ks->r[m - 1].end) {
			if (ks->r[i].end > ks->r[m - 1].end)
				ks->r[m - 1].end = ks->r[i].end;
		} else {
			ks->r[m++] = ks->r[i];
		}
	}
	ks->n = m;
}

struct keep_set *keep_build(struct kview *kv, struct err *e)
{
	struct keep_set *ks = calloc(1, sizeof(*ks));

	if (!ks) {
		err_set(e, "out of memory");
		return NULL;
	}
	ks->page_shift = kv->page_shift;
	if (kv->have_facts && (add_tables(ks, kv) < 0 || add_from_symbols(ks, kv) < 0)) {
		keep_free(ks);
		err_set(e, "out of memory for the pages kept first");
		return NULL;
	}
	to_pfn_ranges(ks);
	log_debug("keep: %" PRIu64 " page(s) in %zu range(s) are kept whatever their struct pages say\n",
		  keep_pages(ks), ks->n);
	return ks;
}

void keep_free(struct keep_set *ks)
{
	if (!ks)
		return;
	if (!ks->shares) {
		free(ks->r);
		free(ks->seen);
	}
	free(ks);
}

struct keep_set *keep_share(const struct keep_set *ks, struct err *e)
{
	struct keep_set *s;

	if (!ks)
		return NULL;
	s = malloc(sizeof(*s));
	if (!s) {
		err_set(e, "out of memory");
		return NULL;
	}
	*s = *ks;
	s->shares = true;
	s->hit_valid = false;
	s->seen = NULL;
	s->nseen = s->seen_cap = 0;
	return s;
}

/* Index of the first range ending after pfn (n when none does). */
static size_t first_after(const struct keep_set *ks, uint64_t pfn)
{
	size_t lo = 0, hi = ks->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->r[mid].end <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool keep_next(struct keep_set *ks, uint64_t pfn, uint64_t *first, uint64_t *end)
{
	size_t i;

	if (!ks)
		return false;
	if (!ks->hit_valid || pfn < ks->hit_from || pfn >= ks->hit_end) {
		i = first_after(ks, pfn);
		ks->hit_valid = true;
		ks->hit_from = pfn;
		ks->hit_none = i == ks->n;
		ks->hit_first = ks->hit_none ? UINT64_MAX : ks->r[i].start;
		ks->hit_end = ks->hit_none ? UINT64_MAX : ks->r[i].end;
	}
	*first = ks->hit_first;
	*end = ks->hit_end;
	return !ks->hit_none;
}

bool keep_has(struct keep_set *ks, uint64_t pfn)
{
	uint64_t first, end;

	return keep_next(ks, pfn, &first, &end) && first <= pfn;
}

uint64_t keep_pages(const struct keep_set *ks)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; ks && i < ks->n; i++)
		n += ks->r[i].end - ks->r[i].start;
	return n;
}
