/*
 * mem.c - the machine's physical memory and the generator's own address map.
 *
 * Pages the generator writes (kernel data, struct pages, page tables) live
 * in a hash table keyed by pfn; every other RAM page gets a pattern that
 * names its pfn (or zeros: "zero" pages, sparse dumps).  Virtual addresses
 * are resolved here from the generator's own layout, never by walking the
 * page tables it writes: that walk is the program's job.
 */
#include "mkvmcore.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct slot { uint64_t pfn; uint8_t *page; };
static struct slot *tab;
static size_t tab_cap, tab_used;

static size_t hash(uint64_t pfn)
{
	return (size_t)((pfn * UINT64_C(0x9e3779b97f4a7c15)) >> 20);
}

static struct slot *lookup(uint64_t pfn)
{
	size_t i;

	if (!tab_cap)
		return NULL;
	for (i = hash(pfn) & (tab_cap - 1); tab[i].page; i = (i + 1) & (tab_cap - 1))
		if (tab[i].pfn == pfn)
			return &tab[i];
	return &tab[i];
}

static void grow(void)
{
	struct slot *old = tab;
	size_t i, n = tab_cap;

	tab_cap = n ? n * 2 : 1024;
	tab = calloc(tab_cap, sizeof(*tab));
	if (!tab)
		die("out of memory");
	tab_used = 0;
	for (i = 0; i < n; i++)
		if (old[i].page) {
			*lookup(old[i].pfn) = old[i];
			tab_used++;
		}
	free(old);
}

bool pfn_in_ram(uint64_t pfn)
{
	uint64_t pa = pfn << PAGE_SHIFT;
	int i;

	for (i = 0; i < S.nram; i++)
		if (pa >= S.ram[i].start && pa < S.ram[i].end)
			return true;
	return false;
}

bool pfn_in_file(uint64_t pfn)
{
	uint64_t pa = pfn << PAGE_SHIFT;
	int i;

	for (i = 0; i < S.nram; i++)
		if (pa >= S.ram[i].start && pa < S.ram[i].file_end)
			return true;
	return false;
}

const uint8_t *phys_page_peek(uint64_t pfn)
{
	struct slot *s = lookup(pfn);

	return s && s->page ? s->page : NULL;
}

uint8_t *phys_page(uint64_t pfn)
{
	struct slot *s;

	if (!pfn_in_file(pfn))
		die("write to pfn %#llx, which is not RAM backed by the file",
		    (unsigned long long)pfn);
	if ((tab_used + 1) * 2 > tab_cap)
		grow();
	s = lookup(pfn);
	if (!s->page) {
		uint64_t vidx;

		s->pfn = pfn;
		s->page = calloc(1, PAGE_SIZE);
		if (!s->page)
			die("out of memory");
		tab_used++;
		if (memmap_backing(pfn, &vidx))	/* written after the struct pages were made */
			memmap_page(vidx, s->page);
	}
	return s->page;
}

void phys_write(uint64_t pa, const void *src, size_t n)
{
	const uint8_t *p = src;

	while (n) {
		size_t off = pa & (PAGE_SIZE - 1), chunk = PAGE_SIZE - off;

		if (chunk > n)
			chunk = n;
		memcpy(phys_page(pa >> PAGE_SHIFT) + off, p, chunk);
		pa += chunk;
		p += chunk;
		n -= chunk;
	}
}

/* The page pattern is little endian whatever the target: it is data, not a structure. */
static void put_le(uint8_t *b, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* Stores in the target's byte order, whatever the host. */
void phys_w64(uint64_t pa, uint64_t v) { uint8_t b[8]; put_t(b, v, 8); phys_write(pa, b, 8); }
void phys_w32(uint64_t pa, uint32_t v) { uint8_t b[4]; put_t(b, v, 4); phys_write(pa, b, 4); }
void phys_w16(uint64_t pa, uint16_t v) { uint8_t b[2]; put_t(b, v, 2); phys_write(pa, b, 2); }

uint64_t phys_r64(uint64_t pa)
{
	return get_t(phys_page(pa >> PAGE_SHIFT) + (pa & (PAGE_SIZE - 1)), 8);
}
void phys_w8(uint64_t pa, uint8_t v) { phys_write(pa, &v, 1); }

uint64_t phys_to_direct(uint64_t pa)
{
	return M.page_offset + pa;
}

static bool translate(uint64_t va, uint64_t *pa)
{
	if (A->kimage_pa && A->kimage_pa(va, pa))
		return true;
	if (va >= M.page_offset && va - M.page_offset < (M.max_pfn << PAGE_SHIFT)) {
		*pa = va - M.page_offset;
		return pfn_in_ram(*pa >> PAGE_SHIFT);
	}
	if (M.vmemmap_pfn && va >= M.vmemmap_base &&
	    (va - M.vmemmap_base) >> PAGE_SHIFT < M.vmemmap_pages) {
		uint64_t pfn = M.vmemmap_pfn[(va - M.vmemmap_base) >> PAGE_SHIFT];

		if (pfn == NO_PFN)
			return false;
		*pa = (pfn << PAGE_SHIFT) | (va & (PAGE_SIZE - 1));
		return true;
	}
	return false;
}

bool virt_mapped(uint64_t va)
{
	uint64_t pa;

	return translate(va, &pa);
}

uint64_t virt_to_phys(uint64_t va)
{
	uint64_t pa;

	if (!translate(va, &pa))
		die("internal: virtual address %#llx is not mapped", (unsigned long long)va);
	return pa;
}

void virt_write(uint64_t va, const void *src, size_t n)
{
	const uint8_t *p = src;

	while (n) {	/* page by page: virtually contiguous is not physically */
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));

		if (chunk > n)
			chunk = n;
		phys_write(virt_to_phys(va), p, chunk);
		va += chunk;
		p += chunk;
		n -= chunk;
	}
}

void virt_w64(uint64_t va, uint64_t v) { uint8_t b[8]; put_t(b, v, 8); virt_write(va, b, 8); }
void virt_w32(uint64_t va, uint32_t v) { uint8_t b[4]; put_t(b, v, 4); virt_write(va, b, 4); }
void virt_wlong(uint64_t va, uint64_t v) { uint8_t b[8]; put_t(b, v, WORD); virt_write(va, b, WORD); }
void virt_w8(uint64_t va, uint8_t v) { virt_write(va, &v, 1); }

uint64_t virt_r64(uint64_t va)
{
	uint8_t b[8];
	int i;

	for (i = 0; i < 8; i++) {
		uint64_t pa = virt_to_phys(va + (uint64_t)i);

		b[i] = phys_page(pa >> PAGE_SHIFT)[pa & (PAGE_SIZE - 1)];
	}
	return get_t(b, 8);
}

static bool pfn_free_for_data(uint64_t pfn)
{
	return pfn < M.max_pfn && pfn_in_file(pfn) && M.kind[pfn] == K_NONE;
}

/*
 * Kernel image data (.data/.bss): byte allocations inside the kernel-text
 * PT_LOAD, skipping pages the spec describes.  Returns a kernel-text va.
 */
uint64_t kdata_alloc(uint64_t bytes)
{
	return kdata_alloc_aligned(bytes, bytes >= PAGE_SIZE ? PAGE_SIZE : 64);
}

uint64_t kdata_alloc_aligned(uint64_t bytes, uint64_t align)
{
	static uint64_t cursor;		/* physical byte address */
	uint64_t limit = S.kload + S.ksize;

	if (!cursor)
		cursor = S.kload + (1u << 20);	/* the first MiB is "text" */
	for (;;) {
		uint64_t start = (cursor + align - 1) & ~(align - 1), p, bad = 0;

		if (start + bytes > limit)
			die("the kernel image (ksize=%#llx) is too small for the kernel data",
			    (unsigned long long)S.ksize);
		for (p = start >> PAGE_SHIFT; p <= (start + bytes - 1) >> PAGE_SHIFT; p++)
			if (M.kind[p] != K_KDATA && !pfn_free_for_data(p)) {
				bad = p + 1;
				break;
			}
		if (bad) {
			cursor = bad << PAGE_SHIFT;
			continue;
		}
		for (p = start >> PAGE_SHIFT; p <= (start + bytes - 1) >> PAGE_SHIFT; p++)
			M.kind[p] = K_KDATA;	/* zero until written (see page_content) */
		cursor = start + bytes;
		return A->kimage_va(start);
	}
}

static bool in_kernel_image(uint64_t pfn)
{
	return pfn >= S.kload >> PAGE_SHIFT && pfn < (S.kload + S.ksize) >> PAGE_SHIFT;
}

/* memblock: npages physically contiguous, aligned, top down.  Returns a pfn. */
uint64_t pool_alloc(uint64_t npages, uint64_t align)
{
	/*
	 * Where the last aligned block of this shape was put: nothing above it
	 * can fit one (kinds never go back to free), so the next search starts
	 * there rather than at the top (a 1 TiB vmemmap is 8192 such blocks).
	 */
	static uint64_t aligned_next, shape_n, shape_align;
	uint64_t start, p, top;

	if (!M.pool_next)
		M.pool_next = M.max_pfn;
	if (align > 1 && (shape_n != npages || shape_align != align)) {
		shape_n = npages;
		shape_align = align;
		aligned_next = M.max_pfn;
	}
	top = align > 1 && aligned_next < M.pool_next ? aligned_next : M.pool_next;
	if (top < npages)
		goto none;
	for (start = (top - npages) / align * align;; start -= align) {
		for (p = start; p < start + npages; p++)
			if (!pfn_free_for_data(p) || in_kernel_image(p))
				break;
		if (p == start + npages) {
			for (p = start; p < start + npages; p++)
				M.kind[p] = K_KDATA;	/* zero until written */
			if (align == 1)
				M.pool_next = start;
			else
				aligned_next = start;
			return start;
		}
		if (start < align)
			break;
	}
none:
	if (align > 1) {
		aligned_next = 0;	/* none fits anywhere: nor will the next */
		return NO_PFN;
	}
	die("no free RAM left for %llu page(s) of kernel data", (unsigned long long)npages);
}

/* -p PAGES: real page data, mapped; in-use page pfn gets page pfn % count. */
static const uint8_t *content;
static uint64_t content_pages;

void content_open(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0)
		die("%s: %s", path, strerror(errno));
	content_pages = (uint64_t)st.st_size / PAGE_SIZE;
	if (!content_pages)
		die("%s: not even one page of data", path);
	content = mmap(NULL, content_pages * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	if (content == MAP_FAILED)
		die("%s: mmap: %s", path, strerror(errno));
	close(fd);
}

/* The bytes of a RAM page as the dump holds them. */
void page_content(uint64_t pfn, uint8_t *buf, bool *is_zero)
{
	const uint8_t *p = phys_page_peek(pfn);
	uint64_t vidx;
	unsigned i;

	*is_zero = false;
	if (!p && memmap_backing(pfn, &vidx)) {
		memmap_page(vidx, buf);
		p = buf;
	}
	if (p) {
		if (p != buf)
			memcpy(buf, p, PAGE_SIZE);
		for (i = 0; i < PAGE_SIZE && !p[i]; i++)
			;
		*is_zero = i == PAGE_SIZE;
		return;
	}
	if (!pfn_in_file(pfn) || S.sparse_file ||
	    (pfn < M.max_pfn && (M.kind[pfn] == K_ZERO || M.kind[pfn] == K_KDATA))) {
		memset(buf, 0, PAGE_SIZE);
		*is_zero = true;
		return;
	}
	if (content) {
		memcpy(buf, content + pfn % content_pages * PAGE_SIZE, PAGE_SIZE);
		for (i = 0; i < PAGE_SIZE && !buf[i]; i++)
			;
		*is_zero = i == PAGE_SIZE;
		return;
	}
	for (i = 0; i < PAGE_SIZE; i += 8) {	/* "pfn" and the word index, never zero */
		uint64_t w = UINT64_C(0x6d6b766d00000000) | (pfn << 9) | (i / 8);

		put_le(buf + i, w, 8);
	}
}
