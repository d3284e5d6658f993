#!/usr/bin/python3
"""elf-phdrs-first.py IN OUT - copy an ELF core file with its program
headers right after the ELF header.

QEMU 7.2's dump-guest-memory writes the section headers first and the
program headers after them (e_phoff past the ELF header); upstream
makedumpfile reads the program headers as if they followed the ELF header.
The copy has: the ELF header (e_phoff = e_ehsize, no section headers unless
the program header count needs section 0, PN_XNUM), the program headers,
then every segment's bytes in the order of the program headers, each at an
offset aligned like the original's modulo 64 KiB; p_offset is rewritten,
nothing else.  The segments' bytes are copied unchanged.  Standard library
only; ELF32 and ELF64, either byte order.  Prints one line per segment.
"""
import struct
import sys

CHUNK = 1 << 24


def fail(msg):
    sys.stderr.write("elf-phdrs-first.py: %s\n" % msg)
    sys.exit(1)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    src, dst = argv[1], argv[2]
    f = open(src, 'rb')
    eh = bytearray(f.read(64))
    if eh[:4] != b'\x7fELF':
        fail("%s: not an ELF file" % src)
    is64 = eh[4] == 2
    E = '<' if eh[5] == 1 else '>'
    if is64:
        ehsize, ph_at, sh_at, fmt_off = 64, 32, 40, 'Q'
        half_at = 52    # e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
        phfmt, off_at, fs_at = 'IIQQQQQQ', 8, 32
    else:
        ehsize, ph_at, sh_at, fmt_off = 52, 28, 32, 'I'
        half_at = 40
        phfmt, off_at, fs_at = 'IIIIIIII', 4, 16
    phoff = struct.unpack_from(E + fmt_off, eh, ph_at)[0]
    shoff = struct.unpack_from(E + fmt_off, eh, sh_at)[0]
    _, phentsize, phnum, shentsize, shnum, _ = struct.unpack_from(E + 'HHHHHH', eh, half_at)
    sh0 = b''
    if phnum == 0xffff:     # PN_XNUM: the real count is section 0's sh_info
        f.seek(shoff)
        sh0 = f.read(shentsize)
        phnum = struct.unpack_from(E + 'I', sh0, 44 if is64 else 28)[0]
    f.seek(phoff)
    phdrs = [bytearray(f.read(phentsize)) for _ in range(phnum)]
    if any(len(p) != phentsize for p in phdrs):
        fail("%s: program headers cut short" % src)

    # the new layout
    at = ehsize + phnum * phentsize
    new_shoff = 0
    if sh0:
        new_shoff = at
        at += len(sh0)
    moves = []
    for p in phdrs:
        off = struct.unpack_from(E + fmt_off, p, off_at)[0]
        size = struct.unpack_from(E + fmt_off, p, fs_at)[0]
        if size == 0:
            continue
        at += (off - at) % 65536    # keep the original's alignment (64 KiB pages)
        moves.append((off, at, size))
        struct.pack_into(E + fmt_off, p, off_at, at)
        at += size

    struct.pack_into(E + fmt_off, eh, ph_at, ehsize)
    struct.pack_into(E + fmt_off, eh, sh_at, new_shoff)
    struct.pack_into(E + 'H', eh, half_at, ehsize)
    struct.pack_into(E + 'H', eh, half_at + 8, 1 if sh0 else 0)    # e_shnum
    struct.pack_into(E + 'H', eh, half_at + 10, 0)                # e_shstrndx
    if not sh0:
        struct.pack_into(E + 'H', eh, half_at + 6, 0)             # e_shentsize
    with open(dst, 'wb') as o:
        o.write(eh[:ehsize])
        for p in phdrs:
            o.write(p)
        o.write(sh0)
        for old, new, size in moves:
            o.seek(new)
            f.seek(old)
            left = size
            while left:
                b = f.read(min(CHUNK, left))
                if not b:
                    fail("%s: segment at 0x%x cut short" % (src, old))
                o.write(b)
                left -= len(b)
            print("segment 0x%x+0x%x moved to 0x%x" % (old, size, new))
    print("program headers: %d at 0x%x (were at 0x%x); section headers: %s"
          % (phnum, ehsize, phoff, "section 0 at 0x%x" % new_shoff if sh0 else "none (were %d at 0x%x)" % (shnum, shoff)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
