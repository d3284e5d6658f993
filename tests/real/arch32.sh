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
#   * every codec at -d 1 and -d 31 reads back equal to the input;
#   * -F then -R, and refiltering a -d 1 file to -d 31, give the same pages;
#   * the page-table walk (--vtop at message level 31) is 2-level or PAE as
#     the kernel is, also when VMCOREINFO does not say CONFIG_X86_PAE=y, and
#     lands on the linear-map address;
#   * -x with the kernel's vmlinux writes the same dump as VMCOREINFO alone;
#   * where qemu-i386-static and the capture's i386 .debs are there, the
#     same makedumpfile 1.7.2 run on the host gives byte-identical -E, -c
#     and uncompressed files.
# Exits 77 when a capture is absent, and when only the vmlinux is missing.
. "$(dirname "$0")/../lib.sh"

[ -x "$MDF" ] || { echo "no binary $MDF"; exit 99; }

strip_caller() {
	sed -E 's/^(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] /\1/; s/^ {26}/               /' "$1"
}

# The linear address of the page-table walk's result and the mode it used.
walk() { # VA FILE
	rm -f "$T/vt"
	"$MDF" --message-level 31 --vtop "$1" -d 1 "$2" "$T/vt" 2>&1 |
		awk '/^Page-table walk/ { mode = $NF; gsub(/[():]/, "", mode) } /^  PAGE:/ { print mode, $2 }'
	rm -f "$T/vt"
}

# An i386 root with Debian's makedumpfile for host runs under qemu-user.
up_root=
setup_upstream() {
	local debs=$MDF_CAPTURES/debs/bookworm-i386 p
	command -v qemu-i386-static >/dev/null || return 1
	ls "$debs"/makedumpfile_*_i386.deb >/dev/null 2>&1 || return 1
	mkdir -p "$T/up"
	for p in makedumpfile libc6 libdw1 libelf1 libbz2-1.0 liblzma5 liblzo2-2 zlib1g; do
		dpkg-deb -x "$(ls "$debs"/${p}_*_i386.deb | head -1)" "$T/up" || return 1
	done
	up_root=$T/up
}
up() { QEMU_LD_PREFIX=$up_root nice -n 10 qemu-i386-static "$up_root/usr/bin/makedumpfile" "$@"; }

missing_vmlinux=
for name in i386-6.1 i386-pae-6.1; do
	capture "$name"
	ref=$(fixture_ref)
	case $name in *pae*) mode=PAE ;; *) mode=2-level ;; esac

	for d in 1 2 4 8 16 31; do
		out=$T/$name.d$d
		if ! expect_exit 0 "$MDF" -l -d $d --message-level 16 "$VMCORE" "$out"; then fail "$name -d $d failed"; continue; fi
		check "$name -d $d: kept pages equal upstream's" \
			$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d$d.bitmap2"
		sed -n '/^Original pages/,/^Total pages/p' "$T/out" >"$T/ours.txt"
		sed -n '/^Original pages/,/^Total pages/p' "$ref/d$d.report.txt" >"$T/ref.txt"
		check "$name -d $d: report counts equal upstream's" diff "$T/ref.txt" "$T/ours.txt"
		[ $d = 31 ] || rm -f "$out"
	done

	d31=$T/$name.d31
	$PYTHON tests/tools/kdump_bitmap.py header "$ref/d31.kdump" >"$T/h.up"
	$PYTHON tests/tools/kdump_bitmap.py header "$d31" >"$T/h.ours"
	check "$name: upstream's header is the 32-bit layout" grep -qx 'layout=32-bit' "$T/h.up"
	check "$name: kdump header equals upstream's field by field" diff "$T/h.up" "$T/h.ours"
	check "$name: -l -d 31 byte-identical to upstream's d31.kdump" cmp "$ref/d31.kdump" "$d31"

	if expect_exit 0 "$MDF" --dump-dmesg "$VMCORE" "$T/dmesg"; then
		check "$name: --dump-dmesg equals upstream 1.7.2's without the caller column" \
			cmp <(strip_caller "$T/dmesg") "$FIX/dmesg.txt"
		check "$name: the caller column is there (6.1 records callers)" \
			grep -qE '^\[ *[0-9]+\.[0-9]{6}\] \[ *T[0-9]+\] Linux version' "$T/dmesg"
		rm -f "$T/dmesg.k"
		if expect_exit 0 "$MDF" --dump-dmesg "$d31" "$T/dmesg.k"; then
			check "$name: --dump-dmesg of the -d 31 file: the same log" cmp "$T/dmesg" "$T/dmesg.k"
		else fail "$name: --dump-dmesg of the -d 31 file failed"; fi
	else fail "$name: --dump-dmesg failed"; fi

	for d in 1 31; do
		for c in none -c -l -p -z; do
			opt=$c; [ "$c" = none ] && opt=
			out=$T/$name$c.d$d
			if ! expect_exit 0 "$MDF" $opt -d $d "$VMCORE" "$out"; then fail "$name $c -d $d failed"; continue; fi
			check "$name $c -d $d: reads back equal to the input, upstream's pages" \
				$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d$d.bitmap2"
			[ "$c$d" = -c1 ] || rm -f "$out"
		done
	done
	if expect_exit 0 "$MDF" -l -d 31 "$T/$name-c.d1" "$T/refiltered"; then
		check "$name: -c -d 1 refiltered to -l -d 31 equals the direct -l -d 31" cmp "$d31" "$T/refiltered"
	else fail "$name: refiltering failed"; fi
	rm -f "$T/$name-c.d1" "$T/refiltered"
	if "$MDF" -F -l -d 31 "$VMCORE" 2>/dev/null | "$MDF" -R "$T/rebuilt" >/dev/null 2>&1; then
		check "$name: -F | -R equals the direct file" cmp "$d31" "$T/rebuilt"
	else fail "$name: -F | -R failed"; fi
	rm -f "$T/rebuilt"

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

	vmlinux=/var/cache/vmlinux/vmlinux-$(head -1 "$FIX/kernel-version.txt")
	if [ -s "$vmlinux" ]; then
		if expect_exit 0 "$MDF" -x "$vmlinux" -l -d 31 "$VMCORE" "$T/x.d31"; then
			check "$name: -x vmlinux -l -d 31 equals the VMCOREINFO dump" cmp "$d31" "$T/x.d31"
		else fail "$name: -x failed"; fi
		rm -f "$T/x.d31" "$T/x.dmesg"
		if expect_exit 0 "$MDF" -x "$vmlinux" --dump-dmesg "$VMCORE" "$T/x.dmesg"; then
			check "$name: -x --dump-dmesg equals the VMCOREINFO log" cmp "$T/dmesg" "$T/x.dmesg"
		else fail "$name: -x --dump-dmesg failed"; fi
	else
		echo "note: $vmlinux missing (tests/tools/get-vmlinux.sh $(head -1 "$FIX/kernel-version.txt"))"
		missing_vmlinux="$missing_vmlinux $vmlinux"
	fi

	if [ -n "$up_root" ] || setup_upstream; then
		for args in "-E -d 31" "-l -d 31" "-l -d 1"; do	# -c is libdeflate here: pages, not bytes, equal upstream's
			rm -f "$T/up.out" "$T/ours.out"
			if ! up $args "$VMCORE" "$T/up.out" >"$T/up.log" 2>&1; then fail "$name: upstream $args failed"; continue; fi
			if expect_exit 0 "$MDF" $args "$VMCORE" "$T/ours.out"; then
				check "$name $args: byte-identical to i386 makedumpfile 1.7.2 on the host" cmp "$T/up.out" "$T/ours.out"
			else fail "$name $args failed"; fi
		done
		rm -f "$T/up.out" "$T/ours.out"
	else
		echo "note: no host run of the i386 makedumpfile (qemu-i386-static or $MDF_CAPTURES/debs/bookworm-i386 missing)"
	fi
	rm -f "$d31" "$T/dmesg" "$T/dmesg.k" "$T/x.dmesg"
done
[ "$failures" -eq 0 ] && [ -n "$missing_vmlinux" ] && skip "-x not checked: missing$missing_vmlinux"
finish
