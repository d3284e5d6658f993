#!/usr/bin/env bash
# tests/tools/elf-phdrs-first.py (the reference run's fixer for QEMU 7.2's
# s390x dumps): a big-endian ELF64 core laid out as QEMU writes it (section
# headers at 0x40, program headers after them, e_ehsize 8) comes out with
# the program headers right after the ELF header, no section headers, and
# every segment's bytes unchanged; a file already in order is copied byte
# for byte; a file that is not ELF is refused with one line.
. "$(dirname "$0")/../lib.sh"
FIXER=tests/tools/elf-phdrs-first.py

$PYTHON - "$T" <<'EOF' || exit 99
import os, struct, sys
d = sys.argv[1]
E = '>'
note = struct.pack(E + 'III', 5, 8, 1) + b'CORE\0\0\0\0' + b'\x11' * 8
seg1 = bytes(range(256)) * 64            # 16 KiB
seg2 = b'\xa5' * 4096 + b'\x5a' * 4096
def ehdr(phoff, shoff, ehsize, phnum, shentsize, shnum):
    return (b'\x7fELF' + bytes([2, 2, 1, 0]) + b'\0' * 8 +
            struct.pack(E + 'HHIQQQIHHHHHH', 4, 22, 1, 0, phoff, shoff, 0,
                        ehsize, 56, phnum, shentsize, shnum, 0))
def phdr(t, off, va, pa, size):
    return struct.pack(E + 'IIQQQQQQ', t, 7, off, va, pa, size, size, 0)
def write(path, phoff, shoff, ehsize, shnum, data_at):
    offs, at = [], data_at
    for s in (note, seg1, seg2):
        offs.append(at); at += len(s)
    ph = (phdr(4, offs[0], 0, 0, len(note)) + phdr(1, offs[1], 0, 0, len(seg1)) +
          phdr(1, offs[2], 0, 0x100000, len(seg2)))
    b = bytearray(at)
    b[0:64] = ehdr(phoff, shoff, ehsize, 3, 64 if shnum else 0, shnum)
    b[phoff:phoff + len(ph)] = ph
    if shnum:
        b[shoff:shoff + 64 * shnum] = b'\0' * 64 * shnum
    for o, s in zip(offs, (note, seg1, seg2)):
        b[o:o + len(s)] = s
    open(path, 'wb').write(b)
# QEMU 7.2: 2 section headers at 0x40, program headers at 0xc0, e_ehsize 8
write(os.path.join(d, 'qemu.elf'), 0xc0, 0x40, 8, 2, 0xc0 + 3 * 56)
# already in order
write(os.path.join(d, 'ordered.elf'), 64, 0, 64, 0, 0x1000)
open(os.path.join(d, 'segments'), 'wb').write(note + seg1 + seg2)
open(os.path.join(d, 'junk'), 'wb').write(b'not an ELF file at all' * 4)
EOF

# segs FILE: the bytes of every segment, in program-header order, read
# with the file's own program headers (independent of the fixer)
segs() {
	$PYTHON - "$1" <<'EOF'
import struct, sys
f = open(sys.argv[1], 'rb'); h = f.read(64)
phoff, shoff = struct.unpack_from('>QQ', h, 32)
ehsize, _, phnum, _, shnum = struct.unpack_from('>HHHHH', h, 52)
print(phoff, shoff, ehsize, phnum, shnum, file=sys.stderr)
out = b''
for i in range(phnum):
    f.seek(phoff + 56 * i)
    t, _, off, _, _, size = struct.unpack_from('>IIQQQQ', f.read(56))
    f.seek(off); out += f.read(size)
sys.stdout.buffer.write(out)
EOF
}

check "QEMU layout: the fixer exits 0" $PYTHON $FIXER "$T/qemu.elf" "$T/fixed.elf"
segs "$T/fixed.elf" > "$T/fixed.segs" 2> "$T/fixed.hdr"
check "the program headers follow the ELF header, no section headers" \
	grep -qx '64 0 64 3 0' "$T/fixed.hdr"
check "every segment's bytes are unchanged" cmp "$T/fixed.segs" "$T/segments"
segs "$T/qemu.elf" > "$T/qemu.segs" 2>/dev/null
check "(the test's own reader agrees on the input)" cmp "$T/qemu.segs" "$T/segments"
check "a file already in order exits 0" $PYTHON $FIXER "$T/ordered.elf" "$T/ordered.out"
check "a file already in order is copied byte for byte" cmp "$T/ordered.elf" "$T/ordered.out"
check "not an ELF file: exit 1" expect_exit 1 $PYTHON $FIXER "$T/junk" "$T/junk.out"
check "not an ELF file: one line naming the file" \
	grep -qx "elf-phdrs-first.py: $T/junk: not an ELF file" "$T/err"
finish
