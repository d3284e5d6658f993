#!/usr/bin/env bash
# The command lines distro kdump services use, unchanged, on the real
# fixtures; the dumps open in libkdumpfile (after -R for flattened streams,
# which it does not read) with every page equal to the input, in crash
# (which reads flattened streams directly) where crash knows the kernel, and
# in drgn.
. "$(dirname "$0")/../lib.sh"

crash_ok() { # VMLINUX DUMP: sys and bt work, bt shows the sysrq crash
	printf 'sys\nbt\nlog\nq\n' >"$T/cmds"
	timeout 600 crash -s -i "$T/cmds" "$1" "$2" >"$T/crash.out" 2>&1 &&
		grep -q "sysrq_handle_crash" "$T/crash.out" &&
		grep -q "RELEASE:" "$T/crash.out" &&
		! grep -q "INCOMPLETE" "$T/crash.out"
}

for name in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	[ -f "$MDF_FIXTURES/$name/vmcore.zst" ] || { lack "fixture $name"; continue; }
	fixture "$name"
	rel=$(head -1 "$FIX/kernel-version.txt")
	vmlinux=/var/cache/vmlinux/vmlinux-$rel
	# crash 8.0.2 (Debian 12) reads x86_64 dumps of 6.1; not arm64, not 6.12.
	use_crash=; [ "$name" = x86_64-6.1 ] && [ -s "$vmlinux" ] && command -v crash >/dev/null && use_crash=1
	[ "$name" = x86_64-6.1 ] && [ -z "$use_crash" ] && lack "crash on $name (needs crash and $vmlinux)"

	# Fedora / RHEL kdump: the parameters are checked when the initramfs is built ...
	check "$name rhel: --check-params" expect_exit 0 "$MDF" --check-params -l --message-level 7 -d 31 "$VMCORE" "$T/vmcore-incomplete"
	# ... then the dump, with threads on a multi-CPU machine ...
	check "$name rhel: -l --message-level 7 -d 31 --num-threads 2" \
		expect_exit 0 "$MDF" -l --message-level 7 -d 31 --num-threads 2 "$VMCORE" "$T/vmcore-incomplete"
	check "$name rhel: pages equal the input" $PYTHON tests/tools/pages_equal.py "$T/vmcore-incomplete" "$VMCORE"
	[ -n "$use_crash" ] && check "$name rhel: crash opens it" crash_ok "$vmlinux" "$T/vmcore-incomplete"
	# ... or over ssh to a remote dd.
	"$MDF" -F -l --message-level 7 -d 31 "$VMCORE" 2>/dev/null | dd of="$T/remote.flat" bs=1M status=none
	check "$name rhel remote: -F | dd, then -R" expect_exit 0 "$MDF" -R "$T/remote" <"$T/remote.flat"
	check "$name rhel remote: the same dump as the local one" cmp "$T/vmcore-incomplete" "$T/remote"
	[ -n "$use_crash" ] && check "$name rhel remote: crash reads the flattened file" crash_ok "$vmlinux" "$T/remote.flat"
	rm -f "$T/vmcore-incomplete" "$T/remote" "$T/remote.flat"

	# Debian / Ubuntu kdump-tools: the log first, then a compressed flattened stream.
	check "$name debian: --dump-dmesg" expect_exit 0 "$MDF" --dump-dmesg "$VMCORE" "$T/dmesg.202611220000"
	check "$name debian: log not empty" test -s "$T/dmesg.202611220000"
	rm -f "$T/dmesg.202611220000"
	"$MDF" -F -c -d 31 "$VMCORE" 2>/dev/null | gzip -1 >"$T/dump.202611220000"
	gunzip -c "$T/dump.202611220000" >"$T/dump.flat"
	check "$name debian: -F -c -d 31 | gzip, rebuilt with -R" expect_exit 0 "$MDF" -R "$T/dump" <"$T/dump.flat"
	check "$name debian: pages equal the input" $PYTHON tests/tools/pages_equal.py "$T/dump" "$VMCORE"
	[ -n "$use_crash" ] && check "$name debian: crash reads the flattened stream" crash_ok "$vmlinux" "$T/dump.flat"
	rm -f "$T"/dump*

	# SUSE kdump: threads and the flattened stream to a file.
	"$MDF" -F -c --num-threads 2 --message-level 7 -d 31 "$VMCORE" >"$T/suse.flat" 2>"$T/suse.err"
	check "$name suse: -F -c --num-threads 2 ... > file" grep -q "The dumpfile is saved to STDOUT." "$T/suse.err"
	check "$name suse: rebuilt with -R" expect_exit 0 "$MDF" -R "$T/suse" <"$T/suse.flat"
	check "$name suse: pages equal the input" $PYTHON tests/tools/pages_equal.py "$T/suse" "$VMCORE"
	[ -n "$use_crash" ] && check "$name suse: crash reads it" crash_ok "$vmlinux" "$T/suse.flat"
	[ "$name" != arm64-6.1 ] && [ ! -s "$vmlinux" ] && lack "drgn on $name (no $vmlinux)"
	if [ -s "$vmlinux" ] && [ "$name" != arm64-6.1 ]; then
		check "$name: drgn opens the dump with the vmlinux and walks the tasks" $PYTHON -c "
import drgn
from drgn.helpers.linux.pid import for_each_task
p = drgn.Program(); p.set_core_dump('$T/suse'); p.load_debug_info(['$vmlinux'])
assert p['init_uts_ns'].name.release.string_().decode() == '$rel'
assert sum(1 for t in for_each_task(p)) > 1"
	fi
	rm -f "$T"/suse*
done
finish
