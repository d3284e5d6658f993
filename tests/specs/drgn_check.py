#!/usr/bin/python3
"""drgn_check.py VMCORE - check a synthetic dump with drgn, not with the program.

drgn translates kernel addresses with its own page-table walker, so this
checks what tests/bin/mkvmcore wrote: the page tables (direct map, vmemmap,
kernel image), the utsname, and that every present section's mem_map (as
VMCOREINFO says how to find it) is readable.  Exits 0 when all hold, 1 with
reasons, 77 when drgn is missing.
"""

import struct
import sys

try:
    import drgn
except ImportError:
    print("skip: no drgn")
    sys.exit(77)


def elf_info(path):
    """Program headers, VMCOREINFO and e_machine of an ELF64 core in either byte order."""
    with open(path, "rb") as f:
        h = f.read(64)
        e = ">" if h[5] == 2 else "<"   # EI_DATA: ELFDATA2MSB
        machine, = struct.unpack_from(e + "H", h, 18)
        phoff, = struct.unpack_from(e + "Q", h, 32)
        phnum, = struct.unpack_from(e + "H", h, 56)
        segs, info = [], {}
        for i in range(phnum):
            f.seek(phoff + 56 * i)
            segs.append(struct.unpack(e + "IIQQQQQQ", f.read(56)))
        for typ, _fl, off, _va, _pa, filesz, _m, _al in segs:
            if typ != 4:
                continue
            f.seek(off)
            notes, pos = f.read(filesz), 0
            while pos + 12 <= len(notes):
                nsz, dsz, _t = struct.unpack_from(e + "III", notes, pos)
                name = notes[pos + 12:pos + 12 + nsz].rstrip(b"\0")
                dpos = pos + 12 + (nsz + 3) // 4 * 4
                if name == b"VMCOREINFO":
                    for line in notes[dpos:dpos + dsz].decode().splitlines():
                        if "=" in line:
                            k, v = line.split("=", 1)
                            info[k] = v
                pos = dpos + (dsz + 3) // 4 * 4
    return segs, info, machine


EM_PPC64 = 21


def main(path):
    segs, vi, machine = elf_info(path)
    prog = drgn.Program()
    prog.set_core_dump(path)
    bad = []
    sym = lambda k: int(vi[k], 16)
    num = lambda k: int(vi[k], 0)
    num_or = lambda k, default: int(vi[k], 0) if k in vi else default
    page = num("PAGESIZE")
    page_shift = page.bit_length() - 1

    rel_at = sym("SYMBOL(init_uts_ns)") + num("OFFSET(uts_namespace.name)") + 2 * 65
    rel = prog.read(rel_at, 65).split(b"\0")[0].decode()
    if rel != vi["OSRELEASE"]:
        bad.append("utsname release %r, OSRELEASE %r" % (rel, vi["OSRELEASE"]))

    with open(path, "rb") as f:
        for typ, _fl, off, va, pa, filesz, _m, _al in segs:
            if typ != 1 or filesz == 0:
                continue
            for o in sorted({0, filesz // 2 & ~(page - 1), filesz - page}):
                f.seek(off + o)
                want = f.read(page)
                try:
                    got = prog.read(va + o, page)
                except drgn.FaultError as ex:
                    bad.append("va %#x (pa %#x): %s" % (va + o, pa + o, ex))
                    continue
                if got != want:
                    bad.append("va %#x reads other bytes than pa %#x" % (va + o, pa + o))

    size_page = num("SIZE(page)")
    if "SYMBOL(mem_map)" in vi:
        mem_map = prog.read_u64(sym("SYMBOL(mem_map)"))
        prog.read(mem_map, size_page)
    else:
        ms = sym("SYMBOL(mem_section)")
        length = num("LENGTH(mem_section)")
        ssz = num("SIZE(mem_section)")
        # the arch's values where a (synthetic old) kernel does not export
        # them: arch/x86/include/asm/sparsemem.h, arch/powerpc/include/asm/sparsemem.h
        l5 = vi.get("NUMBER(pgtable_l5_enabled)", "0") != "0"
        if machine == EM_PPC64:
            section_bits = num_or("NUMBER(SECTION_SIZE_BITS)", 24)
            physmem_bits = num_or("NUMBER(MAX_PHYSMEM_BITS)", 46)
        else:
            section_bits = num_or("NUMBER(SECTION_SIZE_BITS)", 27)
            physmem_bits = num_or("NUMBER(MAX_PHYSMEM_BITS)", 52 if l5 else 46)
        shift = section_bits - page_shift
        total = 1 << (physmem_bits - section_bits)
        per_root = page // ssz
        extreme = length == (total + per_root - 1) // per_root
        max_pfn = max(pa + m for t, _f, _o, _v, pa, _fs, m, _a in segs if t == 1) >> page_shift
        roots = ms
        if extreme:
            first = prog.read_u64(ms)
            # pointer form: the word at the symbol is the root array, whose
            # first entry points at a root page, not at a section entry
            try:
                if first and prog.read_u64(first) & 3 == 0 and prog.read_u64(prog.read_u64(first)) & 1:
                    roots = first
            except drgn.FaultError:
                pass
        vmemmap = sym("SYMBOL(vmemmap)") if "SYMBOL(vmemmap)" in vi else None
        present = 0
        for nr in range((max_pfn + (1 << shift) - 1) >> shift):
            if extreme:
                root = prog.read_u64(roots + 8 * (nr // per_root))
                if not root:
                    continue
                entry = root + (nr % per_root) * ssz
            else:
                entry = ms + nr * ssz
            val = prog.read_u64(entry)
            if not val & 1:
                continue
            present += 1
            base = (val & ~0x1F) + (nr << shift) * size_page
            if vmemmap is not None and base != vmemmap + (nr << shift) * size_page:
                bad.append("section %d: mem_map %#x is not in the vmemmap" % (nr, base))
            try:
                prog.read(base, size_page)
            except drgn.FaultError as ex:
                bad.append("section %d: first struct page unreadable: %s" % (nr, ex))
        if not present:
            bad.append("no present section")
    for b in bad:
        print("drgn_check: %s: %s" % (path, b))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
