#!/usr/bin/python3
"""mkelf.py OUT --class 32|64 --endian le|be --machine N [--vmcoreinfo]
              [--page-size N] [--cpus N] SEGMENT...

A generic ELF vmcore for what needs no kernel knowledge (dump levels 0
and 1): any class, byte order and machine.  SEGMENT is PADDR:MEMSZ[:FILESZ]
(hex or decimal; FILESZ < MEMSZ makes a tail of no data).  Page contents:
every page whose pfn is a multiple of 3 is all zeros, the others hold
"pfn=<hex>" repeated, so a reader can check each page against its pfn.
With --vmcoreinfo a VMCOREINFO note carries OSRELEASE, PAGESIZE, CRASHTIME.
"""
import argparse
import struct


def page_bytes(pfn, size):
    if pfn % 3 == 0:
        return bytes(size)
    pat = b'pfn=%x;' % pfn
    return (pat * (size // len(pat) + 1))[:size]


def note(e, name, ntype, desc):
    n = name + b'\0'
    pad = lambda b: b + bytes(-len(b) % 4)
    return struct.pack(e + 'III', len(n), len(desc), ntype) + pad(n) + pad(desc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--class', dest='cls', type=int, choices=(32, 64), default=64)
    ap.add_argument('--endian', choices=('le', 'be'), default='le')
    ap.add_argument('--machine', type=int, default=62)
    ap.add_argument('--page-size', type=int, default=4096)
    ap.add_argument('--cpus', type=int, default=2)
    ap.add_argument('--vmcoreinfo', action='store_true')
    ap.add_argument('segments', nargs='+')
    a = ap.parse_args()
    e = '<' if a.endian == 'le' else '>'
    ps = a.page_size
    segs = []
    for s in a.segments:
        parts = [int(x, 0) for x in s.split(':')]
        paddr, memsz = parts[0], parts[1]
        filesz = parts[2] if len(parts) > 2 else memsz
        segs.append((paddr, memsz, filesz))

    notes = b''
    prstatus = 336 if a.cls == 64 else 144
    for _ in range(a.cpus):
        notes += note(e, b'CORE', 1, bytes(prstatus))
    if a.vmcoreinfo:
        text = b'OSRELEASE=5.99.0-generic\nPAGESIZE=%d\nCRASHTIME=1700000000\n' % ps
        notes += note(e, b'VMCOREINFO', 0, text)

    ehsize, phsize = (64, 56) if a.cls == 64 else (52, 32)
    phnum = 1 + len(segs)
    off = ehsize + phsize * phnum
    note_off = off
    data_off = (note_off + len(notes) + ps - 1) // ps * ps
    ph = []
    if a.cls == 64:
        ph.append(struct.pack(e + 'IIQQQQQQ', 4, 0, note_off, 0, 0, len(notes), len(notes), 0))
    else:
        ph.append(struct.pack(e + 'IIIIIIII', 4, note_off, 0, 0, len(notes), len(notes), 0, 0))
    body = []
    pos = data_off
    for paddr, memsz, filesz in segs:
        if a.cls == 64:
            ph.append(struct.pack(e + 'IIQQQQQQ', 1, 7, pos, 0xc0000000 + paddr, paddr, filesz, memsz, 0))
        else:
            ph.append(struct.pack(e + 'IIIIIIII', 1, pos, 0xc0000000 + paddr, paddr, filesz, memsz, 7, 0))
        data = bytearray()
        first = paddr // ps
        last = (paddr + filesz + ps - 1) // ps
        for pfn in range(first, last):
            data += page_bytes(pfn, ps)
        start = paddr - first * ps
        body.append((pos, bytes(data[start:start + filesz])))
        pos += filesz
    ident = b'\x7fELF' + bytes([2 if a.cls == 64 else 1, 1 if a.endian == 'le' else 2, 1, 0]) + bytes(8)
    if a.cls == 64:
        eh = ident + struct.pack(e + 'HHIQQQIHHHHHH', 4, a.machine, 1, 0, ehsize, 0, 0, ehsize,
                                  phsize, phnum, 0, 0, 0)
    else:
        eh = ident + struct.pack(e + 'HHIIIIIHHHHHH', 4, a.machine, 1, 0, ehsize, 0, 0, ehsize,
                                  phsize, phnum, 0, 0, 0)
    with open(a.out, 'wb') as f:
        f.write(eh + b''.join(ph))
        f.seek(note_off)
        f.write(notes)
        for p, d in body:
            f.seek(p)
            f.write(d)


if __name__ == "__main__":
    main()
