/*
 * test_bitmap.c - the pfn bitmap operations of bitmap.h at their edges.
 *
 *	test_bitmap
 *
 * 1. A table of cases, each with expected values written by hand: set,
 *    clear and test of bits 0, 7, 8, 63, 64 and a window's last bit; range
 *    sets, clears and counts that are empty, inside one byte, cross a byte
 *    or a 64-bit word, start unaligned or cover the whole window; next
 *    set/clear bit searches that skip whole zero (or full) words, start
 *    unaligned, and stop at a limit that is not a multiple of 8 or 64 while
 *    bits past the limit are set.
 * 2. Every range [from, to) of a 200-bit window over several patterns,
 *    against a bit-at-a-time model written here.
 * Every case runs in a buffer with guard bytes past the window, which must
 * come out unchanged.  Prints one line per failure, then "N passed, N
 * failed"; exits 1 when any failed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitmap.h"

#define MAX_BITS 1024
#define GUARD 16		/* bytes past the window */
#define GUARD_BYTE 0xa5		/* bits set and clear, for ops that must not touch them */

enum op { SET, CLEAR, TEST, SET_RANGE, CLEAR_RANGE, COUNT, COUNT_RANGE, NEXT_SET, NEXT_CLEAR };

struct range { uint64_t from, to; };

struct bm_case {
	const char *name;
	enum op op;
	uint64_t nbits;			/* the window */
	struct range before[3];		/* set bits before ({0, 0} ends the list) */
	uint64_t a, b;			/* the bit, or from and to / limit */
	uint64_t want;			/* what the op returns (not for SET, CLEAR, SET_RANGE) */
	struct range after[3];		/* set bits after (mutating ops only) */
};

#define ALL(n) { { 0, n } }
#define NONE { { 0, 0 } }

static const struct bm_case cases[] = {
	/* single bits */
	{ "set bit 0", SET, 256, NONE, 0, 0, 0, { { 0, 1 } } },
	{ "set bit 7 (last of byte 0)", SET, 256, NONE, 7, 0, 0, { { 7, 8 } } },
	{ "set bit 8 (first of byte 1)", SET, 256, NONE, 8, 0, 0, { { 8, 9 } } },
	{ "set bit 63 (last of word 0)", SET, 256, NONE, 63, 0, 0, { { 63, 64 } } },
	{ "set bit 64 (first of word 1)", SET, 256, NONE, 64, 0, 0, { { 64, 65 } } },
	{ "set the window's last bit", SET, 256, NONE, 255, 0, 0, { { 255, 256 } } },
	{ "set a set bit", SET, 256, { { 63, 65 } }, 64, 0, 0, { { 63, 65 } } },
	{ "clear bit 0", CLEAR, 256, ALL(256), 0, 0, 0, { { 1, 256 } } },
	{ "clear bit 63", CLEAR, 256, ALL(256), 63, 0, 0, { { 0, 63 }, { 64, 256 } } },
	{ "clear bit 64", CLEAR, 256, ALL(256), 64, 0, 0, { { 0, 64 }, { 65, 256 } } },
	{ "clear the window's last bit", CLEAR, 256, ALL(256), 255, 0, 0, { { 0, 255 } } },
	{ "clear a clear bit", CLEAR, 256, NONE, 64, 0, 0, NONE },
	{ "test bit 63, set", TEST, 256, { { 63, 64 } }, 63, 0, 1, { { 63, 64 } } },
	{ "test bit 62 next to a set 63", TEST, 256, { { 63, 64 } }, 62, 0, 0, { { 63, 64 } } },
	{ "test bit 64 next to a set 63", TEST, 256, { { 63, 64 } }, 64, 0, 0, { { 63, 64 } } },
	{ "test bit 0, set", TEST, 256, { { 0, 1 } }, 0, 0, 1, { { 0, 1 } } },
	{ "test the last bit, set", TEST, 1000, { { 999, 1000 } }, 999, 0, 1, { { 999, 1000 } } },

	/* range sets */
	{ "set empty range", SET_RANGE, 256, NONE, 5, 5, 0, NONE },
	{ "set empty range at 64", SET_RANGE, 256, NONE, 64, 64, 0, NONE },
	{ "set [0,1)", SET_RANGE, 256, NONE, 0, 1, 0, { { 0, 1 } } },
	{ "set inside a byte [3,5)", SET_RANGE, 256, NONE, 3, 5, 0, { { 3, 5 } } },
	{ "set [7,8): a byte's last bit", SET_RANGE, 256, NONE, 7, 8, 0, { { 7, 8 } } },
	{ "set [7,9): across a byte", SET_RANGE, 256, NONE, 7, 9, 0, { { 7, 9 } } },
	{ "set one aligned byte [8,16)", SET_RANGE, 256, NONE, 8, 16, 0, { { 8, 16 } } },
	{ "set unaligned [5,19)", SET_RANGE, 256, NONE, 5, 19, 0, { { 5, 19 } } },
	{ "set a word [0,64)", SET_RANGE, 256, NONE, 0, 64, 0, { { 0, 64 } } },
	{ "set across words [63,65)", SET_RANGE, 256, NONE, 63, 65, 0, { { 63, 65 } } },
	{ "set unaligned across words [60,140)", SET_RANGE, 256, NONE, 60, 140, 0, { { 60, 140 } } },
	{ "set [1,255)", SET_RANGE, 256, NONE, 1, 255, 0, { { 1, 255 } } },
	{ "set the whole window", SET_RANGE, 256, NONE, 0, 256, 0, { { 0, 256 } } },
	{ "set to the window's end [250,256)", SET_RANGE, 256, NONE, 250, 256, 0, { { 250, 256 } } },
	{ "set to an unaligned window end [990,1000)", SET_RANGE, 1000, NONE, 990, 1000, 0,
	  { { 990, 1000 } } },
	{ "set next to set bits", SET_RANGE, 256, { { 0, 4 }, { 20, 30 } }, 4, 20, 0, { { 0, 30 } } },

	/* range clears: the count of bits that were set */
	{ "clear empty range", CLEAR_RANGE, 256, ALL(256), 5, 5, 0, ALL(256) },
	{ "clear [0,1)", CLEAR_RANGE, 256, ALL(256), 0, 1, 1, { { 1, 256 } } },
	{ "clear inside a byte [3,5)", CLEAR_RANGE, 256, ALL(256), 3, 5, 2, { { 0, 3 }, { 5, 256 } } },
	{ "clear unaligned [5,19)", CLEAR_RANGE, 256, ALL(256), 5, 19, 14, { { 0, 5 }, { 19, 256 } } },
	{ "clear across words [63,65)", CLEAR_RANGE, 256, ALL(256), 63, 65, 2,
	  { { 0, 63 }, { 65, 256 } } },
	{ "clear a word [64,128)", CLEAR_RANGE, 256, ALL(256), 64, 128, 64, { { 0, 64 }, { 128, 256 } } },
	{ "clear the whole window", CLEAR_RANGE, 256, ALL(256), 0, 256, 256, NONE },
	{ "clear the last bit [255,256)", CLEAR_RANGE, 256, ALL(256), 255, 256, 1, { { 0, 255 } } },
	{ "clear to an unaligned window end [993,1000)", CLEAR_RANGE, 1000, ALL(1000), 993, 1000, 7,
	  { { 0, 993 } } },
	{ "clear over a sparse pattern", CLEAR_RANGE, 256, { { 10, 12 }, { 60, 70 } }, 11, 65, 6,
	  { { 10, 11 }, { 65, 70 } } },
	{ "clear an empty window", CLEAR_RANGE, 256, NONE, 0, 256, 0, NONE },

	/* counts of the first nbits */
	{ "count 0 bits", COUNT, 256, ALL(256), 0, 0, 0, ALL(256) },
	{ "count 1 bit", COUNT, 256, ALL(256), 1, 0, 1, ALL(256) },
	{ "count 7 bits", COUNT, 256, ALL(256), 7, 0, 7, ALL(256) },
	{ "count 63 bits", COUNT, 256, ALL(256), 63, 0, 63, ALL(256) },
	{ "count 64 bits", COUNT, 256, ALL(256), 64, 0, 64, ALL(256) },
	{ "count 65 bits", COUNT, 256, ALL(256), 65, 0, 65, ALL(256) },
	{ "count the whole window", COUNT, 256, ALL(256), 256, 0, 256, ALL(256) },
	{ "count up to bit 63", COUNT, 256, { { 63, 65 } }, 64, 0, 1, { { 63, 65 } } },
	{ "count up to bit 64", COUNT, 256, { { 63, 65 } }, 65, 0, 2, { { 63, 65 } } },
	{ "count an unaligned window", COUNT, 1000, { { 0, 3 }, { 996, 1000 } }, 1000, 0, 7,
	  { { 0, 3 }, { 996, 1000 } } },

	/* counts of [from, to) */
	{ "count empty range", COUNT_RANGE, 256, ALL(256), 64, 64, 0, ALL(256) },
	{ "count [63,64)", COUNT_RANGE, 256, { { 63, 65 } }, 63, 64, 1, { { 63, 65 } } },
	{ "count [64,65)", COUNT_RANGE, 256, { { 63, 65 } }, 64, 65, 1, { { 63, 65 } } },
	{ "count [62,66) across words", COUNT_RANGE, 256, { { 63, 65 } }, 62, 66, 2, { { 63, 65 } } },
	{ "count inside a byte [3,5)", COUNT_RANGE, 256, ALL(256), 3, 5, 2, ALL(256) },
	{ "count [7,9) across a byte", COUNT_RANGE, 256, ALL(256), 7, 9, 2, ALL(256) },
	{ "count unaligned [5,19)", COUNT_RANGE, 256, ALL(256), 5, 19, 14, ALL(256) },
	{ "count [1,255)", COUNT_RANGE, 256, ALL(256), 1, 255, 254, ALL(256) },
	{ "count the whole window", COUNT_RANGE, 256, ALL(256), 0, 256, 256, ALL(256) },
	{ "count the last bit", COUNT_RANGE, 1000, { { 999, 1000 } }, 999, 1000, 1, { { 999, 1000 } } },

	/* next set bit: a = from, b = limit; limit when there is none */
	{ "next set in an empty window", NEXT_SET, 256, NONE, 0, 256, 256, NONE },
	{ "next set: bit 0", NEXT_SET, 256, { { 0, 1 } }, 0, 256, 0, { { 0, 1 } } },
	{ "next set after bit 0", NEXT_SET, 256, { { 0, 1 } }, 1, 256, 256, { { 0, 1 } } },
	{ "next set: bit 63", NEXT_SET, 256, { { 63, 64 } }, 0, 256, 63, { { 63, 64 } } },
	{ "next set from bit 63 itself", NEXT_SET, 256, { { 63, 64 } }, 63, 256, 63, { { 63, 64 } } },
	{ "next set after bit 63", NEXT_SET, 256, { { 63, 64 } }, 64, 256, 256, { { 63, 64 } } },
	{ "next set: bit 64 past a zero word", NEXT_SET, 256, { { 64, 65 } }, 0, 256, 64,
	  { { 64, 65 } } },
	{ "next set: bit 64 from an unaligned start", NEXT_SET, 256, { { 64, 65 } }, 1, 256, 64,
	  { { 64, 65 } } },
	{ "next set: bit 200 past three words", NEXT_SET, 256, { { 200, 201 } }, 0, 256, 200,
	  { { 200, 201 } } },
	{ "next set: the window's last bit", NEXT_SET, 256, { { 255, 256 } }, 0, 256, 255,
	  { { 255, 256 } } },
	{ "next set: bit 0 below an earlier start", NEXT_SET, 256, { { 0, 1 } }, 2, 256, 256,
	  { { 0, 1 } } },
	{ "next set: a set bit at the limit is not found", NEXT_SET, 1000, { { 999, 1000 } }, 0, 999,
	  999, { { 999, 1000 } } },
	{ "next set: the bit before an unaligned limit", NEXT_SET, 1000, { { 998, 999 } }, 0, 999,
	  998, { { 998, 999 } } },
	{ "next set: limit 70 inside word 1, bits 70.. set", NEXT_SET, 256, { { 70, 256 } }, 64, 70,
	  70, { { 70, 256 } } },
	{ "next set: bit 69 before limit 70", NEXT_SET, 256, { { 69, 256 } }, 0, 70, 69,
	  { { 69, 256 } } },
	{ "next set: limit 64, bit 64 set", NEXT_SET, 256, { { 64, 65 } }, 0, 64, 64, { { 64, 65 } } },
	{ "next set: from equal to the limit", NEXT_SET, 256, ALL(256), 100, 100, 100, ALL(256) },
	{ "next set: from past the limit", NEXT_SET, 256, ALL(256), 101, 100, 100, ALL(256) },

	/* next clear bit */
	{ "next clear in a full window", NEXT_CLEAR, 256, ALL(256), 0, 256, 256, ALL(256) },
	{ "next clear: bit 0", NEXT_CLEAR, 256, { { 1, 256 } }, 0, 256, 0, { { 1, 256 } } },
	{ "next clear: bit 63", NEXT_CLEAR, 256, { { 0, 63 }, { 64, 256 } }, 0, 256, 63,
	  { { 0, 63 }, { 64, 256 } } },
	{ "next clear after bit 63", NEXT_CLEAR, 256, { { 0, 63 }, { 64, 256 } }, 64, 256, 256,
	  { { 0, 63 }, { 64, 256 } } },
	{ "next clear: bit 64 past a full word", NEXT_CLEAR, 256, { { 0, 64 }, { 65, 256 } }, 0, 256,
	  64, { { 0, 64 }, { 65, 256 } } },
	{ "next clear: bit 64 from an unaligned start", NEXT_CLEAR, 256, { { 0, 64 }, { 65, 256 } }, 3,
	  256, 64, { { 0, 64 }, { 65, 256 } } },
	{ "next clear: the window's last bit", NEXT_CLEAR, 256, { { 0, 255 } }, 0, 256, 255,
	  { { 0, 255 } } },
	{ "next clear: a clear bit at the limit is not found", NEXT_CLEAR, 1000, { { 0, 999 } }, 0,
	  999, 999, { { 0, 999 } } },
	{ "next clear: limit 70, bits 70.. clear", NEXT_CLEAR, 256, { { 0, 70 } }, 64, 70, 70,
	  { { 0, 70 } } },
	{ "next clear: from past the limit", NEXT_CLEAR, 256, NONE, 101, 100, 100, NONE },
};

static unsigned passed, failed;

/* A window of nbits with the guard bytes past its last full byte. */
struct buf {
	uint64_t nbits;
	uint8_t b[MAX_BITS / 8 + GUARD];
};

/*
 * Bits at and past nbits are guard: pattern GUARD_BYTE, except that bits
 * the case sets past the window stay set (a search must stop at its limit).
 */
static void fill(struct buf *w, uint64_t nbits, const struct range *r)
{
	uint64_t i;
	size_t k;

	w->nbits = nbits;
	memset(w->b, 0, sizeof(w->b));
	for (i = nbits; i < 8 * sizeof(w->b); i++)
		if ((GUARD_BYTE >> (i & 7)) & 1)
			w->b[i >> 3] |= (uint8_t)(1u << (i & 7));
	for (k = 0; k < 3 && r[k].to; k++)
		for (i = r[k].from; i < r[k].to; i++)
			w->b[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void report(const char *name, const char *what, uint64_t got, uint64_t want)
{
	printf("FAIL %s: %s %" PRIu64 ", expected %" PRIu64 "\n", name, what, got, want);
}

/* The bits of got and want differ: say where first. */
static bool same_bits(const char *name, const struct buf *got, const struct buf *want)
{
	uint64_t i;

	for (i = 0; i < 8 * sizeof(got->b); i++)
		if (((got->b[i >> 3] ^ want->b[i >> 3]) >> (i & 7)) & 1) {
			printf("FAIL %s: bit %" PRIu64 " is %u, expected %u%s\n", name, i,
			       (got->b[i >> 3] >> (i & 7)) & 1, (want->b[i >> 3] >> (i & 7)) & 1,
			       i >= got->nbits ? " (past the window)" : "");
			return false;
		}
	return true;
}

static uint64_t apply(enum op op, uint8_t *bm, uint64_t a, uint64_t b)
{
	switch (op) {
	case SET: bm_set(bm, a); return 0;
	case CLEAR: bm_clear(bm, a); return 0;
	case TEST: return bm_test(bm, a);
	case SET_RANGE: bm_set_range(bm, a, b); return 0;
	case CLEAR_RANGE: return bm_clear_range(bm, a, b);
	case COUNT: return bm_count(bm, a);
	case COUNT_RANGE: return bm_count_range(bm, a, b);
	case NEXT_SET: return bm_next_set(bm, a, b);
	case NEXT_CLEAR: return bm_next_clear(bm, a, b);
	}
	return 0;
}

static bool returns_value(enum op op)
{
	return op != SET && op != CLEAR && op != SET_RANGE;
}

static void run_case(const struct bm_case *c)
{
	struct buf got, want;
	uint64_t r;
	bool ok = true;

	fill(&got, c->nbits, c->before);
	fill(&want, c->nbits, c->after);
	r = apply(c->op, got.b, c->a, c->b);
	if (returns_value(c->op) && r != c->want) {
		report(c->name, "returned", r, c->want);
		ok = false;
	}
	if (!same_bits(c->name, &got, &want))
		ok = false;
	if (ok)
		passed++;
	else
		failed++;
}

/* ---- every range against a bit-at-a-time model ------------------------- */

#define SWEEP_BITS 200

static bool bit(const uint8_t *bm, uint64_t i) { return (bm[i >> 3] >> (i & 7)) & 1; }

static uint64_t model(enum op op, uint8_t *bm, uint64_t from, uint64_t to)
{
	uint64_t i, n = 0;

	for (i = from; i < to; i++) {
		switch (op) {
		case SET_RANGE: bm[i >> 3] |= (uint8_t)(1u << (i & 7)); break;
		case CLEAR_RANGE: n += bit(bm, i); bm[i >> 3] &= (uint8_t)~(1u << (i & 7)); break;
		case COUNT_RANGE: n += bit(bm, i); break;
		case NEXT_SET: if (bit(bm, i)) return i; break;
		case NEXT_CLEAR: if (!bit(bm, i)) return i; break;
		default: break;
		}
	}
	return op == NEXT_SET || op == NEXT_CLEAR ? to : n;
}

/* Pattern p over the window and its guard: zeros, ones, alternate bits, sparse, random. */
static void pattern(uint8_t *b, size_t len, int p)
{
	size_t i;

	srand(12345);
	for (i = 0; i < len; i++)
		b[i] = p == 0 ? 0x00 : p == 1 ? 0xff : p == 2 ? 0x55 :
		       p == 3 ? (i % 9 == 4 ? 0x10 : 0) : (uint8_t)rand();
}

static void sweep(enum op op, const char *opname, int p)
{
	static const char *const pnames[] = { "zeros", "ones", "alternate", "sparse", "random" };
	uint8_t got[SWEEP_BITS / 8 + GUARD], want[sizeof(got)];
	uint64_t from, to, r, m;

	for (from = 0; from <= SWEEP_BITS; from++)
		for (to = from; to <= SWEEP_BITS; to++) {
			pattern(got, sizeof(got), p);
			pattern(want, sizeof(want), p);
			r = apply(op, got, from, to);
			m = model(op, want, from, to);
			if (r != m || memcmp(got, want, sizeof(got))) {
				printf("FAIL %s [%" PRIu64 ",%" PRIu64 ") over %s: returned %" PRIu64
				       ", model %" PRIu64 "%s\n", opname, from, to, pnames[p], r, m,
				       memcmp(got, want, sizeof(got)) ? ", bits differ" : "");
				failed++;
				return;
			}
		}
	passed++;
}

/* bm_count of the first n bits, for every n, against the model's count of [0, n). */
static void sweep_count(int p)
{
	uint8_t b[SWEEP_BITS / 8 + GUARD];
	uint64_t n, r, m;

	for (n = 0; n <= SWEEP_BITS; n++) {
		pattern(b, sizeof(b), p);
		r = bm_count(b, n);
		m = model(COUNT_RANGE, b, 0, n);
		if (r != m) {
			printf("FAIL bm_count of %" PRIu64 " bits over pattern %d: %" PRIu64
			       ", model %" PRIu64 "\n", n, p, r, m);
			failed++;
			return;
		}
	}
	passed++;
}

int main(void)
{
	static const struct { enum op op; const char *name; } swept[] = {
		{ SET_RANGE, "bm_set_range" }, { CLEAR_RANGE, "bm_clear_range" },
		{ COUNT_RANGE, "bm_count_range" }, { NEXT_SET, "bm_next_set" },
		{ NEXT_CLEAR, "bm_next_clear" },
	};
	size_t i;
	int p;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	for (i = 0; i < sizeof(swept) / sizeof(swept[0]); i++)
		for (p = 0; p < 5; p++)
			sweep(swept[i].op, swept[i].name, p);
	for (p = 0; p < 5; p++)
		sweep_count(p);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
