/*
 * eras.c - kernel eras: struct page layouts, page-flag numbers, the buddy /
 * compound / hugetlb / slab encodings, and which VMCOREINFO keys a kernel of
 * that era exports.  Rows are synthetic but self-consistent; where a real
 * kernel exported nothing (2.6.16 had no VMCOREINFO at all) the keys stand
 * for what -x vmlinux would give.
 */
#include "mkvmcore.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows start from a shared layout macro and override what their era changed. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

/* 2.6 struct page on x86_64: flags, _count, _mapcount, private, mapping, index, lru (56 bytes) */
#define LAYOUT_2_6 .size_page = 56, .off_flags = 0, .off_count = 8, .off_mapcount = 12, \
	.off_private = 16, .off_mapping = 24, .off_lru = 40, .off_chead = -1, .off_cdtor = -1, \
	.off_corder = -1, .uts_off = 4, .export_mapcount = true
/* 3.x/4.x: flags, mapping, index, {_mapcount, _count}, lru, private, slab_cache (64 bytes) */
#define LAYOUT_3_X .size_page = 64, .off_flags = 0, .off_count = 28, .off_mapcount = 24, \
	.off_private = 48, .off_mapping = 8, .off_lru = 32, .off_chead = -1, .off_cdtor = -1, \
	.off_corder = -1, .uts_off = 4, .export_mapcount = true
/* 5.x/6.x: flags, {lru | compound_head, dtor, order}, mapping, index, private, _mapcount, _refcount */
#define LAYOUT_6_X .size_page = 64, .off_flags = 0, .off_count = 52, .off_mapcount = 48, \
	.off_private = 40, .off_mapping = 24, .off_lru = 8, .off_chead = 8, .off_cdtor = -1, \
	.off_corder = -1, .chead_key = "compound_head", .export_chead = true, .uts_off = 0, \
	.export_mapcount = true, .tail = TAIL_CHEAD, .size_mem_section = 16, .modern_roots = true
/* zones as 2.6.16 had them (one free list per order, no migrate types) */
#define ZONES_OLD .size_zone = 0x300, .zone_free_area = 0x80, .zone_spanned = 0x2a8, \
	.size_free_area = 24, .nr_migrate = 0, .pgdat_nr_zones = 0xc00, .max_nr_zones = 4, .max_order = 11
/* zones as 6.1 has them */
#define ZONES_NEW .size_zone = 1536, .zone_free_area = 256, .zone_spanned = 144, \
	.size_free_area = 88, .nr_migrate = 5, .pgdat_nr_zones = 171552, .max_nr_zones = 4, .max_order = 11
#define FLAGS_2_6 .pg_lru = 5, .pg_private = 11, .pg_swapcache = 15, .pg_swapbacked = -1, \
	.pg_slab = 7, .pg_head = 14, .pg_tail = -1, .pg_hwpoison = -1, .pg_buddy = -1

static const struct era eras[] = {
	{ .name = "2.6.16", .release = "2.6.16", LAYOUT_2_6, FLAGS_2_6, ZONES_OLD,
	  .off_corder = 32, .corder_width = 8, .order = ORD_INDEX,	/* page[1].index */
	  .buddy = BUDDY_LISTS, .free_private_flag = true, .huge = HUGE_NONE,
	  .tail = TAIL_FLAG, .size_mem_section = 8 },
	{ .name = "2.6.20", .release = "2.6.20", LAYOUT_2_6, FLAGS_2_6, ZONES_OLD,
	  .pg_buddy = 19, .buddy = BUDDY_FLAG, .order = ORD_LRU_PREV, .huge = HUGE_DTOR_PTR,
	  .tail = TAIL_FLAG, .size_mem_section = 8 },
	{ .name = "2.6.30", .release = "2.6.30", LAYOUT_2_6, FLAGS_2_6, ZONES_OLD,
	  .pg_tail = 15, .pg_swapcache = 16, .pg_swapbacked = 20, .pg_buddy = 19,	/* PG_reclaim 18 */
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE, .buddy = BUDDY_FLAG,
	  .order = ORD_LRU_PREV, .huge = HUGE_DTOR_PTR, .tail = TAIL_FLAG, .size_mem_section = 16,
	  .nr_migrate = 5 },
	{ .name = "2.6.38", .release = "2.6.38", LAYOUT_2_6, FLAGS_2_6, ZONES_OLD,
	  .pg_tail = 15, .pg_swapcache = 16, .pg_swapbacked = 19,
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE, .buddy = BUDDY_MAPCOUNT, .buddy_val = -2,
	  .order = ORD_LRU_PREV, .huge = HUGE_DTOR_PTR, .tail = TAIL_FLAG, .size_mem_section = 16,
	  .nr_migrate = 5 },
	{ .name = "3.10", .release = "3.10.0", LAYOUT_3_X, FLAGS_2_6, ZONES_OLD,
	  .pg_tail = 15, .pg_swapcache = 16, .pg_swapbacked = 19,
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE | X_SLAB, .buddy = BUDDY_MAPCOUNT,
	  .buddy_val = -128, .order = ORD_LRU_PREV, .huge = HUGE_DTOR_PTR, .tail = TAIL_FLAG,
	  .size_mem_section = 16, .nr_migrate = 5 },
	{ .name = "4.4", .release = "4.4.0", LAYOUT_3_X, FLAGS_2_6, ZONES_OLD,
	  .off_chead = 32, .chead_key = "compound_head", .export_chead = true,
	  .off_cdtor = 40, .off_corder = 44, .corder_width = 4, .order = ORD_FIELD,
	  .huge = HUGE_DTOR, .hugetlb_dtor = 2, .pg_swapbacked = 18,
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE | X_SLAB | X_DTOR,
	  .buddy = BUDDY_MAPCOUNT, .buddy_val = -128, .export_buddy = true,
	  .tail = TAIL_CHEAD, .size_mem_section = 16, .nr_migrate = 5 },
	{ .name = "5.10", .release = "5.10.0", LAYOUT_6_X, ZONES_NEW,
	  .pg_lru = 4, .pg_private = 13, .pg_swapcache = 10, .pg_swapbacked = 19, .pg_slab = 9,
	  .pg_head = 16, .pg_tail = -1, .pg_hwpoison = 22, .pg_buddy = -1,
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE | X_SWAPBACKED | X_SLAB | X_HEAD |
		     X_HWPOISON | X_DTOR,
	  .buddy = BUDDY_MAPCOUNT, .buddy_val = -129, .export_buddy = true, .offline_val = -257,
	  .off_cdtor = 16, .off_corder = 17, .corder_width = 1, .order = ORD_FIELD,
	  .huge = HUGE_DTOR, .hugetlb_dtor = 2 },
	{ .name = "6.1", .release = "6.1.0", LAYOUT_6_X, ZONES_NEW,
	  .pg_lru = 4, .pg_private = 13, .pg_swapcache = 10, .pg_swapbacked = 19, .pg_slab = 9,
	  .pg_head = 16, .pg_tail = -1, .pg_hwpoison = 22, .pg_buddy = -1,
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE | X_SWAPBACKED | X_SLAB | X_HEAD | X_DTOR,
	  .buddy = BUDDY_MAPCOUNT, .buddy_val = -129, .export_buddy = true, .offline_val = -257,
	  .off_cdtor = 16, .off_corder = 17, .corder_width = 1, .order = ORD_FIELD,
	  .huge = HUGE_DTOR, .hugetlb_dtor = 2 },
#define ERA_6_12 LAYOUT_6_X, ZONES_NEW, \
	  .pg_lru = 5, .pg_private = 14, .pg_swapcache = 10, .pg_swapbacked = 17, .pg_slab = -1, \
	  .pg_head = 6, .pg_tail = -1, .pg_hwpoison = 20, .pg_buddy = -1, \
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE | X_SWAPBACKED | X_HEAD | X_HWPOISON, \
	  .buddy = BUDDY_TYPE, .buddy_val = (int32_t)0xf0000000, .export_buddy = true, \
	  .offline_val = (int32_t)0xf1000000, .hugetlb_type = (int32_t)0xf4000000, \
	  .slab_type = (int32_t)0xf5000000, .order = ORD_FLAGS1, .huge = HUGE_TYPE, \
	  .slab_mapping_bit = true
	{ .name = "6.12", .release = "6.12.0", ERA_6_12 },
	{ .name = "6.16", .release = "6.16.0", ERA_6_12, .unaccepted_val = (int32_t)0xf7000000 },
	{ .name = "7.1", .release = "7.1.0", ERA_6_12, .unaccepted_val = (int32_t)0xf7000000,
	  .chead_key = "compound_info" },
};

/*
 * 32-bit kernels (i386, arm): longs and pointers of 4 bytes make struct page
 * 40 bytes: flags, {lru | compound_head, dtor, order} at 4, mapping 12,
 * index 16, private 20, _mapcount 24, _refcount 28, memcg_data 32,
 * _last_cpupid 36 (LAST_CPUPID_NOT_IN_PAGE_FLAGS); struct mem_section is
 * {section_mem_map, usage}; zones as Debian 12's 686 kernel has them.
 */
#define LAYOUT_32 .size_page = 40, .off_flags = 0, .off_count = 28, .off_mapcount = 24, \
	.off_private = 20, .off_mapping = 12, .off_lru = 4, .off_chead = 4, .size_mem_section = 8
#define ZONES_32 .size_zone = 768, .zone_free_area = 128, .zone_spanned = 72, \
	.size_free_area = 44, .nr_migrate = 5, .pgdat_nr_zones = 3112, .max_nr_zones = 4, .max_order = 11

/* Twins of the 64-bit rows of the same name (era_at_least compares those). */
static const struct era eras32[] = {
	{ .name = "6.1", .release = "6.1.0", LAYOUT_6_X, ZONES_NEW,
	  .pg_lru = 4, .pg_private = 13, .pg_swapcache = 10, .pg_swapbacked = 19, .pg_slab = 9,
	  .pg_head = 16, .pg_tail = -1, .pg_hwpoison = 23, .pg_buddy = -1,
	  .exports = X_LRU | X_PRIVATE | X_SWAPCACHE | X_SWAPBACKED | X_SLAB | X_HEAD | X_DTOR,
	  .buddy = BUDDY_MAPCOUNT, .buddy_val = -129, .export_buddy = true, .offline_val = -257,
	  .order = ORD_FIELD, .huge = HUGE_DTOR, .hugetlb_dtor = 2, .corder_width = 1,
	  LAYOUT_32, ZONES_32, .off_cdtor = 8, .off_corder = 9 },
	{ .name = "6.12", .release = "6.12.0", ERA_6_12, LAYOUT_32, ZONES_32 },
};

const struct era *era_word32(const struct era *e)
{
	size_t i;

	for (i = 0; i < sizeof(eras32) / sizeof(eras32[0]); i++)
		if (!strcmp(eras32[i].name, e->name))
			return &eras32[i];
	die("era %s has no 32-bit struct page here (6.1 and 6.12 have)", e->name);
}

const struct era *era_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++)
		if (!strcmp(eras[i].name, name))
			return &eras[i];
	return NULL;
}

void era_list(void)
{
	static const char *const bn[] = { "free lists", "PG_buddy flag", "_mapcount value", "page_type" };
	size_t i;

	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++)
		printf("%-7s SIZE(page)=%d, buddy: %s\n", eras[i].name, eras[i].size_page,
		       bn[eras[i].buddy]);
}

/* ---- VMCOREINFO ----------------------------------------------------------------- */

#define MAX_KEYS 160
static struct { char key[96]; char value[96]; } kv[MAX_KEYS];
static int nkv;

#define add vmci_add
void vmci_add(const char *key, const char *fmt, ...)
{
	va_list ap;

	if (nkv == MAX_KEYS)
		die("internal: too many VMCOREINFO keys");
	snprintf(kv[nkv].key, sizeof(kv[nkv].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(kv[nkv].value, sizeof(kv[nkv].value), fmt, ap);
	va_end(ap);
	nkv++;
}

static void add_num(const char *name, long long v)
{
	char key[96];

	snprintf(key, sizeof(key), "NUMBER(%s)", name);
	add(key, "%lld", v);
}

bool era_at_least(const struct era *e, const char *than)	/* by table order */
{
	return era_find(e->name) >= era_find(than);
}
#define newer era_at_least

static void page_keys(const struct era *e)
{
	char key[96];

	add("SIZE(page)", "%d", e->size_page);
	add("OFFSET(page.flags)", "%d", e->off_flags);
	add(newer(e, "5.10") ? "OFFSET(page._refcount)" : "OFFSET(page._count)", "%d", e->off_count);
	add("OFFSET(page.mapping)", "%d", e->off_mapping);
	add("OFFSET(page.lru)", "%d", e->off_lru);
	if (e->export_mapcount)
		add("OFFSET(page._mapcount)", "%d", e->off_mapcount);
	add("OFFSET(page.private)", "%d", e->off_private);
	if (e->order == ORD_FIELD) {
		add("OFFSET(page.compound_dtor)", "%d", e->off_cdtor);
		add("OFFSET(page.compound_order)", "%d", e->off_corder);
	}
	if (e->export_chead) {
		snprintf(key, sizeof(key), "OFFSET(page.%s)", e->chead_key);
		add(key, "%d", e->off_chead);
	}
}

static void zone_keys(const struct era *e)
{
	add("SIZE(pglist_data)", "%d", e->pgdat_nr_zones + 64);
	add("SIZE(zone)", "%d", e->size_zone);
	add("SIZE(free_area)", "%d", e->size_free_area);
	add("SIZE(list_head)", "%u", 2 * WORD);
	add("OFFSET(pglist_data.node_zones)", "0");
	add("OFFSET(pglist_data.nr_zones)", "%d", e->pgdat_nr_zones);
	add("OFFSET(zone.free_area)", "%d", e->zone_free_area);
	add("OFFSET(zone.spanned_pages)", "%d", e->zone_spanned);
	add("OFFSET(free_area.free_list)", "0");
	add("OFFSET(list_head.next)", "0");
	add("OFFSET(list_head.prev)", "%u", WORD);
	add("LENGTH(zone.free_area)", "%d", e->max_order);
	if (e->nr_migrate)
		add("LENGTH(free_area.free_list)", "%d", e->nr_migrate);
}

static void flag_keys(const struct era *e)
{
	if (e->exports & X_LRU)
		add_num("PG_lru", e->pg_lru);
	if (e->exports & X_PRIVATE)
		add_num("PG_private", e->pg_private);
	if (e->exports & X_SWAPCACHE)
		add_num("PG_swapcache", e->pg_swapcache);
	if (e->exports & X_SWAPBACKED)
		add_num("PG_swapbacked", e->pg_swapbacked);
	if ((e->exports & X_SLAB) && e->pg_slab >= 0)
		add_num("PG_slab", e->pg_slab);
	if (e->slab_type)
		add_num("PAGE_SLAB_MAPCOUNT_VALUE", e->slab_type);
	if ((e->exports & X_HWPOISON) && e->pg_hwpoison >= 0)
		add_num("PG_hwpoison", e->pg_hwpoison);
	if (e->exports & X_HEAD)
		add_num("PG_head_mask", 1LL << e->pg_head);
	if (e->export_buddy)
		add_num("PAGE_BUDDY_MAPCOUNT_VALUE", e->buddy_val);
	if (e->hugetlb_type)
		add_num("PAGE_HUGETLB_MAPCOUNT_VALUE", e->hugetlb_type);
	if (e->huge == HUGE_DTOR && (e->exports & X_DTOR))
		add_num("HUGETLB_PAGE_DTOR", e->hugetlb_dtor);
	if (e->offline_val)
		add_num("PAGE_OFFLINE_MAPCOUNT_VALUE", e->offline_val);
	if (e->unaccepted_val)
		add_num("PAGE_UNACCEPTED_MAPCOUNT_VALUE", e->unaccepted_val);
}

size_t era_vmcoreinfo(const struct spec *s, char *buf, size_t cap)
{
	const struct era *e = s->era;
	bool modern = newer(e, "5.10");
	size_t len = 0;
	int i, j;

	nkv = 0;
	add("OSRELEASE", "%s", s->release);
	add("PAGESIZE", "%u", PAGE_SIZE);
	add("SYMBOL(init_uts_ns)", "%" PRIx64, M.uts_va);
	add("OFFSET(uts_namespace.name)", "%d", e->uts_off);
	add("SYMBOL(swapper_pg_dir)", "%" PRIx64, M.top_pgt_va);
	add("SYMBOL(_stext)", "%" PRIx64, M.stext_va);
	if (s->nksyms) {
		static const char *const ks[6] = { "names", "num_syms", "token_table", "token_index",
						   "offsets", "relative_base" };

		for (i = 0; i < 6; i++) {
			char key[48];

			snprintf(key, sizeof(key), "SYMBOL(kallsyms_%s)", ks[i]);
			add(key, "%" PRIx64, M.kallsyms_va[i]);
		}
	}
	if (modern && s->memmap_vmemmap && s->model != MM_FLAT && A->export_vmemmap)
		add("SYMBOL(vmemmap)", "%" PRIx64, M.vmemmap_base);
	if (s->model == MM_FLAT) {
		add("SYMBOL(mem_map)", "%" PRIx64, M.mem_map_sym_va);
	} else {
		add("SYMBOL(mem_section)", "%" PRIx64, M.mem_section_va);
		add("LENGTH(mem_section)", "%" PRIu64, M.nr_mem_section_len);
		add("SIZE(mem_section)", "%d", e->size_mem_section);
		add("OFFSET(mem_section.section_mem_map)", "0");
		add_num("SECTION_SIZE_BITS", s->section_bits);
		add_num("MAX_PHYSMEM_BITS", s->physmem_bits);
	}
	page_keys(e);
	zone_keys(e);
	if (M.pgdat_va)
		add("SYMBOL(contig_page_data)", "%" PRIx64, M.pgdat_va);
	if (e->huge == HUGE_DTOR_PTR)
		add("SYMBOL(free_huge_page)", "%" PRIx64, M.free_huge_page_va);
	if (modern)
		add_num("NR_FREE_PAGES", 0);
	flag_keys(e);
	A->vmcoreinfo();
	add("CRASHTIME", "%" PRIu64, s->crashtime);

	for (i = 0; i < s->nedits; i++) {
		const struct vmci_edit *ed = &s->edits[i];

		for (j = 0; j < nkv && strcmp(kv[j].key, ed->key); j++)
			;
		if (ed->drop) {
			if (j == nkv)
				die("vmcoreinfo-drop %s: the era does not export it", ed->key);
			memmove(&kv[j], &kv[j + 1], (size_t)(nkv - j - 1) * sizeof(kv[0]));
			nkv--;
		} else if (j < nkv) {
			snprintf(kv[j].value, sizeof(kv[j].value), "%s", ed->value);
		} else {
			add(ed->key, "%s", ed->value);
		}
	}
	for (i = 0; i < nkv; i++) {
		int n = snprintf(buf + len, cap - len, "%s=%s\n", kv[i].key, kv[i].value);

		if (n < 0 || (size_t)n >= cap - len)
			die("internal: VMCOREINFO too long");
		len += (size_t)n;
	}
	return len;
}

/* ---- kernel image objects ------------------------------------------------------ */

void kimage_build(void)
{
	const char *const fields[6] = { "Linux", "mkvmcore", NULL, "#1 SMP mkvmcore",
					A->machine, "(none)" };
	uint64_t uts = kdata_alloc((uint64_t)S.era->uts_off + 6 * 65);
	int i;

	M.uts_va = uts;
	virt_w32(uts, 1);	/* kref, when name is not first */
	for (i = 0; i < 6; i++) {
		const char *f = fields[i] ? fields[i] : S.release;

		virt_write(uts + (uint64_t)S.era->uts_off + 65 * (uint64_t)i, f, strlen(f) + 1);
	}
}

/*
 * The ksym lines as kallsyms arrays.  Each token is one character (token i
 * is the string of byte i), so a name is its length and its bytes, the type
 * letter first; offsets are from kallsyms_relative_base = _stext.
 */
void kallsyms_build(void)
{
	uint64_t names_len = 0, at, tok, idx, off, base, num;
	int i;

	for (i = 0; i < S.nkwords; i++)
		virt_wlong(M.stext_va + S.kwords[i].off,
			   S.kwords[i].direct ? phys_to_direct(S.kwords[i].value) : S.kwords[i].value);
	if (!S.nksyms)
		return;
	for (i = 0; i < S.nksyms; i++)
		names_len += 2 + strlen(S.ksyms[i].name);
	M.kallsyms_va[0] = kdata_alloc(names_len);
	M.kallsyms_va[1] = num = kdata_alloc(4);
	M.kallsyms_va[2] = tok = kdata_alloc(512);
	M.kallsyms_va[3] = idx = kdata_alloc(512);
	M.kallsyms_va[4] = off = kdata_alloc(4 * (uint64_t)S.nksyms);
	M.kallsyms_va[5] = base = kdata_alloc(WORD);
	for (i = 0; i < 256; i++) {
		virt_w8(tok + 2 * (uint64_t)i, (uint8_t)i);
		virt_w8(idx + 2 * (uint64_t)i, (uint8_t)((2 * i) & 0xff));	/* u16, target order */
		virt_w8(idx + 2 * (uint64_t)i + 1, (uint8_t)((2 * i) >> 8));
	}
	if (A->big_endian)
		for (i = 0; i < 256; i++) {
			virt_w8(idx + 2 * (uint64_t)i, (uint8_t)((2 * i) >> 8));
			virt_w8(idx + 2 * (uint64_t)i + 1, (uint8_t)((2 * i) & 0xff));
		}
	at = M.kallsyms_va[0];
	for (i = 0; i < S.nksyms; i++) {
		size_t n = strlen(S.ksyms[i].name);

		virt_w8(at++, (uint8_t)(n + 1));
		virt_w8(at++, 'T');
		virt_write(at, S.ksyms[i].name, n);
		at += n;
		virt_w32(off + 4 * (uint64_t)i, (uint32_t)S.ksyms[i].off);
	}
	virt_w32(num, (uint32_t)S.nksyms);
	virt_wlong(base, M.stext_va);
}

/* ---- vmalloc: "vmap VA PFN" lines ------------------------------------------------ */

/* struct vmap_area: va_start, va_end, rb_node (3 words), list, ... */
#define VMAP_AREA_SIZE		(8 * WORD)
#define VMAP_AREA_START		0
#define VMAP_AREA_END		WORD
#define VMAP_AREA_LIST		(5 * WORD)

void vmaps_mark(void)
{
	int i;

	for (i = 0; i < S.nvmaps; i++) {
		uint64_t pfn = S.vmaps[i].pfn;

		if (pfn >= M.max_pfn || !pfn_in_file(pfn))
			die("vmap %#llx: pfn %#llx is not RAM in the file", (unsigned long long)S.vmaps[i].va,
			    (unsigned long long)pfn);
		if (M.kind[pfn] != K_NONE)
			die("vmap %#llx: pfn %#llx is already described", (unsigned long long)S.vmaps[i].va,
			    (unsigned long long)pfn);
		M.kind[pfn] = K_KERNEL;
	}
}

static int by_va(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Map each page, and give each a struct vmap_area on vmap_area_list (a
 * list_head in .data, sorted by address as the kernel keeps it).
 */
void vmaps_build(void)
{
	uint64_t head, prev, va[MAX_VMAPS];
	int i;

	if (!S.nvmaps && !A->vmap_list)
		return;
	head = prev = M.vmap_list_va = kdata_alloc(2 * WORD);
	for (i = 0; i < S.nvmaps; i++) {
		if (S.vmaps[i].va & (PAGE_SIZE - 1))
			die("vmap %#llx is not page aligned", (unsigned long long)S.vmaps[i].va);
		A->map(S.vmaps[i].va, S.vmaps[i].pfn << PAGE_SHIFT, PAGE_SIZE);
		va[i] = S.vmaps[i].va;
	}
	qsort(va, (size_t)S.nvmaps, sizeof(va[0]), by_va);
	for (i = 0; i < S.nvmaps; i++) {
		static uint64_t slab, used;
		uint64_t area, node;

		if (!slab || used + VMAP_AREA_SIZE > PAGE_SIZE) {	/* a kmem_cache page */
			slab = phys_to_direct(pool_alloc(1, 1) << PAGE_SHIFT);
			used = 0;
		}
		area = slab + used;
		used += VMAP_AREA_SIZE;
		virt_wlong(area + VMAP_AREA_START, va[i]);
		virt_wlong(area + VMAP_AREA_END, va[i] + 2 * PAGE_SIZE);	/* a guard page follows */
		node = area + VMAP_AREA_LIST;
		virt_wlong(prev, node);		/* prev->next */
		virt_wlong(node + WORD, prev);	/* node->prev */
		prev = node;
	}
	virt_wlong(prev, head);			/* the last ->next is the head */
	virt_wlong(head + WORD, prev);
}
