/*
 * test_vmcoreinfo.c - the VMCOREINFO parser (vmci_parse) and writer
 * (vmci_write), table-driven: good input in every value form, malformed
 * values, repeated keys (the first line wins), missing required keys,
 * CRLF and NUL line ends, keys this program does not use.  Every input that
 * parses is also written back with vmci_write and parsed again: the facts
 * must come back the same.  Prints one line per failed check and ends with
 * "N passed, N failed"; exits 1 when a case failed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmcoreinfo.h"

/* What one fact must be after parsing: a number, a text, or absent. */
struct want {
	enum { W_END, W_NUM, W_TEXT, W_ABSENT, W_NO_TEXT } what;
	int id;			/* enum kf_id or enum kt_id */
	int64_t val;
	const char *text;
};
#define NUM(id, v)	{ W_NUM, KF_##id, (int64_t)(v), NULL }
#define TEXT(id, s)	{ W_TEXT, KT_##id, 0, s }
#define ABSENT(id)	{ W_ABSENT, KF_##id, 0, NULL }
#define NO_TEXT(id)	{ W_NO_TEXT, KT_##id, 0, NULL }

struct tcase {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text); else the bytes, NULs included */
	const char *err;	/* NULL: must parse; else a piece of the error */
	struct want want[12];
};

/* A string literal and its length, NULs included. */
#define BYTES(s) s, sizeof(s) - 1
#define HEAD "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n"
#define L64 "1234567890123456789012345678901234567890123456789012345678901234"

static const struct tcase cases[] = {
	/* ---- good input ---- */
	{ "minimal", HEAD, 0, NULL,
	  { TEXT(OSRELEASE, "6.1.0-test"), NUM(PAGESIZE, 4096), ABSENT(CRASHTIME),
	    ABSENT(KERNELOFFSET), NO_TEXT(BUILD_ID), ABSENT(SYM_mem_section) } },
	{ "every form",
	  "OSRELEASE=6.12.0-x\nBUILD-ID=e1b6c81f7afcf08c49c197583920e5307d281cdf\nPAGESIZE=65536\n"
	  "SYMBOL(mem_section)=ffff00003fdcf380\nSYMBOL(_stext)=10\nSIZE(page)=64\n"
	  "OFFSET(page.flags)=0\nLENGTH(mem_section)=2048\nNUMBER(PG_lru)=4\n"
	  "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\nNUMBER(sme_mask)=0x8000000000000\n"
	  "NUMBER(phys_base)=ff\nCONFIG_X86_PAE=y\nKERNELOFFSET=2d800000\nCRASHTIME=1795320086\n",
	  0, NULL,
	  { TEXT(OSRELEASE, "6.12.0-x"), TEXT(BUILD_ID, "e1b6c81f7afcf08c49c197583920e5307d281cdf"),
	    NUM(PAGESIZE, 65536), NUM(SYM_mem_section, 0xffff00003fdcf380),
	    NUM(SYM__stext, 0x10) /* SYMBOL values are hex */, NUM(SIZE_page, 64),
	    NUM(LEN_mem_section, 2048), NUM(NUM_PAGE_BUDDY_MAPCOUNT_VALUE, -129),
	    NUM(NUM_sme_mask, 0x8000000000000), NUM(NUM_phys_base, 0xff) /* not decimal: hex */,
	    NUM(KERNELOFFSET, 0x2d800000) /* hex without 0x */, NUM(CRASHTIME, 1795320086) } },
	{ "texts", HEAD "SRCFILE(pud_t)=arch/x86/include/asm/pgtable_types.h\nCONFIG_PGTABLE_4=y\n"
	  "OFFSET(page._mapcount)=48\n", 0, NULL,
	  { TEXT(SRCFILE_pud_t, "arch/x86/include/asm/pgtable_types.h"),
	    TEXT(CONFIG_PGTABLE_4, "y"), NO_TEXT(CONFIG_X86_PAE), NUM(OFF_page__mapcount, 48) } },
	{ "a release of 64 characters", "OSRELEASE=" L64 "\nPAGESIZE=4096\n", 0, NULL,
	  { TEXT(OSRELEASE, L64) } },
	{ "a negative CRASHTIME", HEAD "CRASHTIME=-5\n", 0, NULL, { NUM(CRASHTIME, -5) } },
	{ "a PAGESIZE in hex", "OSRELEASE=r\nPAGESIZE=0x1000\n", 0, NULL, { NUM(PAGESIZE, 4096) } },
	{ "decimal before hex", "OSRELEASE=r\nPAGESIZE=4096\nSIZE(page)=10\n", 0, NULL,
	  { NUM(PAGESIZE, 4096), NUM(SIZE_page, 10) } },
	{ "unknown keys ignored",
	  HEAD "FOO=bar\nSYMBOL(no_such_symbol)=not-hex\nNUMBER(NO_SUCH_NUMBER)=?\n"
	  "SIZE(no_such_struct)=\nVMCOREINFO_BYTES=123\nNUMBER(PG_lru)=5\n", 0, NULL,
	  { NUM(NUM_PG_lru, 5), TEXT(OSRELEASE, "6.1.0-test") } },
	{ "the order of lines does not matter",
	  "CRASHTIME=1\nSIZE(page)=56\nPAGESIZE=8192\nOSRELEASE=2.6.16\n", 0, NULL,
	  { TEXT(OSRELEASE, "2.6.16"), NUM(PAGESIZE, 8192), NUM(SIZE_page, 56), NUM(CRASHTIME, 1) } },

	/* ---- repeated keys: the first line wins ---- */
	{ "repeated keys",
	  "OSRELEASE=first\nPAGESIZE=4096\nOSRELEASE=second\nPAGESIZE=65536\n"
	  "SYMBOL(mem_map)=1000\nSYMBOL(mem_map)=2000\nNUMBER(PG_lru)=4\nNUMBER(PG_lru)=5\n"
	  "KERNELOFFSET=1\nKERNELOFFSET=2\nCRASHTIME=10\nCRASHTIME=20\n"
	  "CONFIG_X86_PAE=y\nCONFIG_X86_PAE=n\nBUILD-ID=aa\nBUILD-ID=bb\n", 0, NULL,
	  { TEXT(OSRELEASE, "first"), NUM(PAGESIZE, 4096), NUM(SYM_mem_map, 0x1000),
	    NUM(NUM_PG_lru, 4), NUM(KERNELOFFSET, 1), NUM(CRASHTIME, 10),
	    TEXT(CONFIG_X86_PAE, "y"), TEXT(BUILD_ID, "aa") } },

	/* ---- line ends ---- */
	{ "CRLF line ends", "OSRELEASE=6.1.0-crlf\r\nPAGESIZE=4096\r\nSIZE(page)=64\r\n", 0, NULL,
	  { TEXT(OSRELEASE, "6.1.0-crlf"), NUM(PAGESIZE, 4096), NUM(SIZE_page, 64) } },
	{ "NUL padding after the text (a note's descriptor)", BYTES(HEAD "SIZE(page)=64\n\0\0\0\0"),
	  NULL, { NUM(SIZE_page, 64) } },
	{ "text ends at a NUL at the start of a line", BYTES(HEAD "\0SIZE(page)=zz\n"), NULL,
	  { ABSENT(SIZE_page) } },
	{ "NULs ending a line", BYTES("OSRELEASE=6.1\0\0\nPAGESIZE=4096\0\n"), NULL,
	  { TEXT(OSRELEASE, "6.1"), NUM(PAGESIZE, 4096) } },
	{ "no newline at the end, blank lines", "\n\nOSRELEASE=6.1\n\n\r\nPAGESIZE=4096", 0, NULL,
	  { TEXT(OSRELEASE, "6.1"), NUM(PAGESIZE, 4096) } },

	/* ---- malformed values ---- */
	{ "PAGESIZE not a number", "OSRELEASE=r\nPAGESIZE=4k\n", 0,
	  "t: line 2: PAGESIZE has a malformed value \"4k\"", { { W_END, 0, 0, NULL } } },
	{ "PAGESIZE not a power of two", "OSRELEASE=r\nPAGESIZE=4095\n", 0,
	  "PAGESIZE has a malformed value \"4095\"", { { W_END, 0, 0, NULL } } },
	{ "PAGESIZE too small", "OSRELEASE=r\nPAGESIZE=256\n", 0,
	  "PAGESIZE has a malformed value", { { W_END, 0, 0, NULL } } },
	{ "PAGESIZE empty", "OSRELEASE=r\nPAGESIZE=\n", 0,
	  "PAGESIZE has a malformed value \"\"", { { W_END, 0, 0, NULL } } },
	{ "a malformed second PAGESIZE", HEAD "PAGESIZE=x\n", 0,
	  "line 3: PAGESIZE has a malformed value", { { W_END, 0, 0, NULL } } },
	{ "SYMBOL not hex", HEAD "SYMBOL(mem_map)=xyz\n", 0,
	  "line 3: SYMBOL(mem_map) has a malformed value \"xyz\"", { { W_END, 0, 0, NULL } } },
	{ "SYMBOL negative", HEAD "SYMBOL(mem_map)=-1\n", 0,
	  "SYMBOL(mem_map) has a malformed value \"-1\"", { { W_END, 0, 0, NULL } } },
	{ "NUMBER empty", HEAD "NUMBER(PG_lru)=\n", 0,
	  "NUMBER(PG_lru) has a malformed value", { { W_END, 0, 0, NULL } } },
	{ "NUMBER too long", HEAD "NUMBER(PG_lru)=" L64 "\n", 0,
	  "NUMBER(PG_lru) has a malformed value", { { W_END, 0, 0, NULL } } },
	{ "OFFSET overflowing", HEAD "OFFSET(page.flags)=99999999999999999999\n", 0,
	  "OFFSET(page.flags) has a malformed value", { { W_END, 0, 0, NULL } } },
	{ "KERNELOFFSET negative", HEAD "KERNELOFFSET=-5\n", 0,
	  "KERNELOFFSET has a malformed value \"-5\"", { { W_END, 0, 0, NULL } } },
	{ "CRASHTIME not a number", HEAD "CRASHTIME=12x\n", 0,
	  "CRASHTIME has a malformed value \"12x\"", { { W_END, 0, 0, NULL } } },
	{ "OSRELEASE empty", "OSRELEASE=\nPAGESIZE=4096\n", 0,
	  "line 1: OSRELEASE has a malformed value \"\"", { { W_END, 0, 0, NULL } } },
	{ "OSRELEASE of 65 characters", "OSRELEASE=" L64 "5\nPAGESIZE=4096\n", 0,
	  "OSRELEASE has a malformed value", { { W_END, 0, 0, NULL } } },
	{ "a text too long", HEAD "CONFIG_X86_PAE=" L64 L64 "\n", 0,
	  "CONFIG_X86_PAE has a malformed value", { { W_END, 0, 0, NULL } } },
	{ "a line without =", HEAD "JUSTAWORD\n", 0,
	  "t: line 3: \"JUSTAWORD\" is not KEY=VALUE", { { W_END, 0, 0, NULL } } },
	{ "a kind without its parenthesis", HEAD "OFFSET(page.flags=0\n", 0,
	  "line 3: \"OFFSET(page.flags\" lacks its closing parenthesis", { { W_END, 0, 0, NULL } } },

	/* ---- missing required keys ---- */
	{ "no OSRELEASE", "PAGESIZE=4096\nSIZE(page)=64\n", 0,
	  "t: no OSRELEASE= line: not a VMCOREINFO", { { W_END, 0, 0, NULL } } },
	{ "no PAGESIZE", "OSRELEASE=6.1\nSIZE(page)=64\n", 0,
	  "t: no PAGESIZE= line", { { W_END, 0, 0, NULL } } },
	{ "empty text", "", 0, "t: no OSRELEASE= line", { { W_END, 0, 0, NULL } } },
	{ "only NULs", BYTES("\0\0\0\0"), "t: no OSRELEASE= line", { { W_END, 0, 0, NULL } } },
	{ "required keys after a NUL do not count", BYTES("OSRELEASE=6.1\n\0PAGESIZE=4096\n"),
	  "t: no PAGESIZE= line", { { W_END, 0, 0, NULL } } },
};

static int failed_checks;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			failed_checks++;				\
			printf("FAIL %s: ", c->name);			\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

static void check_want(const struct tcase *c, const struct kfacts *k, const struct want *w)
{
	switch (w->what) {
	case W_NUM:
		CHECK(kf_have(k, (enum kf_id)w->id) && kf_val(k, (enum kf_id)w->id) == w->val,
		      "fact %d: %s%" PRId64 ", want %" PRId64, w->id,
		      kf_have(k, (enum kf_id)w->id) ? "" : "absent ", kf_val(k, (enum kf_id)w->id),
		      w->val);
		break;
	case W_TEXT:
		CHECK(strcmp(kf_text(k, (enum kt_id)w->id), w->text) == 0, "%s is \"%s\", want \"%s\"",
		      kt_table[w->id].key, kf_text(k, (enum kt_id)w->id), w->text);
		break;
	case W_ABSENT:
		CHECK(!kf_have(k, (enum kf_id)w->id), "fact %d present (%" PRId64 "), want absent",
		      w->id, kf_val(k, (enum kf_id)w->id));
		break;
	case W_NO_TEXT:
		CHECK(!kf_have_text(k, (enum kt_id)w->id), "%s is \"%s\", want absent",
		      kt_table[w->id].key, kf_text(k, (enum kt_id)w->id));
		break;
	case W_END:
		break;
	}
}

/* vmci_write, parsed again, gives the same facts (texts -g does not write excepted). */
static void check_round_trip(const struct tcase *c, const struct kfacts *k)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct kfacts again;
	struct err e = { 0 };
	int i;

	if (!f) {
		CHECK(0, "open_memstream failed");
		return;
	}
	CHECK(vmci_write(k, f) == 0, "vmci_write failed");
	fclose(f);
	memset(&again, 0, sizeof(again));
	CHECK(vmci_parse(buf, len, "written", &again, &e) == 0, "written text does not parse: %s",
	      e.msg);
	for (i = 0; i < KF__COUNT; i++)
		CHECK(kf_have(&again, (enum kf_id)i) == kf_have(k, (enum kf_id)i) &&
		      kf_val(&again, (enum kf_id)i) == kf_val(k, (enum kf_id)i),
		      "written and parsed again, fact %s changes", kf_table[i].key);
	for (i = 0; i < KT__COUNT; i++)
		if (kt_table[i].out == KT_WRITE)
			CHECK(strcmp(kf_text(&again, (enum kt_id)i), kf_text(k, (enum kt_id)i)) == 0,
			      "written and parsed again, %s changes", kt_table[i].key);
		else
			CHECK(!kf_have_text(&again, (enum kt_id)i), "-g wrote %s", kt_table[i].key);
	free(buf);
}

static bool run_case(const struct tcase *c)
{
	struct kfacts k;
	struct err e = { 0 };
	size_t len = c->len ? c->len : strlen(c->text);
	int before = failed_checks, rc, i;

	memset(&k, 0, sizeof(k));
	rc = vmci_parse(c->text, len, "t", &k, &e);
	if (c->err) {
		CHECK(rc < 0, "parsed, want the error \"%s\"", c->err);
		CHECK(rc >= 0 || strstr(e.msg, c->err), "error \"%s\", want \"%s\"", e.msg, c->err);
	} else {
		CHECK(rc == 0, "error \"%s\"", e.msg);
		for (i = 0; rc == 0 && c->want[i].what != W_END; i++)
			check_want(c, &k, &c->want[i]);
		if (rc == 0)
			check_round_trip(c, &k);
	}
	return failed_checks == before;
}

int main(void)
{
	size_t i;
	unsigned pass = 0, fail = 0;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (run_case(&cases[i]))
			pass++;
		else
			fail++;
	}
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
