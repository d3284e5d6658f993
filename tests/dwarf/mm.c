/*
 * mm.c - memory-management types laid out as in Linux 6.1 on x86_64
 * (trimmed), compiled with -gdwarf-5.  The offsets in the comments are
 * the hand arithmetic test_dwarf.c checks against (LP64).
 */
#include "kernel.h"

struct list_head {
	struct list_head *next;		/* 0 */
	struct list_head *prev;		/* 8 */
};					/* 16 */

typedef struct { int counter; } atomic_t;		/* 4 */
typedef struct { long counter; } atomic64_t;		/* 8 */
typedef atomic64_t atomic_long_t;			/* 8, counter at 0 */

struct address_space;
struct mem_section_usage;

/*
 * The members the filter reads sit inside anonymous unions and structs:
 * lru three levels down, _mapcount two (a union inside a struct inside a
 * union, as page_type shares it in 6.12).
 */
struct page {
	unsigned long flags;				/*  0 */
	union {						/*  8, 40 bytes */
		struct {
			union {				/*  8, 16 bytes */
				struct list_head lru;	/*  8 */
				struct {
					void *__filler;
					unsigned int mlock_count;
				};
				struct list_head buddy_list;
			};
			struct address_space *mapping;	/*  8 + 16 = 24 */
			unsigned long index;		/* 24 +  8 = 32 */
			unsigned long private;		/* 32 +  8 = 40 */
		};
		struct {
			unsigned long compound_head;	/*  8 */
			unsigned char compound_dtor;	/*  8 + 8 = 16 */
			unsigned char compound_order;	/* 16 + 1 = 17 */
			atomic_t compound_mapcount;	/* 20 */
		};
		struct {
			unsigned long _pt_pad_1;
			unsigned long pp_magic;
		};
	};						/* ends at 48 */
	union {						/* 48, 4 bytes */
		struct {
			union {
				atomic_t _mapcount;	/* 48 */
				unsigned int page_type;	/* 48 */
			};
		};
		unsigned int _pad_mapcount;
	};
	atomic_t _refcount;				/* 52 */
	unsigned long memcg_data;			/* 56 */
};							/* 64 */

/* A folio is a head page and its first tail page, side by side. */
struct folio {
	union {						/*  0, 64 bytes */
		struct {
			unsigned long flags;
			union {
				struct list_head lru;
				struct {
					void *__filler;
					unsigned int mlock_count;
				};
			};
			struct address_space *mapping;
			unsigned long index;
			void *private;
			atomic_t _mapcount;
			atomic_t _refcount;
			unsigned long memcg_data;
		};
		struct page page;
	};
	union {						/* 64, 64 bytes */
		struct {
			unsigned long _flags_1;		/* 64 + 0 = 64 */
			unsigned long __head;		/* 64 + 8 = 72 */
			unsigned char _folio_dtor;	/* 64 + 16 = 80 */
			unsigned char _folio_order;	/* 80 + 1 = 81 */
			atomic_t _entire_mapcount;
			atomic_t _nr_pages_mapped;
			atomic_t _pincount;
			unsigned int _folio_nr_pages;
		};
		struct page __page_1;
	};
};							/* 128 */

enum pageflags {
	PG_locked,		/*  0 */
	PG_referenced,
	PG_uptodate,
	PG_dirty,
	PG_lru,			/*  4 */
	PG_active,
	PG_workingset,
	PG_waiters,
	PG_error,
	PG_slab,		/*  9 */
	PG_owner_priv_1,	/* 10 */
	PG_arch_1,
	PG_reserved,
	PG_private,		/* 13 */
	PG_private_2,
	PG_writeback,
	PG_head,		/* 16 */
	PG_mappedtodisk,
	PG_reclaim,
	PG_swapbacked,		/* 19 */
	PG_unevictable,
	PG_mlocked,
	PG_hwpoison,		/* 22 */
	PG_young,
	PG_idle,
	__NR_PAGEFLAGS,
	PG_readahead = PG_reclaim,
	PG_checked = PG_owner_priv_1,
	PG_swapcache = PG_owner_priv_1,	/* 10 */
	PG_fscache = PG_private_2,
	PG_isolated = PG_reclaim,
	PG_reported = PG_uptodate,
};

/*
 * Not the kernel's value (2): 200 in an int enum is written by GCC as
 * DW_FORM_data1 0xc8, which must read as 200, not -56.
 */
enum compound_dtor_id {
	NULL_COMPOUND_DTOR,
	COMPOUND_PAGE_DTOR,
	HUGETLB_PAGE_DTOR = 200,
	TRANSHUGE_PAGE_DTOR,
	NR_COMPOUND_DTORS,
};

enum zone_stat_item {
	NR_FREE_PAGES,		/* 0 */
	NR_ZONE_LRU_BASE,
	NR_ZONE_INACTIVE_ANON = NR_ZONE_LRU_BASE,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_UNEVICTABLE,
	NR_ZONE_WRITE_PENDING,
	NR_MLOCK,
	NR_BOUNCE,
	NR_ZSPAGES,
	NR_FREE_CMA_PAGES,
	NR_VM_ZONE_STAT_ITEMS,	/* 11 */
};

enum node_states {
	N_POSSIBLE,
	N_ONLINE,		/* 1 */
	N_NORMAL_MEMORY,
	N_HIGH_MEMORY = N_NORMAL_MEMORY,
	N_MEMORY,
	N_CPU,
	N_GENERIC_INITIATOR,
	NR_NODE_STATES,		/* 6 */
};

#define MAX_NUMNODES	1024
#define MIGRATE_TYPES	5
#define MAX_ORDER	11
#define MAX_NR_ZONES	4

typedef struct {
	unsigned long bits[MAX_NUMNODES / 64];		/* 16 * 8 */
} nodemask_t;						/* 128 */

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];	/*  0, 5 * 16 = 80 */
	unsigned long nr_free;				/* 80 */
};							/* 88 */

struct pglist_data;

struct zone {
	unsigned long _watermark[4];			/*    0 */
	unsigned long watermark_boost;			/*   32 */
	unsigned long nr_reserved_highatomic;		/*   40 */
	long lowmem_reserve[MAX_NR_ZONES];		/*   48 */
	int node;					/*   80 */
	struct pglist_data *zone_pgdat;			/*   88 */
	void *per_cpu_pageset;				/*   96 */
	unsigned long zone_start_pfn;			/*  104 */
	atomic_long_t managed_pages;			/*  112 */
	unsigned long spanned_pages;			/*  120 */
	unsigned long present_pages;			/*  128 */
	const char *name;				/*  136 */
	struct free_area free_area[MAX_ORDER];		/*  144, 11 * 88 = 968 */
	unsigned long flags;				/* 1112 */
	atomic_long_t vm_stat[NR_VM_ZONE_STAT_ITEMS];	/* 1120, 11 * 8 = 88 */
};							/* 1208 */

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];		/*    0, 4 * 1208 = 4832 */
	int nr_zones;					/* 4832 */
	struct page *node_mem_map;			/* 4840 (4836 aligned to 8) */
	unsigned long node_start_pfn;			/* 4848 */
	unsigned long node_present_pages;		/* 4856 */
	unsigned long node_spanned_pages;		/* 4864 */
	int node_id;					/* 4872 */
};							/* 4880 (4876 aligned to 8) */

struct mem_section {
	unsigned long section_mem_map;			/* 0 */
	struct mem_section_usage *usage;		/* 8 */
};							/* 16 */

/* Older SPARSEMEM_EXTREME: an array of roots (6.1 has a pointer instead). */
struct mem_section *mem_section[64] AT(mem_section);
struct pglist_data *node_data[MAX_NUMNODES] AT(node_data);
nodemask_t node_states[NR_NODE_STATES] AT(node_states);
unsigned long empty_zero_page[4096 / sizeof(unsigned long)] AT(empty_zero_page);

/* Used so that every type above reaches the DWARF whatever the flags. */
struct folio *mm_folio;
enum pageflags mm_pageflag;
enum compound_dtor_id mm_dtor;
enum zone_stat_item mm_stat;
enum node_states mm_node_state;
atomic_long_t mm_counter;

void free_huge_page(struct page *page) AT_TEXT(free_huge_page);
void free_huge_page(struct page *page)
{
	page->flags = 0;
}
