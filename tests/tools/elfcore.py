"""elfcore.py - the physical memory of an ELF vmcore and its VMCOREINFO
text, for the independent test tools (page-table walkers, fault tests).
Knows ELF and nothing of any kernel: the tools say what the bytes mean.
"""
import struct
import sys


class ElfCore:
    """An ELF64 or ELF32 vmcore of either byte order: its PT_LOADs (loads:
    paddr, filesz, file offset; vloads: the same by p_vaddr), and, when
    given, the VMCOREINFO text's keys."""

    def __init__(self, path, info=None, want=None):
        self.f = open(path, 'rb')
        h = self.f.read(64)
        if h[:4] != b'\x7fELF':
            sys.exit(f'{path}: not an ELF vmcore')
        self.is64 = h[4] == 2
        self.e = '<' if h[5] == 1 else '>'
        if want and (want[0] != self.is64 or want[1] != self.e):
            sys.exit(f'{path}: not a {"64" if want[0] else "32"}-bit '
                     f'{"little" if want[1] == "<" else "big"}-endian ELF vmcore')
        if self.is64:
            phoff, = struct.unpack_from(self.e + 'Q', h, 32)
            phentsize, phnum = struct.unpack_from(self.e + 'HH', h, 54)
        else:
            phoff, = struct.unpack_from(self.e + 'I', h, 28)
            phentsize, phnum = struct.unpack_from(self.e + 'HH', h, 42)
        self.loads, self.vloads = [], []
        for i in range(phnum):
            self.f.seek(phoff + i * phentsize)
            ph = self.f.read(phentsize)
            if self.is64:
                t, _, off, va, pa, fsz = struct.unpack_from(self.e + 'IIQQQQ', ph)
            else:
                t, off, va, pa, fsz = struct.unpack_from(self.e + 'IIIII', ph)
            if t == 1:
                self.loads.append((pa, fsz, off))
                self.vloads.append((va, fsz, off))
        self.k = {}
        for line in open(info) if info else ():
            key, _, val = line.strip().partition('=')
            self.k[key] = val

    def sym(self, name):
        return int(self.k[f'SYMBOL({name})'], 16)

    def offset(self, pa, n=1, by_virt=False):
        """The file offset of [pa, pa+n) (by p_vaddr: by_virt), or None when
        the file lacks it."""
        for start, size, off in self.vloads if by_virt else self.loads:
            if start <= pa and pa + n <= start + size:
                return off + pa - start
        return None

    def phys(self, pa, n):
        return self._read(pa, n, False)

    def virt(self, va, n):
        """Bytes at a virtual address the PT_LOADs name (the kernel's own p_vaddr)."""
        return self._read(va, n, True)

    def _read(self, a, n, by_virt):
        off = self.offset(a, n, by_virt)
        if off is None:
            raise KeyError(f'{"virtual" if by_virt else "physical"} 0x{a:x} not in the dump')
        self.f.seek(off)
        return self.f.read(n)

    def u64(self, pa):
        return struct.unpack(self.e + 'Q', self.phys(pa, 8))[0]
