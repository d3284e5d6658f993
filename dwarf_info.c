/*
 * dwarf_info.c - kernel facts from a vmlinux's DWARF; see dwarf_info.h.
 *
 * Three steps, each one pass:
 *
 *  1. The ELF symbol table gives every SYMBOL fact (link-time addresses),
 *     plus the few symbols this file reads bytes from (init_uts_ns,
 *     linux_banner, _text, empty_zero_page).
 *  2. One walk over the top-level DIEs of every unit answers the rest.
 *     Each wanted name becomes a key (struct/union, typedef, enum,
 *     variable or enumerator name) in a sorted table; a DIE whose name has
 *     a key is looked at more closely, everything else costs a tag test.
 *     A vmlinux repeats `struct page` in a thousand units: the first
 *     complete definition settles all facts about it, and the copies
 *     after it cost one lookup.  The walk stops when nothing is left
 *     open, which on a real kernel is rarely before the last unit: facts
 *     of other kernel generations (struct printk_log, PG_buddy, ...) are
 *     only known absent at the end.  That full walk is 0.4-0.9 s for a
 *     350-600 MB vmlinux with its pages cached, 0.8-1.4 s cold.
 *  3. OSRELEASE and PAGESIZE come from the file's own bytes.
 */
#include "dwarf_info.h"
#include "arch/arch.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Anonymous struct/union nesting followed when looking for a member. */
#define MAX_ANON_DEPTH	8
/* Alternatives of an "x|y" name that are looked at. */
#define MAX_ALTS	4
/* Lengths beyond this are an unknown bound in disguise ("[]", "[0]"). */
#define MAX_ARRAY_LEN	(UINT64_C(1) << 31)

/* What kind of DIE (or ELF symbol) a key names. */
enum target { T_SYMBOL, T_AGG, T_TYPEDEF, T_ENUM, T_VAR, T_ENUMERATOR };

/* One name the walk looks for, and the fact it feeds. */
struct key {
	const char *name;	/* not NUL-terminated: may be a piece of "x|y" */
	unsigned len;
	unsigned char target;
	unsigned char alt;	/* position in "x|y": 0 is preferred */
	unsigned short id;	/* enum kf_id */
};

/* Symbols read for OSRELEASE and PAGESIZE rather than for a fact. */
enum extra_sym { X_INIT_UTS_NS, X_LINUX_BANNER, X_TEXT, X_EMPTY_ZERO_PAGE, X__COUNT };
static const char *const extra_names[X__COUNT] = {
	"init_uts_ns", "linux_banner", "_text", "empty_zero_page",
};

struct symbol {
	bool found;
	unsigned char rank;	/* binding preference, see sym_rank() */
	GElf_Sym sym;
};

/* The run state of one dwinfo_read(). */
struct scan {
	struct kfacts *k;
	int fd;
	Elf *elf;
	Dwarf *dw;

	struct key keys[KF__COUNT * MAX_ALTS];
	unsigned nkeys;
	bool open[KF__COUNT];		/* wanted from DWARF, not settled yet */
	unsigned nopen;
	unsigned char best[KF__COUNT];	/* DW_BIT: alternative behind the value */
	unsigned char sym_rank[KF__COUNT];
	bool in_symtab[KF__COUNT];	/* T_VAR: the variable has an ELF symbol */
	struct symbol extra[X__COUNT];
};

/* ---- keys ---------------------------------------------------------------- */

static enum target rule_target(enum dw_rule r)
{
	switch (r) {
	case DW_SYMBOL:
		return T_SYMBOL;
	case DW_STRUCT:
	case DW_MEMBER:
	case DW_MEMBER_LEN:
		return T_AGG;
	case DW_TYPEDEF:
		return T_TYPEDEF;
	case DW_ENUM:
		return T_ENUM;
	case DW_SYMBOL_LEN:
		return T_VAR;
	case DW_ENUMERATOR:
	case DW_BIT:
	default:
		return T_ENUMERATOR;
	}
}

/* One key per alternative of names ("x|y"). */
static void add_keys(struct scan *s, enum target t, const char *names, enum kf_id id)
{
	unsigned alt = 0;

	while (alt < MAX_ALTS) {
		const char *bar = strchr(names, '|');
		unsigned len = bar ? (unsigned)(bar - names) : (unsigned)strlen(names);

		if (len)
			s->keys[s->nkeys++] = (struct key){ names, len, t, alt, id };
		if (!bar)
			break;
		names = bar + 1;
		alt++;
	}
}

static int key_cmp(const void *pa, const void *pb)
{
	const struct key *a = pa, *b = pb;
	int c;

	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	c = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);
	if (c)
		return c;
	return a->len < b->len ? -1 : a->len > b->len;
}

/* Order of a key against a (target, NUL-terminated name); same order as key_cmp. */
static int key_vs(const struct key *key, enum target t, const char *name)
{
	int c;

	if (key->target != t)
		return key->target < t ? -1 : 1;
	c = strncmp(key->name, name, key->len);
	if (c)
		return c;
	return name[key->len] ? -1 : 0;
}

/* The first key for (t, name), or NULL; its equals follow it in s->keys. */
static const struct key *key_find(const struct scan *s, enum target t, const char *name)
{
	unsigned lo = 0, hi = s->nkeys;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (key_vs(&s->keys[mid], t, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nkeys && key_vs(&s->keys[lo], t, name) == 0 ? &s->keys[lo] : NULL;
}

static bool key_same(const struct scan *s, const struct key *first, const struct key *kp)
{
	return kp < s->keys + s->nkeys && key_cmp(first, kp) == 0;
}

/* Every fact with a DWARF rule that k lacks becomes keys; symbols are not "open". */
static void scan_init(struct scan *s, struct kfacts *k)
{
	int i;

	s->k = k;
	for (i = 0; i < KF__COUNT; i++) {
		const struct kf_desc *d = &kf_table[i];
		enum target t = rule_target(d->dw);

		if (d->dw == DW_NONE || k->have[i] || !d->a)
			continue;
		add_keys(s, t, d->a, (enum kf_id)i);
		if (t != T_SYMBOL) {
			s->open[i] = true;
			s->nopen++;
		}
	}
	qsort(s->keys, s->nkeys, sizeof(s->keys[0]), key_cmp);
}

static void settle(struct scan *s, enum kf_id id)
{
	if (s->open[id]) {
		s->open[id] = false;
		s->nopen--;
	}
}

static void settle_with(struct scan *s, enum kf_id id, int64_t v)
{
	kf_set(s->k, id, v);
	settle(s, id);
}

/* ---- the ELF file ---------------------------------------------------------- */

static bool has_section(Elf *elf, size_t shstrndx, const char *name)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		const char *n;

		if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    strcmp(n, name) == 0)
			return sh.sh_type != SHT_NOBITS && sh.sh_size > 0;
	}
	return false;
}

static int vmlinux_open(struct scan *s, const char *path, struct err *e)
{
	size_t shstrndx;

	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return err_errno(e, errno, "%s", path);
	elf_version(EV_CURRENT);
	s->elf = elf_begin(s->fd, ELF_C_READ_MMAP, NULL);
	if (!s->elf || elf_kind(s->elf) != ELF_K_ELF)
		return err_set(e, "%s: not an ELF file", path);
	/* Section headers sit at the end: a truncated copy loses them. */
	if (elf_getshdrstrndx(s->elf, &shstrndx) != 0 || elf_nextscn(s->elf, NULL) == NULL) {
		int why = elf_errno();

		return err_set(e, "%s: damaged ELF file (truncated?)%s%s", path, why ? ": " : "",
			       why ? elf_errmsg(why) : "");
	}
	/* .zdebug_info is the old GNU compressed form; libdw reads both. */
	if (!has_section(s->elf, shstrndx, ".debug_info") &&
	    !has_section(s->elf, shstrndx, ".zdebug_info"))
		return err_set(e, "%s: no DWARF debug information (is this a vmlinux with debug info?)",
			       path);
	s->dw = dwarf_begin_elf(s->elf, DWARF_C_READ, NULL);
	if (!s->dw)
		return err_set(e, "%s: cannot read its DWARF: %s", path, dwarf_errmsg(-1));
	return 0;
}

static void vmlinux_close(struct scan *s)
{
	if (s->dw)
		dwarf_end(s->dw);
	if (s->elf)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
}

/*
 * Bytes of the file at a link-time address (a section's data).  Returns
 * how many were read: fewer than len at the end of the section.
 */
static size_t read_vaddr(const struct scan *s, uint64_t addr, void *buf, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(s->elf, scn)) != NULL) {
		GElf_Shdr sh;
		ssize_t got;

		if (!gelf_getshdr(scn, &sh) || !(sh.sh_flags & SHF_ALLOC) ||
		    sh.sh_type == SHT_NOBITS || addr < sh.sh_addr ||
		    addr - sh.sh_addr >= sh.sh_size)
			continue;
		if (len > sh.sh_size - (addr - sh.sh_addr))
			len = sh.sh_size - (addr - sh.sh_addr);
		got = pread(s->fd, buf, len, (off_t)(sh.sh_offset + (addr - sh.sh_addr)));
		return got > 0 ? (size_t)got : 0;
	}
	return 0;
}

/* ---- step 1: the symbol table ------------------------------------------------ */

/*
 * A name may be both a global and some file's static: the global wins,
 * then a data or code symbol over a bare label, then the first seen.
 */
static unsigned sym_rank(const GElf_Sym *sym)
{
	unsigned r = 1;

	if (GELF_ST_BIND(sym->st_info) != STB_LOCAL)
		r += 2;
	if (GELF_ST_TYPE(sym->st_info) == STT_OBJECT || GELF_ST_TYPE(sym->st_info) == STT_FUNC)
		r += 1;
	return r;
}

static void take_symbol(struct scan *s, const char *name, const GElf_Sym *sym)
{
	const struct key *first, *kp;
	unsigned rank = sym_rank(sym);
	int i;

	if ((first = key_find(s, T_SYMBOL, name)) != NULL)
		for (kp = first; key_same(s, first, kp); kp++)
			if (rank > s->sym_rank[kp->id]) {
				s->sym_rank[kp->id] = (unsigned char)rank;
				kf_set(s->k, (enum kf_id)kp->id, (int64_t)sym->st_value);
			}
	if ((first = key_find(s, T_VAR, name)) != NULL)
		for (kp = first; key_same(s, first, kp); kp++)
			s->in_symtab[kp->id] = true;
	for (i = 0; i < X__COUNT; i++)
		if (strcmp(name, extra_names[i]) == 0 && rank > s->extra[i].rank)
			s->extra[i] = (struct symbol){ true, (unsigned char)rank, *sym };
}

static void read_symtab(struct scan *s, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t i, n;

	if (!data || sh->sh_entsize == 0)
		return;
	n = sh->sh_size / sh->sh_entsize;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		const char *name;
		int type;

		if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_SECTION || type == STT_FILE)
			continue;
		name = elf_strptr(s->elf, sh->sh_link, sym.st_name);
		if (name && name[0])
			take_symbol(s, name, &sym);
	}
}

/*
 * The full .symtab; .dynsym only when it is missing (it lists far fewer
 * names).  A variable without a symbol does not exist: its length is
 * settled as absent without searching the DWARF for it.
 */
static void read_symbols(struct scan *s)
{
	Elf_Scn *scn = NULL, *dynsym = NULL;
	GElf_Shdr sh, dynsh = { 0 };
	bool have_symtab = false;
	int i;

	while ((scn = elf_nextscn(s->elf, scn)) != NULL) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			read_symtab(s, scn, &sh);
			have_symtab = true;
		} else if (sh.sh_type == SHT_DYNSYM) {
			dynsym = scn;
			dynsh = sh;
		}
	}
	if (!have_symtab && dynsym)
		read_symtab(s, dynsym, &dynsh);
	if (!have_symtab && !dynsym)
		return;
	for (i = 0; i < KF__COUNT; i++)
		if (s->open[i] && kf_table[i].dw == DW_SYMBOL_LEN && !s->in_symtab[i])
			settle(s, (enum kf_id)i);
}

/* ---- DIE helpers -------------------------------------------------------------- */

static bool name_is(const char *name, const char *want, size_t len)
{
	return strncmp(name, want, len) == 0 && name[len] == '\0';
}

/* The DIE's type, through DW_AT_specification/abstract_origin. */
static bool type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Attribute attr;

	return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, type);
}

/* The DIE's type with typedefs and qualifiers peeled off. */
static bool peeled_type_of(Dwarf_Die *die, Dwarf_Die *type)
{
	Dwarf_Die t;

	return type_of(die, &t) && dwarf_peel_type(&t, type) == 0;
}

static bool is_aggregate(Dwarf_Die *die)
{
	int tag = dwarf_tag(die);

	return (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
	       !dwarf_hasattr(die, DW_AT_declaration);
}

/* A constant-class attribute (any data form, udata, sdata, implicit_const). */
static bool const_attr(Dwarf_Attribute *attr, Dwarf_Word *v)
{
	switch (dwarf_whatform(attr)) {
	case DW_FORM_data1: case DW_FORM_data2: case DW_FORM_data4: case DW_FORM_data8:
	case DW_FORM_udata: case DW_FORM_sdata: case DW_FORM_implicit_const:
		return dwarf_formudata(attr, v) == 0;
	default:
		return false;
	}
}

/*
 * A member's byte offset: a constant, or the DWARF 2 form, an expression
 * that is one DW_OP_plus_uconst.  Union members carry no location: 0.
 */
static bool member_offset(Dwarf_Die *member, Dwarf_Word *off)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;

	if (dwarf_attr(member, DW_AT_data_member_location, &attr)) {
		if (const_attr(&attr, off))
			return true;
		if (dwarf_getlocation(&attr, &ops, &nops) == 0 && nops == 1 &&
		    (ops[0].atom == DW_OP_plus_uconst || ops[0].atom == DW_OP_constu)) {
			*off = ops[0].number;
			return true;
		}
		return false;
	}
	if (dwarf_attr(member, DW_AT_data_bit_offset, &attr)) {
		if (!const_attr(&attr, off))
			return false;
		*off /= 8;
		return true;
	}
	*off = 0;
	return true;
}

/*
 * Member `name` of aggregate agg, looked for in declaration order and
 * inside anonymous struct/union members; the offset adds up along the way.
 */
static bool find_member(Dwarf_Die *agg, const char *name, size_t len, unsigned depth,
			Dwarf_Word *off, Dwarf_Die *found)
{
	Dwarf_Die m, inner_type;
	Dwarf_Word here, inner;
	const char *n;

	if (depth > MAX_ANON_DEPTH || dwarf_child(agg, &m) != 0)
		return false;
	do {
		if (dwarf_tag(&m) != DW_TAG_member)
			continue;
		n = dwarf_diename(&m);
		if (n && name_is(n, name, len)) {
			*found = m;
			return member_offset(&m, off);
		}
		if (n || !peeled_type_of(&m, &inner_type) || !is_aggregate(&inner_type))
			continue;
		if (find_member(&inner_type, name, len, depth + 1, &inner, found) &&
		    member_offset(&m, &here)) {
			*off = here + inner;
			return true;
		}
	} while (dwarf_siblingof(&m, &m) == 0);
	return false;
}

/* Element count of one subrange: DW_AT_count, or DW_AT_upper_bound + 1. */
static bool subrange_len(Dwarf_Die *sub, Dwarf_Word *len)
{
	Dwarf_Attribute attr;
	Dwarf_Word v, lower = 0;

	if (dwarf_attr(sub, DW_AT_count, &attr)) {
		if (!const_attr(&attr, &v))
			return false;
	} else if (dwarf_attr(sub, DW_AT_upper_bound, &attr)) {
		if (!const_attr(&attr, &v) || v >= MAX_ARRAY_LEN)
			return false;
		if (dwarf_attr(sub, DW_AT_lower_bound, &attr) && !const_attr(&attr, &lower))
			return false;
		if (lower > v + 1)
			return false;
		v = v + 1 - lower;
	} else {
		return false;	/* "[]": no bound */
	}
	if (v >= MAX_ARRAY_LEN)
		return false;
	*len = v;
	return true;
}

/* Length of the first dimension when type (peeled) is an array. */
static bool array_len(Dwarf_Die *type, Dwarf_Word *len)
{
	Dwarf_Die sub;

	if (dwarf_tag(type) != DW_TAG_array_type || dwarf_child(type, &sub) != 0)
		return false;
	do {
		if (dwarf_tag(&sub) == DW_TAG_subrange_type)
			return subrange_len(&sub, len);
	} while (dwarf_siblingof(&sub, &sub) == 0);
	return false;
}

/*
 * An enumerator's value.  GCC writes negative values as sdata and every
 * other value in the smallest fixed-size form, zero-extended: 200 in an
 * int enum is data1 0xc8, so fixed-size forms are read as unsigned.
 */
static bool enumerator_value(Dwarf_Die *en, int64_t *v)
{
	Dwarf_Attribute attr;
	Dwarf_Word u;
	Dwarf_Sword sv;

	if (!dwarf_attr(en, DW_AT_const_value, &attr))
		return false;
	switch (dwarf_whatform(&attr)) {
	case DW_FORM_sdata: case DW_FORM_implicit_const:
		if (dwarf_formsdata(&attr, &sv) != 0)
			return false;
		*v = sv;
		return true;
	case DW_FORM_data1: case DW_FORM_data2: case DW_FORM_data4: case DW_FORM_data8:
	case DW_FORM_udata:
		if (dwarf_formudata(&attr, &u) != 0)
			return false;
		*v = (int64_t)u;
		return true;
	default:
		return false;
	}
}

/* ---- step 2: the walk over the units ---------------------------------------------- */

/* A member fact: the first alternative of "x|y" that agg has. */
static void member_fact(struct scan *s, enum kf_id id, Dwarf_Die *agg)
{
	const struct kf_desc *d = &kf_table[id];
	const char *names = d->b;
	Dwarf_Die member, type;
	Dwarf_Word off, len;

	while (names && *names) {
		const char *bar = strchr(names, '|');
		size_t n = bar ? (size_t)(bar - names) : strlen(names);

		if (n && find_member(agg, names, n, 0, &off, &member)) {
			if (d->dw == DW_MEMBER)
				kf_set(s->k, id, (int64_t)off);
			else if (peeled_type_of(&member, &type) && array_len(&type, &len))
				kf_set(s->k, id, (int64_t)len);
			return;
		}
		names = bar ? bar + 1 : NULL;
	}
}

/*
 * The first complete definition named `name` answers every open fact
 * about it (a member it lacks is absent for good).
 */
static void on_aggregate(struct scan *s, const char *name, Dwarf_Die *agg)
{
	const struct key *first = key_find(s, T_AGG, name), *kp;
	Dwarf_Word size;

	for (kp = first; first && key_same(s, first, kp); kp++) {
		enum kf_id id = (enum kf_id)kp->id;

		if (!s->open[id])
			continue;
		if (kf_table[id].dw == DW_STRUCT) {
			if (dwarf_aggregate_size(agg, &size) == 0)
				kf_set(s->k, id, (int64_t)size);
		} else {
			member_fact(s, id, agg);
		}
		settle(s, id);
	}
}

/* Text facts a typedef answers: the source file that declares it. */
static void text_facts_of_typedef(struct scan *s, const char *name, Dwarf_Die *td)
{
	int i;

	for (i = 0; i < KT__COUNT; i++) {
		const char *file;

		if (kt_table[i].dw != DW_DECL_FILE || s->k->text[i][0] ||
		    strcmp(kt_table[i].a, name) != 0 || !(file = dwarf_decl_file(td)))
			continue;
		snprintf(s->k->text[i], sizeof(s->k->text[i]), "%s", file);
	}
}

/* A typedef: its size, and the aggregate behind it (atomic_long_t.counter). */
static void on_typedef(struct scan *s, Dwarf_Die *td)
{
	const char *name = dwarf_diename(td);
	const struct key *first, *kp;
	Dwarf_Word size;
	Dwarf_Die agg;

	if (!name)
		return;
	text_facts_of_typedef(s, name, td);
	if ((first = key_find(s, T_TYPEDEF, name)) != NULL)
		for (kp = first; key_same(s, first, kp); kp++)
			if (s->open[kp->id] && dwarf_aggregate_size(td, &size) == 0)
				settle_with(s, (enum kf_id)kp->id, (int64_t)size);
	if (key_find(s, T_AGG, name) && peeled_type_of(td, &agg) && is_aggregate(&agg))
		on_aggregate(s, name, &agg);
}

/* An enumerator fact; for DW_BIT an earlier alternative replaces a later one. */
static void on_enumerator(struct scan *s, const struct key *kp, int64_t v)
{
	enum kf_id id = (enum kf_id)kp->id;

	if (!s->open[id])
		return;
	if (kf_table[id].dw != DW_BIT) {
		settle_with(s, id, v);
		return;
	}
	if (v < 0 || v > 62 || (s->k->have[id] && kp->alt >= s->best[id]))
		return;
	kf_set(s->k, id, INT64_C(1) << v);
	s->best[id] = kp->alt;
	if (kp->alt == 0)
		settle(s, id);
}

static void on_enum(struct scan *s, Dwarf_Die *en)
{
	const char *name = dwarf_diename(en);
	const struct key *first, *kp;
	Dwarf_Word size;
	Dwarf_Die c;

	if (name && (first = key_find(s, T_ENUM, name)) != NULL)
		for (kp = first; key_same(s, first, kp); kp++)
			if (s->open[kp->id] && dwarf_aggregate_size(en, &size) == 0)
				settle_with(s, (enum kf_id)kp->id, (int64_t)size);
	if (dwarf_child(en, &c) != 0)
		return;
	do {
		const char *n = dwarf_diename(&c);
		int64_t v;

		if (!n || dwarf_tag(&c) != DW_TAG_enumerator ||
		    (first = key_find(s, T_ENUMERATOR, n)) == NULL ||
		    !enumerator_value(&c, &v))
			continue;
		for (kp = first; key_same(s, first, kp); kp++)
			on_enumerator(s, kp, v);
	} while (dwarf_siblingof(&c, &c) == 0);
}

/*
 * A variable's array length.  Declarations often say "[]"; the definition
 * (which names its declaration through DW_AT_specification) has the bound.
 * A variable that is not an array at all is settled as absent.
 */
static void on_variable(struct scan *s, Dwarf_Die *var)
{
	Dwarf_Attribute attr;
	const char *name = dwarf_formstring(dwarf_attr_integrate(var, DW_AT_name, &attr));
	const struct key *first, *kp;
	Dwarf_Die type;
	Dwarf_Word len;

	if (!name || (first = key_find(s, T_VAR, name)) == NULL || !peeled_type_of(var, &type))
		return;
	for (kp = first; key_same(s, first, kp); kp++) {
		if (!s->open[kp->id])
			continue;
		if (array_len(&type, &len))
			settle_with(s, (enum kf_id)kp->id, (int64_t)len);
		else if (dwarf_tag(&type) != DW_TAG_array_type)
			settle(s, (enum kf_id)kp->id);
	}
}

static void on_top_die(struct scan *s, Dwarf_Die *die)
{
	const char *name;

	switch (dwarf_tag(die)) {
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
		name = dwarf_diename(die);
		if (name && !dwarf_hasattr(die, DW_AT_declaration))
			on_aggregate(s, name, die);
		break;
	case DW_TAG_typedef:
		on_typedef(s, die);
		break;
	case DW_TAG_enumeration_type:
		on_enum(s, die);
		break;
	case DW_TAG_variable:
		on_variable(s, die);
		break;
	default:
		break;
	}
}

/*
 * Every unit (compile, partial and type units alike), top-level DIEs only.
 * A unit header that cannot be read ends the walk with an error: the
 * units after it are out of reach, and facts would go missing silently.
 */
static int walk_units(struct scan *s, const char *path, struct err *e)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, die;
	int rc = 0;

	while (s->nopen && (rc = dwarf_get_units(s->dw, cu, &cu, NULL, NULL, &cudie, NULL)) == 0) {
		if (dwarf_child(&cudie, &die) != 0)
			continue;
		do
			on_top_die(s, &die);
		while (s->nopen && dwarf_siblingof(&die, &die) == 0);
	}
	if (s->nopen && rc < 0)
		return err_set(e, "%s: damaged DWARF: %s", path, dwarf_errmsg(-1));
	return 0;
}

/* ---- step 3: OSRELEASE and PAGESIZE --------------------------------------------- */

/* A release string: printable, no blanks, NUL-terminated within the field. */
static bool release_ok(const char *r, size_t max)
{
	size_t i;

	for (i = 0; i < max && r[i]; i++)
		if (r[i] <= ' ' || r[i] > '~')
			return false;
	return i > 0 && i < max;
}

/*
 * init_uts_ns.name is a struct new_utsname: six char[65] fields, the
 * release third.  Else linux_banner: "Linux version RELEASE (...".
 */
static bool read_release(struct scan *s)
{
	static const char banner[] = "Linux version ";
	struct kfacts *k = s->k;
	char buf[256];
	size_t got, n;

	if (s->extra[X_INIT_UTS_NS].found && kf_have(k, KF_OFF_uts_namespace_name)) {
		uint64_t at = s->extra[X_INIT_UTS_NS].sym.st_value +
			      (uint64_t)kf_val(k, KF_OFF_uts_namespace_name) + 2 * 65;

		if (read_vaddr(s, at, buf, 65) == 65 && release_ok(buf, 65)) {
			kf_set_text(k, KT_OSRELEASE, buf, (unsigned)strlen(buf));
			return true;
		}
	}
	if (!s->extra[X_LINUX_BANNER].found)
		return false;
	got = read_vaddr(s, s->extra[X_LINUX_BANNER].sym.st_value, buf, sizeof(buf) - 1);
	buf[got] = '\0';
	if (got < sizeof(banner) || memcmp(buf, banner, sizeof(banner) - 1) != 0)
		return false;
	n = strcspn(buf + sizeof(banner) - 1, " \t\n");
	if (n == 0 || n > kt_table[KT_OSRELEASE].max)
		return false;
	kf_set_text(k, KT_OSRELEASE, buf + sizeof(banner) - 1, (unsigned)n);
	return true;
}

static bool page_size_ok(uint64_t v)
{
	return v >= 4096 && v <= 65536 && (v & (v - 1)) == 0;
}

static size_t read_image(const void *ctx, uint64_t va, void *buf, size_t len)
{
	return read_vaddr(ctx, va, buf, len);
}

/*
 * What the vmlinux's arch says from the image, else empty_zero_page,
 * which is one page long on most architectures, else 4 KiB.
 */
static unsigned page_size(const struct scan *s)
{
	GElf_Ehdr eh;
	const struct arch_ops *arch;
	struct arch_image img = { read_image, s, 0 };
	unsigned ps = 0;

	if (!gelf_getehdr(s->elf, &eh))
		return 4096;
	arch = arch_for_machine(eh.e_machine);
	if (s->extra[X_TEXT].found)
		img.text = s->extra[X_TEXT].sym.st_value;
	if (arch && arch->vmlinux_page_size)
		ps = arch->vmlinux_page_size(&img);
	if (!ps && s->extra[X_EMPTY_ZERO_PAGE].found &&
	    page_size_ok(s->extra[X_EMPTY_ZERO_PAGE].sym.st_size))
		ps = (unsigned)s->extra[X_EMPTY_ZERO_PAGE].sym.st_size;
	return ps ? ps : 4096;
}

/* ---- the entry point ------------------------------------------------------------ */

int dwinfo_read(const char *vmlinux, struct kfacts *k, struct err *e)
{
	struct scan *s = calloc(1, sizeof(*s));
	int rc = -1;

	if (!s)
		return err_set(e, "%s: out of memory", vmlinux);
	s->fd = -1;
	if (vmlinux_open(s, vmlinux, e) < 0)
		goto out;
	scan_init(s, k);
	read_symbols(s);
	if (walk_units(s, vmlinux, e) < 0)
		goto out;
	if (!kf_have_text(k, KT_OSRELEASE) && !read_release(s)) {
		err_set(e, "%s: no kernel release found (no init_uts_ns or linux_banner): not a vmlinux?",
			vmlinux);
		goto out;
	}
	if (!kf_have(k, KF_PAGESIZE))
		kf_set(k, KF_PAGESIZE, page_size(s));
	rc = 0;
out:
	vmlinux_close(s);
	free(s);
	return rc;
}
