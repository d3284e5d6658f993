#!/usr/bin/env bash
# --mem-usage on a dump shaped like /proc/kcore (the generator's kcore=1:
# RAM segments plus vmalloc and vmemmap segments without a physical
# address): upstream's table, with the counts the spec placed.
. "$(dirname "$0")/../lib.sh"
make -s tests/bin/mkvmcore >/dev/null || { fail "building mkvmcore"; finish; }
cat >"$T/kcore.spec" <<'SPEC'
era=6.12
kcore=1
ram=0-64M
@pfn 0x2000-0x2007 free order=3
@pfn 0x2400-0x27ff free order=10
@pfn 0x2800-0x283f compound order=6 anon
@pfn 0x2840-0x2843 cache
@pfn 0x2844-0x2847 cache private
@pfn 0x2848-0x284a swapcache
@pfn 0x2850 slab
@pfn 0x3000-0x300f zero
SPEC
tests/bin/mkvmcore "$T/kcore.spec" "$T/kcore" >/dev/null || { fail "mkvmcore"; finish; }
expect_exit 0 "$MDF" --mem-usage "$T/kcore" || fail "--mem-usage failed"
row() { awk -F'\t+' -v k="$1" '$1 == k { split($2, f, " "); print f[1] }' "$T/out"; }
check "table header" grep -qx "TYPE		PAGES			EXCLUDABLE	DESCRIPTION" "$T/out"
check "FREE = 8 + 1024 buddy pages" test "$(row FREE)" = 1032
check "USER = the 64-page anonymous folio" test "$(row USER)" = 64
check "NON_PRI_CACHE = 4 cache + 3 swap cache pages" test "$(row NON_PRI_CACHE)" = 7
check "PRI_CACHE = 4 pages with PG_private" test "$(row PRI_CACHE)" = 4
check "ZERO counts at least the 16 zero pages placed" test "$(row ZERO)" -ge 16
total=$(sed -n 's/^Total pages on system:\t*\([0-9]*\).*/\1/p' "$T/out")
sum=$(( $(row ZERO) + $(row NON_PRI_CACHE) + $(row PRI_CACHE) + $(row USER) + $(row FREE) + $(row KERN_DATA) ))
check "the kinds add up to the total ($total)" test "$sum" = "$total"
check "no progress lines, as upstream" test ! -s "$T/err"
# The same counts as the dump level 31 report of the same memory.
"$MDF" -d 31 --dry-run --message-level 16 "$T/kcore" "$T/d" >"$T/rep" 2>&1
zero=$(( $(sed -n 's/^ *Pages filled with zero *: *//p' "$T/rep") ))
check "ZERO equals the -d 31 report's zero pages" test "$(row ZERO)" = "$zero"
finish
