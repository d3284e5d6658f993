/*
 * arch/vatables.c - the walk of page tables linked by kernel virtual
 * addresses (MIPS, LoongArch); see vatables.h.  Every loop is bounded by
 * the number of levels, so a table that points to itself ends the walk at
 * the last level instead of looping.
 */
#include "vatables.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static unsigned level_shift(const struct vat_geom *g, unsigned i)
{
	return g->page_shift + (g->page_shift - 3) * (g->levels - 1 - i);
}

static unsigned level_bits(const struct vat_geom *g, unsigned i)
{
	return g->page_shift - 3 + (i == 0 ? g->pgd_order : 0);
}

const char *vat_level_name(const struct vat_geom *g, unsigned i)
{
	static const char *const names[] = { "PGD", "PUD", "PMD", "PTE" };

	if (i == 0)
		return "PGD";
	return names[VAT_MAX_LEVELS - g->levels + i];
}

int vat_walk(struct kview *kv, const struct vat_geom *g, uint64_t va, struct vat_walk *w,
	     struct err *e)
{
	uint64_t table = g->pgd_pa;
	unsigned i;

	memset(w, 0, sizeof(*w));
	if (!table)
		return err_set(e, "cannot translate 0x%" PRIx64 ": no page table (swapper_pg_dir) in the kernel facts", va);
	for (i = 0; i < g->levels && i < VAT_MAX_LEVELS; i++) {
		unsigned shift = level_shift(g, i);
		uint64_t idx = (va >> shift) & ((UINT64_C(1) << level_bits(g, i)) - 1);
		uint64_t size = UINT64_C(1) << shift, ent;

		w->steps[i].entry_pa = table + 8 * idx;
		if (kview_read_phys_word(kv, w->steps[i].entry_pa, 8, &ent, e) < 0)
			return -1;
		w->steps[i].entry = ent;
		w->n = i + 1;
		if (i == g->levels - 1 || (g->huge && i == g->levels - 2 && (ent & g->huge))) {
			if (!(ent & g->present))
				return err_set(e, "cannot translate 0x%" PRIx64 ": %s entry not present",
					       va, vat_level_name(g, i));
			w->size = size;
			w->pa = (g->pte_pa(ent, g->page_shift) & ~(size - 1)) + (va & (size - 1));
			return 0;
		}
		if (!g->table_pa(ent & ~((UINT64_C(1) << g->page_shift) - 1), &table))
			return err_set(e, "cannot translate 0x%" PRIx64 ": %s entry %" PRIx64 " is not a table address",
				       va, vat_level_name(g, i), ent);
	}
	return err_set(e, "cannot translate 0x%" PRIx64, va);
}

int vat_vtop(struct kview *kv, const struct vat_geom *g, uint64_t va, uint64_t *pa,
	     uint64_t *span, struct err *e)
{
	struct vat_walk w;

	if (vat_walk(kv, g, va, &w, e) < 0)
		return -1;
	*pa = w.pa;
	*span = w.size - (va & (w.size - 1));
	return 0;
}

/* The value most entries of the top table hold (Boyer-Moore majority vote). */
static int common_entry(struct kview *kv, const struct vat_geom *g, uint64_t *out)
{
	size_t n = (size_t)1 << (g->page_shift - 3), i, votes = 0;
	uint8_t *buf = malloc(n * 8);
	uint64_t cand = 0;
	struct err e = { 0 };

	if (!buf || vmcore_read_phys(kv->vc, g->pgd_pa, buf, n * 8, &e) < 0) {
		free(buf);
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint64_t v = kv_ld64(kv, buf + 8 * i);

		if (!votes)
			cand = v;
		votes += v == cand ? 1 : (size_t)-1;
	}
	free(buf);
	*out = cand;
	return 0;
}

unsigned vat_count_levels(struct kview *kv, const struct vat_geom *g)
{
	uint64_t v, pa, first;
	unsigned hops;
	struct err e = { 0 };

	if (!g->pgd_pa || common_entry(kv, g, &v) < 0 || !v)
		return 0;
	for (hops = 1; hops < VAT_MAX_LEVELS; hops++) {
		if (!g->table_pa(v, &pa) || kview_read_phys_word(kv, pa, 8, &first, &e) < 0)
			return 0;
		if (!first)
			return hops + 1;
		v = first;
	}
	return 0;
}

static const char *size_name(uint64_t size, char *buf, size_t len)
{
	if (size >= UINT64_C(1) << 30)
		snprintf(buf, len, "%" PRIu64 "GB", size >> 30);
	else if (size >= UINT64_C(1) << 20)
		snprintf(buf, len, "%" PRIu64 "MB", size >> 20);
	else
		snprintf(buf, len, "%" PRIu64 "KB", size >> 10);
	return buf;
}

int vat_print(struct kview *kv, const struct vat_geom *g, uint64_t va, FILE *out,
	      struct err *e)
{
	struct vat_walk w;
	char sz[16];
	unsigned i;

	fprintf(out, "Page-table walk of %016" PRIx64 " (%u levels):\n", va, g->levels);
	if (vat_walk(kv, g, va, &w, e) < 0)
		return -1;
	for (i = 0; i < w.n; i++)
		fprintf(out, "  %s : %16" PRIx64 " => %16" PRIx64 "\n", vat_level_name(g, i),
			w.steps[i].entry_pa, w.steps[i].entry);
	fprintf(out, "  PAGE: %16" PRIx64 "  (%s)\n", w.pa - (va & (w.size - 1)),
		size_name(w.size, sz, sizeof(sz)));
	return 0;
}

/* kv->arch_state is the arch's vat_geom (mips64.c, loongarch64.c). */
static uint64_t vat_next_table(const struct kview *kv, unsigned lvl, uint64_t ent, unsigned *count)
{
	const struct vat_geom *g = kv->arch_state;
	uint64_t pa;

	(void)count;
	if (g->huge && lvl == g->levels - 2 && (ent & g->huge))
		return 0;
	return g->table_pa(ent & ~((UINT64_C(1) << g->page_shift) - 1), &pa) ? pa : 0;
}

int vat_kernel_tables(const struct kview *kv, struct pt_tree *t)
{
	const struct vat_geom *g = kv->arch_state;
	unsigned i;

	if (!g->pgd_pa || g->levels < 2 || g->levels > VAT_MAX_LEVELS)
		return -1;
	t->root_pa = g->pgd_pa;
	t->levels = g->levels;
	t->entry_bytes = 8;
	t->big_endian = kv->big_endian;
	for (i = 0; i < g->levels; i++)
		t->count[i] = 1u << level_bits(g, i);
	t->root_first = 0;
	t->root_count = t->count[0];
	t->next = vat_next_table;
	return 0;
}
