#!/usr/bin/env bash
# The real s390x capture (Debian 12 kernel 6.1 under QEMU TCG, 768 MiB; a
# QEMU dump-guest-memory ELF of the panicked guest, made by
# tests/capture/make-capture s390x-6.1): big-endian, the program headers
# after the section headers, no VMCOREINFO note.  Its references are
# Debian's s390x makedumpfile 1.7.2 (run with -i vmcoreinfo.txt on a
# phdrs-first copy).
#   * without -i, the VMCOREINFO note comes from the kernel's lowcore
#     pointer: -l -d 1 2 4 8 16 31 keep exactly upstream's pages with its
#     report's counts; -i vmcoreinfo.txt gives the same files;
#   * --dump-dmesg equals upstream's (without the caller column);
#   * every codec reads back equal; -E, -F/-R, refiltering, --split;
#   * -x with Debian's vmlinux gives the same dump, -g then -i too;
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
finish
