#!/usr/bin/python3
"""capture.py - host-side readers for tests/capture/make-capture.

Standard library only; written from the file formats (ELF core files and the
kdump-compressed "KDUMP   " header), sharing nothing with the program under
test.

  capture.py vmcoreinfo ELF            the VMCOREINFO note's text (PT_NOTE)
  capture.py vmcoreinfo-at ELF PADDR SIZE
                                       the text of the VMCOREINFO ELF note
                                       stored in memory at physical PADDR
                                       (what /sys/kernel/vmcoreinfo names),
                                       read through the PT_LOAD segments
  capture.py elfinfo ELF               class, byte order, machine, PT_LOADs
  capture.py bitmap2 KDUMP OUT         write the 2nd bitmap of a kdump file
                                       (or of its first bytes) to OUT
  capture.py kdump-header KDUMP        the main header fields, key=value

The kdump main header is the C struct disk_dump_header: after signature[8],
header_version (int) and utsname (6 x 65 chars) comes a struct timeval, 16
bytes at 408 when long is 8 bytes, 8 bytes at 404 when it is 4; then status,
block_size, sub_hdr_size, bitmap_blocks (ints).  The 2nd bitmap starts at
(1 + sub_hdr_size) * block_size + bitmap_blocks * block_size / 2 and is
bitmap_blocks * block_size / 2 bytes.  Byte order: the writer's, told apart
by header_version (a small number).
"""
import struct
import sys


def fail(msg):
    sys.stderr.write("capture.py: %s\n" % msg)
    sys.exit(1)


class Elf:
    def __init__(self, path):
        self.path = path
        self.f = open(path, 'rb')
        e = self.f.read(64)
        if e[:4] != b'\x7fELF':
            fail("%s: not an ELF file" % path)
        self.cls = 64 if e[4] == 2 else 32
        self.end = '<' if e[5] == 1 else '>'
        E = self.end
        if self.cls == 64:
            (self.type, self.machine, _, _, self.phoff, self.shoff, _,
             self.ehsize, self.phentsize, self.phnum, self.shentsize,
             self.shnum, _) = struct.unpack_from(E + 'HHIQQQIHHHHHH', e, 16)
        else:
            (self.type, self.machine, _, _, self.phoff, self.shoff, _,
             self.ehsize, self.phentsize, self.phnum, self.shentsize,
             self.shnum, _) = struct.unpack_from(E + 'HHIIIIIHHHHHH', e, 16)
        if self.phnum == 0xffff:     # PN_XNUM: the count is in section 0
            self.f.seek(self.shoff)
            sh = self.f.read(self.shentsize)
            self.phnum = struct.unpack_from(E + ('I' if self.cls == 32 else 'I'),
                                            sh, 44 if self.cls == 64 else 28)[0]
        self.phdrs = []
        for i in range(self.phnum):
            self.f.seek(self.phoff + i * self.phentsize)
            p = self.f.read(self.phentsize)
            if self.cls == 64:
                t, fl, off, va, pa, fs, ms, al = struct.unpack_from(E + 'IIQQQQQQ', p)
            else:
                t, off, va, pa, fs, ms, fl, al = struct.unpack_from(E + 'IIIIIIII', p)
            self.phdrs.append(dict(type=t, offset=off, vaddr=va, paddr=pa,
                                   filesz=fs, memsz=ms, flags=fl))

    def notes(self):
        E = self.end
        for p in self.phdrs:
            if p['type'] != 4:
                continue
            self.f.seek(p['offset'])
            yield from parse_notes(self.f.read(p['filesz']), E)

    def read_phys(self, paddr, size):
        for p in self.phdrs:
            if p['type'] == 1 and p['paddr'] <= paddr and paddr + size <= p['paddr'] + p['filesz']:
                self.f.seek(p['offset'] + paddr - p['paddr'])
                return self.f.read(size)
        fail("%s: physical 0x%x+0x%x is in no PT_LOAD" % (self.path, paddr, size))


def parse_notes(buf, E):
    off = 0
    while off + 12 <= len(buf):
        namesz, descsz, ntype = struct.unpack_from(E + 'III', buf, off)
        off += 12
        name = buf[off:off + namesz].rstrip(b'\0')
        off += (namesz + 3) & ~3
        desc = buf[off:off + descsz]
        off += (descsz + 3) & ~3
        yield name, ntype, desc


def vmcoreinfo_text(desc):
    return desc.rstrip(b'\0').decode('ascii', 'replace')


def cmd_vmcoreinfo(path):
    for name, _, desc in Elf(path).notes():
        if name == b'VMCOREINFO':
            sys.stdout.write(vmcoreinfo_text(desc))
            return
    fail("%s: no VMCOREINFO note" % path)


def cmd_vmcoreinfo_at(path, paddr, size):
    elf = Elf(path)
    buf = elf.read_phys(int(paddr, 16), int(size, 16))
    for name, _, desc in parse_notes(buf, elf.end):
        if name == b'VMCOREINFO':
            sys.stdout.write(vmcoreinfo_text(desc))
            return
    fail("%s: no VMCOREINFO note at physical 0x%s" % (path, paddr))


def cmd_elfinfo(path):
    e = Elf(path)
    print("class=%d endian=%s machine=%d phoff=0x%x shoff=0x%x ehsize=%d phnum=%d shnum=%d"
          % (e.cls, 'little' if e.end == '<' else 'big', e.machine, e.phoff,
             e.shoff, e.ehsize, e.phnum, e.shnum))
    for p in e.phdrs:
        print("type=%d offset=0x%x vaddr=0x%x paddr=0x%x filesz=0x%x memsz=0x%x"
              % (p['type'], p['offset'], p['vaddr'], p['paddr'], p['filesz'], p['memsz']))


def kdump_header(path):
    with open(path, 'rb') as f:
        h = f.read(4096)
    if h[:8] != b'KDUMP   ':
        fail("%s: no KDUMP signature" % path)
    E = '<' if struct.unpack_from('<i', h, 8)[0] in range(1, 100) else '>'
    out = {'endian': 'little' if E == '<' else 'big',
           'header_version': struct.unpack_from(E + 'i', h, 8)[0]}
    # the two layouts: block_size at 428 (8-byte long) or 416 (4-byte long)
    cands = []
    for bits, at in ((64, 428), (32, 416)):
        bs, sub, blocks = struct.unpack_from(E + 'iiI', h, at)
        if bs >= 1024 and bs & (bs - 1) == 0 and 0 < sub < 1 << 20 and 0 < blocks < 1 << 28:
            cands.append((bits, bs, sub, blocks, at))
    if len(cands) != 1:
        fail("%s: cannot tell the header layout (candidates %r)" % (path, cands))
    bits, bs, sub, blocks, at = cands[0]
    max_mapnr = struct.unpack_from(E + 'I', h, at + 12)[0]
    out.update(long_bits=bits, block_size=bs, sub_hdr_size=sub,
               bitmap_blocks=blocks, max_mapnr=max_mapnr,
               bitmap2_offset=(1 + sub) * bs + blocks * bs // 2,
               bitmap2_size=blocks * bs // 2)
    return out


def cmd_kdump_header(path):
    for k, v in kdump_header(path).items():
        print("%s=%s" % (k, v))


def cmd_bitmap2(path, out):
    h = kdump_header(path)
    with open(path, 'rb') as f:
        f.seek(h['bitmap2_offset'])
        data = f.read(h['bitmap2_size'])
    if len(data) != h['bitmap2_size']:
        fail("%s: ends inside the 2nd bitmap (%d of %d bytes)" % (path, len(data), h['bitmap2_size']))
    with open(out, 'wb') as f:
        f.write(data)


def main(argv):
    cmds = {'vmcoreinfo': (cmd_vmcoreinfo, 1), 'vmcoreinfo-at': (cmd_vmcoreinfo_at, 3),
            'elfinfo': (cmd_elfinfo, 1), 'bitmap2': (cmd_bitmap2, 2),
            'kdump-header': (cmd_kdump_header, 1)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    cmds[argv[1]][0](*argv[2:])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
