/* kfacts.c - the fact table generated from kfacts.def; see kfacts.h. */
#include "kfacts.h"

#include <stdio.h>
#include <string.h>

const struct kf_desc kf_table[KF__COUNT] = {
#define KF(kind, id, key, dw, a, b) [KF_##id] = { kind, key, dw, a, b },
#include "kfacts.def"
#undef KF
};

const struct kt_desc kt_table[KT__COUNT] = {
#define KF(kind, id, key, dw, a, b)
#define KF_TEXT(id, key, dw, a, max, out) [KT_##id] = { key, dw, a, max, out },
#include "kfacts.def"
#undef KF
#undef KF_TEXT
};

void kf_fill(struct kfacts *k, const struct kfacts *from)
{
	int i;

	for (i = 0; i < KF__COUNT; i++)
		if (!k->have[i] && from->have[i])
			kf_set(k, (enum kf_id)i, from->val[i]);
	for (i = 0; i < KT__COUNT; i++)
		if (!k->text[i][0])
			memcpy(k->text[i], from->text[i], sizeof(k->text[i]));
}

void kf_set_text(struct kfacts *k, enum kt_id id, const char *s, unsigned n)
{
	if (n >= sizeof(k->text[id]))
		n = sizeof(k->text[id]) - 1;
	memcpy(k->text[id], s, n);
	k->text[id][n] = '\0';
}

void kf_shift_symbols(struct kfacts *k, int64_t delta)
{
	int i;

	for (i = 0; i < KF__COUNT; i++)
		if (k->have[i] && kf_table[i].kind == KF_SYMBOL)
			k->val[i] += delta;
}

const char *kf_kind_name(enum kf_kind kind)
{
	static const char *const names[] = { "SYMBOL", "SIZE", "OFFSET", "LENGTH", "NUMBER", "", "" };

	return names[kind];
}

int kf_lookup(enum kf_kind kind, const char *key, unsigned len)
{
	int i;

	for (i = 0; i < KF__COUNT; i++)
		if (kf_table[i].kind == kind && strlen(kf_table[i].key) == len &&
		    memcmp(kf_table[i].key, key, len) == 0)
			return i;
	return -1;
}

bool kf_page_size_ok(int64_t v)
{
	/* kernels use 4 KiB to 256 KiB; a larger value would size every page buffer */
	return v >= 512 && v <= (INT64_C(1) << 20) && (v & (v - 1)) == 0;
}

int kf_release_cmp(const char *release, int major, int minor, int patch)
{
	int a = 0, b = 0, c = 0;

	sscanf(release, "%d.%d.%d", &a, &b, &c);
	if (a != major)
		return a < major ? -1 : 1;
	if (b != minor)
		return b < minor ? -1 : 1;
	if (c != patch)
		return c < patch ? -1 : 1;
	return 0;
}
