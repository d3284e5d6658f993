/*
 * vmcore.c - the input dump, whatever its format: opens the file, finds the
 * format whose probe says yes (vmcore_format.h) and dispatches to it.
 * Holds what is common to every format: the file and its read window
 * (infile.h), what the format's open said about the dump, the page size.
 */
#include "vmcore.h"
#include "vmcore_format.h"
#include "sink.h"
#include "page.h"

#include <stdlib.h>

/* In probe order: the kdump signature is exact, libelf is the fallback. */
static const struct input_ops *const formats[] = { &input_kdump_ops, &input_elf_ops };

struct vmcore {
	struct infile file;
	const struct input_ops *ops;
	void *fmt;		/* the format's state */
	struct input_desc d;
	unsigned page_size;
};

static const struct input_ops *probe_format(struct infile *f)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i]->probe(f))
			return formats[i];
	return NULL;
}

/* A -F stream is no dump yet: say how to make it one. */
static bool is_flattened(struct infile *f)
{
	uint8_t sig[16];

	return pread_full(f->fd, sig, sizeof(sig), 0) == 0 && sink_is_flattened(sig, sizeof(sig));
}

struct vmcore *vmcore_open(const char *path, bool use_mmap, struct err *e)
{
	struct vmcore *vc = calloc(1, sizeof(*vc));

	if (!vc) {
		err_set(e, "%s: out of memory", path);
		return NULL;
	}
	if (infile_open(&vc->file, path, use_mmap, e) < 0) {
		free(vc);
		return NULL;
	}
	vc->ops = probe_format(&vc->file);
	if (!vc->ops) {
		if (is_flattened(&vc->file))
			err_set(e, "%s: a flattened dump (-F output): rearrange it first with makedumpfile -R DUMPFILE < %s",
				path, path);
		else
			err_set(e, "%s: not an ELF file nor a kdump-compressed dump", path);
		goto fail;
	}
	vc->fmt = vc->ops->open(&vc->file, &vc->d, e);
	if (!vc->fmt)
		goto fail;
	return vc;
fail:
	vmcore_close(vc);
	return NULL;
}

struct vmcore *vmcore_reopen(const struct vmcore *vc, struct err *e)
{
	struct vmcore *c = vmcore_open(vc->file.path, vc->file.use_mmap, e);

	if (c && vc->page_size && vmcore_set_page_size(c, vc->page_size, e) < 0) {
		vmcore_close(c);
		return NULL;
	}
	return c;
}

void vmcore_drop_windows(struct vmcore *vc)
{
	infile_drop_maps(&vc->file);
}

void vmcore_close(struct vmcore *vc)
{
	if (!vc)
		return;
	if (vc->fmt)
		vc->ops->close(vc->fmt);
	infile_close(&vc->file);
	free(vc);
}

const char *vmcore_path(const struct vmcore *vc) { return vc->file.path; }
enum vmcore_kind vmcore_kind(const struct vmcore *vc) { return vc->ops->kind; }
int vmcore_elf_class(const struct vmcore *vc) { return vc->d.elf_class; }
bool vmcore_big_endian(const struct vmcore *vc) { return vc->d.big_endian; }
unsigned vmcore_machine(const struct vmcore *vc) { return vc->d.machine; }
size_t vmcore_nsegs(const struct vmcore *vc) { return vc->d.nsegs; }
const struct vmcore_seg *vmcore_seg(const struct vmcore *vc, size_t i) { return &vc->d.segs[i]; }
unsigned vmcore_nr_cpus(const struct vmcore *vc) { return vc->d.nr_cpus; }

const uint8_t *vmcore_notes(const struct vmcore *vc, size_t *len)
{
	*len = vc->d.notes_len;
	return vc->d.notes;
}

const char *vmcore_vmcoreinfo(const struct vmcore *vc, size_t *len, size_t *off)
{
	if (!vc->d.vmcoreinfo_len)
		return NULL;
	*len = vc->d.vmcoreinfo_len;
	if (off)
		*off = vc->d.vmcoreinfo_off;
	return (const char *)vc->d.notes + vc->d.vmcoreinfo_off;
}

bool vmcore_elf_headers(const struct vmcore *vc, GElf_Ehdr *eh, GElf_Phdr *note)
{
	return vc->ops->elf_headers && vc->ops->elf_headers(vc->fmt, eh, note);
}

int vmcore_input_dump_level(const struct vmcore *vc)
{
	return vc->ops->dump_level ? vc->ops->dump_level(vc->fmt) : 0;
}

bool vmcore_kdump_geometry(const struct vmcore *vc, struct kdump_geometry *g)
{
	return vc->ops->kdump_geometry && vc->ops->kdump_geometry(vc->fmt, g);
}

int vmcore_set_page_size(struct vmcore *vc, unsigned page_size, struct err *e)
{
	if (page_size < 512 || page_size > (1u << 20) || (page_size & (page_size - 1)))
		return err_set(e, "%s: invalid page size %u", vc->file.path, page_size);
	if (vc->page_size == page_size)
		return 0;
	if (vc->page_size)
		return err_set(e, "%s: page size changed from %u to %u", vc->file.path,
			       vc->page_size, page_size);
	vc->page_size = page_size;
	return vc->ops->set_page_size(vc->fmt, page_size, e);
}

uint64_t vmcore_max_pfn(const struct vmcore *vc) { return vc->ops->max_pfn(vc->fmt); }

uint64_t vmcore_original_pages(const struct vmcore *vc, uint64_t max_pfn)
{
	return vc->ops->original_pages(vc->fmt, max_pfn);
}

int vmcore_window_bits(struct vmcore *vc, uint64_t start, uint64_t end, uint8_t *bm,
		       bool with_data_only, struct err *e)
{
	return vc->ops->window_bits(vc->fmt, start, end, bm, with_data_only, e);
}

const uint8_t *vmcore_page(struct vmcore *vc, uint64_t pfn, struct err *e)
{
	return vc->ops->page(vc->fmt, pfn, e);
}

bool vmcore_page_known_zero(const struct vmcore *vc, const uint8_t *page)
{
	return vc->ops->page_known_zero && vc->ops->page_known_zero(vc->fmt, page);
}

int vmcore_page_hold(struct vmcore *vc, const uint8_t *page)
{
	return vc->ops->page_hold ? vc->ops->page_hold(vc->fmt, page) : -1;
}

void vmcore_page_release(struct vmcore *vc, int handle)
{
	if (handle >= 0 && vc->ops->page_release)
		vc->ops->page_release(vc->fmt, handle);
}

int vmcore_read_guarded(const struct vmcore *vc, void (*fn)(void *arg), void *arg,
			struct err *e)
{
	if (infile_guarded(fn, arg))
		return 0;
	return err_set(e, "%s: pages read before cannot be read any more (was the file cut short?)",
		       vc->file.path);
}

bool vmcore_page_is_zero(const struct vmcore *vc, const uint8_t *page)
{
	return vmcore_page_known_zero(vc, page) || page_is_zero(page, vc->page_size);
}

int vmcore_read_phys(struct vmcore *vc, uint64_t paddr, void *buf, size_t len, struct err *e)
{
	return vc->ops->read_phys(vc->fmt, paddr, buf, len, e);
}
