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
#define KF_TEXT(id, key, dw, a) [KT_##id] = { key, dw, a },
#include "kfacts.def"
#undef KF
#undef KF_TEXT
};

const char *kf_kind_name(enum kf_kind kind)
{
	static const char *const names[] = { "SYMBOL", "SIZE", "OFFSET", "LENGTH", "NUMBER" };

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
