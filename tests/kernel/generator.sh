#!/usr/bin/env bash
# The synthetic-dump generator itself: sparse= is honoured both ways; a
# 64 GiB machine is made in bounded memory (its struct pages are made as
# the file is written, not kept) and filters as its spec says; -p PAGES
# puts those pages' data in the in-use pages, in turn.
. "$(dirname "$0")/../lib.sh"
make -s tests/bin/mkvmcore >/dev/null || { fail "building mkvmcore"; finish; }
for sparse in 0 1; do
	printf 'era=6.12\nram=0-256M\nsparse=%s\n@pfn 0x8000-0xffff free order=10\n' $sparse >"$T/s$sparse.spec"
	tests/bin/mkvmcore "$T/s$sparse.spec" "$T/s$sparse" >/dev/null || fail "mkvmcore sparse=$sparse"
done
size=$(stat -c %s "$T/s1")
check "sparse=1: most of the file is holes" test $(( $(stat -c %b "$T/s1") * 512 )) -lt $((size / 4))
check "sparse=0: the file is written out" test $(( $(stat -c %b "$T/s0") * 512 )) -ge $((size * 9 / 10))
rm -f "$T/s0" "$T/s1"

/usr/bin/time -f %M -o "$T/rss" tests/bin/mkvmcore tests/bench/ram-64g.spec "$T/big" >/dev/null ||
	fail "mkvmcore ram-64g"
check "64 GiB machine made in under 64 MB (peak $(cat "$T/rss") KB)" test "$(cat "$T/rss")" -lt 65536
if expect_exit 0 "$MDF" -l -d 31 "$T/big" "$T/big.dump"; then
	check "64 GiB: the free blocks are left out" \
		$PYTHON tests/tools/kdump_bitmap.py check "$T/big.dump" excluded 0x200000-0xffffff
	check "64 GiB: the kernel data is kept" $PYTHON tests/tools/kdump_bitmap.py check "$T/big.dump" kept 0x1100
else
	fail "makedumpfile on the 64 GiB machine"
fi
rm -f "$T/big" "$T/big.dump"

# -p: pfn N holds page N % 2 of the file.
$PYTHON -c "import sys; sys.stdout.buffer.write(b'A' * 4096 + b'B' * 4096)" >"$T/pages"
printf 'era=6.12\nram=0-64M\nsparse=0\n' >"$T/p.spec"
tests/bin/mkvmcore -p "$T/pages" "$T/p.spec" "$T/p" >/dev/null || fail "mkvmcore -p"
$PYTHON -c "import sys; b = bytearray(0x4000 // 8); b[0x3000 // 8] = 0x03; sys.stdout.buffer.write(b)" >"$T/bm"
$PYTHON tests/bench/keptpages.py "$T/p" "$T/bm" "$T/got" >/dev/null
check "-p: pfns 0x3000 and 0x3001 hold pages 0 and 1 of the file" cmp -s "$T/got" "$T/pages"
finish
