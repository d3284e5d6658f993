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
#   * this program built for s390x (big-endian host) and run under
#     qemu-user writes the host build's files for this and the x86_64 and
#     ppc64le captures (where the cross compiler and captures are there);
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
fixed=$MDF_FIXCACHE/$name/vmcore.phdrs-first
if upstream_root bookworm s390x; then
	if [ ! -s "$fixed" ] || [ "$VMCORE" -nt "$fixed" ]; then
		$PYTHON tests/tools/elf-phdrs-first.py "$VMCORE" "$fixed.tmp" >/dev/null && mv "$fixed.tmp" "$fixed" ||
			fail "cannot write the phdrs-first copy $fixed"
	fi
	for args in "-d 1" "-l -d 1" "-d 31" "-E -d 0" "-E -d 31" "-c -d 31"; do
		rm -f "$T/up.out" "$T/ours.out"
		if ! upstream_run $args -i "$info" "$fixed" "$T/up.out" >"$T/up.log" 2>&1; then fail "upstream $args failed"; continue; fi
		if ! expect_exit 0 "$MDF" $args "$VMCORE" "$T/ours.out"; then fail "$args failed"; continue; fi
		if [ "${args#-c }" != "$args" ]; then	# -c is libdeflate here: pages, not bytes, equal upstream's
			$PYTHON tests/tools/kdump_bitmap.py kept "$T/up.out" >"$T/up.kept"
			$PYTHON tests/tools/kdump_bitmap.py kept "$T/ours.out" >"$T/ours.kept"
			check "$args: the pages kept are s390x makedumpfile $UP_VERSION's" cmp "$T/up.kept" "$T/ours.kept"
			check "$args: every page reads back equal to the input" \
				$PYTHON tests/tools/pages_equal.py "$T/ours.out" "$VMCORE"
		else
			check "$args: byte-identical to s390x makedumpfile $UP_VERSION on the host" cmp "$T/up.out" "$T/ours.out"
		fi
	done
	rm -f "$T/up.out" "$T/ours.out"
else
	lack "Debian's s390x makedumpfile on the host (tests/tools/upstream-root bookworm s390x, qemu-s390x-static)"
fi

# 4. This program built for s390x (a big-endian host; the capture's
# cross compiler, the capture's s390x libraries, the host's headers) and
# run under qemu-user writes the same files as the host's build: byte order
# and word size come from the dump, never the host.  Zlib and no codec only.
be_build() {
	local inc=$T/be/inc lib=$UP_ROOT/usr/lib/s390x-linux-gnu lib2=$UP_ROOT/lib/s390x-linux-gnu h z
	command -v s390x-linux-gnu-gcc >/dev/null && [ -n "$UP_ROOT" ] || return 1
	mkdir -p "$inc/elfutils" "$T/be/lib" || return 1
	for h in gelf.h libelf.h dwarf.h zlib.h elfutils/libdw.h elfutils/libdwfl.h elfutils/version.h elfutils/known-dwarf.h; do
		[ -f "/usr/include/$h" ] && cp "/usr/include/$h" "$inc/$h"
	done
	for z in /usr/include/*-linux-gnu/zconf.h /usr/include/zconf.h; do [ -f "$z" ] && cp "$z" "$inc/" && break; done
	for z in libelf.so.1:libelf.so libdw.so.1:libdw.so libz.so.1:libz.so; do
		ln -sf "$(ls "$lib/${z%%:*}" "$lib2/${z%%:*}" 2>/dev/null | head -1)" "$T/be/lib/${z#*:}"
	done
	nice s390x-linux-gnu-gcc -O1 -std=gnu11 -D_FILE_OFFSET_BITS=64 -I. -I"$inc" -o "$T/be/makedumpfile" \
		$(sed -n '/^SRCS :=/,/[^\\]$/p' Makefile | sed 's/^SRCS :=//; s/\\//g') \
		-L"$T/be/lib" -Wl,-rpath-link,"$lib:$lib2" -lpthread -lz -ldw -lelf >"$T/be/log" 2>&1
}
be() { QEMU_LD_PREFIX=$UP_ROOT nice -n 10 qemu-s390x-static "$T/be/makedumpfile" "$@"; }
if be_build; then
	for dump in "$VMCORE" "$MDF_FIXCACHE/x86_64-6.1/vmcore" "$MDF_FIXCACHE/ppc64le-6.1/vmcore"; do
		[ -s "$dump" ] || { lack "$dump for the big-endian host run"; continue; }
		for args in "-d 31" "-E -d 31" "-c -d 31"; do
			rm -f "$T/be.out" "$T/le.out"
			if ! be $args "$dump" "$T/be.out" >"$T/be.log" 2>&1; then fail "s390x build: $args $dump failed: $(tail -2 "$T/be.log")"; continue; fi
			if [ "${args#-c }" != "$args" ]; then	# zlib here, libdeflate in the host build
				check "s390x build, $args $dump: reads back equal to the input" \
					$PYTHON tests/tools/pages_equal.py "$T/be.out" "$dump"
			else
				expect_exit 0 "$MDF" $args "$dump" "$T/le.out" &&
					check "s390x build, $args $dump: the host build's file" cmp "$T/be.out" "$T/le.out"
			fi
		done
		rm -f "$T/be.dmesg" "$T/le.dmesg"
		be --dump-dmesg "$dump" "$T/be.dmesg" >/dev/null 2>&1 && expect_exit 0 "$MDF" --dump-dmesg "$dump" "$T/le.dmesg" &&
			check "s390x build, --dump-dmesg $dump: the host build's log" cmp "$T/be.dmesg" "$T/le.dmesg" ||
			fail "s390x build, --dump-dmesg $dump failed"
	done
	rm -f "$T/be.out" "$T/le.out" "$T/be.dmesg" "$T/le.dmesg"
else
	lack "the big-endian host run (s390x-linux-gnu-gcc or the s390x root missing$([ -s "$T/be/log" ] && echo ": $(head -3 "$T/be/log")"))"
fi
finish
