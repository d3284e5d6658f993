/* kallsyms.c - the kernel's symbol table from the dump; see kallsyms.h. */
#include "kallsyms.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SYMS	(1u << 22)	/* a kernel has a few hundred thousand */
#define NAME_MAX_LEN	512		/* KSYM_NAME_LEN is 512 since 6.1 */
#define TOKENS_MAX	(64u << 10)	/* 256 tokens; generous */
#define CHUNK		(64u << 10)

/*
 * A reader of kallsyms_names that has a whole name at hand (fewer than
 * 2 + 2^15 bytes), fetching a chunk at a time.
 */
struct names {
	struct kview *kv;
	uint64_t next_va;	/* of the byte after buf[len - 1] */
	uint8_t buf[CHUNK];
	size_t len, pos;
};

/* Have at least need bytes from pos on in buf (names_have's slow path). */
static int names_fill(struct names *nm, size_t need, struct err *e)
{
	uint64_t ps = nm->kv->page_size;

	memmove(nm->buf, nm->buf + nm->pos, nm->len - nm->pos);
	nm->len -= nm->pos;
	nm->pos = 0;
	while (nm->len < need) {
		size_t want = CHUNK - nm->len;
		size_t to_page_end = (size_t)(ps - (nm->next_va & (ps - 1)));
		struct err ignored = { 0 };

		/* the array may end where the memory the dump holds does */
		if (kview_read_virt(nm->kv, nm->next_va, nm->buf + nm->len, want, &ignored) < 0) {
			want = to_page_end < want ? to_page_end : want;
			if (kview_read_virt(nm->kv, nm->next_va, nm->buf + nm->len, want, e) < 0)
				return -1;
		}
		nm->len += want;
		nm->next_va += want;
	}
	return 0;
}

/* Nearly always there: a name is a few bytes of a 64 KiB chunk. */
static inline int names_have(struct names *nm, size_t need, struct err *e)
{
	return nm->len - nm->pos >= need ? 0 : names_fill(nm, need, e);
}

struct table {
	char *tokens;		/* kallsyms_token_table */
	uint16_t index[256];	/* kallsyms_token_index */
	/* Each token's first (up to 8) letters packed, and how many: a name's prefix without decoding it */
	uint64_t head[256];
	uint8_t head_len[256];
};

static void pack_heads(struct table *t)
{
	unsigned b, i;

	for (b = 0; b < 256; b++) {
		const char *tok = t->tokens + t->index[b];

		t->head[b] = 0;
		for (i = 0; i < 8 && tok[i]; i++)
			t->head[b] |= (uint64_t)(uint8_t)tok[i] << (8 * i);
		t->head_len[b] = (uint8_t)i;
	}
}

static int read_tokens(struct kview *kv, struct table *t, struct err *e)
{
	const struct kfacts *k = &kv->k;
	uint8_t raw[512];
	unsigned i, max = 0;

	if (kview_read_virt(kv, kf_addr(k, KF_SYM_kallsyms_token_index), raw, sizeof(raw), e) < 0)
		return -1;
	for (i = 0; i < 256; i++) {
		t->index[i] = kv_ld16(kv, raw + 2 * i);
		if (t->index[i] > max)
			max = t->index[i];
	}
	if (max + 256 > TOKENS_MAX)
		return err_set(e, "kallsyms_token_index is implausible (an offset of %u)", max);
	t->tokens = malloc(max + 257);
	if (!t->tokens)
		return err_set(e, "out of memory");
	if (kview_read_virt(kv, kf_addr(k, KF_SYM_kallsyms_token_table), t->tokens, max + 256, e) < 0)
		return -1;
	t->tokens[max + 256] = '\0';
	pack_heads(t);
	return 0;
}

/*
 * What the wanted names begin with: their first PREFIX_LEN letters, packed.
 * A table of bits, one per hash of such a prefix, turns away nearly every
 * other name from its first tokens alone, undecoded.
 */
#define PREFIX_LEN 4
#define FILTER_BITS 12
struct wanted {
	uint32_t *prefix;	/* one per wanted name */
	size_t n;
	uint64_t filter[(1u << FILTER_BITS) / 64];
};

static uint32_t pack_prefix(const char *s)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < PREFIX_LEN && s[i]; i++)
		v |= (uint32_t)(uint8_t)s[i] << (8 * i);
	return v;
}

static unsigned filter_slot(uint32_t prefix)
{
	return (uint32_t)(prefix * 0x9e3779b1u) >> (32 - FILTER_BITS);
}

static void want(struct wanted *w, size_t j, const char *name)
{
	unsigned b;

	w->prefix[j] = pack_prefix(name);
	b = filter_slot(w->prefix[j]);
	w->filter[b / 64] |= UINT64_C(1) << (b % 64);
}

static bool prefix_wanted(const struct wanted *w, uint32_t v)
{
	unsigned b = filter_slot(v);
	size_t j;

	if (!(w->filter[b / 64] & (UINT64_C(1) << (b % 64))))
		return false;
	for (j = 0; j < w->n; j++)
		if (w->prefix[j] == v)
			return true;
	return false;
}

/*
 * The first PREFIX_LEN letters after the type letter of the name whose
 * len tokens are at p, from the tokens' packed heads: a token's letters
 * past its 8th are never needed, since the prefix ends before them.
 */
static uint32_t name_prefix(const struct table *t, const uint8_t *p, unsigned len)
{
	uint64_t v = 0;
	unsigned i, n = 0;

	for (i = 0; i < len && n < 1 + PREFIX_LEN; i++) {
		v |= t->head[p[i]] << (8 * n);
		n += t->head_len[p[i]];
	}
	return (uint32_t)(v >> 8);
}

/*
 * Decode one name (its type letter first) into out; returns its length or
 * -1.  A name that does not begin as a wanted one does is stepped over
 * undecoded (out is then "").
 */
static int decode_name(struct names *nm, const struct table *t, const struct wanted *w, char *out,
		       struct err *e)
{
	const uint8_t *p;
	unsigned len, i, n = 0;

	if (names_have(nm, 1, e) < 0)
		return -1;
	len = nm->buf[nm->pos];
	if (len & 0x80) {	/* 6.1+: a long name's length takes two bytes */
		if (names_have(nm, 2, e) < 0)
			return -1;
		len = (len & 0x7f) | (unsigned)nm->buf[nm->pos + 1] << 7;
		nm->pos++;
	}
	nm->pos++;
	if (names_have(nm, len, e) < 0)
		return -1;
	p = nm->buf + nm->pos;
	nm->pos += len;
	out[0] = '\0';
	if (!len || !prefix_wanted(w, name_prefix(t, p, len)))
		return 0;
	for (i = 0; i < len; i++) {
		const char *tok;

		for (tok = t->tokens + t->index[p[i]]; *tok; tok++)
			if (n < NAME_MAX_LEN - 1)
				out[n++] = *tok;
	}
	out[n] = '\0';
	return (int)n;
}

/*
 * Addresses are 32-bit offsets from kallsyms_relative_base; with
 * KALLSYMS_ABSOLUTE_PERCPU (x86_64 SMP until 6.15) the kernel's own
 * symbols are stored negated (base - 1 - off) and the per-CPU ones as
 * absolute values, which a negative offset gives away.
 */
static int read_offsets(struct kview *kv, uint32_t nsyms, int32_t **off, bool *absolute,
			struct err *e)
{
	uint8_t *raw = malloc((size_t)nsyms * 4);
	uint32_t i;

	*off = (int32_t *)raw;
	*absolute = false;
	if (!raw)
		return err_set(e, "out of memory for %u kallsyms offsets", nsyms);
	if (kview_read_virt(kv, kf_addr(&kv->k, KF_SYM_kallsyms_offsets), raw, (size_t)nsyms * 4, e) < 0)
		return -1;
	for (i = 0; i < nsyms; i++) {
		(*off)[i] = (int32_t)kv_ld32(kv, raw + 4 * (size_t)i);
		if ((*off)[i] < 0)
			*absolute = true;
	}
	return 0;
}

static bool have_table(const struct kfacts *k)
{
	return kf_have(k, KF_SYM_kallsyms_names) && kf_have(k, KF_SYM_kallsyms_num_syms) &&
	       kf_have(k, KF_SYM_kallsyms_token_table) && kf_have(k, KF_SYM_kallsyms_token_index) &&
	       kf_have(k, KF_SYM_kallsyms_offsets) && kf_have(k, KF_SYM_kallsyms_relative_base);
}

int kallsyms_lookup(struct kview *kv, const char *const *names, size_t n, uint64_t *addr,
		    bool *found, struct err *e)
{
	const struct kfacts *k = &kv->k;
	struct table t = { 0 };
	struct names *nm = NULL;
	int32_t *off = NULL;
	uint64_t base;
	uint32_t nsyms, i;
	bool absolute;
	char name[NAME_MAX_LEN];
	struct wanted w = { .n = n };
	size_t j, left = n;
	int rc = -1;

	memset(found, 0, n * sizeof(*found));
	if (!have_table(k))
		return err_set(e, "the kernel facts do not name the kallsyms table");
	if (kview_read_u32(kv, kf_addr(k, KF_SYM_kallsyms_num_syms), &nsyms, e) < 0 ||
	    kview_read_ptr(kv, kf_addr(k, KF_SYM_kallsyms_relative_base), &base, e) < 0)
		return -1;
	if (!nsyms || nsyms > MAX_SYMS)
		return err_set(e, "kallsyms_num_syms %u is implausible", nsyms);
	nm = calloc(1, sizeof(*nm));
	if (!nm)
		return err_set(e, "out of memory");
	nm->kv = kv;
	nm->next_va = kf_addr(k, KF_SYM_kallsyms_names);
	if (read_tokens(kv, &t, e) < 0 || read_offsets(kv, nsyms, &off, &absolute, e) < 0)
		goto out;
	w.prefix = malloc(n * sizeof(*w.prefix));
	if (!w.prefix) {
		err_set(e, "out of memory");
		goto out;
	}
	for (j = 0; j < n; j++)
		want(&w, j, names[j]);
	for (i = 0; i < nsyms && left; i++) {
		if (decode_name(nm, &t, &w, name, e) < 0)
			goto out;
		if (!name[0])	/* stepped over: most names */
			continue;
		for (j = 0; j < n; j++)
			if (!found[j] && !strcmp(name + 1, names[j])) {
				found[j] = true;
				left--;
				if (absolute)
					addr[j] = off[i] >= 0 ? (uint64_t)off[i] : base - 1 - (uint64_t)(int64_t)off[i];
				else
					addr[j] = base + (uint32_t)off[i];
			}
	}
	rc = 0;
out:
	free(w.prefix);
	free(off);
	free(t.tokens);
	free(nm);
	return rc;
}
