#!/usr/bin/python3
"""ppc64_walk.py - a hand check of ppc64 radix address translation.

An independent reader (standard library only, no code shared with the
program): the dump's ELF PT_LOADs give physical memory, VMCOREINFO text
gives the symbols, and the kernel's radix tables are read as the ISA
defines them (entries big-endian; bit 63 valid, bit 62 leaf, next-level
base in bits 8..59; index widths 13/9/9/5 for 64 KiB pages, 13/9/9/9 for
4 KiB).

Usage:
  ppc64_walk.py VMCORE VMCOREINFO walk VA...     "VA PA" per address (PA "-" if unmapped)
  ppc64_walk.py VMCORE VMCOREINFO vmemmap        "VIRT PHYS SIZE" per vmemmap_list entry
  ppc64_walk.py VMCORE VMCOREINFO vmalloc N      the first N vmap_area va_start values
"""
import struct
import sys

from elfcore import ElfCore

PAGE_OFFSET = 0xc000000000000000


class Dump(ElfCore):
    def __init__(self, path, info):
        super().__init__(path, info)
        if not self.is64:
            sys.exit(f'{path}: not a 64-bit ELF vmcore')
        self.page_size = int(self.k['PAGESIZE'])

    def num(self, kind, name):
        return int(self.k[f'{kind}({name})'])

    def ulong(self, va):
        """An unsigned long of the kernel at a linear-map address."""
        return struct.unpack(self.e + 'Q', self.phys(va - PAGE_OFFSET, 8))[0]

    def walk(self, va):
        bits = [13, 9, 9, 5] if self.page_size == 65536 else [13, 9, 9, 9]
        shift = (self.page_size.bit_length() - 1) + sum(bits[1:])
        table = self.sym('swapper_pg_dir') - PAGE_OFFSET
        for lvl, b in enumerate(bits):
            idx = (va >> shift) & ((1 << b) - 1)
            ent, = struct.unpack('>Q', self.phys(table + 8 * idx, 8))
            if not ent >> 63:
                return None
            if lvl == 3 or (ent >> 62) & 1:
                size = 1 << shift
                return (ent & ((1 << 53) - 1) & ~(size - 1)) + (va & (size - 1))
            table = ent & 0x0fffffffffffff00
            shift -= bits[lvl + 1]
        return None


def main():
    d = Dump(sys.argv[1], sys.argv[2])
    cmd = sys.argv[3]
    if cmd == 'walk':
        for a in sys.argv[4:]:
            pa = d.walk(int(a, 0))
            print(a, '-' if pa is None else f'0x{pa:x}')
    elif cmd == 'vmemmap':
        psize = struct.unpack(d.e + 'i', d.phys(d.sym('mmu_vmemmap_psize') - PAGE_OFFSET, 4))[0]
        defs = d.sym('mmu_psize_defs') + psize * d.num('SIZE', 'mmu_psize_def') + \
            d.num('OFFSET', 'mmu_psize_def.shift')
        shift = struct.unpack(d.e + 'I', d.phys(defs - PAGE_OFFSET, 4))[0]
        node = d.ulong(d.sym('vmemmap_list'))
        while node:
            phys = d.ulong(node + d.num('OFFSET', 'vmemmap_backing.phys'))
            virt = d.ulong(node + d.num('OFFSET', 'vmemmap_backing.virt_addr'))
            print(f'0x{virt:x} 0x{phys:x} 0x{1 << shift:x}')
            node = d.ulong(node + d.num('OFFSET', 'vmemmap_backing.list'))
    elif cmd == 'vmalloc':
        head = d.sym('vmap_area_list')
        node, n = d.ulong(head), int(sys.argv[4])
        while node != head and n > 0:
            print(f'0x{d.ulong(node - d.num("OFFSET", "vmap_area.list") + d.num("OFFSET", "vmap_area.va_start")):x}')
            node, n = d.ulong(node), n - 1
    else:
        sys.exit(f'unknown command {cmd}')


main()
