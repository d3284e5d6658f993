#!/usr/bin/env bash
# A bad sector costs a page, not the dump.  An LD_PRELOAD shim
# (tests/tools/eio_shim.c) makes byte ranges of the x86_64 6.1 capture
# unreadable: pread() fails with EIO there, and mapped pages raise SIGBUS,
# as a failing disk or region of /proc/vmcore does.
#   * page data: -l -d 31, read through mmap and through pread
#     (--non-mmap), and each part of --split 2: exit 0, one warning giving
#     the count and the first pfn, the dump holds upstream 1.7.8's pages
#     except the unreadable ones, every held page reads back equal;
#   * -F (a stream: its bitmap goes out first), through mmap and pread: the same;
#   * -E, through mmap and pread: the same, each unreadable page ending a
#     PT_LOAD (the short gaps next to it too), never file bytes;
#   * struct pages (mem_map): the pages they describe are kept (never
#     exclude what cannot be classified), with one warning, and the page
#     holding them is lost like any other unreadable page;
#   * the notes: fatal, one line naming the file.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1
ref=$(fixture_ref)/d31.bitmap2
command -v cc >/dev/null || { lack "a C compiler for the shim"; finish; }
cc -O1 -shared -fPIC -o "$T/eio.so" tests/tools/eio_shim.c -ldl || { echo "shim build failed"; exit 99; }
# bad RANGES ARGS...: our program with RANGES of the vmcore unreadable
# (a sanitizer runtime must come first in the preload list)
preload="$(ldd "$MDF" | awk '/lib(a|ub)san/ { printf "%s ", $3 }')$T/eio.so"
bad() { local r=$1; shift; MDF_EIO_FILE=$VMCORE MDF_EIO_RANGES=$r LD_PRELOAD=$preload "$MDF" "$@"; }
targets() { $PYTHON tests/tools/eio_targets.py "$@"; }

# 1. page data: three kept pages, pfns 0x2c2f-0x2c31 (kept at -d 31 by upstream)
off=$(targets offset "$VMCORE" 0x2c2f000)
[ -n "$off" ] || { echo "pfn 0x2c2f is not in the dump"; exit 99; }
targets clear "$ref" "$T/ref-bad" 0x2c2f 0x2c30 0x2c31
for how in mmap --non-mmap; do
	opt=$how; [ $how = mmap ] && opt=
	rm -f "$T/d"
	check "page data unreadable ($how): exit 0" expect_exit 0 bad "$off+0x3000" $opt -l -d 31 "$VMCORE" "$T/d"
	check "... one warning with the count and the first pfn" \
		test "$(grep -c "WARNING: 3 page(s) could not be read and are not in the dump (first: pfn=0x2c2f; $VMCORE: .*Input/output error)" "$T/out" "$T/err" | awk -F: '{ s += $2 } END { print s }')" = 1
	check "... upstream's pages but those, all equal to the input" \
		$PYTHON tests/tools/pages_equal.py "$T/d" "$VMCORE" --ref "$T/ref-bad"
done
# -F: a stream's bitmap goes out before its pages, so the pages that cannot
# be read are found while it is made
for how in mmap --non-mmap; do
	opt=$how; [ $how = mmap ] && opt=
	rm -f "$T/f"
	bad "$off+0x3000" $opt -F -l -d 31 "$VMCORE" 2>"$T/f.err" | "$MDF" -R "$T/f" >/dev/null 2>&1
	check "-F, page data unreadable ($how): exit 0" test "${PIPESTATUS[0]}" = 0
	check "... one warning" grep -q "WARNING: 3 page(s) could not be read and are not in the dump (first: pfn=0x2c2f;" "$T/f.err"
	check "... upstream's pages but those, all equal to the input" \
		$PYTHON tests/tools/pages_equal.py "$T/f" "$VMCORE" --ref "$T/ref-bad"
done

# ELF: the headers are written before the data, so the unreadable pages are
# found first and each ends a PT_LOAD (never file bytes), short gaps too
"$MDF" -E -d 31 "$VMCORE" "$T/e-good" >/dev/null 2>&1 || fail "-E -d 31 without faults"
for how in mmap --non-mmap; do
	opt=$how; [ $how = mmap ] && opt=
	rm -f "$T/e"
	check "-E, page data unreadable ($how): exit 0" expect_exit 0 bad "$off+0x3000" $opt -E -d 31 "$VMCORE" "$T/e"
	check "... one warning" grep -q "WARNING: 3 page(s) could not be read and are not in the dump (first: pfn=0x2c2f;" "$T/out" "$T/err"
	check "... every page it holds reads back equal" $PYTHON tests/tools/pages_equal.py "$T/e" "$VMCORE"
	check "... the unreadable pages are not in it, the rest of the fault-free dump's pages are" \
		$PYTHON -c "
import sys; sys.path.insert(0, 'tests/tools'); import pages_equal as pe
bad = {0x2c2f, 0x2c30, 0x2c31}
got, good = set(pe.elf_kept('$T/e', 4096)), set(pe.elf_kept('$T/e-good', 4096))
sys.exit(not (bad <= good and not got & bad and good - got - bad <= set(range(0x2c00, 0x2d00)) and got <= good))"
done
rm -f "$T/p1" "$T/p2" "$T/joined"
check "page data unreadable, --split 2: exit 0" \
	expect_exit 0 bad "$off+0x3000" --split --splitblock-size 65536 -l -d 31 "$VMCORE" "$T/p1" "$T/p2"
"$MDF" --reassemble "$T/p1" "$T/p2" "$T/joined" >/dev/null 2>&1 || fail "reassemble the parts"
check "... the parts hold upstream's pages but those" \
	$PYTHON tests/tools/pages_equal.py "$T/joined" "$VMCORE" --ref "$T/ref-bad"

# 2. struct pages: one page of mem_map (64 struct pages) describing 64
# pages upstream leaves out (the first such run from pfn 0x8000 on)
read -r pfn root < <(targets struct-page "$VMCORE" "$FIX/vmcoreinfo.txt" "$ref")
rm -f "$T/v"
pa=$("$MDF" --vtop "$root" -d 1 "$VMCORE" "$T/v" 2>/dev/null | awk '/^VIRTUAL/ { getline; print "0x" $2 }')
moff=$(targets offset "$VMCORE" "${pa:-0}")
if [ -n "$moff" ]; then
	targets set "$ref" "$T/ref-kept" "$VMCORE" $pfn 64
	# the page holding those struct pages is unreadable too: lost
	targets clear "$T/ref-kept" "$T/ref-kept" $((pa >> 12))
	rm -f "$T/d"
	check "struct pages unreadable: exit 0" expect_exit 0 bad "$moff+0x1000" -l -d 31 "$VMCORE" "$T/d"
	check "... one warning" grep -q "WARNING: the struct pages of 64 page(s) could not be read; those pages were kept (first: pfn=$pfn)" "$T/out" "$T/err"
	check "... and the page holding them is lost" grep -q "WARNING: 1 page(s) could not be read .*first: pfn=$(printf '0x%x' $((pa >> 12)))" "$T/out" "$T/err"
	check "... the 64 pages they describe are kept (but all-zero ones), the rest as upstream" \
		$PYTHON tests/tools/pages_equal.py "$T/d" "$VMCORE" --ref "$T/ref-kept"
else
	fail "struct page of pfn $pfn: no file offset (vtop of $root gave '${pa:-nothing}')"
fi

# 3. the notes: nothing can be done without them
noff=$(targets notes "$VMCORE")
rm -f "$T/d"
check "notes unreadable: exit 1" expect_exit 1 bad "$noff+0x10" -l -d 31 "$VMCORE" "$T/d"
check "... one line naming the file" grep -q "^makedumpfile: $VMCORE: .*Input/output error" "$T/err"
check "... no output left" test ! -e "$T/d"
finish
