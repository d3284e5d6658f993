#!/usr/bin/python3
"""keptpages.py VMCORE BITMAP2 OUT [PAGE_SIZE]

Writes the pages of an ELF vmcore whose bit is set in BITMAP2 (bit pfn =
kept, LSB first: a 2nd bitmap such as upstream's dN.bitmap2), one after the
other, to OUT.  The bench measures codecs and copy cost on them, and the
generator fills a realistic machine with them (content= in a spec).
Prints the number of pages written.
"""
import struct
import sys


def loads(f):
    ident = f.read(64)
    if ident[:4] != b'\x7fELF' or ident[4] != 2:
        raise SystemExit('%s: not an ELF64 vmcore' % f.name)
    e = '>' if ident[5] == 2 else '<'
    phoff, = struct.unpack_from(e + 'Q', ident, 32)
    phentsize, phnum = struct.unpack_from(e + 'HH', ident, 54)
    f.seek(phoff)
    ph = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        typ, _, off, _, paddr, filesz, _, _ = struct.unpack_from(e + 'IIQQQQQQ', ph, i * phentsize)
        if typ == 1 and paddr != (1 << 64) - 1:
            out.append((paddr, filesz, off))
    return out


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__.strip().splitlines()[0])
    vmcore, bitmap, dest = sys.argv[1:4]
    ps = int(sys.argv[4]) if len(sys.argv) == 5 else 4096
    with open(bitmap, 'rb') as b:
        bm = b.read()
    n, seen = 0, set()	# the kernel-text PT_LOAD repeats RAM pages
    with open(vmcore, 'rb') as f, open(dest, 'wb') as o:
        for paddr, filesz, off in loads(f):
            first, count = paddr // ps, filesz // ps
            for i in range(count):
                pfn = first + i
                if pfn not in seen and pfn // 8 < len(bm) and bm[pfn // 8] >> (pfn % 8) & 1:
                    seen.add(pfn)
                    f.seek(off + i * ps)
                    o.write(f.read(ps))
                    n += 1
    print(n)


main()
