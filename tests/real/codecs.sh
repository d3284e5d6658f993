#!/usr/bin/env bash
# Every real fixture, every codec, dump level 1: the dump opens in
# libkdumpfile, every page it holds equals the input's, and the pages held
# are exactly upstream makedumpfile's at -d 1.  Where crash knows the kernel
# (Debian 12's crash 8.0.2: x86_64 6.1) and its vmlinux is cached, crash
# opens each dump too and finds the panic's backtrace.
. "$(dirname "$0")/../lib.sh"
codecs="none -c -l -p -z"
found=0
for name in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	[ -f "$MDF_FIXTURES/$name/vmcore.zst" ] || { lack "fixture $name"; continue; }
	fixture "$name"; found=$((found + 1))
	ref=$(fixture_ref)
	vmlinux=/var/cache/vmlinux/vmlinux-$(head -1 "$FIX/kernel-version.txt")
	use_crash=; [ "$name" = x86_64-6.1 ] && [ -s "$vmlinux" ] && command -v crash >/dev/null && use_crash=1
	[ "$name" = x86_64-6.1 ] && [ -z "$use_crash" ] && lack "crash on $name (needs crash and $vmlinux)"
	for c in $codecs; do
		opt=$c; [ "$c" = none ] && opt=
		out=$T/$name$c
		if ! expect_exit 0 "$MDF" $opt -d 1 "$VMCORE" "$out"; then fail "$name $c: makedumpfile failed"; continue; fi
		check "$name $c: pages equal the input and upstream's -d 1 set" \
			$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d1.bitmap2"
		if [ -n "$use_crash" ]; then
			printf 'sys\nbt\nq\n' >"$T/cmds"
			timeout 600 crash -s -i "$T/cmds" "$vmlinux" "$out" >"$T/crash.out" 2>&1
			check "$name $c: crash opens it and shows the sysrq backtrace" grep -q sysrq_handle_crash "$T/crash.out"
		fi
		rm -f "$out"
	done
done
[ $found -gt 0 ] || skip "no fixtures"
finish
