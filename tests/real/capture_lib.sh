# tests/real/capture_lib.sh - the checks every real capture of every arch
# gets (source after tests/lib.sh and `capture NAME`).  Each takes the
# capture's reference folder (upstream's bitmaps, reports and log) and the
# options the input needs (e.g. -i vmcoreinfo.txt for a dump without a
# note).  The arch's own checks (--vtop against an independent walk, its
# quirks) stay in its case.  Names in messages are prefixed with $name.
#
# After real_levels, $T/d31 holds our -l -d 31 file of the capture.

# upstream 1.7.2 predates the caller column of the printk records: ours is
# taken out before comparing with a log that lacks it.
strip_caller() {
	sed -E 's/^(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] /\1/; s/^ {26}/               /' "$1"
}

report_counts() { sed -n '/^Original pages/,/^Total pages/p' "$1"; }

# real_levels REF OPTS...: -l -d 1 2 4 8 16 31 keep exactly REF's pages,
# every kept page equals the input's, the report's page counts equal REF's.
real_levels() {
	local ref=$1 d out; shift
	for d in 1 2 4 8 16 31; do
		out=$T/d$d
		rm -f "$out"
		if ! expect_exit 0 "$MDF" "$@" -l -d $d --message-level 16 "$VMCORE" "$out"; then
			fail "$name -d $d failed"; continue
		fi
		check "$name -d $d: kept pages equal upstream's" \
			$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d$d.bitmap2"
		report_counts "$T/out" >"$T/ours.txt"
		report_counts "$ref/d$d.report.txt" >"$T/ref.txt"
		check "$name -d $d: report counts equal upstream's" diff "$T/ref.txt" "$T/ours.txt"
		[ $d = 31 ] || rm -f "$out"
	done
}

# real_dmesg LOG OPTS...: --dump-dmesg equals upstream's LOG (the capture's
# dmesg.txt, or a reference folder's), also read from our -d 31 file.
real_dmesg() {
	local log=$1; shift
	rm -f "$T/dmesg" "$T/dmesg.k"
	if ! expect_exit 0 "$MDF" "$@" --dump-dmesg "$VMCORE" "$T/dmesg"; then fail "$name --dump-dmesg failed"; return; fi
	if grep -qE '^\[ *[0-9]+\.[0-9]{6}\] \[ *[TC][0-9]+\] ' "$log"; then
		check "$name: --dump-dmesg equals upstream's" cmp "$T/dmesg" "$log"
	else
		check "$name: --dump-dmesg equals upstream's without the caller column" \
			cmp <(strip_caller "$T/dmesg") "$log"
	fi
	[ -s "$T/d31" ] || return 0
	if expect_exit 0 "$MDF" --dump-dmesg "$T/d31" "$T/dmesg.k"; then
		check "$name: --dump-dmesg of the -d 31 file: the same log" cmp "$T/dmesg" "$T/dmesg.k"
	else fail "$name: --dump-dmesg of the -d 31 file failed"; fi
}

# real_codecs REF OPTS...: with no codec and -c -l -p -z, -d 1 reads back
# equal to the input and keeps REF's -d 1 pages.
real_codecs() {
	local ref=$1 c opt out; shift
	for c in none -c -l -p -z; do
		opt=$c; [ "$c" = none ] && opt=
		out=$T/codec$c
		rm -f "$out"
		if ! expect_exit 0 "$MDF" "$@" $opt -d 1 "$VMCORE" "$out"; then fail "$name $c: makedumpfile failed"; continue; fi
		check "$name $c -d 1: reads back equal to the input, upstream's pages" \
			$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d1.bitmap2"
		rm -f "$out"
	done
}

# real_modes OPTS...: -E reads back equal to the input; -F then -R, and a -d 1
# file refiltered to -d 31, equal the direct -d 31 file; --split 2 parts
# hold the input's pages and --reassemble joins them into it.
real_modes() {
	[ -s "$T/d31" ] || { fail "$name: no -d 31 file (real_levels first)"; return; }
	rm -f "$T/e31" "$T/rebuilt" "$T/k1" "$T/refiltered" "$T/p1" "$T/p2" "$T/joined"
	if expect_exit 0 "$MDF" "$@" -E -d 31 "$VMCORE" "$T/e31"; then
		# Not compared with REF's bitmap: an ELF dump holds short excluded
		# runs as upstream's does, and zero pages only as holes.
		check "$name -E -d 31: reads back equal" $PYTHON tests/tools/pages_equal.py "$T/e31" "$VMCORE"
	else fail "$name -E -d 31 failed"; fi
	rm -f "$T/e31"
	if "$MDF" "$@" -F -l -d 31 "$VMCORE" 2>"$T/err" | "$MDF" -R "$T/rebuilt" >/dev/null 2>&1; then
		check "$name: -F | -R equals the direct file" cmp "$T/d31" "$T/rebuilt"
	else fail "$name: -F | -R failed: $(head -2 "$T/err")"; fi
	rm -f "$T/rebuilt"
	if expect_exit 0 "$MDF" "$@" -c -d 1 "$VMCORE" "$T/k1" &&
		expect_exit 0 "$MDF" -l -d 31 "$T/k1" "$T/refiltered"; then
		check "$name: -c -d 1 refiltered to -l -d 31 equals the direct -l -d 31" cmp "$T/d31" "$T/refiltered"
	else fail "$name: refiltering failed"; fi
	rm -f "$T/k1" "$T/refiltered"
	if expect_exit 0 "$MDF" "$@" --split --splitblock-size 65536 -l -d 31 "$VMCORE" "$T/p1" "$T/p2"; then
		check "$name --split: part 1 reads back equal" $PYTHON tests/tools/pages_equal.py "$T/p1" "$VMCORE" --allow-empty
		check "$name --split: part 2 reads back equal" $PYTHON tests/tools/pages_equal.py "$T/p2" "$VMCORE" --allow-empty
		if expect_exit 0 "$MDF" --reassemble "$T/p1" "$T/p2" "$T/joined"; then
			check "$name: --reassemble equals the single -d 31 file" cmp "$T/d31" "$T/joined"
		else fail "$name: --reassemble failed"; fi
	else fail "$name --split failed"; fi
	rm -f "$T/p1" "$T/p2" "$T/joined"
}

# real_vmlinux OPTS...: -x with the kernel's vmlinux gives the same -d 31
# dump as the note (or OPTS' -i), and -g then -i too.  A missing vmlinux
# is a lack, not a pass.
real_vmlinux() {
	local vmlinux=/var/cache/vmlinux/vmlinux-$(head -1 "$FIX/kernel-version.txt")
	[ -s "$vmlinux" ] || { lack "$vmlinux (tests/tools/get-vmlinux.sh $(head -1 "$FIX/kernel-version.txt"))"; return; }
	[ -s "$T/d31" ] || { fail "$name: no -d 31 file (real_levels first)"; return; }
	rm -f "$T/x" "$T/g" "$T/i"
	if expect_exit 0 "$MDF" -x "$vmlinux" -l -d 31 "$VMCORE" "$T/x"; then
		check "$name: -x gives the same dump as VMCOREINFO" cmp "$T/d31" "$T/x"
	else fail "$name: -x failed"; fi
	if expect_exit 0 "$MDF" -g "$T/g" -x "$vmlinux" &&
		expect_exit 0 "$MDF" -i "$T/g" -l -d 31 "$VMCORE" "$T/i"; then
		check "$name: -g then -i gives the same dump" cmp "$T/d31" "$T/i"
	else fail "$name: -g then -i failed"; fi
	rm -f "$T/x" "$T/i"
}
