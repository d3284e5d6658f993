/*
 * printk.c - the printk ring buffer, vmap areas and the UTS namespace,
 * compiled with -gdwarf-2, where GCC writes every member offset as a
 * DW_OP_plus_uconst expression instead of a constant.
 */
#include "kernel.h"

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

typedef struct { int counter; } atomic_t;
typedef struct { long counter; } atomic64_t;
typedef atomic64_t atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

struct prb_desc;
struct printk_info;

struct prb_desc_ring {
	unsigned int count_bits;		/*  0 */
	struct prb_desc *descs;			/*  8 */
	struct printk_info *infos;		/* 16 */
	atomic_long_t head_id;			/* 24 */
	atomic_long_t tail_id;			/* 32 */
	atomic_long_t last_finalized_id;	/* 40 */
};						/* 48 */

struct prb_data_ring {
	unsigned int size_bits;			/*  0 */
	char *data;				/*  8 */
	atomic_long_t head_lpos;		/* 16 */
	atomic_long_t tail_lpos;		/* 24 */
};						/* 32 */

struct printk_ringbuffer {
	struct prb_desc_ring desc_ring;		/*  0 */
	struct prb_data_ring text_data_ring;	/* 48 */
	atomic_long_t fail;			/* 80 */
};						/* 88 */

struct prb_data_blk_lpos {
	unsigned long begin;			/* 0 */
	unsigned long next;			/* 8 */
};						/* 16 */

struct prb_desc {
	atomic_long_t state_var;		/* 0 */
	struct prb_data_blk_lpos text_blk_lpos;	/* 8 */
};						/* 24 */

struct dev_printk_info {
	char subsystem[16];			/*  0 */
	char device[48];			/* 16 */
};						/* 64 */

struct printk_info {
	u64 seq;				/*  0 */
	u64 ts_nsec;				/*  8 */
	u16 text_len;				/* 16 */
	u8 facility;				/* 18 */
	u8 flags:5;				/* 19 (bit-fields) */
	u8 level:3;
	u32 caller_id;				/* 20 */
	struct dev_printk_info dev_info;	/* 24 */
};						/* 88 */

typedef struct { struct { unsigned int sequence; } seqcount; } seqcount_latch_t;

struct latched_seq {
	seqcount_latch_t latch;			/* 0 */
	u64 val[2];				/* 8 */
};						/* 24 */

struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right, *rb_left;
};						/* 24 */

struct vm_struct {
	struct vm_struct *next;			/*  0 */
	void *addr;				/*  8 */
	unsigned long size;			/* 16 */
};

struct vmap_area {
	unsigned long va_start;			/*  0 */
	unsigned long va_end;			/*  8 */
	struct rb_node rb_node;			/* 16 */
	struct list_head list;			/* 40 */
	union {
		unsigned long subtree_max_size;
		struct vm_struct *vm;
	};					/* 56 */
	unsigned long flags;			/* 64 */
};						/* 72 */

typedef struct refcount_struct { atomic_t refs; } refcount_t;
struct kref { refcount_t refcount; };		/* 4 */

struct new_utsname {
	char sysname[65];
	char nodename[65];
	char release[65];			/* 130 */
	char version[65];
	char machine[65];
	char domainname[65];
};						/* 390 */

/* As before Linux 6.x reordered it: the name after a kref, at offset 4. */
struct uts_namespace {
	struct kref kref;			/* 0 */
	struct new_utsname name;		/* 4 */
	void *user_ns;				/* 400 (394 aligned to 8) */
};

struct uts_namespace init_uts_ns AT(init_uts_ns) = {
	.kref = { { { 2 } } },
	.name = {
		.sysname = "Linux",
		.nodename = "(none)",
		.release = "6.1.0-fake-dwarf",
		.version = "#1 SMP fixture",
		.machine = "x86_64",
		.domainname = "(none)",
	},
};

static struct printk_ringbuffer printk_rb_static AT(printk_rb_static);
static struct printk_ringbuffer *prb AT(prb) = &printk_rb_static;

struct prb_desc *pk_desc;
struct printk_info *pk_info;
struct latched_seq pk_seq;
struct vmap_area *pk_va;
