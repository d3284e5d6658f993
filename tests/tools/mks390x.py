#!/usr/bin/python3
"""mks390x.py OUT --levels 2|3|4|5 [--layout 6.1|6.10] [--info note|lowcore|none]
                  [--lowcore-ptr VALUE] [--qemu-layout]

A small synthetic big-endian s390x ELF vmcore for address translation
alone: 64 MiB of absolute memory at 0 and a swapper_pg_dir whose top table
is a region-first, -second, -third or segment table (5, 4, 3 or 2 levels
with the page table), built as the Principles of Operation define the
entries (table type TT in bits 60-61, invalid bit 0x20 in region and
segment entries and 0x400 in page-table entries, FC 0x400 for 1 MiB
segments and 2 GiB region-third pages, TF/TL bounding the next table).
Unused entries are invalid entries of their table's type, as the kernel
fills them.  The kernel's data: high_memory (the identity map ends at
64 MiB) and its VMCOREINFO note.

--layout 6.10 puts the identity map at IDENTITYBASE and the kernel image
(swapper_pg_dir, high_memory) at KERNELOFFSET, physical KERNELOFFPHYS,
mapped by 1 MiB segments, as kernels since 6.10 do.
--info: the VMCOREINFO note in the ELF notes (note), only in memory with
the lowcore's pointer at absolute 0xe0c to it (lowcore), or nowhere;
--lowcore-ptr puts VALUE at 0xe0c instead (a bad pointer).
--qemu-layout writes the headers as QEMU 7.2 does: two section headers
at 0x40 (the second in little-endian order), the program headers after
them at 0xc0, e_ehsize 8.

Prints, one per line, "VA PA" for an address a reader must translate to
PA, or "VA - WORDS" for one it must refuse, WORDS in its message.
"""
import argparse
import struct

RAM = 64 << 20
SHIFTS = [53, 42, 31, 20, 12]
NAMES = ['region-first', 'region-second', 'region-third', 'segment', 'page-table']
TOP, POOL, HIGH_MEMORY, NOTE, LC_VMCORE_INFO = 0x100000, 0x400000, 0x3e0000, 0x3f0000, 0xe0c
IDENTITYBASE, IMAGE_VA, IMAGE_PA = 0x30000000000, 0x3ffe0000000, 0x100000


class Memory:
    def __init__(self, top):
        self.b = bytearray(RAM)
        self.top = top
        self.next = POOL
        self.crst(TOP, top)

    def crst(self, pa, level):
        """A region or segment table of 2048 empty entries of its type."""
        for i in range(2048):
            self.put(pa + 8 * i, 0x20 | (3 - level) << 2)

    def put(self, pa, v):
        struct.pack_into('>Q', self.b, pa, v)

    def get(self, pa):
        return struct.unpack_from('>Q', self.b, pa)[0]

    def alloc(self, level):
        pa, self.next = self.next, self.next + 0x4000
        if level == 4:
            for i in range(256):
                self.put(pa + 8 * i, 0x400)
        else:
            self.crst(pa, level)
        return pa

    def map(self, va, pa, size, tl=3):
        """Map va to pa with a 4 KiB, 1 MiB or 2 GiB page; a region entry
        made on the way gets TL tl."""
        level, table = self.top, TOP
        while True:
            if level == 4:
                self.put(table + 8 * ((va >> 12) & 0xff), pa)
                return
            slot = table + 8 * ((va >> SHIFTS[level]) & 0x7ff)
            tt = (3 - level) << 2
            if (size, level) in ((1 << 31, 2), (1 << 20, 3)):
                self.put(slot, pa | 0x400 | tt)
                return
            ent = self.get(slot)
            if ent & 0x20:
                nxt = self.alloc(level + 1)
                ent = nxt | tt | (tl if level < 3 else 0)
                self.put(slot, ent)
            table = ent & (~0x7ff if level == 3 else ~0xfff)
            level += 1


def va_of(top, region, seg, pt=0, off=0):
    """An address by its indices: region at every region level from top."""
    va = seg << 20 | pt << 12 | off
    for level in range(top, 3):
        va |= region[level] << SHIFTS[level]
    return va


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--levels', type=int, choices=(2, 3, 4, 5), required=True)
    ap.add_argument('--layout', choices=('6.1', '6.10'), default='6.1')
    ap.add_argument('--info', choices=('note', 'lowcore', 'none'), default='note')
    ap.add_argument('--lowcore-ptr', type=lambda s: int(s, 0))
    ap.add_argument('--qemu-layout', action='store_true')
    a = ap.parse_args()
    top = 5 - a.levels
    m = Memory(top)
    expect = []
    r1 = {0: 1, 1: 1, 2: 1}

    m.map(va_of(top, r1, 0x101, 7), 0x1230000, 1 << 12)
    expect.append((va_of(top, r1, 0x101, 7, 0x18), 0x1230018))
    m.map(va_of(top, r1, 0x102), 0x2300000, 1 << 20)
    expect.append((va_of(top, r1, 0x102, 0, 0xabcde), 0x23abcde))
    expect.append((va_of(top, r1, 0x101, 8), 'page-table entry'))
    expect.append((va_of(top, r1, 0x1ff), 'segment entry'))
    if top <= 2:
        m.map(va_of(top, {0: 1, 1: 1, 2: 2}, 0), 0, 1 << 31)
        expect.append((va_of(top, {0: 1, 1: 1, 2: 2}, 0x12, 0x34, 0x567), 0x1234567))
        expect.append((va_of(top, {0: 1, 1: 1, 2: 3}, 0), 'region-third entry'))
        # a segment table of 512 entries (TL 0): index 0x100 maps, 0x300 is past its end
        m.map(va_of(top, {0: 1, 1: 1, 2: 4}, 0x100), 0x2400000, 1 << 20, tl=0)
        expect.append((va_of(top, {0: 1, 1: 1, 2: 4}, 0x100, 0, 0x10), 0x2400010))
        expect.append((va_of(top, {0: 1, 1: 1, 2: 4}, 0x300), "segment table's length"))
    if top <= 1:
        expect.append((va_of(top, {0: 1, 1: 3, 2: 0}, 0), 'region-second entry'))
    if top == 0:
        expect.append((va_of(top, {0: 3, 1: 0, 2: 0}, 0), 'region-first entry'))
    else:
        expect.append((1 << (SHIFTS[top] + 11), "table's reach"))

    ident = IDENTITYBASE if a.layout == '6.10' else 0
    if a.layout == '6.10':
        assert top <= 2, 'the 6.10 layout needs 3 levels or more'
        for i in range(4):
            m.map(IMAGE_VA + (i << 20), IMAGE_PA + (i << 20), 1 << 20)
        sym = lambda pa: IMAGE_VA + pa - IMAGE_PA
        expect.append((sym(HIGH_MEMORY) + 8, HIGH_MEMORY + 8))
    else:
        sym = lambda pa: pa
    m.put(HIGH_MEMORY, ident + RAM)
    expect.append((ident + 0x1234567, 0x1234567))
    if top == 3:
        expect.append((ident + RAM + 0x10, 'segment entry'))

    info = ('OSRELEASE=6.1.0-synthetic-s390x\nPAGESIZE=4096\n' +
            'SYMBOL(_stext)=%x\nSYMBOL(swapper_pg_dir)=%x\nSYMBOL(high_memory)=%x\n' %
            (sym(TOP) + 0x1000 if a.layout == '6.10' else 0x100000 + 0x1000, sym(TOP), sym(HIGH_MEMORY)))
    if a.layout == '6.10':
        info += 'IDENTITYBASE=%x\nKERNELOFFSET=%x\nKERNELOFFPHYS=%x\n' % (IDENTITYBASE, IMAGE_VA, IMAGE_PA)
    else:
        info += 'KERNELOFFSET=0\n'
    desc = info.encode()
    vmcoreinfo = struct.pack('>III', 11, len(desc), 0) + b'VMCOREINFO\0\0' + desc + bytes(-len(desc) % 4)
    prstatus = struct.pack('>III', 5, 336, 1) + b'CORE\0\0\0\0' + bytes(336)
    notes = prstatus + (vmcoreinfo if a.info == 'note' else b'')
    if a.info == 'lowcore':
        m.b[NOTE:NOTE + len(vmcoreinfo)] = vmcoreinfo
        m.put(LC_VMCORE_INFO, NOTE)
    if a.lowcore_ptr is not None:
        m.put(LC_VMCORE_INFO, a.lowcore_ptr)

    phoff, shoff, ehsize = (0xc0, 0x40, 8) if a.qemu_layout else (64, 0, 64)
    shnum = 2 if a.qemu_layout else 0
    note_off = phoff + 56 * 2
    data_off = (note_off + len(notes) + 4095) // 4096 * 4096
    eh = b'\x7fELF' + bytes([2, 2, 1, 0]) + bytes(8) + \
        struct.pack('>HHIQQQIHHHHHH', 4, 22, 1, 0, phoff, shoff, 0, ehsize, 56, 2,
                    64 if shnum else 0, shnum, 1 if shnum else 0)
    ph = struct.pack('>IIQQQQQQ', 4, 0, note_off, 0, 0, len(notes), len(notes), 0) + \
        struct.pack('>IIQQQQQQ', 1, 7, data_off, 0, 0, RAM, RAM, 0)
    head = bytearray(note_off)
    head[:64] = eh
    if shnum:
        # QEMU 7.2's string-table header, in the host's (little-endian) order
        head[0x80:0xc0] = struct.pack('<IIQQQQIIQQ', 1, 3, 0, 0, 0, 0, 0, 0, 1, 0)
    head[phoff:phoff + len(ph)] = ph
    with open(a.out, 'wb') as f:
        f.write(bytes(head) + notes)
        f.seek(data_off)
        f.write(m.b)
    for va, pa in expect:
        print('0x%x %s' % (va, '0x%x' % pa if isinstance(pa, int) else '- ' + pa))


main()
