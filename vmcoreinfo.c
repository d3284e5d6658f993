/* vmcoreinfo.c - VMCOREINFO text <-> kernel facts; see vmcoreinfo.h. */
#include "vmcoreinfo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Decimal (optionally signed), else hex with or without 0x. */
static bool parse_number(const char *s, size_t n, bool hex_only, int64_t *out)
{
	char buf[64], *end;

	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	errno = 0;
	if (!hex_only) {
		if (buf[0] == '-')
			*out = strtoll(buf, &end, 10);
		else
			*out = (int64_t)strtoull(buf, &end, 10);
		if (*end == '\0' && errno == 0)
			return true;
	}
	errno = 0;
	*out = (int64_t)strtoull(buf, &end, 16);
	return *end == '\0' && errno == 0 && buf[0] != '-';
}

static const struct { const char *prefix; enum kf_kind kind; } kind_keys[] = {
	{ "SYMBOL(", KF_SYMBOL }, { "SIZE(", KF_SIZE }, { "OFFSET(", KF_OFFSET },
	{ "LENGTH(", KF_LENGTH }, { "NUMBER(", KF_NUMBER },
};

static int bad_value(struct err *e, const char *name, unsigned line, const char *key,
		     size_t klen, const char *val, size_t vlen)
{
	return err_set(e, "%s: line %u: %.*s has a malformed value \"%.*s\"", name, line,
		       (int)klen, key, (int)(vlen > 40 ? 40 : vlen), val);
}

/* A text fact: first line wins; empty or longer than the kernel prints is malformed. */
static int parse_text(int id, const char *key, size_t klen, const char *val, size_t vlen,
		      const char *name, unsigned line, struct kfacts *k, struct err *e)
{
	if (vlen == 0 || vlen > kt_table[id].max)
		return bad_value(e, name, line, key, klen, val, vlen);
	if (!kf_have_text(k, (enum kt_id)id))
		kf_set_text(k, (enum kt_id)id, val, (unsigned)vlen);
	return 0;
}

/* A number fact: first line wins; a value its kind cannot have is malformed. */
static int parse_value(int id, const char *key, size_t klen, const char *val, size_t vlen,
		       const char *name, unsigned line, struct kfacts *k, struct err *e)
{
	enum kf_kind kind = kf_table[id].kind;
	int64_t v;

	if (!parse_number(val, vlen, kind == KF_SYMBOL || kind == KF_HEX, &v) ||
	    (id == KF_PAGESIZE && !kf_page_size_ok(v)))
		return bad_value(e, name, line, key, klen, val, vlen);
	if (!kf_have(k, (enum kf_id)id))
		kf_set(k, (enum kf_id)id, v);
	return 0;
}

/*
 * The fact of a "KIND(key)" line (*matched set): -1 when this program does
 * not use it, -2 when the parenthesis is not closed.
 */
static int lookup_kind_key(const char *s, size_t klen, bool *matched)
{
	size_t i;

	*matched = false;
	for (i = 0; i < sizeof(kind_keys) / sizeof(kind_keys[0]); i++) {
		size_t plen = strlen(kind_keys[i].prefix);

		if (klen <= plen || memcmp(s, kind_keys[i].prefix, plen) != 0)
			continue;
		*matched = true;
		if (s[klen - 1] != ')')
			return -2;
		return kf_lookup(kind_keys[i].kind, s + plen, (unsigned)(klen - plen - 1));
	}
	return -1;
}

static int parse_line(const char *s, size_t n, const char *name, unsigned line,
		      struct kfacts *k, struct err *e)
{
	const char *eq = memchr(s, '=', n);
	size_t klen, vlen, i;
	const char *val;
	bool kind_key;
	int id;

	if (!eq)
		return err_set(e, "%s: line %u: \"%.*s\" is not KEY=VALUE", name, line,
			       (int)(n > 60 ? 60 : n), s);
	klen = (size_t)(eq - s);
	val = eq + 1;
	vlen = n - klen - 1;
	for (i = 0; i < KT__COUNT; i++)
		if (strlen(kt_table[i].key) == klen && memcmp(kt_table[i].key, s, klen) == 0)
			return parse_text((int)i, s, klen, val, vlen, name, line, k, e);
	id = lookup_kind_key(s, klen, &kind_key);
	if (id == -2)
		return err_set(e, "%s: line %u: \"%.*s\" lacks its closing parenthesis",
			       name, line, (int)klen, s);
	if (!kind_key && (id = kf_lookup(KF_DEC, s, (unsigned)klen)) < 0)
		id = kf_lookup(KF_HEX, s, (unsigned)klen);
	if (id < 0)
		return 0;	/* a fact this program does not use */
	return parse_value(id, s, klen, val, vlen, name, line, k, e);
}

int vmci_parse(const char *text, size_t len, const char *name, struct kfacts *k,
	       struct err *e)
{
	size_t pos = 0;
	unsigned line = 0;

	while (pos < len && text[pos] != '\0') {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - pos;

		line++;
		while (n && (text[pos + n - 1] == '\r' || text[pos + n - 1] == '\0'))
			n--;
		if (n && parse_line(text + pos, n, name, line, k, e) < 0)
			return -1;
		pos = end + 1;
	}
	if (!kf_have_text(k, KT_OSRELEASE))
		return err_set(e, "%s: no OSRELEASE= line: not a VMCOREINFO", name);
	if (!kf_have(k, KF_PAGESIZE))
		return err_set(e, "%s: no PAGESIZE= line", name);
	return 0;
}

static char *slurp(const char *path, size_t *len, struct err *e)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		err_errno(e, errno, "%s", path);
		return NULL;
	}
	for (;;) {
		if (n + 4096 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 16384;
			if (cap > (16u << 20)) {
				err_set(e, "%s: too large for a VMCOREINFO file", path);
				goto fail;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				err_set(e, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		err_errno(e, errno, "%s: read", path);
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

int vmci_parse_file(const char *path, struct kfacts *k, struct err *e)
{
	size_t len;
	char *text = slurp(path, &len, e);
	int rc;

	if (!text)
		return -1;
	rc = vmci_parse(text, len, path, k, e);
	free(text);
	return rc;
}

/* Every fact in the order of kfacts.def, which is the order -g writes. */
static const struct { bool text; unsigned short id; } write_order[] = {
#define KF(kind, id, key, dw, a, b) { false, KF_##id },
#define KF_TEXT(id, key, dw, a, max, out) { true, KT_##id },
#include "kfacts.def"
#undef KF
#undef KF_TEXT
};

static void write_number(const struct kfacts *k, enum kf_id id, FILE *f)
{
	const struct kf_desc *d = &kf_table[id];
	int64_t v = kf_val(k, id);

	if (!kf_have(k, id))
		return;
	if (d->kind == KF_DEC)
		fprintf(f, "%s=%" PRId64 "\n", d->key, v);
	else if (d->kind == KF_HEX)
		fprintf(f, "%s=%" PRIx64 "\n", d->key, (uint64_t)v);
	else if (d->kind == KF_SYMBOL || v < -(INT64_C(1) << 40))
		fprintf(f, "%s(%s)=%s%" PRIx64 "\n", kf_kind_name(d->kind), d->key,
			d->kind == KF_SYMBOL ? "" : "0x", (uint64_t)v);
	else
		fprintf(f, "%s(%s)=%" PRId64 "\n", kf_kind_name(d->kind), d->key, v);
}

int vmci_write(const struct kfacts *k, FILE *f)
{
	size_t i;

	for (i = 0; i < sizeof(write_order) / sizeof(write_order[0]); i++) {
		unsigned id = write_order[i].id;

		if (!write_order[i].text)
			write_number(k, (enum kf_id)id, f);
		else if (kt_table[id].out == KT_WRITE && kf_have_text(k, (enum kt_id)id))
			fprintf(f, "%s=%s\n", kt_table[id].key, kf_text(k, (enum kt_id)id));
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
