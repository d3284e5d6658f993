#!/usr/bin/python3
"""pages_equal.py DUMP VMCORE [--ref BITMAP2] [--allow-empty] [--incomplete]

Checks a dump written by the program with independent readers:
  * DUMP opens in libkdumpfile (python3-libkdumpfile),
  * every page DUMP holds is byte-identical to the same page of VMCORE
    (read through libkdumpfile too),
  * with --ref, the set of pages DUMP holds equals the reference 2nd bitmap
    (bit pfn set = kept, LSB first), e.g. upstream makedumpfile's,
  * it holds at least one page, unless --allow-empty (a --split part may not).
A --split part holds the pages of its pfn range only (its sub header).
With --incomplete the dump must say it is incomplete (kdump status bit 0x8,
ELF e_flags bit 0) and hold at least one page; its headers must hold only
the pages it saved: every page they claim reads, none as "no data" or a
corrupt descriptor (readers then see the rest as simply not saved).
The set of held pages is read from DUMP's own headers by this script
(kdump-compressed: the 2nd bitmap; ELF: the file-backed part of PT_LOADs).
An ELF VMCORE libkdumpfile cannot open (QEMU 7.2's s390x dumps: section
headers first, the string table's header in the host's byte order) is
read through its PT_LOADs by this script instead.
Exit 0 when all holds, 1 otherwise.
"""
import struct
import sys

import kdumpfile


def kdump_word(h, e):
    """8 for the 64-bit header layout, 4 for a 32-bit writer's (4+4 byte
    timestamp: block_size at 416 instead of 428)."""
    bs, = struct.unpack_from(e + 'i', h, 428)
    return 8 if 512 <= bs <= 1 << 20 and bs & (bs - 1) == 0 else 4


def kdump_kept(path):
    with open(path, 'rb') as f:
        h = f.read(512)
        if h[:8] != b'KDUMP   ':
            return None
        be = not (1 <= struct.unpack_from('<i', h, 8)[0] <= 64)
        e = '>' if be else '<'
        word = kdump_word(h, e)
        bs, sub, bb = struct.unpack_from(e + 'iiI', h, 428 if word == 8 else 416)
        half = bb * bs // 2
        f.seek(bs)
        sh = f.read(104)
        # 32-bit writers: 4-byte longs, 8-byte members aligned to 4
        split, = struct.unpack_from(e + 'i', sh, 12 if word == 8 else 8)
        lo, hi = struct.unpack_from(e + 'QQ', sh, 80 if word == 8 else 60) if split else (0, 1 << 64)
        f.seek((1 + sub) * bs + half)
        bm = f.read(half)
    kept = []
    for i, byte in enumerate(bm):
        if byte:
            for j in range(8):
                if byte >> j & 1 and lo <= i * 8 + j < hi:
                    kept.append(i * 8 + j)
    return bs, kept


def elf_header(f):
    """(is64, byte order, [(ptype, offset, paddr, filesz)]) of an ELF file's
    program headers, wherever e_phoff puts them."""
    ident = f.read(64)
    if ident[:4] != b'\x7fELF':
        return None
    is64 = ident[4] == 2
    e = '>' if ident[5] == 2 else '<'
    if is64:
        phoff, = struct.unpack_from(e + 'Q', ident, 32)
        phentsize, phnum = struct.unpack_from(e + 'HH', ident, 54)
    else:
        phoff, = struct.unpack_from(e + 'I', ident, 28)
        phentsize, phnum = struct.unpack_from(e + 'HH', ident, 42)
    phdrs = []
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        ph = f.read(phentsize)
        if is64:
            ptype, _, off, vaddr, paddr, filesz, memsz = struct.unpack_from(e + 'IIQQQQQ', ph)
        else:
            ptype, off, vaddr, paddr, filesz, memsz = struct.unpack_from(e + 'IIIIII', ph)
        phdrs.append((ptype, off, paddr, filesz))
    return is64, e, phdrs


def elf_kept(path, page_size):
    with open(path, 'rb') as f:
        hdr = elf_header(f)
    if hdr is None:
        raise SystemExit('%s: neither kdump nor ELF' % path)
    kept = set()
    for ptype, _, paddr, filesz in hdr[2]:
        if ptype == 1:
            kept.update(range((paddr + page_size - 1) // page_size, (paddr + filesz) // page_size))
    return sorted(kept)


class ElfInput:
    """Physical pages of an ELF vmcore, read through its PT_LOADs."""

    def __init__(self, path):
        self.f = open(path, 'rb')
        hdr = elf_header(self.f)
        if hdr is None:
            raise SystemExit('%s: libkdumpfile cannot open it and it is not ELF' % path)
        self.loads = [(pa, size, off) for t, off, pa, size in hdr[2] if t == 1]

    def read(self, _space, pa, n):
        for start, size, off in self.loads:
            if start <= pa and pa + n <= start + size:
                self.f.seek(off + pa - start)
                return self.f.read(n)
        raise KeyError('physical 0x%x' % pa)


def open_input(path):
    try:
        return kdumpfile.kdumpfile(path)
    except kdumpfile.exceptions.OSErrorException as ex:
        print('%s: libkdumpfile: %s; read through its PT_LOADs' % (path, ex))
        return ElfInput(path)


def ref_kept(path):
    bm = open(path, 'rb').read()
    return [i * 8 + j for i, b in enumerate(bm) if b for j in range(8) if b >> j & 1]


def main():
    args = sys.argv[1:]
    ref = None
    allow_empty = '--allow-empty' in args
    if allow_empty:
        args.remove('--allow-empty')
    incomplete = '--incomplete' in args
    if incomplete:
        args.remove('--incomplete')
    if '--ref' in args:
        i = args.index('--ref')
        ref = args[i + 1]
        del args[i:i + 2]
    dump, vmcore = args
    d = kdumpfile.kdumpfile(dump)
    v = open_input(vmcore)
    got = kdump_kept(dump)
    if got is None:
        ps = int(d.attr['arch.page_size'])
        kept = elf_kept(dump, ps)
    else:
        ps, kept = got
    bad = missing = 0
    for pfn in kept:
        try:
            a = d.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * ps, ps)
        except (kdumpfile.exceptions.NoDataException,
                kdumpfile.exceptions.CorruptException) as ex:
            # claimed by the headers but not readable: no data, or a zeroed descriptor
            missing += 1
            if missing <= 5:
                print('pfn 0x%x is claimed but does not read: %s' % (pfn, ex))
            continue
        try:
            b = v.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * ps, ps)
        except Exception as ex:  # a page cut by a segment's end reads partly
            b = None
        if a != b:
            bad += 1
            if bad <= 5:
                print('pfn 0x%x differs from the input' % pfn)
    print('%s: format %s, %d pages held, %d differ from %s, %d claimed but unreadable' %
          (dump, d.attr['file.format'], len(kept), bad, vmcore, missing))
    ok = bad == 0 and missing == 0 and (len(kept) > 0 or allow_empty)
    if incomplete:
        with open(dump, 'rb') as f:
            h = f.read(512)
        if h[:8] == b'KDUMP   ':
            status_at = 424 if kdump_word(h, '<') == 8 else 412
            marked = struct.unpack_from('<I', h, status_at)[0] & 8
        else:
            marked = struct.unpack_from('<I', h, 48 if h[4] == 2 else 36)[0] & 1
        if not marked:
            print('the dump is not marked incomplete')
            ok = False
        if len(kept) <= 0:
            print('no page was saved')
            ok = False
    if ref:
        want = ref_kept(ref)
        sk, sw = set(kept), set(want)
        if sk != sw:
            ok = False
            print('kept set differs from %s: %d only here, %d only there (e.g. %s / %s)' % (
                ref, len(sk - sw), len(sw - sk),
                [hex(x) for x in sorted(sk - sw)[:5]], [hex(x) for x in sorted(sw - sk)[:5]]))
        else:
            print('kept set equals %s (%d pages)' % (ref, len(want)))
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
