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

static int parse_plain(const char *key, size_t klen, const char *val, size_t vlen,
		       const char *name, unsigned line, struct kfacts *k, struct err *e)
{
	int64_t v;

#define IS(s) (klen == sizeof(s) - 1 && memcmp(key, s, klen) == 0)
	if (IS("OSRELEASE")) {
		if (!k->release[0]) {
			if (vlen == 0 || vlen >= sizeof(k->release))
				return bad_value(e, name, line, key, klen, val, vlen);
			memcpy(k->release, val, vlen);
			k->release[vlen] = '\0';
		}
	} else if (IS("PAGESIZE")) {
		if (!parse_number(val, vlen, false, &v) || v < 512 || (v & (v - 1)))
			return bad_value(e, name, line, key, klen, val, vlen);
		if (!k->page_size)
			k->page_size = (unsigned)v;
	} else if (IS("CRASHTIME")) {
		if (!parse_number(val, vlen, false, &v))
			return bad_value(e, name, line, key, klen, val, vlen);
		if (!k->have_crashtime) {
			k->have_crashtime = true;
			k->crashtime = v;
		}
	} else if (IS("KERNELOFFSET")) {
		if (!parse_number(val, vlen, true, &v))
			return bad_value(e, name, line, key, klen, val, vlen);
		if (!k->have_kerneloffset) {
			k->have_kerneloffset = true;
			k->kerneloffset = (uint64_t)v;
		}
	} else if (IS("BUILD-ID")) {
		if (!k->build_id[0] && vlen < sizeof(k->build_id)) {
			memcpy(k->build_id, val, vlen);
			k->build_id[vlen] = '\0';
		}
	}
#undef IS
	return 0;
}

static int parse_line(const char *s, size_t n, const char *name, unsigned line,
		      struct kfacts *k, struct err *e)
{
	const char *eq = memchr(s, '=', n);
	size_t klen, vlen, i;
	const char *val;

	if (!eq)
		return err_set(e, "%s: line %u: \"%.*s\" is not KEY=VALUE", name, line,
			       (int)(n > 60 ? 60 : n), s);
	klen = (size_t)(eq - s);
	val = eq + 1;
	vlen = n - klen - 1;
	for (i = 0; i < KT__COUNT; i++)
		if (strlen(kt_table[i].key) == klen && memcmp(kt_table[i].key, s, klen) == 0) {
			if (vlen >= sizeof(k->text[i]))
				return bad_value(e, name, line, s, klen, val, vlen);
			if (!k->text[i][0])
				snprintf(k->text[i], sizeof(k->text[i]), "%.*s", (int)vlen, val);
			return 0;
		}
	for (i = 0; i < sizeof(kind_keys) / sizeof(kind_keys[0]); i++) {
		size_t plen = strlen(kind_keys[i].prefix);
		int id;
		int64_t v;

		if (klen <= plen || memcmp(s, kind_keys[i].prefix, plen) != 0)
			continue;
		if (s[klen - 1] != ')')
			return err_set(e, "%s: line %u: \"%.*s\" lacks its closing parenthesis",
				       name, line, (int)klen, s);
		id = kf_lookup(kind_keys[i].kind, s + plen, (unsigned)(klen - plen - 1));
		if (id < 0)
			return 0;	/* a fact this program does not use */
		if (!parse_number(val, vlen, kind_keys[i].kind == KF_SYMBOL, &v))
			return bad_value(e, name, line, s, klen, val, vlen);
		if (!k->have[id])
			kf_set(k, (enum kf_id)id, v);
		return 0;
	}
	return parse_plain(s, klen, val, vlen, name, line, k, e);
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
	if (!k->release[0])
		return err_set(e, "%s: no OSRELEASE= line: not a VMCOREINFO", name);
	if (!k->page_size)
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

int vmci_write(const struct kfacts *k, FILE *f)
{
	int i;

	fprintf(f, "OSRELEASE=%s\n", k->release);
	fprintf(f, "PAGESIZE=%u\n", k->page_size);
	for (i = 0; i < KF__COUNT; i++) {
		const struct kf_desc *d = &kf_table[i];
		int64_t v = k->val[i];

		if (!k->have[i])
			continue;
		if (d->kind == KF_SYMBOL || v < -(INT64_C(1) << 40))
			fprintf(f, "%s(%s)=%s%" PRIx64 "\n", kf_kind_name(d->kind), d->key,
				d->kind == KF_SYMBOL ? "" : "0x", (uint64_t)v);
		else
			fprintf(f, "%s(%s)=%" PRId64 "\n", kf_kind_name(d->kind), d->key, v);
	}
	for (i = 0; i < KT__COUNT; i++)
		if (k->text[i][0])
			fprintf(f, "%s=%s\n", kt_table[i].key, k->text[i]);
	if (k->have_kerneloffset)
		fprintf(f, "KERNELOFFSET=%" PRIx64 "\n", k->kerneloffset);
	if (k->have_crashtime)
		fprintf(f, "CRASHTIME=%" PRId64 "\n", k->crashtime);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}
