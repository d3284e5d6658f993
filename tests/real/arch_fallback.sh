#!/usr/bin/env bash
# The arm64 fallbacks for SECTION_SIZE_BITS and MAX_PHYSMEM_BITS on a real
# dump: the arm64 fixture with those two keys of its VMCOREINFO note renamed
# (same length, so nothing else moves) keeps the same pages at -d 31 as
# upstream did on the dump with the keys, and -D says which values came from
# the fallbacks (27 since 5.12 with 4 KiB pages; 48 from LENGTH(mem_section)).
. "$(dirname "$0")/../lib.sh"
fixture arm64-6.1
ref=$(fixture_ref)
cp --sparse=always "$VMCORE" "$T/vmcore" || exit 99
$PYTHON - "$T/vmcore" <<'PY' || exit 99
import struct, sys
path = sys.argv[1]
with open(path, "r+b") as f:
    h = f.read(64)
    phoff, = struct.unpack_from("<Q", h, 32)
    phnum, = struct.unpack_from("<H", h, 56)
    for i in range(phnum):
        f.seek(phoff + 56 * i)
        typ, _fl, off, _va, _pa, filesz = struct.unpack("<IIQQQQ", f.read(40))
        if typ != 4:	# PT_NOTE
            continue
        f.seek(off)
        notes = f.read(filesz)
        for key in (b"NUMBER(SECTION_SIZE_BITS)=", b"NUMBER(MAX_PHYSMEM_BITS)="):
            at = notes.find(key)
            if at < 0:
                sys.exit("no %s in the note" % key.decode())
            f.seek(off + at)
            f.write(key.replace(b"_BITS)", b"_XXXX)"))
PY
grep -a -q 'NUMBER(SECTION_SIZE_XXXX)=' "$T/vmcore" || { echo "note not patched"; exit 99; }
if expect_exit 0 "$MDF" -l -d 31 --message-level 31 "$T/vmcore" "$T/dump"; then
	cat "$T/err" >>"$T/out"
	check "-d 31 without the keys: kept pages equal upstream's with them" \
		$PYTHON tests/tools/pages_equal.py "$T/dump" "$T/vmcore" --ref "$ref/d31.bitmap2"
	check "-D says SECTION_SIZE_BITS came from the arm64 fallback" \
		grep -qF "NUMBER(SECTION_SIZE_BITS)=27: not in the kernel facts, arm64's fallback" "$T/out"
	check "-D says MAX_PHYSMEM_BITS came from the arm64 fallback" \
		grep -qF "NUMBER(MAX_PHYSMEM_BITS)=48: not in the kernel facts, arm64's fallback" "$T/out"
else
	fail "-d 31 without the keys failed"
fi
finish
