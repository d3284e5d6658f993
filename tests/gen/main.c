/*
 * main.c - mkvmcore: write a synthetic ELF /proc/vmcore from a spec.
 *
 *   mkvmcore [-v] [-p PAGES] SPEC OUT   build the machine SPEC describes, write OUT;
 *                          -p: the data of in-use pages comes from the file
 *                          PAGES (whole pages, used in turn: e.g. real kept
 *                          pages, tests/bench/keptpages.py) instead of a pattern
 *   mkvmcore --eras             list the kernel eras
 *
 * The spec is line based; '#' starts a comment.  Header lines are key=value:
 *   arch=x86_64|ppc64le|ppc64|s390x|riscv64|loongarch64|mips64el|mips64|arm|arm-lpae
 *                          the target (first header line; ppc64, s390x and mips64 are
 *                          big-endian; arm is a 32-bit kernel, ELF32, with classic or
 *                          LPAE page tables):
 *                          ELF machine and byte order, virtual layout, page tables
 *   pagesize=4k|16k|64k    ppc64: 4k or 64k (default 64k); loongarch64, mips64: 4k,
 *                          16k (the default) or 64k
 *   mmu=radix|hash         ppc64 only (default radix)
 *   levels=N               s390x: DAT table levels 2..5 (the ASCE type; default 3);
 *                          riscv64: 3, 4, 5 for Sv39, Sv48, Sv57 (default 5)
 *   vmcoreinfo_in=note|lowcore   s390x: lowcore: no VMCOREINFO note in the file,
 *                          only the kernel's note buffer, pointed to by the lowcore
 *   era=6.12               kernel era: VMCOREINFO keys and struct page encodings
 *   ram=0-64M[,80M-96M:tail=4M]   RAM ranges (bytes; K/M/G/T suffixes); ":tail=N"
 *                          leaves the last N bytes out of the file (filesz < memsz)
 *   memmodel=sparse-extreme|sparse-extreme-pointer|sparse|flat
 *   memmap=vmemmap|direct  where struct pages live (vmemmap needs SPARSEMEM)
 *   pagetable=4k|2m|1g     direct-map page size;  vmemmap=4k|2m  vmemmap page size
 *                          (ppc64: vmemmap=64k|2m radix, 64k|16m hash; 4k with 4 KiB pages;
 *                          s390x: pagetable=4k|1m|2g, vmemmap=4k|1m;
 *                          loongarch64: the base page or PMD_SIZE, 32m with 16 KiB pages)
 *   kcore=1 (add /proc/kcore's vmalloc and vmemmap PT_LOADs, p_paddr -1)
 *   l5=0|1  sme=BIT (memory encryption bit in page-table entries)  kaslr=HEX  kernel=ADDR (physical _text)  ksize=SIZE  cpus=N
 *   section_bits=N  physmem_bits=N  release=STRING  crashtime=N
 *   sparse=0|1             1: pages nobody wrote (and all-zero struct pages) are
 *                          holes in a sparse file, so ram=64G is quick; default
 *                          1 when there is more than 1 GiB of RAM
 * VMCOREINFO edits:  "vmcoreinfo KEY=VALUE" (add or replace), "vmcoreinfo-drop KEY".
 * "vmap VA PFN": the kernel page tables map the page at VA (vmalloc) to PFN,
 *   and vmap_area_list holds it (where the arch exports that list)
 * "ksym NAME OFFSET": the kernel's kallsyms table (its arrays in kernel data,
 *   named in VMCOREINFO as 6.x kernels do) holds NAME at _stext + OFFSET
 * "kword OFFSET VALUE": a word (WORD bytes) at _stext + OFFSET holds VALUE, a
 *   number or direct:PA (the direct-map address of PA)
 * "@tables free": the struct pages of the page-table pages (x86_64) say free
 * Pages:  "@pfn A[-B] KIND [args]", KIND one of
 *   free order=N | badorder order=N | compound order=N [anon|cache|hugetlb|slab]
 *   anon | cache [private] | swapcache | slab | hwpoison | offline | unaccepted
 *   zero | kernel | novmemmap | nosection
 * "expect ..." lines belong to the test driver (tests/specs/run.sh) and are skipped.
 */
#include "mkvmcore.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct spec S;
struct machine M;

const char *spec_path;
static int cur_line;

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkvmcore: ");
	if (cur_line)
		fprintf(stderr, "%s:%d: ", spec_path, cur_line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (!S.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "mkvmcore: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A number: decimal or 0x hex, with an optional K/M/G/T suffix. */
static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (end == s || errno)
		die("bad number '%s'", s);
	switch (toupper((unsigned char)*end)) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	case 'T': v <<= 40; end++; break;
	default: break;
	}
	if (*end)
		die("bad number '%s'", s);
	return v;
}

static void parse_ram(char *v)
{
	char *tok, *save = NULL;

	S.nram = 0;
	for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(tok, '-'), *tail = strstr(tok, ":tail=");
		struct ram *r;

		if (!dash)
			die("ram range '%s' is not START-END", tok);
		if (S.nram == MAX_RAM)
			die("too many RAM ranges");
		r = &S.ram[S.nram++];
		if (tail)
			*tail = 0;
		*dash = 0;
		r->start = parse_size(tok);
		r->end = parse_size(dash + 1);
		r->file_end = r->end;
		if (tail)
			r->file_end = r->end - parse_size(tail + 6);
		if ((r->start | r->end | r->file_end) & (PAGE_SIZE - 1) || r->end <= r->start ||
		    r->file_end < r->start)
			die("ram range %#llx-%#llx is empty or not page aligned",
			    (unsigned long long)r->start, (unsigned long long)r->end);
		if (S.nram > 1 && r->start < S.ram[S.nram - 2].end)
			die("ram ranges must be ascending and disjoint");
	}
}

static unsigned parse_pgsize(const char *v)
{
	if (!strcmp(v, "4k"))
		return 4096;
	if (!strcmp(v, "16k"))
		return 16u << 10;
	if (!strcmp(v, "64k"))
		return 64u << 10;
	if (!strcmp(v, "1m"))
		return 1u << 20;
	if (!strcmp(v, "2m"))
		return 2u << 20;
	if (!strcmp(v, "16m"))
		return 16u << 20;
	if (!strcmp(v, "32m"))
		return 32u << 20;
	if (!strcmp(v, "1g"))
		return 1u << 30;
	if (!strcmp(v, "2g"))
		return 2u << 30;
	die("page size '%s' is not 4k, 16k, 64k, 1m, 2m, 16m, 32m, 1g or 2g", v);
}

static int header_lines;	/* arch= must come first: it sets the defaults */

static void header_line(char *key, char *v)
{
	header_lines++;
	if (!strcmp(key, "arch")) {
		if (!(A = arch_find(v)))
			die("arch '%s' is not supported (x86_64, ppc64le, ppc64, s390x, riscv64, loongarch64, mips64el, mips64, arm, arm-lpae)", v);
		if (header_lines != 1)
			die("arch= must be the first header line");
		if (A->defaults)
			A->defaults();
	} else if (!strcmp(key, "pagesize")) {
		unsigned sz = parse_pgsize(v);

		if (sz != 4096 && sz != (16u << 10) && sz != (64u << 10))
			die("pagesize is 4k, 16k or 64k");
		S.page_shift = (unsigned)__builtin_ctz(sz);
	} else if (!strcmp(key, "mmu")) {
		if (strcmp(v, "radix") && strcmp(v, "hash"))
			die("mmu is radix or hash");
		S.radix = !strcmp(v, "radix");
	} else if (!strcmp(key, "levels")) {
		S.levels = (unsigned)parse_size(v);
	} else if (!strcmp(key, "vmcoreinfo_in")) {
		if (strcmp(v, "note") && strcmp(v, "lowcore"))
			die("vmcoreinfo_in is note or lowcore");
		S.note = !strcmp(v, "note");
		if (!S.note && strcmp(A->name, "s390x"))
			die("vmcoreinfo_in=lowcore is s390x's");
	} else if (!strcmp(key, "era")) {
		if (!(S.era = era_find(v)))
			die("unknown era '%s' (mkvmcore --eras lists them)", v);
	} else if (!strcmp(key, "ram")) {
		parse_ram(v);
	} else if (!strcmp(key, "memmodel")) {
		if (!strcmp(v, "sparse-extreme"))
			S.model = MM_EXTREME;
		else if (!strcmp(v, "sparse-extreme-pointer"))
			S.model = MM_EXTREME_PTR;
		else if (!strcmp(v, "sparse"))
			S.model = MM_SPARSE;
		else if (!strcmp(v, "flat"))
			S.model = MM_FLAT;
		else
			die("unknown memmodel '%s'", v);
	} else if (!strcmp(key, "memmap")) {
		if (strcmp(v, "vmemmap") && strcmp(v, "direct"))
			die("memmap is vmemmap or direct");
		S.memmap_vmemmap = !strcmp(v, "vmemmap");
	} else if (!strcmp(key, "pagetable")) {
		S.pt_direct = parse_pgsize(v);
	} else if (!strcmp(key, "vmemmap")) {
		S.pt_vmemmap = parse_pgsize(v);
		if (S.pt_vmemmap > (32u << 20))
			die("vmemmap pages are 4k, 16k, 64k, 1m, 2m, 16m or 32m");
	} else if (!strcmp(key, "l5")) {
		S.l5 = parse_size(v) != 0;
	} else if (!strcmp(key, "sme")) {
		S.sme = UINT64_C(1) << parse_size(v);
	} else if (!strcmp(key, "kaslr")) {
		S.kaslr = strtoull(v, NULL, 16);
	} else if (!strcmp(key, "kernel")) {
		S.kload = parse_size(v);
	} else if (!strcmp(key, "ksize")) {
		S.ksize = parse_size(v);
	} else if (!strcmp(key, "cpus")) {
		S.cpus = (int)parse_size(v);
	} else if (!strcmp(key, "section_bits")) {
		S.section_bits = (int)parse_size(v);
	} else if (!strcmp(key, "physmem_bits")) {
		S.physmem_bits = (int)parse_size(v);
	} else if (!strcmp(key, "release")) {
		snprintf(S.release, sizeof(S.release), "%s", v);
	} else if (!strcmp(key, "crashtime")) {
		S.crashtime = parse_size(v);
	} else if (!strcmp(key, "sparse")) {
		S.sparse_file = parse_size(v) != 0;
		S.sparse_set = true;
	} else if (!strcmp(key, "kcore")) {
		S.kcore = parse_size(v) != 0;
		S.sparse_set = true;
	} else {
		die("unknown header key '%s'", key);
	}
}

static const struct { const char *name; enum kind kind; } kinds[] = {
	{ "free", K_FREE }, { "badorder", K_BADORDER }, { "compound", K_COMPOUND_HEAD },
	{ "anon", K_ANON }, { "cache", K_CACHE }, { "swapcache", K_SWAPCACHE },
	{ "slab", K_SLAB }, { "hwpoison", K_HWPOISON }, { "offline", K_OFFLINE },
	{ "unaccepted", K_UNACCEPTED }, { "zero", K_ZERO }, { "kernel", K_KERNEL },
	{ "novmemmap", K_NOVMEMMAP }, { "nosection", K_NOSECTION },
};

static void page_line(char *rest)
{
	char *tok, *save = NULL, *dash;
	struct item *it;
	size_t i;

	if (S.nitems == MAX_ITEMS)
		die("too many @pfn lines");
	it = &S.items[S.nitems++];
	memset(it, 0, sizeof(*it));
	it->line = cur_line;
	it->order = -1;
	tok = strtok_r(rest, " \t", &save);
	if (!tok)
		die("@pfn needs a pfn");
	dash = strchr(tok + 1, '-');
	if (dash)
		*dash = 0;
	it->first = parse_size(tok);
	it->last = dash ? parse_size(dash + 1) : it->first;
	if (it->last < it->first)
		die("pfn range ends before it starts");
	tok = strtok_r(NULL, " \t", &save);
	if (!tok)
		die("@pfn needs a page kind");
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(tok, kinds[i].name))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		die("unknown page kind '%s'", tok);
	it->kind = kinds[i].kind;
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (!strncmp(tok, "order=", 6))
			it->order = (int)parse_size(tok + 6);
		else if (!strcmp(tok, "private"))
			it->priv = true;
		else if (!strcmp(tok, "anon"))
			it->sub = SUB_ANON;
		else if (!strcmp(tok, "cache"))
			it->sub = SUB_CACHE;
		else if (!strcmp(tok, "hugetlb"))
			it->sub = SUB_HUGETLB;
		else if (!strcmp(tok, "slab"))
			it->sub = SUB_SLAB;
		else
			die("unknown argument '%s'", tok);
	}
	if ((it->kind == K_FREE || it->kind == K_BADORDER || it->kind == K_COMPOUND_HEAD) &&
	    it->order < 0)
		die("%s needs order=N", kinds[i].name);
	if (it->kind == K_COMPOUND_HEAD && it->order < 1)
		die("a compound page has order 1 or more");
}

static void vmci_line(char *rest, bool drop)
{
	struct vmci_edit *ed;
	char *eq;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (S.nedits == MAX_EDITS)
		die("too many vmcoreinfo edits");
	ed = &S.edits[S.nedits++];
	ed->drop = drop;
	eq = strchr(rest, '=');
	if (drop) {
		if (eq)
			die("vmcoreinfo-drop takes a KEY only");
		snprintf(ed->key, sizeof(ed->key), "%s", rest);
		return;
	}
	if (!eq)
		die("vmcoreinfo takes KEY=VALUE");
	*eq = 0;
	snprintf(ed->key, sizeof(ed->key), "%s", rest);
	snprintf(ed->value, sizeof(ed->value), "%s", eq + 1);
}

static void vmap_line(char *rest)
{
	char *pfn;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	pfn = strpbrk(rest, " \t");
	if (!pfn)
		die("vmap takes VA PFN");
	*pfn++ = 0;
	if (S.nvmaps == MAX_VMAPS)
		die("too many vmap lines");
	S.vmaps[S.nvmaps].va = strtoull(rest, NULL, 16);
	S.vmaps[S.nvmaps].pfn = parse_size(pfn);
	S.nvmaps++;
}

static void ksym_line(char *rest)
{
	char name[48];
	unsigned long long off;

	if (sscanf(rest, " %47s %lli", name, &off) != 2)
		die("ksym takes NAME OFFSET (from _stext)");
	if (S.nksyms == MAX_KSYMS)
		die("too many ksym lines");
	snprintf(S.ksyms[S.nksyms].name, sizeof(S.ksyms[0].name), "%s", name);
	S.ksyms[S.nksyms].off = off;
	S.nksyms++;
}

static void kword_line(char *rest)
{
	unsigned long long off, v;
	char val[64];

	if (sscanf(rest, " %lli %63s", &off, val) != 2)
		die("kword takes OFFSET VALUE (VALUE a number or direct:PA)");
	if (S.nkwords == MAX_KSYMS)
		die("too many kword lines");
	S.kwords[S.nkwords].direct = !strncmp(val, "direct:", 7);
	v = strtoull(val + (S.kwords[S.nkwords].direct ? 7 : 0), NULL, 0);
	S.kwords[S.nkwords].off = off;
	S.kwords[S.nkwords].value = v;
	S.nkwords++;
}

static void strip(char *s)
{
	char *h = strchr(s, '#');
	size_t n;

	if (h)
		*h = 0;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
}

static void parse_spec(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (!f)
		die("%s: %s", path, strerror(errno));
	spec_path = path;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *eq;

		cur_line++;
		strip(line);
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || !strncmp(p, "expect", 6))
			continue;
		if (!strncmp(p, "@pfn", 4) && isspace((unsigned char)p[4])) {
			page_line(p + 5);
		} else if (!strncmp(p, "vmcoreinfo-drop", 15)) {
			vmci_line(p + 15, true);
		} else if (!strncmp(p, "vmcoreinfo", 10) && isspace((unsigned char)p[10])) {
			vmci_line(p + 10, false);
		} else if (!strncmp(p, "vmap", 4) && isspace((unsigned char)p[4])) {
			vmap_line(p + 5);
		} else if (!strncmp(p, "ksym", 4) && isspace((unsigned char)p[4])) {
			ksym_line(p + 5);
		} else if (!strncmp(p, "kword", 5) && isspace((unsigned char)p[5])) {
			kword_line(p + 6);
		} else if (!strcmp(p, "@tables free")) {
			S.tables_free = true;
		} else if ((eq = strchr(p, '='))) {
			*eq = 0;
			header_line(p, eq + 1);
		} else {
			die("cannot parse '%s'", p);
		}
	}
	fclose(f);
	cur_line = 0;
}

static void defaults(void)
{
	S.era = era_find("6.12");
	S.page_shift = 12;
	S.note = true;
	S.nram = 1;
	S.ram[0].start = 0;
	S.ram[0].end = S.ram[0].file_end = 64u << 20;
	S.model = MM_EXTREME;
	S.memmap_vmemmap = true;
	S.pt_direct = 2u << 20;
	S.pt_vmemmap = 2u << 20;
	S.kload = 16u << 20;
	S.ksize = 8u << 20;
	S.cpus = 2;
	S.section_bits = 27;
	S.physmem_bits = 46;
	S.crashtime = 1700000000;
}

static void check_spec(void)
{
	uint64_t ks = S.kload, ke = S.kload + S.ksize;
	int i;

	if (S.model == MM_FLAT && S.memmap_vmemmap)
		S.memmap_vmemmap = false;	/* FLATMEM has one mem_map array */
	if (A->word32)
		S.era = era_word32(S.era);
	if (A->check)
		A->check();
	for (i = 0; i < S.nram; i++)
		if ((S.ram[i].start | S.ram[i].end | S.ram[i].file_end) & (PAGE_SIZE - 1))
			die("ram range %#llx-%#llx is not aligned to the %u KiB pages",
			    (unsigned long long)S.ram[i].start, (unsigned long long)S.ram[i].end,
			    PAGE_SIZE >> 10);
	if (S.section_bits <= (int)PAGE_SHIFT || S.section_bits >= S.physmem_bits)
		die("section_bits=%d does not fit physmem_bits=%d", S.section_bits, S.physmem_bits);
	if ((S.kload | S.ksize) & ((2u << 20) - 1) || (S.kaslr & ((2u << 20) - 1)))
		die("kernel=, ksize= and kaslr= must be 2 MiB aligned");
	for (i = 0; i < S.nram; i++)
		if (S.ram[i].start <= ks && ke <= S.ram[i].file_end)
			break;
	if (i == S.nram)
		die("the kernel image [%#llx, %#llx) is not inside one RAM range with file data",
		    (unsigned long long)ks, (unsigned long long)ke);
	if (!S.sparse_set) {
		uint64_t total = 0;

		for (i = 0; i < S.nram; i++)
			total += S.ram[i].end - S.ram[i].start;
		S.sparse_file = total > (UINT64_C(1) << 30);
	}
	if (!S.release[0])
		snprintf(S.release, sizeof(S.release), "%s", S.era->release);
}

int main(int argc, char **argv)
{
	int a = 1;

	if (argc == 2 && !strcmp(argv[1], "--eras")) {
		era_list();
		return 0;
	}
	defaults();
	if (a < argc && !strcmp(argv[a], "-v")) {
		S.verbose = true;
		a++;
	}
	if (a + 1 < argc && !strcmp(argv[a], "-p")) {
		content_open(argv[a + 1]);
		a += 2;
	}
	if (argc - a != 2) {
		fprintf(stderr, "usage: mkvmcore [-v] [-p PAGES] SPEC OUT\n       mkvmcore --eras\n");
		return 2;
	}
	parse_spec(argv[a]);
	check_spec();
	M.max_pfn = S.ram[S.nram - 1].end >> PAGE_SHIFT;
	M.kind = calloc(M.max_pfn, 1);
	if (!M.kind)
		die("out of memory");
	pages_mark();
	vmaps_mark();
	A->layout();
	A->direct_map();
	mm_build();
	pages_write();
	if (S.era->buddy == BUDDY_LISTS)
		freelists_build();
	kimage_build();
	kallsyms_build();
	vmaps_build();
	if (A->finish)
		A->finish();
	elf_write(argv[a + 1]);
	return 0;
}
