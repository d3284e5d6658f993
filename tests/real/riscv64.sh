#!/usr/bin/env bash
# The real riscv64 capture (Debian 13 kernel 6.12, QEMU virt, Sv57, 4 KiB
# pages; made by tests/capture/make-capture riscv64-6.12):
#   * the reference is not upstream: an independent classification of
#     every pfn with drgn and the vmlinux (tests/tools/riscv64_classify.py:
#     buddy free lists walked, folios read from the vmemmap through a hand
#     walk of the page tables) says which pages each -d level keeps and how
#     many of each kind it drops; -l -d 1 2 4 8 16 31 must keep exactly
#     those pages, with those report counts, and -c -l -p -z and no codec
#     read back equal to the input;
#   * upstream is wrong on this dump, and the reasons are shown, not
#     assumed: redoing upstream's page loop with its two faults reproduces
#     each release's 2nd bitmaps exactly, and without them the loop agrees
#     with the classification:
#       - 1.7.6 and 1.7.8 translate an address in a 2 MiB leaf as the leaf's
#         base plus the offset in its 4 KiB page (vtop_riscv64, fixed after
#         1.7.8 by 863e2c4); the vmemmap is all 2 MiB leaves, so every
#         section's mem_map reads as its first 64 struct pages repeated.
#         Hence "0 user pages" and whole sections taken for free or cache;
#       - 1.7.6's isSlab() uses the pre-6.12 page-type encoding, which every
#         6.12 buddy page matches: it finds no free page at all;
#   * --dump-dmesg equals both upstreams' text (1.7.6 without the caller
#     column, 1.7.8 with it);
#   * -E, -F then -R, refiltering, --split and --reassemble (capture_lib.sh);
#   * --vtop of linear, kernel-image, vmemmap, vmalloc and module addresses
#     agrees with the hand walk (tests/tools/riscv64_walk.py), the linear map
#     and the image with their VMCOREINFO offsets; an unmapped address
#     fails with one line naming the level the hand walk stops at;
#   * the fallbacks, each documented in arch/riscv64.c: without
#     NUMBER(VA_BITS) the mode comes from PAGE_OFFSET, without both from a
#     walk of swapper_pg_dir, without phys_ram_base the linear map is walked,
#     without va_kernel_pa_offset it comes from the kernel-text PT_LOAD: the
#     same pages and counts each time; without swapper_pg_dir no struct
#     page can be read: -d 31 fails in one line naming it, and -d 1 keeps
#     upstream's -d 1 pages;
#   * -x with Debian's vmlinux gives the same dump as VMCOREINFO, and -g
#     then -i too.
# Skips (77) when the capture is absent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/capture_lib.sh"
# MDF_RISCV64_CAPTURE names another riscv64 capture of a 1 GiB guest
# (make-capture's riscv64-sv48-6.12, riscv64-sv39-6.12) to check instead
name=${MDF_RISCV64_CAPTURE:-riscv64-6.12}
capture $name
info=$FIX/vmcoreinfo.txt
vmlinux=/var/cache/vmlinux/vmlinux-$(head -1 "$FIX/kernel-version.txt")
walker() { $PYTHON tests/tools/riscv64_walk.py "$VMCORE" "$info" "$@"; }
classify() { $PYTHON tests/tools/riscv64_classify.py "$VMCORE" "$info" "$vmlinux" "$@"; }
num() { sed -n "s/^NUMBER($1)=//p" "$info"; }
sym() { echo "0x$(sed -n "s/^SYMBOL($1)=//p" "$info")"; }
# bitmaps A B: how many pfns A keeps that B drops, and the reverse
bitmaps_differ() {
	$PYTHON - "$1" "$2" <<-'EOF'
	import sys
	a, b = (open(p, 'rb').read() for p in sys.argv[1:3])
	n = max(len(a), len(b))
	a, b = a.ljust(n, b'\0'), b.ljust(n, b'\0')
	print(sum(bin(x & ~y & 255).count('1') for x, y in zip(a, b)),
	      sum(bin(y & ~x & 255).count('1') for x, y in zip(a, b)))
	EOF
}

# 1. the reference: drgn's classification
ref=
if [ ! -s "$vmlinux" ]; then
	lack "$vmlinux (tests/tools/get-vmlinux.sh $(head -1 "$FIX/kernel-version.txt"))"
elif ! $PYTHON -c 'import drgn' 2>/dev/null; then
	lack "drgn (python3-drgn)"
elif classify "$T/ref" >"$T/cls.txt" 2>&1; then
	ok "classification: $(cat "$T/cls.txt")"
	ref=$T/ref
else
	fail "the classification failed: $(tail -3 "$T/cls.txt")"
fi

# 2. what every real capture gets, against the classification
if [ -n "$ref" ]; then
	real_levels "$ref"
	real_codecs "$ref"
fi
real_dmesg "$FIX/dmesg.txt"
real_dmesg "$FIX/upstream-1.7.8-riscv64/dmesg.txt"
if [ -s "$T/d31" ]; then
	real_modes
	real_vmlinux
else
	rm -f "$T/d31"
	check "-l -d 31 runs" expect_exit 0 "$MDF" -l -d 31 "$VMCORE" "$T/d31"
fi

# 3. upstream: where it differs, and why
if [ -n "$ref" ]; then
	for v in 1.7.6 1.7.8; do
		up=$FIX/upstream-$v-riscv64
		for d in 1 2 4 8 16 31; do
			read -r more less < <(bitmaps_differ "$up/d$d.bitmap2" "$ref/d$d.bitmap2")
			echo "note: upstream $v -d $d keeps $more page(s) the classification drops, drops $less it keeps"
		done
		check "upstream $v -d 1 (no mem_map needed) agrees with the classification" \
			cmp "$up/d1.bitmap2" "$ref/d1.bitmap2"
		if classify "$T/as$v" --as-upstream $v >"$T/out" 2>&1; then
			for d in 2 4 8 16 31; do
				check "upstream $v's page loop with its faults reproduces its -d $d bitmap" \
					cmp "$T/as$v/d$d.bitmap2" "$up/d$d.bitmap2"
			done
		else
			fail "--as-upstream $v failed: $(tail -2 "$T/out")"
		fi
	done
	if classify "$T/fixed" --as-upstream 1.7.8+863e2c4 >"$T/out" 2>&1; then
		for d in 2 4 8 16 31; do
			check "upstream's page loop without the vtop fault agrees with the classification at -d $d" \
				cmp "$T/fixed/d$d.bitmap2" "$ref/d$d.bitmap2"
		done
	else
		fail "--as-upstream 1.7.8+863e2c4 failed: $(tail -2 "$T/out")"
	fi
fi

# 4. --vtop against the hand walk
our_pa() {	# our_pa VA [OPTS]: the PHYSICAL column of --vtop, or nothing
	local va=$1; shift
	rm -f "$T/v"
	"$MDF" "$@" --vtop "$va" -d 31 "$VMCORE" "$T/v" 2>/dev/null | awk '/^VIRTUAL/ { getline; print "0x" $2 }'
}
po=$(num PAGE_OFFSET) ram=$(num phys_ram_base) koff=$(num va_kernel_pa_offset) mode=Sv$(num VA_BITS)
linear="$(printf '0x%x 0x%x' $((po + 0x12345678)) $((po + 0x3f7ff008))) $(sym mem_section)"
image="$(sym _stext) $(sym swapper_pg_dir) $(sym init_uts_ns) $(sym prb)"
# the struct pages of the first, a middle and the last pfn of the 1 GiB of RAM
vmemmap="$(printf '0x%x 0x%x 0x%x' $(($(sym vmemmap) + (ram >> 12) * 64 + 0x18)) \
	$(($(sym vmemmap) + ((ram >> 12) + 0x1abcd) * 64 + 0x28)) $(($(sym vmemmap) + ((ram >> 12) + 0x3ffff) * 64)))"
plus() { while read -r v; do printf '0x%x\n' $((v + $1)); done; }
vmallocs=$(walker scan "$(num VMALLOC_START)" "$(num VMALLOC_END)" 4 | plus 0x123)
modules=$(walker scan "$(num MODULES_VADDR)" "$(num MODULES_END)" 2 | plus 0x10)
[ -n "$vmallocs" ] && [ -n "$modules" ] || fail "the hand walk found no mapped vmalloc or module page"
for a in $linear $image $vmemmap $vmallocs $modules; do
	read -r _ hand size < <(walker walk "$a")
	ours=$(our_pa "$a")
	[ -n "$ours" ] && [ "$hand" != - ] && [ "$((hand))" = "$((ours))" ] &&
		ok "--vtop $a = $ours (hand walk: $hand in a $size-byte leaf)" ||
		fail "--vtop $a: we say ${ours:-nothing}, the hand walk $hand $size"
done
for a in $vmemmap; do
	read -r _ _ size < <(walker walk "$a")
	[ "$size" = 0x200000 ] && ok "$a is in a 2 MiB leaf (what upstream 1.7.x mistranslates)" ||
		fail "$a: leaf of $size bytes, not the 2 MiB this check is about"
done
for a in $linear; do
	[ "$(($(our_pa "$a")))" = "$((a - po + ram))" ] && ok "$a is pa + PAGE_OFFSET - phys_ram_base" ||
		fail "$a: not pa + PAGE_OFFSET - phys_ram_base"
done
for a in $image; do
	[ "$(($(our_pa "$a")))" = "$((a - koff))" ] && ok "$a is pa + va_kernel_pa_offset" ||
		fail "$a: not pa + va_kernel_pa_offset"
done
# --vtop -D prints each level of the walk
rm -f "$T/v"
"$MDF" -D --vtop "$(echo $vmemmap | cut -d' ' -f1)" -d 31 "$VMCORE" "$T/v" >"$T/out" 2>&1
grep -q '^  PMD : .*=>' "$T/out" && grep -q '(2048 KiB mapping)' "$T/out" && grep -q "($mode)" "$T/out" &&
	ok "--vtop -D prints the $mode walk down to the 2 MiB PMD leaf" || fail "--vtop -D: $(grep -A6 'Page-table walk' "$T/out")"
# unmapped: a hole among the first vmalloc pages, and the top of vmalloc
first=$(walker scan "$(num VMALLOC_START)" "$(num VMALLOC_END)" 64)
hole= prev=
for v in $first; do
	[ -n "$prev" ] && [ $((v)) != $((prev + 4096)) ] && { hole=$(printf '0x%x' $((prev + 4096))); break; }
	prev=$v
done
[ -n "$hole" ] || fail "no unmapped page among the first 64 vmalloc pages"
top="$(printf "0x%x 0x%x" $(($(num VMALLOC_END) - 0x1000)) $(( ($(num VMALLOC_START) >> 1) + ($(num VMALLOC_END) >> 1) )))"
for a in $hole $top; do
	read -r _ hand level < <(walker walk "$a")
	[ "$hand" = - ] || { fail "$a is mapped (the hand walk says $hand): not an unmapped address"; continue; }
	rm -f "$T/v"
	if expect_exit 1 "$MDF" --vtop "$a" -d 31 "$VMCORE" "$T/v"; then
		[ "$(grep -c . "$T/err")" -le 2 ] && grep -q "cannot translate $a: $mode $level entry" "$T/err" &&
			ok "--vtop of unmapped $a fails naming the $level level" || fail "unexpected error for $a: $(cat "$T/err")"
	else
		fail "--vtop of unmapped $a did not fail"
	fi
done

# 5. what the walk needs, from elsewhere when the note lacks a key (the
# keys are taken out of a copy's note: -i could not, the note fills in
# what an -i file lacks)
cp --sparse=always "$VMCORE" "$T/vmcore.fb" || fail "cannot copy the vmcore"
without() {	# without KEY...: $T/vmcore.fb's note without those NUMBER/SYMBOL keys
	$PYTHON - "$VMCORE" "$T/vmcore.fb" "$@" <<-'EOF'
	import struct, sys
	src, dst, keys = sys.argv[1], sys.argv[2], sys.argv[3:]
	with open(src, 'rb') as f:
	    h = f.read(64)
	    phoff, = struct.unpack_from('<Q', h, 32)
	    phnum, = struct.unpack_from('<H', h, 56)
	    for i in range(phnum):
	        f.seek(phoff + 56 * i)
	        t, _, off, _, _, size = struct.unpack('<IIQQQQ', f.read(40))
	        if t == 4:
	            break
	    f.seek(off)
	    note = f.read(size)
	for k in keys:
	    for kind in (b'NUMBER', b'SYMBOL'):
	        note = note.replace(b'\n' + kind + b'(' + k.encode() + b')=', b'\nX' + kind[1:] + b'(' + k.encode() + b')=')
	with open(dst, 'r+b') as f:
	    f.seek(off)
	    f.write(note)
	EOF
}
for keys in VA_BITS "VA_BITS PAGE_OFFSET" phys_ram_base va_kernel_pa_offset; do
	without $keys
	rm -f "$T/fb"
	if ! expect_exit 0 "$MDF" -l -d 31 --message-level 16 "$T/vmcore.fb" "$T/fb"; then fail "without $keys: -d 31 failed"; continue; fi
	[ -n "$ref" ] || continue
	report_counts "$T/out" >"$T/fb.txt"
	check "without $keys: -d 31 keeps the classification's pages" \
		$PYTHON tests/tools/pages_equal.py "$T/fb" "$VMCORE" --ref "$ref/d31.bitmap2"
	check "without $keys: the classification's report counts" diff "$ref/d31.report.txt" "$T/fb.txt"
done
without phys_ram_base
for a in $linear; do
	read -r _ hand _ < <(walker walk "$a")
	rm -f "$T/v"
	ours=$("$MDF" --vtop "$a" -d 31 "$T/vmcore.fb" "$T/v" 2>/dev/null | awk '/^VIRTUAL/ { getline; print "0x" $2 }')
	[ -n "$ours" ] && [ "$((hand))" = "$((ours))" ] && ok "without phys_ram_base: --vtop $a walks to $ours" ||
		fail "without phys_ram_base: --vtop $a gives ${ours:-nothing}, the hand walk $hand"
done
without swapper_pg_dir
rm -f "$T/fb"
if expect_exit 1 "$MDF" -l -d 31 "$T/vmcore.fb" "$T/fb"; then
	[ "$(grep -c '^makedumpfile: .*no struct page can be read.*swapper_pg_dir' "$T/err")" = 1 ] &&
		ok "without swapper_pg_dir: -d 31 fails in one line naming it" || fail "without swapper_pg_dir: $(cat "$T/err")"
	check "... and leaves no output" test ! -e "$T/fb"
else
	fail "without swapper_pg_dir: -d 31 did not fail"
fi
rm -f "$T/fb"
if expect_exit 0 "$MDF" -l -d 1 "$T/vmcore.fb" "$T/fb"; then
	[ -n "$ref" ] && check "without swapper_pg_dir: -d 1 keeps upstream's -d 1 pages" \
		$PYTHON tests/tools/pages_equal.py "$T/fb" "$VMCORE" --ref "$ref/d1.bitmap2"
else
	fail "without swapper_pg_dir: -d 1 failed"
fi
rm -f "$T/vmcore.fb" "$T/fb"
finish
