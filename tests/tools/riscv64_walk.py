#!/usr/bin/python3
"""riscv64_walk.py - a hand check of riscv64 address translation.

An independent reader (standard library only, no code shared with the
program): the dump's ELF PT_LOADs give physical memory (their p_vaddr is
ignored: kexec-tools writes unusable values on riscv64), VMCOREINFO text
gives the symbols and the layout, and swapper_pg_dir is read as the RISC-V
privileged spec defines Sv39/Sv48/Sv57: 512 little-endian 8-byte entries
per table, bit 0 valid, any of bits 1-3 (R, W, X) set makes a leaf at
any level, the PPN in bits 10..53; a leaf's page is 4 KiB << 9 * (levels
below it).  swapper_pg_dir lies in the kernel image: pa = va -
va_kernel_pa_offset.

Usage:
  riscv64_walk.py VMCORE VMCOREINFO walk VA...   "VA PA SIZE" per address, or
                                                 "VA - LEVEL" when LEVEL's entry is not valid
  riscv64_walk.py VMCORE VMCOREINFO scan START END N
                                                 the first N mapped 4 KiB pages of
                                                 [START, END), found by visiting the tables
"""
import struct
import sys

from elfcore import ElfCore

NAMES = {3: ['PGD', 'PMD', 'PTE'], 4: ['PGD', 'PUD', 'PMD', 'PTE'],
         5: ['PGD', 'P4D', 'PUD', 'PMD', 'PTE']}


class Dump(ElfCore):
    def __init__(self, path, info):
        super().__init__(path, info, want=(True, '<'))
        self.va_bits = int(self.k['NUMBER(VA_BITS)'])
        self.levels = {39: 3, 48: 4, 57: 5}[self.va_bits]
        self.names = NAMES[self.levels]
        self.image_off = self.num('va_kernel_pa_offset')
        self.pgd = self.sym('swapper_pg_dir') - self.image_off

    def num(self, name):
        return int(self.k[f'NUMBER({name})'], 0) & (1 << 64) - 1

    def entry(self, table, idx):
        return struct.unpack('<Q', self.phys(table + 8 * idx, 8))[0]

    def walk(self, va):
        """(pa, size) of va, or (None, name of the level whose entry is not valid)."""
        table = self.pgd
        for lvl in range(self.levels):
            shift = 12 + 9 * (self.levels - 1 - lvl)
            ent = self.entry(table, (va >> shift) & 511)
            if not ent & 1:
                return None, self.names[lvl]
            base = ((ent >> 10) & ((1 << 44) - 1)) << 12
            if ent & 0xe:
                size = 1 << shift
                return (base & ~(size - 1)) + (va & (size - 1)), size
            table = base
        return None, 'PTE'

    def scan(self, start, end, n, table=None, lvl=0, base_va=None, out=None):
        """The first n mapped 4 KiB pages of [start, end), visiting valid entries only."""
        if out is None:
            out, table, base_va = [], self.pgd, -(1 << 64)
        shift = 12 + 9 * (self.levels - 1 - lvl)
        for idx in range(512):
            va = base_va + (idx << shift)
            if lvl == 0:    # the top index counts from the sign-extended bottom
                va = ((idx << shift) ^ (1 << (self.va_bits - 1))) - (1 << (self.va_bits - 1))
                va &= (1 << 64) - 1
            if va + (1 << shift) <= start or va >= end:
                continue
            ent = self.entry(table, idx)
            if not ent & 1:
                continue
            if ent & 0xe:
                out.append(max(va, start))
            else:
                self.scan(start, end, n, ((ent >> 10) & ((1 << 44) - 1)) << 12, lvl + 1, va, out)
            if len(out) >= n:
                break
        return out[:n]


def main():
    d = Dump(sys.argv[1], sys.argv[2])
    cmd = sys.argv[3]
    if cmd == 'walk':
        for a in sys.argv[4:]:
            pa, what = d.walk(int(a, 0))
            print(a, '-' if pa is None else f'0x{pa:x}', what if pa is None else f'0x{what:x}')
    elif cmd == 'scan':
        for va in d.scan(int(sys.argv[4], 0), int(sys.argv[5], 0), int(sys.argv[6])):
            print(f'0x{va:x}')
    else:
        sys.exit(f'unknown command {cmd}')


if __name__ == '__main__':
    main()
