#!/usr/bin/python3
"""kdump_read.py DUMP --abi 64|i386|32 --endian le|be --page-size N [--codecs]

An independent reader of kdump-compressed files for dumps libkdumpfile
cannot open (no known architecture): checks the header, that the 1st
bitmap marks the pages mkelf.py made present, and that every page the 2nd
bitmap holds decompresses (zlib, lzo via python-lzo if present, zstd via
the zstd command, snappy via python-snappy if present; raw otherwise) to
the bytes mkelf.py put there.  Prints a summary, exits 1 on any mismatch.
Options --present RANGES and --data RANGES (pfn ranges a-b,c-d, end
exclusive) give what the generator made.
"""
import argparse
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from mkelf import page_bytes  # noqa: E402

LAYOUT = {  # (offset of status, bytes of a long): 32-bit timevals are two 4-byte longs
    '64': (424, 8),
    'i386': (412, 4),
    '32': (412, 4),
}


def ranges(s):
    out = set()
    for r in s.split(','):
        a, b = (int(x, 0) for x in r.split('-'))
        out.update(range(a, b))
    return out


def bits(buf):
    return {i * 8 + j for i, b in enumerate(buf) if b for j in range(8) if b >> j & 1}


def decompress(flags, data, size):
    if flags == 0:
        return data
    if flags & 1:
        return zlib.decompress(data)
    if flags & 0x20:
        return subprocess.run(['zstd', '-dq', '-c'], input=data, capture_output=True, check=True).stdout
    if flags & 2:
        import lzo
        return lzo.decompress(data, False, size)
    if flags & 4:
        import snappy
        return snappy.uncompress(data)
    raise ValueError('unknown flags %x' % flags)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('dump')
    ap.add_argument('--abi', choices=LAYOUT, default='64')
    ap.add_argument('--endian', choices=('le', 'be'), default='le')
    ap.add_argument('--page-size', type=int, default=4096)
    ap.add_argument('--present')
    ap.add_argument('--data')
    ap.add_argument('--zero-excluded', action='store_true',
                    help='dump level 1: zero pages share one descriptor')
    a = ap.parse_args()
    e = '<' if a.endian == 'le' else '>'
    f = open(a.dump, 'rb')
    h = f.read(512)
    ok = True
    if h[:8] != b'KDUMP   ':
        sys.exit('not a kdump file')
    version, = struct.unpack_from(e + 'i', h, 8)
    st, word = LAYOUT[a.abi]
    status, bs, sub, bb, mapnr = struct.unpack_from(e + 'IiiII', h, st)
    if version != 6 or bs != a.page_size:
        print('header: version %d block size %d' % (version, bs))
        ok = False
    half = bb * bs // 2
    f.seek((1 + sub) * bs)
    bm1 = bits(f.read(half))
    bm2 = bits(f.read(half))
    if a.present and bm1 != ranges(a.present):
        print('1st bitmap differs: %d set, %d expected' % (len(bm1), len(ranges(a.present))))
        ok = False
    if a.data and bm2 != ranges(a.data):
        print('2nd bitmap differs: %d set, %d expected' % (len(bm2), len(ranges(a.data))))
        ok = False
    pd_off = (1 + sub + bb) * bs
    bad = zero_shared = 0
    zero_off = None
    for i, pfn in enumerate(sorted(bm2)):
        f.seek(pd_off + 24 * i)
        off, size, flags = struct.unpack(e + 'qII', f.read(16))
        f.seek(off)
        page = decompress(flags, f.read(size), bs)
        if page != page_bytes(pfn, bs):
            bad += 1
        if page == bytes(bs) and a.zero_excluded:
            zero_off = off if zero_off is None else zero_off
            zero_shared += off == zero_off
    if a.zero_excluded and zero_shared != sum(1 for p in bm2 if page_bytes(p, bs) == bytes(bs)):
        print('zero pages do not share one block')
        ok = False
    print('%s: %d pages held, %d wrong, status 0x%x, max_mapnr %d' % (a.dump, len(bm2), bad, status, mapnr))
    sys.exit(0 if ok and bad == 0 and bm2 else 1)


main()
