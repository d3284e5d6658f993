#!/usr/bin/env bash
# The real i386 crash dumps (Debian 12's 686 kernel: 2-level paging; its
# 686-pae kernel: PAE), made by tests/capture/make-capture, against Debian's
# native 32-bit makedumpfile 1.7.2 run in the capture kernel:
#   * -l -d 1 2 4 8 16 31 keep exactly its pages (its 2nd bitmaps), every
#     kept page equals the input's (libkdumpfile), the report counts equal;
#   * -l -d 31 is byte-identical to its d31.kdump, and the 32-bit kdump
#     header equals its header field by field;
#   * --dump-dmesg equals its dmesg.txt (1.7.2 predates the caller column:
#     ours is compared with the column taken out), from the kdump file too;
#   * every codec reads back equal to the input; -E, -F then -R,
#     refiltering, --split and --reassemble (capture_lib.sh);
#   * the page-table walk (--vtop at message level 31) is 2-level or PAE as
#     the kernel is, also when VMCOREINFO does not say CONFIG_X86_PAE=y, and
#     lands on the linear-map address;
#   * -x with the kernel's vmlinux writes the same dump as VMCOREINFO alone,
#     the same log, and -g then -i the same dump;
#   * the same makedumpfile (bookworm's, tests/tools/upstream-root) run on
#     the host under qemu-i386-static gives byte-identical -l and
#     uncompressed files, and an -E file with its pages and, beyond them,
#     only the zero pages kept first (the kernel image, page tables).
# Exits 77 when a capture, the vmlinux or the host run is missing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/capture_lib.sh"

[ -x "$MDF" ] || { echo "no binary $MDF"; exit 99; }

# The linear address of the page-table walk's result and the mode it used.
walk() { # VA FILE
	rm -f "$T/vt"
	"$MDF" --message-level 31 --vtop "$1" -d 1 "$2" "$T/vt" 2>&1 |
		awk '/^Page-table walk/ { mode = $NF; gsub(/[():]/, "", mode) } /^  PAGE:/ { print mode, $2 }'
	rm -f "$T/vt"
}


for name in i386-6.1 i386-pae-6.1; do
	capture "$name"
	ref=$(fixture_ref)
	case $name in *pae*) mode=PAE ;; *) mode=2-level ;; esac

	real_levels "$ref"

	d31=$T/d31
	$PYTHON tests/tools/kdump_bitmap.py header "$ref/d31.kdump" >"$T/h.up"
	$PYTHON tests/tools/kdump_bitmap.py header "$d31" >"$T/h.ours"
	check "$name: upstream's header is the 32-bit layout" grep -qx 'layout=32-bit' "$T/h.up"
	check "$name: kdump header equals upstream's field by field" diff "$T/h.up" "$T/h.ours"
	check "$name: -l -d 31 byte-identical to upstream's d31.kdump" cmp "$ref/d31.kdump" "$d31"

	real_dmesg "$FIX/dmesg.txt"
	check "$name: the caller column is there (6.1 records callers)" \
		grep -qE '^\[ *[0-9]+\.[0-9]{6}\] \[ *T[0-9]+\] Linux version' "$T/dmesg"

	real_codecs "$ref"
	real_modes

	# The walk of swapper_pg_dir itself: a lowmem address, so pa = va - PAGE_OFFSET.
	pgd=0x$(sed -n 's/^SYMBOL(swapper_pg_dir)=//p' "$FIX/vmcoreinfo.txt")
	want=$(printf '%s %x' "$mode" $((pgd - 0xc0000000)))
	check "$name: page-table walk of swapper_pg_dir is $mode to its linear pa" \
		[ "$(walk "$pgd" "$VMCORE")" = "$want" ]
	# The same without CONFIG_X86_PAE=y in the note: the table's shape tells.
	$PYTHON - "$VMCORE" "$T/nopae" <<-'EOF'
		import shutil, sys
		src, dst = sys.argv[1:]
		shutil.copyfile(src, dst)
		with open(dst, 'r+b') as f:
		    i = f.read(1 << 20).find(b'CONFIG_X86_PAE=y\n')
		    if i >= 0:
		        f.seek(i)
		        f.write(b'X')
	EOF
	check "$name: without CONFIG_X86_PAE in VMCOREINFO the walk is still $mode" \
		[ "$(walk "$pgd" "$T/nopae")" = "$want" ]
	rm -f "$T/nopae"

	real_vmlinux
	vmlinux=/var/cache/vmlinux/vmlinux-$(head -1 "$FIX/kernel-version.txt")
	rm -f "$T/x.dmesg"
	if [ -s "$vmlinux" ] && expect_exit 0 "$MDF" -x "$vmlinux" --dump-dmesg "$VMCORE" "$T/x.dmesg"; then
		check "$name: -x --dump-dmesg equals the VMCOREINFO log" cmp "$T/dmesg" "$T/x.dmesg"
	elif [ -s "$vmlinux" ]; then fail "$name: -x --dump-dmesg failed"; fi

	if [ -n "$UP_ROOT" ] || upstream_root bookworm i386; then
		for args in "-E -d 31" "-l -d 31" "-l -d 1"; do	# -c is libdeflate here: pages, not bytes, equal upstream's
			rm -f "$T/up.out" "$T/ours.out"
			if ! upstream_run $args "$VMCORE" "$T/up.out" >"$T/up.log" 2>&1; then fail "$name: upstream $args failed"; continue; fi
			if ! expect_exit 0 "$MDF" $args "$VMCORE" "$T/ours.out"; then fail "$name $args failed"; continue; fi
			if [ "$args" = "-E -d 31" ]; then	# zero pages kept first: more data, same headers otherwise
				check_kept_extra "$name $args: i386 makedumpfile $UP_VERSION's pages" "$T/ours.out" "$T/up.out"
			else
				check "$name $args: byte-identical to i386 makedumpfile $UP_VERSION on the host" cmp "$T/up.out" "$T/ours.out"
			fi
		done
		rm -f "$T/up.out" "$T/ours.out"
	else
		lack "Debian's i386 makedumpfile on the host (tests/tools/upstream-root bookworm i386, qemu-i386-static)"
	fi
	rm -f "$d31" "$T/dmesg" "$T/dmesg.k" "$T/x.dmesg"
done
finish
