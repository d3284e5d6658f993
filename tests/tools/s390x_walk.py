#!/usr/bin/python3
"""s390x_walk.py - a hand check of s390x (z/Architecture) DAT translation.

An independent reader (standard library only, no code shared with the
program): the dump's ELF PT_LOADs give absolute memory (wherever e_phoff
puts the program headers), VMCOREINFO text gives the symbols, and the
kernel's tables are read as the Principles of Operation define them:
big-endian 8-byte entries; region-first/second/third and segment tables
of 2048 entries indexed by virtual address bits 53-63, 42-52, 31-41 and
20-30 (the table type in entry bits 60-61, TT: 3, 2, 1, 0), page tables
of 256 entries by bits 12-19; a region or segment entry is invalid when
bit 58 (0x20) is set, a page-table entry when bit 53 (0x400) is; with
bit 53 (FC) set a region-third entry maps 2 GiB and a segment entry 1 MiB.
The top table's type is its first entry's TT.  Kernel data is read at
virtual - IDENTITYBASE (0 before 6.10): the identity map.

Usage:
  s390x_walk.py VMCORE VMCOREINFO walk VA...      "VA PA" per address, "VA - LEVEL" if unmapped
  s390x_walk.py VMCORE VMCOREINFO top             "LEVEL N": the top table and the depth
  s390x_walk.py VMCORE VMCOREINFO page PFN...     "PFN VA": the struct page of each pfn (mem_section)
  s390x_walk.py VMCORE VMCOREINFO vmalloc N       the first N vmap_area va_start values
"""
import struct
import sys

from elfcore import ElfCore

NAMES = ['region-first', 'region-second', 'region-third', 'segment', 'page-table']
SHIFTS = [53, 42, 31, 20, 12]


class Dump(ElfCore):
    def __init__(self, path, info):
        super().__init__(path, info, want=(True, '>'))
        self.ident = int(self.k.get('IDENTITYBASE', '0'), 16)

    def num(self, kind, name):
        return int(self.k[f'{kind}({name})'])

    def ulong(self, va):
        """An unsigned long of the kernel at an identity-map address."""
        return self.u64(va - self.ident)

    def top(self):
        tt = (self.u64(self.sym('swapper_pg_dir') - self.ident) >> 2) & 3
        return 3 - tt

    def walk(self, va):
        """(pa, None) or (None, name of the level that does not map va)."""
        level = self.top()
        if level > 0 and va >> (SHIFTS[level] + 11):
            return None, NAMES[level] + ' reach'
        table = self.sym('swapper_pg_dir') - self.ident
        while True:
            if level == 4:
                ent = self.u64(table + 8 * ((va >> 12) & 0xff))
                if ent & 0x400:
                    return None, NAMES[4]
                return (ent & ~0xfff) | (va & 0xfff), None
            ent = self.u64(table + 8 * ((va >> SHIFTS[level]) & 0x7ff))
            if ent & 0x20 or (ent >> 2) & 3 != 3 - level:
                return None, NAMES[level]
            size = 1 << SHIFTS[level]
            if level in (2, 3) and ent & 0x400:
                return (ent & ~(size - 1)) | (va & (size - 1)), None
            table = ent & (~0x7ff if level == 3 else ~0xfff)
            level += 1

    def struct_page(self, pfn):
        """The address of pfn's struct page, by SPARSEMEM_EXTREME's mem_section roots."""
        shift = self.num('NUMBER', 'SECTION_SIZE_BITS') - 12
        per_root = 4096 // self.num('SIZE', 'mem_section')
        nr = pfn >> shift
        root = self.ulong(self.sym('mem_section') + 8 * (nr // per_root))
        sec = root + (nr % per_root) * self.num('SIZE', 'mem_section')
        coded = self.ulong(sec + self.num('OFFSET', 'mem_section.section_mem_map'))
        # the low bits are flags; the map is coded as minus the section's first pfn
        return (coded & ~0x3f) + pfn * self.num('SIZE', 'page') & (1 << 64) - 1


def main():
    d = Dump(sys.argv[1], sys.argv[2])
    cmd = sys.argv[3]
    if cmd == 'walk':
        for a in sys.argv[4:]:
            pa, where = d.walk(int(a, 0))
            print(a, f'0x{pa:x}' if where is None else f'- {where}')
    elif cmd == 'top':
        print(NAMES[d.top()], 5 - d.top())
    elif cmd == 'page':
        for p in sys.argv[4:]:
            print(p, f'0x{d.struct_page(int(p, 0)):x}')
    elif cmd == 'vmalloc':
        head = d.sym('vmap_area_list')
        node, n = d.ulong(head), int(sys.argv[4])
        while node != head and n > 0:
            print(f'0x{d.ulong(node - d.num("OFFSET", "vmap_area.list") + d.num("OFFSET", "vmap_area.va_start")):x}')
            node, n = d.ulong(node), n - 1
    else:
        sys.exit(f'unknown command {cmd}')


main()
