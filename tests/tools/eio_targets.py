#!/usr/bin/python3
"""eio_targets.py - what tests/real/eio.sh makes unreadable, and what it
then expects, on an x86_64 ELF vmcore (tests/tools/elfcore.py):

  eio_targets.py offset VMCORE PA          file offset of physical PA
  eio_targets.py notes VMCORE              file offset of the first PT_NOTE
  eio_targets.py struct-page VMCORE INFO BITMAP
      "PFN VA": the first 64-aligned run of 64 pfns from 0x8000 on that
      BITMAP leaves out, and the virtual address of PFN's struct page
      (SPARSEMEM_EXTREME: mem_section roots -> section_mem_map)
  eio_targets.py clear BITMAP OUT PFN...   BITMAP with those bits cleared
  eio_targets.py set BITMAP OUT VMCORE FIRST COUNT
      BITMAP with bits FIRST.. set, but for all-zero pages (-d 31 leaves
      those out by their bytes, whatever their struct page says)
"""
import struct
import sys

from elfcore import ElfCore

PAGE = 4096


def struct_page(core, bm):
    pfn = next(p for p in range(0x8000, len(bm) * 8, 64) if not any(bm[p // 8:(p + 64) // 8]))
    k = core.k
    size = int(k['SIZE(mem_section)'])
    sect = pfn >> (int(k['NUMBER(SECTION_SIZE_BITS)']) - 12)
    per_root = PAGE // size
    root, = struct.unpack('<Q', core.virt(core.sym('mem_section') + 8 * (sect // per_root), 8))
    mm, = struct.unpack('<Q', core.virt(root + size * (sect % per_root), 8))
    return pfn, (mm & ~0x1f) + pfn * int(k['SIZE(page)'])


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'offset':
        off = ElfCore(args[0]).offset(int(args[1], 0), PAGE)
        print(hex(off) if off is not None else '')
    elif cmd == 'notes':
        f = open(args[0], 'rb')
        phoff, = struct.unpack_from('<Q', f.read(64), 32)
        f.seek(phoff)
        print(hex(struct.unpack('<IIQ', f.read(16))[2]))
    elif cmd == 'struct-page':
        pfn, va = struct_page(ElfCore(args[0], args[1]), open(args[2], 'rb').read())
        print(hex(pfn), hex(va))
    elif cmd == 'clear':
        bm = bytearray(open(args[0], 'rb').read())
        for p in map(lambda a: int(a, 0), args[2:]):
            bm[p // 8] &= ~(1 << p % 8) & 0xff
        open(args[1], 'wb').write(bm)
    elif cmd == 'set':
        bm = bytearray(open(args[0], 'rb').read())
        core, first = ElfCore(args[2]), int(args[3], 0)
        for p in range(first, first + int(args[4], 0)):
            off = core.offset(p * PAGE, PAGE)
            if off is not None and any(core.phys(p * PAGE, PAGE)):
                bm[p // 8] |= 1 << p % 8
        open(args[1], 'wb').write(bm)
    else:
        sys.exit(__doc__)


main()
