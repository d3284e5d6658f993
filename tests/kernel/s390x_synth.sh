#!/usr/bin/env bash
# s390x translation on synthetic dumps (tests/tools/mks390x.py) of what the
# real capture (3 levels, 4 KiB pages only) does not have: top tables of
# every type (segment, region-third, -second, -first: 2 to 5 levels),
# 1 MiB segment and 2 GiB region-third pages, a short segment table (TL),
# invalid entries at every level, the reach of the top table, the 6.10+
# layout (IDENTITYBASE, the image at KERNELOFFSET from KERNELOFFPHYS).
# --vtop of each address must give the physical address the generator put
# behind it, or fail with one line naming what does not map it.
# Then the VMCOREINFO note from the lowcore: a dump without the note, in
# QEMU 7.2's header layout (program headers after the section headers),
# translates as one with it; a bad lowcore pointer (0, odd, not at a
# note) leaves a dump without VMCOREINFO: -d 1 works, -d 31 is refused
# with one line saying why.
. "$(dirname "$0")/../lib.sh"

# vtop_all CFG: every line of $T/expect, through --vtop of $T/vmcore
vtop_all() {
	local va pa words got
	while read -r va pa words; do
		rm -f "$T/o"
		got=$("$MDF" --vtop "$va" -d 1 "$T/vmcore" "$T/o" 2>"$T/err" | awk '/^VIRTUAL/ { getline; print "0x" $2 }')
		if [ "$pa" = - ]; then
			[ -z "$got" ] && [ "$(grep -c . "$T/err")" -le 2 ] &&
				grep -q "cannot translate $va: .*$words" "$T/err" &&
				ok "$1: $va refused: $(head -1 "$T/err" | sed 's/^makedumpfile: //')" ||
				fail "$1: $va: want a refusal naming \"$words\", got ${got:-$(head -1 "$T/err")}"
		else
			[ -n "$got" ] && [ "$((got))" = "$((pa))" ] && ok "$1: $va -> $got" ||
				fail "$1: $va: want $pa, got ${got:-nothing} ($(grep -v '%' "$T/err" | head -1))"
		fi
	done <"$T/expect"
	rm -f "$T/o"
}

gen() { $PYTHON tests/tools/mks390x.py "$T/vmcore" "$@" >"$T/expect" || { echo "mks390x.py failed"; exit 99; }; }

for cfg in "--levels 2" "--levels 3" "--levels 4" "--levels 5" \
	   "--levels 3 --layout 6.10" "--levels 4 --layout 6.10" "--levels 5 --layout 6.10"; do
	gen $cfg
	vtop_all "$cfg"
	"$MDF" --message-level 31 --vtop "$(head -1 "$T/expect" | cut -d' ' -f1)" -d 1 "$T/vmcore" "$T/o" >"$T/out" 2>&1
	levels=${cfg#--levels }; levels=${levels%% *}
	top=$(echo "x x x region-first region-second region-third segment" | cut -d" " -f$((9 - levels)))
	check "$cfg: the walk starts at the $top table" grep -q "($top top table)" "$T/out"
	rm -f "$T/o"
done

# the note only in memory, QEMU's header layout
gen --levels 3 --info lowcore --qemu-layout
check "QEMU layout: e_phoff 0xc0 after 2 section headers (the case this checks)" \
	$PYTHON -c "import struct,sys; h=open(sys.argv[1],'rb').read(64); sys.exit(struct.unpack_from('>QQ', h, 32) != (0xc0, 0x40))" "$T/vmcore"
vtop_all "lowcore note, QEMU layout"
rm -f "$T/o"
"$MDF" --message-level 31 -d 1 "$T/vmcore" "$T/o" >"$T/out" 2>&1
check "lowcore note: -D says where it was" grep -q "^VMCOREINFO: the note at 0x3f0000 (the lowcore's pointer)" "$T/out"
check "lowcore note: its facts are used" grep -q "^OSRELEASE=6.1.0-synthetic-s390x" "$T/out"
rm -f "$T/o"

# bad pointers: a dump without VMCOREINFO
mapped=$(gen --levels 3 --info none && head -1 "$T/expect" | cut -d' ' -f1)
for ptr in 0 0x100001 0x500000; do
	gen --levels 3 --info lowcore --lowcore-ptr $ptr
	rm -f "$T/o"
	check "pointer $ptr: -d 1 works without VMCOREINFO" expect_exit 0 "$MDF" -d 1 "$T/vmcore" "$T/o"
	rm -f "$T/o"
	check "pointer $ptr: -d 31 is refused" expect_exit 1 "$MDF" -d 31 "$T/vmcore" "$T/o"
	case $ptr in
	0) why="pointer (absolute 0xe0c) is 0x0" ;;
	0x100001) why="pointer (absolute 0xe0c) is 0x100001, the early boot's KASLR mark" ;;
	*) why="pointer 0x500000 does not point to a VMCOREINFO note" ;;
	esac
	[ "$(grep -c . "$T/err")" -le 2 ] && grep -q "doesn't contain vmcoreinfo (the lowcore's VMCOREINFO $why): dump level 31 needs" "$T/err" &&
		ok "... in one line saying why" || fail "pointer $ptr: unexpected error: $(cat "$T/err")"
	rm -f "$T/o"
	check "pointer $ptr: no page tables without VMCOREINFO" expect_exit 1 "$MDF" --vtop "$mapped" -d 1 "$T/vmcore" "$T/o"
	grep -q "swapper_pg_dir unknown" "$T/err" || fail "pointer $ptr: unexpected error: $(head -1 "$T/err")"
	rm -f "$T/o"
	got=$("$MDF" --vtop 0x1234567 -d 1 "$T/vmcore" "$T/o" 2>/dev/null | awk '/^VIRTUAL/ { getline; print "0x" $2 }')
	[ "$got" = 0x1234567 ] && ok "pointer $ptr: the identity map still translates" ||
		fail "pointer $ptr: identity 0x1234567 gave ${got:-nothing}"
	rm -f "$T/o"
done
finish
