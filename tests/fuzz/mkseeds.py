#!/usr/bin/env python3
"""tests/fuzz/mkseeds.py MAKEDUMPFILE MKVMCORE - (re)write the seed inputs.

Seeds are named seed-*; files named crash-* / hang-* / leak-* are
reproducers of fixed bugs and are never touched here.  Every seed is a
real input of its harness made by the tools of the test suite (mkelf.py,
mkdmesg.py, mkvmcore, this program) or, for the compact "VMCOREINFO text,
NUL, RAM" inputs of the dmesg and memmap harnesses, laid out here.
"""
import os
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ = os.path.join(TOP, "tests", "fuzz")
MKELF = os.path.join(TOP, "tests", "tools", "mkelf.py")
MKDMESG = os.path.join(TOP, "tests", "dmesg", "mkdmesg.py")
KMAP, PA0 = 0xffffffff80000000, 0x1000000


def put(harness, name, data):
    d = os.path.join(FUZZ, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def run(*args, **kw):
    return subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **kw).stdout


def read(path):
    with open(path, "rb") as f:
        return f.read()


def note_text(core):
    """The VMCOREINFO text of a little-endian ELF64 core."""
    i = core.find(b"VMCOREINFO\0")
    namesz, descsz, _ = struct.unpack("<III", core[i - 12:i])
    off = i + (namesz + 3 & ~3)
    return core[off:off + descsz]


def ram_of(core):
    """RAM bytes from PA0 of a little-endian ELF64 core (holes read as zero)."""
    phoff, = struct.unpack_from("<Q", core, 32)
    phnum, = struct.unpack_from("<H", core, 56)
    ram = bytearray()
    for i in range(phnum):
        typ, _, off, _, paddr, filesz, _, _ = struct.unpack_from("<IIQQQQQQ", core, phoff + 56 * i)
        if typ != 1 or paddr < PA0:
            continue
        at = paddr - PA0
        if len(ram) < at + filesz:
            ram += bytes(at + filesz - len(ram))
        ram[at:at + filesz] = core[off:off + filesz]
    return bytes(ram).rstrip(b"\0")


def elf_seeds(tmp, mdf):
    cores = {
        "le64": ["--vmcoreinfo", "0:0x4000", "0x10000:0x3000:0x1000"],
        "le64-novmci": ["0x2000:0x2000", "0x100000:0x1000"],
        "be64-ppc": ["--endian", "be", "--machine", "21", "--vmcoreinfo", "0:0x3000"],
        "be32": ["--class", "32", "--endian", "be", "--machine", "8", "--vmcoreinfo", "0:0x2000:0x1000"],
        "le32-i386": ["--class", "32", "--machine", "3", "--cpus", "1", "0:0x3000"],
    }
    paths = {}
    for name, args in cores.items():
        p = os.path.join(tmp, name + ".core")
        run(sys.executable, MKELF, p, *args)
        put("elf", name, read(p))
        paths[name] = p
    return paths


def kdump_seeds(tmp, mdf, cores):
    for name, core in (("le64", cores["le64"]), ("be32", cores["be32"])):
        for codec in ("-c", "-l", "-p", "-z"):
            out = os.path.join(tmp, "k%s%s" % (name, codec))
            r = subprocess.run([mdf, codec, "-d", "1", core, out],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 0:
                put("kdump", name + codec, read(out))
    # flattened streams, of both formats
    put("flat", "kdump", run(mdf, "-F", "-c", "-d", "1", cores["le64"]))
    put("flat", "elf", run(mdf, "-F", "-E", "-d", "1", cores["le64-novmci"]))
    # --split parts, joined by the harness's separator
    for n in (2, 3):
        parts = [os.path.join(tmp, "part%d-%d" % (n, i)) for i in range(n)]
        run(mdf, "--split", "-c", "-d", "1", "--splitblock-size", "4", cores["le64"], *parts)
        put("reassemble", "%dparts" % n, b"\n=PART=\n".join(read(p) for p in parts))


def vmcoreinfo_seeds(tmp, mkvmcore):
    fix = os.path.join(os.path.dirname(TOP), "shared", "fixtures")
    for d in sorted(os.listdir(fix)) if os.path.isdir(fix) else []:
        p = os.path.join(fix, d, "vmcoreinfo.txt")
        if os.path.exists(p):
            put("vmcoreinfo", "real-" + d, read(p))
    for era in ("2.6.20", "3.10", "4.4", "5.10", "6.12", "7.1"):
        spec = os.path.join(tmp, "era.spec")
        with open(spec, "w") as f:
            f.write("arch=x86_64\nera=%s\nram=0-64M\ncpus=1\n" % era)
        core = os.path.join(tmp, "era.core")
        run(mkvmcore, spec, core)
        put("vmcoreinfo", "era-" + era, note_text(read(core)))
        os.unlink(core)


def dmesg_seeds(tmp):
    names = ["lockless-basic", "lockless-clear-latched", "lockless-wrap", "lockless-idwrap",
             "lockless-corrupt", "lockless-badring", "printk_log-wrap", "printk_log-past-end",
             "printk_log-short", "printk_log-bad-first", "log-3.5", "classic-short",
             "classic-wrapped", "classic-2.6.18"]
    for name in names:
        p = os.path.join(tmp, name + ".core")
        run(sys.executable, MKDMESG, name, p)
        core = read(p)
        put("dmesg", name, note_text(core).rstrip(b"\0") + b"\0" + ram_of(core))


# ---- memmap: section tables and struct pages --------------------------------

FACTS_6_1 = """OSRELEASE=6.1.0-fuzz
PAGESIZE=4096
SIZE(page)=64
OFFSET(page.flags)=0
OFFSET(page._refcount)=52
OFFSET(page.mapping)=24
OFFSET(page.lru)=8
OFFSET(page._mapcount)=48
OFFSET(page.private)=40
OFFSET(page.compound_dtor)=16
OFFSET(page.compound_order)=17
OFFSET(page.compound_head)=8
LENGTH(zone.free_area)=11
NUMBER(PG_lru)=4
NUMBER(PG_private)=13
NUMBER(PG_swapcache)=10
NUMBER(PG_swapbacked)=19
NUMBER(PG_slab)=9
NUMBER(PG_head_mask)=65536
NUMBER(PG_hwpoison)=22
NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129
NUMBER(HUGETLB_PAGE_DTOR)=2
NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257
NUMBER(phys_base)=0
KERNELOFFSET=0
"""
SECTION_BITS, PHYSMEM_BITS = 18, 30          # 64 pfns a section, 4096 sections
PFN0 = PA0 // 4096                            # first pfn of the image
MAP_OFF, MAP_PFNS = 0x2000, 512               # struct pages in the image
FAR_MAP = 0x400000                            # struct pages past the image: zeros


def va(off):
    return KMAP + PA0 + off


def struct_pages():
    b = bytearray(MAP_PFNS * 64)

    def page(pfn, flags=0, mapping=0, mapcount=0, private=0, head=0):
        o = (pfn - PFN0) * 64
        struct.pack_into("<Q", b, o, flags)
        struct.pack_into("<Q", b, o + 8, head)
        struct.pack_into("<Q", b, o + 24, mapping)
        struct.pack_into("<Q", b, o + 40, private)
        struct.pack_into("<I", b, o + 48, mapcount)

    page(PFN0, mapcount=0xffffff7f, private=3)            # free, order 3
    for p in range(PFN0 + 8, PFN0 + 16):
        page(p, mapping=va(0x100) | 1)                     # anonymous
    for p in range(PFN0 + 16, PFN0 + 24):
        page(p, flags=1 << 4, mapping=va(0x200))           # page cache
    page(PFN0 + 24, flags=(1 << 4) | (1 << 13), mapping=va(0x200))   # cache, private
    page(PFN0 + 25, flags=(1 << 10) | (1 << 19), mapping=va(0x200))  # swap cache
    page(PFN0 + 32, flags=1 << 16, mapping=va(0x100) | 1)  # anon THP head, order 4
    struct.pack_into("<B", b, (33 * 64) + 17, 4)
    for p in range(PFN0 + 33, PFN0 + 48):
        page(p, head=va(MAP_OFF + 32 * 64) | 1)
    page(PFN0 + 64, flags=1 << 16)                         # hugetlb head, order 3
    struct.pack_into("<BB", b, (65 * 64) + 16, 2, 3)
    page(PFN0 + 80, flags=1 << 9)                          # slab
    page(PFN0 + 81, flags=1 << 22)                         # hwpoison
    page(PFN0 + 82, mapcount=0xfffffeff)                   # offline
    page(PFN0 + 96, mapcount=0xffffff7f, private=40)       # free with a bad order
    page(PFN0 + 128, mapcount=0xffffff7f, private=10)      # free, order past the map
    return bytes(b)


def section_table(nsec):
    """mem_section entries for pfns 0..: image pfns' struct pages, the rest far."""
    t = bytearray(16 * nsec)
    for nr in range(nsec):
        first = nr << (SECTION_BITS - 12)
        if first < PFN0:
            continue
        if first < PFN0 + MAP_PFNS:
            base = va(MAP_OFF + (first - PFN0) * 64)
        else:
            base = va(FAR_MAP + (first - PFN0) * 64)
        struct.pack_into("<Q", t, 16 * nr, (base - first * 64) | 0x3)
    return bytes(t)


def kallsyms_arrays(base_off, syms):
    """kallsyms_* at base_off: one-character tokens, offsets from _stext (va(0))."""
    names = b"".join(bytes([len(n) + 1]) + b"T" + n.encode() for n, _ in syms)
    tokens = b"".join(bytes([i, 0]) for i in range(256))
    index = b"".join(struct.pack("<H", 2 * i) for i in range(256))
    offs = b"".join(struct.pack("<i", o) for _, o in syms)
    at = {"names": base_off, "token_table": base_off + 0x1000,
          "token_index": base_off + 0x1200, "offsets": base_off + 0x1400,
          "relative_base": base_off + 0x1800, "num_syms": base_off + 0x1808}
    parts = [(at["names"], names), (at["token_table"], tokens), (at["token_index"], index),
             (at["offsets"], offs), (at["relative_base"], struct.pack("<Q", va(0))),
             (at["num_syms"], struct.pack("<I", len(syms)))]
    text = "".join("SYMBOL(kallsyms_%s)=%x\n" % (k, va(o)) for k, o in at.items())
    return text, parts


def memmap_seeds():
    ram_pfns = (PA0 + (4 << 20)) // 4096
    nsec = ram_pfns >> (SECTION_BITS - 12)
    geo = "NUMBER(SECTION_SIZE_BITS)=%d\nNUMBER(MAX_PHYSMEM_BITS)=%d\nSIZE(mem_section)=16\nOFFSET(mem_section.section_mem_map)=0\n" % (SECTION_BITS, PHYSMEM_BITS)
    pages = struct_pages()

    def image(parts):
        top = max(o + len(d) for o, d in parts)
        img = bytearray(top)
        for o, d in parts:
            img[o:o + len(d)] = d
        return bytes(img)

    nroots = (1 << (PHYSMEM_BITS - SECTION_BITS)) // 256
    roots = struct.pack("<Q", va(0x1000)) + bytes(8 * (nroots - 1))
    # SPARSEMEM_EXTREME, the symbol is the root array
    text = FACTS_6_1 + "SYMBOL(mem_section)=%x\nLENGTH(mem_section)=%d\n" % (va(0), nroots) + geo
    put("memmap", "extreme", text.encode() + b"\0" +
        image([(0, roots), (0x1000, section_table(256)), (MAP_OFF, pages)]))
    # SPARSEMEM_EXTREME, the symbol points to the root array (no LENGTH)
    text = FACTS_6_1 + "SYMBOL(mem_section)=%x\n" % va(0xa000) + geo
    put("memmap", "extreme-pointer", text.encode() + b"\0" +
        image([(0, roots), (0x1000, section_table(256)), (MAP_OFF, pages),
               (0xa000, struct.pack("<Q", va(0)))]))
    # classic SPARSEMEM: one array of every section
    text = FACTS_6_1 + "SYMBOL(mem_section)=%x\nLENGTH(mem_section)=%d\n" % (
        va(0x1000), 1 << (PHYSMEM_BITS - SECTION_BITS)) + geo
    put("memmap", "sparse", text.encode() + b"\0" +
        image([(0x1000, section_table(nsec)), (MAP_OFF, pages)]))
    # the pages kept first (keep.c): kallsyms naming the image's parts and
    # two CPUs' per-CPU areas, and kernel page tables with a self-pointing one
    syms = [("_stext", 0), ("_etext", 0x1000), ("_sdata", 0x2000), ("__init_begin", 0x3000),
            ("__init_end", 0x4000), ("__bss_stop", 0x5000), ("__per_cpu_offset", 0x10000),
            ("nr_cpu_ids", 0x10010), ("pcpu_unit_size", 0x10020), ("crash_notes", 0x10030)]
    ktext, kparts = kallsyms_arrays(0xb000, syms)
    pgd, pud = PA0 + 0xe000, PA0 + 0xf000
    text = (FACTS_6_1 + "SYMBOL(mem_section)=%x\nLENGTH(mem_section)=%d\n" % (va(0), nroots) + geo +
            ktext + "SYMBOL(init_top_pgt)=%x\n" % va(0xe000))
    put("memmap", "keep", text.encode() + b"\0" +
        image([(0, roots), (0x1000, section_table(256)), (MAP_OFF, pages)] + kparts +
              [(0xe000, bytes(8 * 256) + struct.pack("<Q", pud | 1)),
               (0xf000, struct.pack("<QQ", pud | 1, (PA0 + 0x20000) | 0x81)),
               (0x10000, struct.pack("<QQ", va(0x30000), va(0x38000))),
               (0x10010, struct.pack("<I", 2)), (0x10020, struct.pack("<I", 0x4000)),
               (0x10030, struct.pack("<Q", 0x100))]))
    # FLATMEM: mem_map is the struct page of pfn 0
    text = FACTS_6_1 + "SYMBOL(mem_map)=%x\n" % va(0xa000)
    put("memmap", "flat", text.encode() + b"\0" +
        image([(MAP_OFF, pages), (0xa000, struct.pack("<Q", va(MAP_OFF) - PFN0 * 64))]))


def main():
    mdf, mkvmcore = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        cores = elf_seeds(tmp, mdf)
        kdump_seeds(tmp, mdf, cores)
        vmcoreinfo_seeds(tmp, mkvmcore)
        dmesg_seeds(tmp)
    memmap_seeds()


if __name__ == "__main__":
    main()
