#!/usr/bin/env bash
# Hostile input: fields of the dump that would size a loop, a bitmap or a
# shift from garbage.  Each run must end within its timeout (status 124 is
# a hang) with a dump or one line naming the file and the field.
. "$(dirname "$0")/../lib.sh"
make -s tests/bin/mkvmcore >/dev/null || exit 99
tests/bin/mkvmcore tests/specs/sample.spec "$T/good" >/dev/null || exit 99

# set_last_memsz FILE VALUE: give the last PT_LOAD of an ELF64 LE vmcore this p_memsz.
set_last_memsz() {
	$PYTHON - "$1" "$2" <<'PY'
import struct, sys
path, memsz = sys.argv[1], int(sys.argv[2], 0)
with open(path, 'r+b') as f:
    h = f.read(64)
    phoff, = struct.unpack_from('<Q', h, 32)
    phentsize, phnum = struct.unpack_from('<HH', h, 54)
    last = None
    for i in range(phnum):
        f.seek(phoff + i * phentsize)
        if struct.unpack_from('<I', f.read(4))[0] == 1:
            last = i
    f.seek(phoff + last * phentsize + 40)
    f.write(struct.pack('<Q', memsz))
PY
}

# A p_memsz far past the 64 MiB of file data, and one near 2^64.
for memsz in 0x51000000420000 0xfffffffffffff000; do
	cp "$T/good" "$T/bad"
	set_last_memsz "$T/bad" "$memsz"
	for args in "-E -d 31" "-l -d 31" "-c -d 1" "-E -d 0"; do
		rm -f "$T/out.${args// /}"
		timeout 120 "$MDF" $args "$T/bad" "$T/out.${args// /}" >"$T/log" 2>&1
		rc=$?
		check "p_memsz $memsz, $args: ends (status $rc)" test "$rc" = 0
		check "p_memsz $memsz, $args: says the segment was cut" grep -q "past the physical address width" "$T/log"
	done
	check "p_memsz $memsz: the -E dump opens and its pages equal the input's" \
		$PYTHON tests/tools/pages_equal.py "$T/out.-E-d31" "$T/good"
done

# MAX_PHYSMEM_BITS that does not fit SECTION_SIZE_BITS: a shift of a negative or >= 64 amount.
for bits in 20 27 100; do
	{ cat tests/specs/sample.spec; echo "vmcoreinfo NUMBER(MAX_PHYSMEM_BITS)=$bits"; } >"$T/spec"
	tests/bin/mkvmcore "$T/spec" "$T/bits" >/dev/null 2>&1 || { fail "cannot generate MAX_PHYSMEM_BITS=$bits"; continue; }
	expect_exit 1 timeout 60 "$MDF" -l -d 31 "$T/bits" "$T/out.$bits"
	check "MAX_PHYSMEM_BITS=$bits: one line naming the file and the field" \
		grep -q "$T/bits: NUMBER(MAX_PHYSMEM_BITS)=$bits does not fit NUMBER(SECTION_SIZE_BITS)" "$T/err"
done
finish
