/* kallsyms.c - the kernel's symbol table from the dump; see kallsyms.h. */
#include "kallsyms.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SYMS	(1u << 22)	/* a kernel has a few hundred thousand */
#define NAME_MAX_LEN	512		/* KSYM_NAME_LEN is 512 since 6.1 */
#define TOKENS_MAX	(64u << 10)	/* 256 tokens; generous */
#define CHUNK		(64u << 10)

/* A reader of kallsyms_names that fetches it a chunk at a time. */
struct names {
	struct kview *kv;
	uint64_t va;		/* of buf[0] */
	uint8_t buf[CHUNK];
	size_t len, pos;
};

static int next_byte(struct names *nm, uint8_t *b, struct err *e)
{
	if (nm->pos == nm->len) {
		uint64_t ps = nm->kv->page_size;
		size_t to_page_end = (size_t)(ps - ((nm->va + nm->len) & (ps - 1)));

		nm->va += nm->len;
		nm->pos = 0;
		nm->len = CHUNK;
		/* the array may end where the memory the dump holds does */
		if (kview_read_virt(nm->kv, nm->va, nm->buf, CHUNK, e) < 0) {
			nm->len = to_page_end;
			if (kview_read_virt(nm->kv, nm->va, nm->buf, to_page_end, e) < 0)
				return -1;
		}
	}
	*b = nm->buf[nm->pos++];
	return 0;
}

struct table {
	char *tokens;		/* kallsyms_token_table */
	uint16_t index[256];	/* kallsyms_token_index */
};

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
	return 0;
}

/* Step over k bytes of the names. */
static int skip_bytes(struct names *nm, unsigned k, struct err *e)
{
	uint8_t b;

	while (k) {
		size_t here = nm->len - nm->pos;

		if (!here) {
			if (next_byte(nm, &b, e) < 0)
				return -1;
			k--;
			continue;
		}
		if (here > k)
			here = k;
		nm->pos += here;
		k -= (unsigned)here;
	}
	return 0;
}

/* What the wanted names begin with: their first PREFIX_LEN letters. */
#define PREFIX_LEN 4
struct wanted {
	uint32_t *prefix;	/* the letters packed, one per wanted name */
	size_t n;
};

static uint32_t pack_prefix(const char *s)
{
	uint32_t v = 0;
	unsigned i;

	for (i = 0; i < PREFIX_LEN && s[i]; i++)
		v |= (uint32_t)(uint8_t)s[i] << (8 * i);
	return v;
}

static bool prefix_wanted(const struct wanted *w, const char *s)
{
	uint32_t v = pack_prefix(s);
	size_t j;

	for (j = 0; j < w->n; j++)
		if (w->prefix[j] == v)
			return true;
	return false;
}

/*
 * Decode one name (its type letter first) into out; returns its length or
 * -1.  A name that does not begin as a wanted one does is stepped over
 * once its first letters are known (out is then "" past the type).
 */
static int decode_name(struct names *nm, const struct table *t, const struct wanted *w, char *out,
		       struct err *e)
{
	uint8_t b, b2;
	unsigned len, i, n = 0;

	if (next_byte(nm, &b, e) < 0)
		return -1;
	len = b;
	if (len & 0x80) {	/* 6.1+: a long name's length takes two bytes */
		if (next_byte(nm, &b2, e) < 0)
			return -1;
		len = (len & 0x7f) | (unsigned)b2 << 7;
	}
	for (i = 0; i < len; i++) {
		const char *tok;

		if (next_byte(nm, &b, e) < 0)
			return -1;
		for (tok = t->tokens + t->index[b]; *tok; tok++)
			if (n < NAME_MAX_LEN - 1)
				out[n++] = *tok;
		out[n] = '\0';
		if (n > PREFIX_LEN && !prefix_wanted(w, out + 1)) {
			out[1] = '\0';
			return skip_bytes(nm, len - i - 1, e) < 0 ? -1 : 1;
		}
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
	nm->va = kf_addr(k, KF_SYM_kallsyms_names);
	if (read_tokens(kv, &t, e) < 0 || read_offsets(kv, nsyms, &off, &absolute, e) < 0)
		goto out;
	w.prefix = malloc(n * sizeof(*w.prefix));
	if (!w.prefix) {
		err_set(e, "out of memory");
		goto out;
	}
	for (j = 0; j < n; j++)
		w.prefix[j] = pack_prefix(names[j]);
	for (i = 0; i < nsyms && left; i++) {
		if (decode_name(nm, &t, &w, name, e) < 0)
			goto out;
		if (!name[0] || !name[1])	/* stepped over: most names */
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
