/*
 * kfacts.h - what the program knows about the dumped kernel.
 *
 * Filled once at setup from VMCOREINFO (the dump's note, or -i FILE) and/or
 * from vmlinux DWARF (-x), then read-only.  Every fact is either present
 * with a value or absent: absent is never 0.  The list of facts is
 * kfacts.def; this header turns it into an enum and a table.
 */
#ifndef MDF_KFACTS_H
#define MDF_KFACTS_H

#include <stdbool.h>
#include <stdint.h>

/* KIND(key)=value forms, then the plain KEY=value ones (decimal, hex). */
enum kf_kind { KF_SYMBOL, KF_SIZE, KF_OFFSET, KF_LENGTH, KF_NUMBER, KF_DEC, KF_HEX };

/* Does -g write a text fact, or only read it? */
enum kt_out { KT_WRITE, KT_READ };

enum dw_rule {
	DW_NONE, DW_SYMBOL, DW_STRUCT, DW_TYPEDEF, DW_ENUM, DW_MEMBER,
	DW_MEMBER_LEN, DW_SYMBOL_LEN, DW_ENUMERATOR, DW_BIT, DW_DECL_FILE,
};

enum kf_id {
#define KF(kind, id, key, dw, a, b) KF_##id,
#include "kfacts.def"
#undef KF
	KF__COUNT
};

enum kt_id {
#define KF(kind, id, key, dw, a, b)
#define KF_TEXT(id, key, dw, a, max, out) KT_##id,
#include "kfacts.def"
#undef KF
#undef KF_TEXT
	KT__COUNT
};

struct kt_desc {
	const char *key;	/* the whole key: "SRCFILE(pud_t)" */
	enum dw_rule dw;
	const char *a;
	unsigned max;		/* longest valid value */
	enum kt_out out;
};
extern const struct kt_desc kt_table[KT__COUNT];

struct kf_desc {
	enum kf_kind kind;
	const char *key;	/* inside the parentheses: "page.flags"; plain: "PAGESIZE" */
	enum dw_rule dw;
	const char *a, *b;
};
extern const struct kf_desc kf_table[KF__COUNT];

struct kfacts {
	bool have[KF__COUNT];
	int64_t val[KF__COUNT];
	char text[KT__COUNT][128];	/* text facts; "" = absent */
};

static inline bool kf_have(const struct kfacts *k, enum kf_id id) { return k->have[id]; }
static inline int64_t kf_val(const struct kfacts *k, enum kf_id id) { return k->val[id]; }
static inline uint64_t kf_addr(const struct kfacts *k, enum kf_id id) { return (uint64_t)k->val[id]; }
/* The value, or def when absent. */
static inline int64_t kf_or(const struct kfacts *k, enum kf_id id, int64_t def)
{
	return k->have[id] ? k->val[id] : def;
}
static inline void kf_set(struct kfacts *k, enum kf_id id, int64_t v)
{
	k->have[id] = true;
	k->val[id] = v;
}

/* k's fact id becomes from's: present with its value, or absent. */
static inline void kf_take(struct kfacts *k, const struct kfacts *from, enum kf_id id)
{
	k->have[id] = from->have[id];
	k->val[id] = from->val[id];
}

/* A text fact ("" when absent), and setting one (n bytes of s, n < 128). */
static inline const char *kf_text(const struct kfacts *k, enum kt_id id) { return k->text[id]; }
static inline bool kf_have_text(const struct kfacts *k, enum kt_id id) { return k->text[id][0] != '\0'; }
void kf_set_text(struct kfacts *k, enum kt_id id, const char *s, unsigned n);

/* Give k every fact it lacks that from has (the dump's note after -x or -i). */
void kf_fill(struct kfacts *k, const struct kfacts *from);
/* Add delta to every SYMBOL fact (KASLR). */
void kf_shift_symbols(struct kfacts *k, int64_t delta);

/* "SYMBOL", "SIZE", ...; "" for the plain kinds */
const char *kf_kind_name(enum kf_kind kind);
/* Index of the fact with this kind and key text, or -1. */
int kf_lookup(enum kf_kind kind, const char *key, unsigned len);
/* A page size the kernel can have: a power of two from 512 bytes to 1 MiB. */
bool kf_page_size_ok(int64_t v);
/* Compare two kernel releases ("6.1.0-56-amd64") as version numbers a.b.c. */
int kf_release_cmp(const char *release, int major, int minor, int patch);

#endif
