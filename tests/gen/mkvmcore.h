/*
 * mkvmcore.h - shared declarations of the synthetic vmcore generator.
 *
 * The generator is deliberately independent of the program under test: it
 * keeps its own description of every kernel structure it writes (struct
 * page per era, mem_section, page tables, zones), so a wrong definition in
 * the program cannot be confirmed by the same wrong definition here.
 */
#ifndef MKVMCORE_H
#define MKVMCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The target's page size: 4 KiB unless the arch and the spec say otherwise. */
#define PAGE_SHIFT	(S.page_shift)
#define PAGE_SIZE	(1u << S.page_shift)
#define NO_PFN		UINT64_MAX

/* ---- spec ---------------------------------------------------------------- */

enum kind {
	K_NONE = 0,	/* ordinary in-use kernel page */
	K_KDATA,	/* generator's own kernel data (page tables, mem_map, ...) */
	K_FREE, K_FREE_TAIL, K_BADORDER,
	K_COMPOUND_HEAD, K_COMPOUND_TAIL,
	K_ANON, K_CACHE, K_SWAPCACHE, K_SLAB, K_HWPOISON, K_OFFLINE,
	K_UNACCEPTED, K_UNACCEPTED_TAIL, K_ZERO, K_NOVMEMMAP, K_NOSECTION,
	K_KERNEL,	/* plain in-use page, named explicitly */
};

enum sub { SUB_NONE, SUB_ANON, SUB_CACHE, SUB_HUGETLB, SUB_SLAB };

struct item {
	uint64_t first, last;	/* pfns, inclusive */
	enum kind kind;
	enum sub sub;		/* compound: what the folio is */
	int order;
	bool priv;		/* cache: PG_private */
	int line;
};

enum memmodel { MM_EXTREME, MM_EXTREME_PTR, MM_SPARSE, MM_FLAT };

struct ram { uint64_t start, end, file_end; };	/* bytes; [file_end, end) not in file */

struct vmci_edit { char key[96]; char value[96]; bool drop; };

#define MAX_RAM		32
#define MAX_ITEMS	512
#define MAX_EDITS	64
#define MAX_VMAPS	16
#define MAX_KSYMS	32

struct spec {
	const struct era *era;
	unsigned page_shift;	/* pagesize= (ppc64: 4k or 64k) */
	bool radix;		/* ppc64 mmu=radix (else hash) */
	unsigned levels;	/* s390x / riscv64: page-table levels */
	bool note;		/* VMCOREINFO in an ELF note (else s390x: only in memory) */
	struct ram ram[MAX_RAM];
	int nram;
	enum memmodel model;
	bool memmap_vmemmap;	/* struct pages in the vmemmap (else in the direct map) */
	unsigned pt_direct;	/* direct-map page size: 4k, 2m, 1g (bytes) */
	unsigned pt_vmemmap;	/* vmemmap page size: 4k or 2m (bytes); ppc64 64k, 2m, 16m */
	bool l5;
	uint64_t sme;		/* the SME encryption bit set in page-table entries (0: none) */
	uint64_t kaslr;		/* KERNELOFFSET */
	uint64_t kload;		/* physical address of _text */
	uint64_t ksize;		/* size of the kernel-text PT_LOAD */
	int cpus;
	int section_bits, physmem_bits;
	bool sparse_file;	/* untouched pages are holes (large dumps) */
	bool kcore;		/* shaped like /proc/kcore: areas without a physical address */
	bool sparse_set;	/* sparse= given; else sparse when RAM > 1 GiB */
	uint64_t crashtime;
	char release[65];	/* utsname release; default: the era's */
	struct item items[MAX_ITEMS];
	int nitems;
	struct vmci_edit edits[MAX_EDITS];
	int nedits;
	struct { uint64_t va, pfn; } vmaps[MAX_VMAPS];	/* "vmap VA PFN" lines */
	int nvmaps;
	struct { char name[48]; uint64_t off; } ksyms[MAX_KSYMS];	/* "ksym NAME OFFSET" */
	int nksyms;
	struct { uint64_t off, value; bool direct; } kwords[MAX_KSYMS];	/* "kword OFFSET VALUE" */
	int nkwords;
	bool tables_free;	/* "@tables free": the page tables' struct pages say free */
	bool verbose;
};

/* ---- kernel eras --------------------------------------------------------- */

enum buddy_enc { BUDDY_LISTS, BUDDY_FLAG, BUDDY_MAPCOUNT, BUDDY_TYPE };
enum order_enc { ORD_INDEX, ORD_LRU_PREV, ORD_FIELD, ORD_FLAGS1 };
enum huge_enc { HUGE_NONE, HUGE_DTOR_PTR, HUGE_DTOR, HUGE_TYPE };
enum tail_enc { TAIL_FLAG, TAIL_CHEAD };

struct era {
	const char *name, *release;
	/* struct page layout */
	int size_page, off_flags, off_count, off_mapcount, off_private, off_mapping;
	int off_lru, off_chead, off_cdtor, off_corder, corder_width;
	const char *chead_key;		/* "compound_head" or "compound_info" */
	bool export_chead, export_mapcount;
	/* page flag bits (-1: none); export mask bits from enum pgx below */
	int pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab, pg_head, pg_tail;
	int pg_hwpoison, pg_buddy;
	unsigned exports;
	/* encodings */
	enum buddy_enc buddy;
	int32_t buddy_val;		/* mapcount / page_type value */
	bool export_buddy;
	int32_t offline_val, slab_type, hugetlb_type, unaccepted_val;	/* 0: none */
	enum order_enc order;
	enum huge_enc huge;
	int hugetlb_dtor;
	enum tail_enc tail;
	bool free_private_flag;		/* 2.6.16: free heads carry PG_private */
	bool slab_mapping_bit;		/* 6.12+: slab pages may have mapping bit 0 */
	/* other structures */
	int uts_off, size_mem_section;
	int size_zone, zone_free_area, zone_spanned, size_free_area, nr_migrate;
	int pgdat_nr_zones, max_nr_zones;
	int max_order;			/* LENGTH(zone.free_area) */
	bool modern_roots;		/* 4.15+: mem_section roots allocated, not in .bss */
};

enum pgx { X_LRU = 1, X_PRIVATE = 2, X_SWAPCACHE = 4, X_SWAPBACKED = 8, X_SLAB = 16,
	   X_HEAD = 32, X_HWPOISON = 64, X_DTOR = 128 };

const struct era *era_find(const char *name);
bool era_at_least(const struct era *e, const char *than);	/* e is than or later */
/* The era's 32-bit kernel (struct page of 32-bit longs); dies when the generator has none. */
const struct era *era_word32(const struct era *e);
void era_list(void);
/* Append the VMCOREINFO text for the built machine to buf (NUL-terminated). */
size_t era_vmcoreinfo(const struct spec *s, char *buf, size_t cap);

/* ---- target architectures (arch.c, x86pt.c, ppc64.c, ...) ---------------- */

/*
 * One backend per architecture: what the ELF header says, the kernel's
 * virtual layout and its page tables, and the VMCOREINFO lines only that
 * architecture exports.  Each backend's table formats are written from the
 * architecture's kernel headers.
 */
struct arch {
	const char *name;		/* arch= */
	const char *machine;		/* utsname machine */
	unsigned e_machine;
	bool big_endian;
	bool word32;			/* a 32-bit kernel: ELF32, 4-byte pointers and longs */
	unsigned prstatus_size;		/* sizeof(struct elf_prstatus) */
	bool text_segment;		/* a PT_LOAD of its own maps the kernel image */
	bool export_vmemmap;		/* SYMBOL(vmemmap) (5.10+ eras) */
	bool vmap_list;			/* the kernel has a vmap_area_list the arch exports */
	void (*defaults)(void);		/* spec values that differ from x86_64's */
	void (*check)(void);		/* after parsing: refuse what the arch cannot do */
	void (*layout)(void);		/* M's virtual layout, the top page table */
	uint64_t (*kimage_va)(uint64_t pa);		/* kernel image data: its va */
	bool (*kimage_pa)(uint64_t va, uint64_t *pa);	/* NULL: the image is in the direct map */
	void (*map)(uint64_t va, uint64_t pa, uint64_t size);	/* one kernel page-table leaf */
	void (*direct_map)(void);
	void (*vmemmap_map)(uint64_t va, uint64_t pa, uint64_t size);	/* NULL: map() */
	void (*finish)(void);		/* after mem_map: arch objects (NULL: none) */
	void (*vmcoreinfo)(void);	/* the arch's lines, through vmci_add() */
};

extern const struct arch *A;
extern const struct arch arch_x86_64, arch_ppc64le, arch_ppc64, arch_s390x, arch_riscv64;
extern const struct arch arch_loongarch64;
extern const struct arch arch_arm, arch_arm_lpae;
extern const struct arch arch_mips64el, arch_mips64;
const struct arch *arch_find(const char *name);
/* The kernel's word: sizeof(long) and of a pointer. */
#define WORD	(A->word32 ? 4u : 8u)
/* Stores and loads in the target's byte order. */
void put_t(uint8_t *b, uint64_t v, unsigned n);
uint64_t get_t(const uint8_t *b, unsigned n);
void put_be(uint8_t *b, uint64_t v, unsigned n);
/* Add a VMCOREINFO line (eras.c; backends call it from their vmcoreinfo hook). */
void vmci_add(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- machine (built from the spec) ---------------------------------------- */

struct machine {
	uint64_t max_pfn;		/* end of the highest RAM range, in pfns */
	uint8_t *kind;			/* per pfn: enum kind (what the spec or allocator put there) */
	uint64_t page_offset, vmemmap_base;
	uint64_t stext_va;		/* SYMBOL(_stext) */
	int64_t phys_base;
	uint64_t top_pgt_va;		/* SYMBOL(init_top_pgt) */
	/* kallsyms (ksym lines): names, num_syms, token_table, token_index, offsets, relative_base */
	uint64_t kallsyms_va[6];
	uint64_t table_pfns[4096];	/* x86_64 page-table pages from the pool */
	unsigned ntable_pfns;
	uint64_t uts_va, mem_section_va, mem_map_sym_va, pgdat_va, free_huge_page_va;
	uint64_t vmap_list_va;		/* SYMBOL(vmap_area_list) */
	uint64_t nr_mem_section_len;	/* LENGTH(mem_section) */
	uint64_t kdata_next;		/* next free pfn of the kernel-image data area */
	uint64_t pool_next;		/* next candidate pfn (top-down) of the pool */
	uint64_t *vmemmap_pfn;		/* per vmemmap 4 KiB page: backing pfn or NO_PFN */
	uint64_t vmemmap_pages;
	uint64_t direct_map_va;		/* FLATMEM / direct: mem_map[0], the struct page of pfn flat_first_pfn */
	uint64_t flat_first_pfn;	/* FLATMEM: ARCH_PFN_OFFSET (arm: PHYS_OFFSET >> PAGE_SHIFT), else 0 */
	uint64_t *section_map;		/* direct mem_map: per section, struct page va of its first pfn */
};

extern struct spec S;
extern const char *spec_path;		/* for messages: "SPEC:LINE: ..." */
extern struct machine M;

/* util (main.c) */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* physical memory (mem.c) */
bool pfn_in_ram(uint64_t pfn);
bool pfn_in_file(uint64_t pfn);
uint8_t *phys_page(uint64_t pfn);		/* created zeroed on first use */
const uint8_t *phys_page_peek(uint64_t pfn);	/* NULL when never written */
void phys_write(uint64_t pa, const void *src, size_t n);
void phys_w64(uint64_t pa, uint64_t v);
void phys_w32(uint64_t pa, uint32_t v);
void phys_w16(uint64_t pa, uint16_t v);
void phys_w8(uint64_t pa, uint8_t v);
uint64_t virt_to_phys(uint64_t va);		/* dies when unmapped */
bool virt_mapped(uint64_t va);
void virt_write(uint64_t va, const void *src, size_t n);
void virt_w64(uint64_t va, uint64_t v);
void virt_wlong(uint64_t va, uint64_t v);	/* an unsigned long or a pointer: WORD bytes */
void virt_w32(uint64_t va, uint32_t v);
void virt_w8(uint64_t va, uint8_t v);
uint64_t virt_r64(uint64_t va);
uint64_t kdata_alloc(uint64_t bytes);		/* kernel-image data: returns a kernel-text va */
uint64_t pool_alloc(uint64_t npages, uint64_t align);	/* memblock: returns a pfn */
uint64_t phys_to_direct(uint64_t pa);
void page_content(uint64_t pfn, uint8_t *buf, bool *is_zero);
void content_open(const char *path);		/* -p: data of in-use pages from a file */

uint64_t kdata_alloc_aligned(uint64_t bytes, uint64_t align);
uint64_t phys_r64(uint64_t pa);			/* target byte order */

/* memory models (mm.c) */
void mm_build(void);
uint64_t page_struct_va(uint64_t pfn);		/* address of pfn's struct page */
bool page_struct_mapped(uint64_t pfn);
/* vmemmap: struct pages are made as the file is written, never stored */
bool memmap_virtual(void);
bool memmap_backing(uint64_t pfn, uint64_t *vidx);	/* pfn backs vmemmap page *vidx */

/* page kinds and free lists (pages.c) */
void pages_mark(void);				/* fill M.kind from the items */
void pages_write(void);				/* write every struct page (not vmemmap ones) */
void kallsyms_build(void);			/* the ksym lines as the kernel's kallsyms arrays */
void memmap_page(uint64_t vidx, uint8_t *buf);	/* the bytes of vmemmap page vidx */
void freelists_build(void);			/* zones + free lists (eras without a buddy marker) */

/* kernel image symbols and utsname (eras.c) */
void kimage_build(void);
void vmaps_mark(void);		/* the pfns of "vmap" lines are kernel pages */
void vmaps_build(void);		/* map them; M.vmap_list_va: their vmap_area_list */

/* ELF output (elf.c) */
void elf_write(const char *path);

#endif
