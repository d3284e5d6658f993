#!/usr/bin/env bash
# ppc64 translation on synthetic dumps (tests/tools/mkppc64.py) of what the
# real capture does not have: big-endian, the hash MMU (vmalloc through the
# hash geometry, vmemmap through vmemmap_list) with 64 KiB and 4 KiB pages,
# radix with 4 KiB pages, a hash kernel without NUMBER(RADIX_MMU), and a
# MAX_PHYSMEM_BITS reaching past vmalloc (vmap_area_list ends the linear map).
# --vtop of each address must give the physical address the generator put
# behind it; an address the tables do not map must fail with one line.
. "$(dirname "$0")/../lib.sh"
for cfg in "be radix 65536" "be radix 4096" "be hash 65536" "be hash 4096" \
	   "le radix 65536" "le hash 65536" "le hash 4096" "be hash 65536 --no-radix-key" \
	   "be hash 4096 --wide-physmem" "le radix 65536 --wide-physmem"; do
	set -- $cfg
	$PYTHON tests/tools/mkppc64.py "$T/vmcore" --endian $1 --mmu $2 --page-size $3 ${4:-} >"$T/expect" ||
		{ echo "mkppc64.py failed"; exit 99; }
	while read -r va pa; do
		rm -f "$T/o"
		got=$("$MDF" --vtop "$va" -d 1 "$T/vmcore" "$T/o" 2>"$T/err" | awk '/^VIRTUAL/ { getline; print "0x" $2 }')
		[ -n "$got" ] && [ "$((got))" = "$((pa))" ] && ok "$cfg: $va -> $got" ||
			fail "$cfg: $va: want $pa, got ${got:-nothing} ($(grep -v '%' "$T/err" | head -1))"
	done <"$T/expect"
	rm -f "$T/o"
	check "$cfg: an unmapped vmalloc address fails" \
		expect_exit 1 "$MDF" --vtop 0xc008000000000000 -d 1 "$T/vmcore" "$T/o"
	grep -qE "cannot translate 0xc008000000000000: $2 (PGD|PUD|PMD|PTE) entry 0+ not present" "$T/err" ||
		fail "$cfg: unexpected error: $(head -1 "$T/err")"
done
finish
