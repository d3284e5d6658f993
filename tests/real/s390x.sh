#!/usr/bin/env bash
# The real s390x capture (Debian 12 kernel 6.1 under QEMU TCG, 768 MiB; a
# QEMU dump-guest-memory ELF of the panicked guest, made by
# tests/capture/make-capture s390x-6.1): big-endian, the program headers
# after the section headers, no VMCOREINFO note.  Its references are
# Debian's s390x makedumpfile 1.7.2 (run with -i vmcoreinfo.txt on a
# phdrs-first copy).
#   * without -i, the VMCOREINFO note comes from the kernel's lowcore
#     pointer: -l -d 1 2 4 8 16 31 keep exactly upstream's pages with its
#     report's counts, and the -d 31 file is upstream's byte for byte;
#     -i vmcoreinfo.txt gives the same files;
#   * --dump-dmesg equals upstream's (without the caller column);
#   * every codec reads back equal; -E, -F/-R, refiltering, --split;
#   * -x with Debian's vmlinux gives the same dump, -g then -i too;
#   * where qemu-s390x-static and the capture's s390x .debs are there, the
#     same makedumpfile 1.7.2 run on the host gives byte-identical -E and
#     uncompressed files, and -c keeps its pages;
#   * --vtop of identity-map, vmemmap and vmalloc addresses agrees with a
#     hand walk of the DAT tables (tests/tools/s390x_walk.py); identity-map
#     addresses are their own physical address; the walk starts at the
#     table type swapper_pg_dir's entries carry; an unmapped address fails
#     with one line naming the level.
# Skips (77) when the capture is absent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/capture_lib.sh"
name=s390x-6.1
capture $name
ref=$(fixture_ref)
info=$FIX/vmcoreinfo.txt
walker() { $PYTHON tests/tools/s390x_walk.py "$VMCORE" "$info" "$@"; }

# 1. VMCOREINFO from the lowcore, and the common checks
check "the capture has no VMCOREINFO note (the case this test is for)" \
	bash -c "! grep -qa 'VMCOREINFO' <(head -c 4096 '$VMCORE')"
real_levels "$ref"
if [ -s "$ref/d31.kdump" ]; then
	check "-l -d 31 is byte-identical to upstream's d31.kdump" cmp "$T/d31" "$ref/d31.kdump"
else
	lack "$ref/d31.kdump"
fi
rm -f "$T/i31" "$T/i1"
check "-i vmcoreinfo.txt -d 31 runs" expect_exit 0 "$MDF" -i "$info" -l -d 31 "$VMCORE" "$T/i31"
check "-i vmcoreinfo.txt gives the same -d 31 dump as the lowcore's note" cmp "$T/d31" "$T/i31"
check "-i vmcoreinfo.txt -d 1 runs" expect_exit 0 "$MDF" -i "$info" -l -d 1 "$VMCORE" "$T/i1"
expect_exit 0 "$MDF" -l -d 1 "$VMCORE" "$T/l1" &&
	check "-i vmcoreinfo.txt gives the same -d 1 dump" cmp "$T/l1" "$T/i1"
rm -f "$T/i31" "$T/i1" "$T/l1"
rm -f "$T/o"
"$MDF" --message-level 31 -d 31 "$VMCORE" "$T/o" >"$T/out" 2>&1
check "-D says where VMCOREINFO came from" \
	grep -q "^VMCOREINFO: the note at 0x$(sed -n 's/.*(0x0*\([0-9a-f]*\) .*/\1/p' "$FIX/README.txt" | head -1) (the lowcore's pointer)" "$T/out"
rm -f "$T/o"
real_dmesg "$FIX/dmesg.txt"
real_codecs "$ref"
real_modes
real_vmlinux

# 2. --vtop against the hand walk
our_pa() {
	rm -f "$T/v"
	"$MDF" --vtop "$1" -d 31 "$VMCORE" "$T/v" 2>/dev/null | awk '/^VIRTUAL/ { getline; print "0x" $2 }'
}
sym() { echo "0x$(sed -n "s/^SYMBOL($1)=//p" "$info")"; }
read -r top depth < <(walker top)
rm -f "$T/v"
"$MDF" --message-level 31 --vtop "$(sym _stext)" -d 31 "$VMCORE" "$T/v" >"$T/out" 2>&1
check "the walk starts at a $top table, as swapper_pg_dir's entries say" \
	grep -q "^Page-table walk of .* ($top top table)" "$T/out"
ident="$(sym _stext) $(sym swapper_pg_dir) $(sym mem_section) 0x2fff1234"
pages=$(walker page 0 0x1234 0x2ffff | awk '{ print $2 }')
vmemmap="$(for p in $pages; do printf '0x%x ' $((p + 0x18)); done)"
vmallocs=$(walker walk $(walker vmalloc 40) | awk '$2 != "-" { print $1 }' | head -4)
[ -n "$vmallocs" ] || fail "no mapped vmalloc address found"
for a in $ident $vmemmap $vmallocs; do
	hand=$(walker walk "$a" | awk '{ print $2 }')
	ours=$(our_pa "$a")
	[ -n "$ours" ] && [ "$hand" != - ] && [ "$((hand))" = "$((ours))" ] && ok "--vtop $a = $ours (hand walk $hand)" ||
		fail "--vtop $a: we say ${ours:-nothing}, the hand walk $hand"
done
for a in $ident; do
	[ "$(($(our_pa "$a")))" = "$((a))" ] && ok "$a is its own physical address (identity map)" ||
		fail "$a: the identity map does not give it back"
done
for a in $vmemmap; do
	[ "$((a))" -ge "$((0x30000000))" ] && ok "$a lies outside the identity map" || fail "$a is no vmemmap address"
done
for a in 0x3ff00000000 0x40000000000; do
	rm -f "$T/v"
	where=$(walker walk $a | awk '{ print $3 }')
	check "--vtop of unmapped $a fails" expect_exit 1 "$MDF" --vtop $a -d 31 "$VMCORE" "$T/v"
	[ "$(grep -c . "$T/err")" -le 2 ] && grep -q "cannot translate $a: .*$where" "$T/err" &&
		ok "... with one line naming the $where level" || fail "$a: unexpected error: $(cat "$T/err")"
done
rm -f "$T/v"

# 3. Debian's s390x makedumpfile 1.7.2 on the host, under qemu-user, on a
# phdrs-first copy (it cannot read QEMU's layout) with -i: ours reads the
# capture as it is, without -i.
up_root=
setup_upstream() {
	local debs=$MDF_CAPTURES/debs/bookworm-s390x p
	command -v qemu-s390x-static >/dev/null || return 1
	ls "$debs"/makedumpfile_*_s390x.deb >/dev/null 2>&1 || return 1
	mkdir -p "$T/up"
	for p in makedumpfile libc6 libdw1 libelf1 libbz2-1.0 liblzma5 liblzo2-2 zlib1g; do
		dpkg-deb -x "$(ls "$debs"/${p}_*_s390x.deb | head -1)" "$T/up" || return 1
	done
	up_root=$T/up
}
up() { QEMU_LD_PREFIX=$up_root nice -n 10 qemu-s390x-static "$up_root/usr/bin/makedumpfile" "$@"; }
fixed=$MDF_FIXCACHE/$name/vmcore.phdrs-first
if setup_upstream; then
	if [ ! -s "$fixed" ] || [ "$VMCORE" -nt "$fixed" ]; then
		$PYTHON tests/tools/elf-phdrs-first.py "$VMCORE" "$fixed.tmp" >/dev/null && mv "$fixed.tmp" "$fixed" ||
			fail "cannot write the phdrs-first copy $fixed"
	fi
	for args in "-d 1" "-l -d 1" "-d 31" "-E -d 0" "-E -d 31" "-c -d 31"; do
		rm -f "$T/up.out" "$T/ours.out"
		if ! up $args -i "$info" "$fixed" "$T/up.out" >"$T/up.log" 2>&1; then fail "upstream $args failed"; continue; fi
		if ! expect_exit 0 "$MDF" $args "$VMCORE" "$T/ours.out"; then fail "$args failed"; continue; fi
		if [ "${args#-c }" != "$args" ]; then	# -c is libdeflate here: pages, not bytes, equal upstream's
			$PYTHON tests/tools/kdump_bitmap.py kept "$T/up.out" >"$T/up.kept"
			$PYTHON tests/tools/kdump_bitmap.py kept "$T/ours.out" >"$T/ours.kept"
			check "$args: the pages kept are s390x makedumpfile 1.7.2's" cmp "$T/up.kept" "$T/ours.kept"
			check "$args: every page reads back equal to the input" \
				$PYTHON tests/tools/pages_equal.py "$T/ours.out" "$VMCORE"
		else
			check "$args: byte-identical to s390x makedumpfile 1.7.2 on the host" cmp "$T/up.out" "$T/ours.out"
		fi
	done
	rm -f "$T/up.out" "$T/ours.out"
else
	echo "note: no host run of the s390x makedumpfile (qemu-s390x-static or $MDF_CAPTURES/debs/bookworm-s390x missing)"
fi
finish
