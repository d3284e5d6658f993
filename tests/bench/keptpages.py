#!/usr/bin/python3
"""keptpages.py [--sample N] VMCORE BITMAP2 OUT [PAGE_SIZE]

Writes the pages of an ELF vmcore whose bit is set in BITMAP2 (bit pfn =
kept, LSB first: a 2nd bitmap such as upstream's dN.bitmap2, or a
kdump-compressed dump of VMCORE, whose 2nd bitmap is read), one after the
other, to OUT.  The bench measures codecs and copy cost on them, and the
generator fills a realistic machine with them (content= in a spec).
With --sample N, at most N of them, evenly spaced.  Prints the number of
pages written and the number of bits set in BITMAP2.
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
    args = sys.argv[1:]
    sample = 0
    if args[:1] == ['--sample'] and len(args) > 1:
        sample = int(args[1])
        args = args[2:]
    if len(args) not in (3, 4):
        raise SystemExit(__doc__.strip().splitlines()[0])
    vmcore, bitmap, dest = args[:3]
    ps = int(args[3]) if len(args) == 4 else 4096
    bm = second_bitmap(bitmap)
    total = int.from_bytes(bm, 'little').bit_count()
    step = max(1, total // sample) if sample else 1
    n = seen = 0
    with open(vmcore, 'rb') as f, open(dest, 'wb') as o:
        segs = sorted(loads(f))
        starts = [paddr // ps for paddr, _, _ in segs]
        for run in re.finditer(rb'[^\x00]+', bm):	# skip the empty parts at C speed
            for byte in range(run.start(), run.end()):
                v = bm[byte]
                c = bin(v).count('1')
                if step > 1 and (seen + c - 1) // step == (seen - 1) // step:
                    seen += c	# no sample falls in this byte
                    continue
                for bit in range(8):
                    if not v >> bit & 1:
                        continue
                    seen += 1
                    if (seen - 1) % step or (sample and n == sample):
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
    print(n, total)


main()
