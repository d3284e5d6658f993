/*
 * test_arch.c - the arch hooks that need no dump: the arm64 fallbacks for
 * SECTION_SIZE_BITS and MAX_PHYSMEM_BITS by release, page size and facts
 * (the x86_64 ones need the paging mode from a dump: tests/specs/fallback-*),
 * the ppc64, s390x and riscv64 ones, the KASLR symbol shifts, the vmlinux page size
 * from an arm64 Image header, char signedness, and the table lookup.  Ends with "N passed, N failed"; exits 1 on a failure.
 */
#include <stdio.h>
#include <string.h>

#include "arch/arch.h"

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif
#ifndef EM_X86_64
#define EM_X86_64 62
#endif

static unsigned pass, fail;

/* got and want are evaluated once */
static void check(const char *what, long got, long want)
{
	if (got == want) {
		pass++;
		return;
	}
	fail++;
	printf("FAIL %s: got %ld, want %ld\n", what, got, want);
}
#define EQ(what, got, want) check(what, (long)(got), (long)(want))

/* An arm64 kernel's facts: release, page size, and optionally the mem_section facts. */
static void arm64_kview(struct kview *kv, const char *release, unsigned page_size)
{
	memset(kv, 0, sizeof(*kv));
	kv->page_size = page_size;
	kf_set_text(&kv->k, KT_OSRELEASE, release, (unsigned)strlen(release));
	kf_set(&kv->k, KF_PAGESIZE, page_size);
}

static void test_arm64_section_size_bits(void)
{
	struct kview kv;

	arm64_kview(&kv, "5.11.22-arm64", 4096);
	EQ("arm64 5.11, 4K: SECTION_SIZE_BITS", arch_arm64.section_size_bits(&kv), 30);
	arm64_kview(&kv, "5.12.0", 4096);
	EQ("arm64 5.12, 4K: SECTION_SIZE_BITS", arch_arm64.section_size_bits(&kv), 27);
	arm64_kview(&kv, "5.12.0", 16384);
	EQ("arm64 5.12, 16K: SECTION_SIZE_BITS", arch_arm64.section_size_bits(&kv), 27);
	arm64_kview(&kv, "6.1.0-56-arm64", 65536);
	EQ("arm64 6.1, 64K: SECTION_SIZE_BITS", arch_arm64.section_size_bits(&kv), 29);
	arm64_kview(&kv, "4.19.0", 65536);
	EQ("arm64 4.19, 64K: SECTION_SIZE_BITS", arch_arm64.section_size_bits(&kv), 30);
}

static void test_arm64_max_physmem_bits(void)
{
	struct kview kv;

	/* the arm64-6.1 fixture: 16384 roots of 4096 / 32 sections, 2^27-byte sections */
	arm64_kview(&kv, "6.1.0", 4096);
	kf_set(&kv.k, KF_LEN_mem_section, 16384);
	kf_set(&kv.k, KF_SIZE_mem_section, 32);
	kf_set(&kv.k, KF_NUM_SECTION_SIZE_BITS, 27);
	EQ("arm64 from LENGTH(mem_section): MAX_PHYSMEM_BITS", arch_arm64.max_physmem_bits(&kv), 48);
	/* 52-bit PA with 64K pages: 2^(52-29) sections, 4096 per root of 65536 / 16 */
	arm64_kview(&kv, "5.4.0", 65536);
	kf_set(&kv.k, KF_LEN_mem_section, 2048);
	kf_set(&kv.k, KF_SIZE_mem_section, 16);
	kf_set(&kv.k, KF_NUM_SECTION_SIZE_BITS, 29);
	kf_set(&kv.k, KF_NUM_VA_BITS, 48);
	EQ("arm64 52-bit PA, 48-bit VA: MAX_PHYSMEM_BITS", arch_arm64.max_physmem_bits(&kv), 52);
	arm64_kview(&kv, "5.4.0", 65536);
	kf_set(&kv.k, KF_NUM_VA_BITS, 52);
	EQ("arm64 without LENGTH, VA_BITS 52: MAX_PHYSMEM_BITS", arch_arm64.max_physmem_bits(&kv), 52);
	arm64_kview(&kv, "5.4.0", 4096);
	kf_set(&kv.k, KF_NUM_VA_BITS, 39);
	EQ("arm64 without LENGTH, VA_BITS 39: MAX_PHYSMEM_BITS", arch_arm64.max_physmem_bits(&kv), 48);
}

static void test_ppc64_fallbacks(void)
{
	struct kview kv;

	/* the ppc64le-6.1 capture: 65536 roots of 65536 / 32 sections of 2^24 bytes */
	arm64_kview(&kv, "6.1.0", 65536);
	kf_set(&kv.k, KF_LEN_mem_section, 65536);
	kf_set(&kv.k, KF_SIZE_mem_section, 32);
	kf_set(&kv.k, KF_NUM_SECTION_SIZE_BITS, 24);
	EQ("ppc64 from LENGTH(mem_section): MAX_PHYSMEM_BITS", arch_ppc64.max_physmem_bits(&kv), 51);
	arm64_kview(&kv, "4.4.0", 65536);
	EQ("ppc64 without LENGTH: MAX_PHYSMEM_BITS", arch_ppc64.max_physmem_bits(&kv), 46);
	EQ("ppc64 SECTION_SIZE_BITS", arch_ppc64.section_size_bits(&kv), 24);
}

static void test_s390x_fallbacks(void)
{
	struct kview kv;

	/* the s390x-6.1 capture: 2048 roots of 4096 / 32 sections of 2^28 bytes */
	arm64_kview(&kv, "6.1.0-50-s390x", 4096);
	kf_set(&kv.k, KF_LEN_mem_section, 2048);
	kf_set(&kv.k, KF_SIZE_mem_section, 32);
	kf_set(&kv.k, KF_NUM_SECTION_SIZE_BITS, 28);
	EQ("s390x from LENGTH(mem_section): MAX_PHYSMEM_BITS", arch_s390x.max_physmem_bits(&kv), 46);
	arm64_kview(&kv, "4.19.0", 4096);
	EQ("s390x without LENGTH: MAX_PHYSMEM_BITS", arch_s390x.max_physmem_bits(&kv), 46);
	EQ("s390x SECTION_SIZE_BITS", arch_s390x.section_size_bits(&kv), 28);
}

/* The KASLR shift of given symbols: by KERNELOFFSET, or by _stext where the arch says. */
static void test_symbol_shift(void)
{
	struct kfacts note, given;

	memset(&note, 0, sizeof(note));
	memset(&given, 0, sizeof(given));
	kf_set(&note, KF_KERNELOFFSET, 0x200000);
	kf_set(&given, KF_KERNELOFFSET, 0x80000);
	EQ("by offset: the note's less the -i text's", arch_shift_by_offset(&note, &given), 0x180000);
	EQ("by _stext without _stext: by offset", arch_shift_by_stext(&note, &given), 0x180000);
	kf_set(&note, KF_SYM__stext, 0x3ffe0100000);
	kf_set(&given, KF_SYM__stext, 0x3ffe0000000);
	/* s390x 6.10+: KERNELOFFSET is the image's address, not a shift */
	EQ("s390x: by _stext", arch_s390x.symbol_shift(&note, &given), 0x100000);
	EQ("i386 with KERNELOFFSET: by offset", arch_x86.symbol_shift(&note, &given), 0x180000);
	note.have[KF_KERNELOFFSET] = false;
	EQ("i386 without KERNELOFFSET: by _stext", arch_x86.symbol_shift(&note, &given), 0x100000);
}

static void test_riscv64_fallbacks(void)
{
	struct kview kv;
	struct arch_image none = { NULL, NULL, 0 };

	/* the riscv64-6.12 capture: 4194304 roots of 4096 / 32 sections of 2^27 bytes */
	arm64_kview(&kv, "6.12.0", 4096);
	kf_set(&kv.k, KF_LEN_mem_section, 4194304);
	kf_set(&kv.k, KF_SIZE_mem_section, 32);
	kf_set(&kv.k, KF_NUM_SECTION_SIZE_BITS, 27);
	EQ("riscv64 from LENGTH(mem_section): MAX_PHYSMEM_BITS", arch_riscv64.max_physmem_bits(&kv), 56);
	arm64_kview(&kv, "5.10.0", 4096);
	EQ("riscv64 without LENGTH: MAX_PHYSMEM_BITS", arch_riscv64.max_physmem_bits(&kv), 56);
	EQ("riscv64 SECTION_SIZE_BITS", arch_riscv64.section_size_bits(&kv), 27);
	EQ("riscv64 vmlinux", arch_riscv64.vmlinux_page_size(&none), 4096);
	EQ("arch_for_machine(EM_RISCV)", arch_for_machine(243) == &arch_riscv64, 1);
	EQ("riscv64 char is unsigned", arch_riscv64.char_is_signed, 0);
}

/* A fake image: 64 bytes of Image header at _text. */
struct image { uint64_t text; unsigned char head[64]; };

static size_t read_image(const void *ctx, uint64_t va, void *buf, size_t len)
{
	const struct image *im = ctx;

	if (va != im->text || len > sizeof(im->head))
		return 0;
	memcpy(buf, im->head, len);
	return len;
}

static unsigned arm64_image_page_size(unsigned flag_bits, bool magic)
{
	struct image im = { .text = 0xffff800008000000 };
	struct arch_image img = { read_image, &im, im.text };

	im.head[24] = (unsigned char)(flag_bits << 1);	/* flags, little-endian, bits 1-2 */
	if (magic)
		memcpy(im.head + 56, "ARM\x64", 4);
	return arch_arm64.vmlinux_page_size(&img);
}

static void test_vmlinux_page_size(void)
{
	struct arch_image none = { read_image, NULL, 0 };

	EQ("arm64 Image header 4K", arm64_image_page_size(1, true), 4096);
	EQ("arm64 Image header 16K", arm64_image_page_size(2, true), 16384);
	EQ("arm64 Image header 64K", arm64_image_page_size(3, true), 65536);
	EQ("arm64 Image header, size unspecified", arm64_image_page_size(0, true), 0);
	EQ("arm64 without the magic", arm64_image_page_size(1, false), 0);
	EQ("arm64 without _text", arch_arm64.vmlinux_page_size(&none), 0);
	EQ("x86_64 vmlinux", arch_x86_64.vmlinux_page_size(&none), 4096);
	EQ("x86 (i386) vmlinux", arch_x86.vmlinux_page_size(&none), 4096);
	EQ("s390x vmlinux", arch_s390x.vmlinux_page_size(&none), 4096);
}

static void test_table(void)
{
	EQ("arch_for_machine(EM_X86_64)", arch_for_machine(EM_X86_64) == &arch_x86_64, 1);
	EQ("arch_for_machine(EM_AARCH64)", arch_for_machine(EM_AARCH64) == &arch_arm64, 1);
	EQ("arch_for_machine(EM_PPC64)", arch_for_machine(21) == &arch_ppc64, 1);
	EQ("arch_for_machine(EM_386)", arch_for_machine(3) == &arch_x86, 1);
	EQ("arch_for_machine(EM_S390)", arch_for_machine(22) == &arch_s390x, 1);
	EQ("arch_for_machine(EM_SPARC): none", arch_for_machine(2) == NULL, 1);
	EQ("x86 (i386) char is signed", arch_x86.char_is_signed, 1);
	EQ("x86_64 char is signed", arch_x86_64.char_is_signed, 1);
	EQ("arm64 char is unsigned", arch_arm64.char_is_signed, 0);
	EQ("ppc64 char is unsigned", arch_ppc64.char_is_signed, 0);
	EQ("s390x char is unsigned", arch_s390x.char_is_signed, 0);
}

int main(void)
{
	test_arm64_section_size_bits();
	test_arm64_max_physmem_bits();
	test_ppc64_fallbacks();
	test_s390x_fallbacks();
	test_symbol_shift();
	test_riscv64_fallbacks();
	test_vmlinux_page_size();
	test_table();
	printf("%u passed, %u failed\n", pass, fail);
	return fail ? 1 : 0;
}
