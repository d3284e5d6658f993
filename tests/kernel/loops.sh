#!/usr/bin/env bash
# Loops in dump-supplied structures end (issue: never hang): on synthetic
# ppc64 dumps (tests/tools/mkppc64.py)
#   * a vmemmap_list whose node points to itself: the list is cut at the
#     number of chunks the dump's RAM can back, one line names the file;
#   * a page-table entry pointing to its own table: the walk of an address
#     under it ends after the levels there are, one line at most, and a dump
#     of that machine is written; the walk of every kernel table (the pages
#     kept first) visits each table once.
# Each run has 20 s (timeout: exit 124 is a hang).
. "$(dirname "$0")/../lib.sh"

$PYTHON tests/tools/mkppc64.py "$T/list" --mmu hash --page-size 65536 --vmemmap-loop >/dev/null ||
	{ echo "mkppc64.py failed"; exit 99; }
check "vmemmap_list loop: fails, no hang" expect_exit 1 timeout 20 "$MDF" -d 1 "$T/list" "$T/o"
check "... one line naming the file and the list" grep -qx "makedumpfile: $T/list: ppc64 vmemmap_list does not end: .*" "$T/err"
check "... no output left" test ! -e "$T/o"

for mmu in radix hash; do
	$PYTHON tests/tools/mkppc64.py "$T/pt" --mmu $mmu --pt-loop >"$T/expect" || { echo "mkppc64.py failed"; exit 99; }
	va=$(awk '$2 == "loop" { print $1 }' "$T/expect")
	rm -f "$T/o"
	timeout 20 "$MDF" --vtop "$va" -d 1 "$T/pt" "$T/o" >"$T/out" 2>"$T/err"
	rc=$?
	check "$mmu page-table loop: --vtop $va ends (exit $rc)" test $rc -le 1
	check "... with at most one error line" test "$(grep -c . "$T/err")" -le 1
	rm -f "$T/o"
	check "$mmu page-table loop: -d 1 dump written" expect_exit 0 timeout 20 "$MDF" -D -d 1 "$T/pt" "$T/o"
	check "... it reads back equal" $PYTHON tests/tools/pages_equal.py "$T/o" "$T/pt"
	check "... the walk of all kernel tables ended" grep -q "^keep: [0-9]* kernel page tables from" "$T/out" "$T/err"
done
finish
