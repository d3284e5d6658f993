#!/usr/bin/python3
"""keptpages.py VMCORE BITMAP2 OUT [PAGE_SIZE]

Writes the pages of an ELF vmcore whose bit is set in BITMAP2 (bit pfn =
kept, LSB first: a 2nd bitmap such as upstream's dN.bitmap2, or a
kdump-compressed dump of VMCORE, whose 2nd bitmap is read), one after the
other, to OUT.  The bench measures codecs and copy cost on them, and the
generator fills a realistic machine with them (content= in a spec).
Prints the number of pages written.
"""
import bisect
import re
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


def second_bitmap(path):
    with open(path, 'rb') as b:
        head = b.read(512)
        if head[:8] != b'KDUMP   ':
            return head + b.read()
        bs, sub, blocks = struct.unpack_from('<iiI', head, 428)
        b.seek((1 + sub) * bs + blocks * bs // 2)
        return b.read(blocks * bs // 2)


def main():
    if len(sys.argv) not in (4, 5):
        raise SystemExit(__doc__.strip().splitlines()[0])
    vmcore, bitmap, dest = sys.argv[1:4]
    ps = int(sys.argv[4]) if len(sys.argv) == 5 else 4096
    bm = second_bitmap(bitmap)
    segs = []
    n = 0
    with open(vmcore, 'rb') as f, open(dest, 'wb') as o:
        segs = sorted(loads(f))
        starts = [paddr // ps for paddr, _, _ in segs]
        for run in re.finditer(rb'[^\x00]+', bm):	# skip the empty parts at C speed
            for byte in range(run.start(), run.end()):
                for bit in range(8):
                    if not bm[byte] >> bit & 1:
                        continue
                    pfn = byte * 8 + bit
                    # the first segment holding pfn (the kernel-text PT_LOAD repeats RAM pages)
                    for i in range(bisect.bisect_right(starts, pfn) - 1, -1, -1):
                        paddr, filesz, off = segs[i]
                        if pfn < (paddr + filesz) // ps:
                            f.seek(off + (pfn - paddr // ps) * ps)
                            o.write(f.read(ps))
                            n += 1
                            break
    print(n)


main()
