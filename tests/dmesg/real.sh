#!/usr/bin/env bash
# tests/dmesg/real.sh - --dump-dmesg on the real fixtures, byte for byte
# against upstream makedumpfile.
#
# x86_64-6.1, x86_64-6.12: equal to upstream-1.7.8/dmesg.txt (lockless
#   printk ring, with the caller column 1.7.8 prints).
# arm64-6.1: its only reference is arm64-6.1/dmesg.txt from upstream 1.7.2,
#   which predates the caller column; our output is compared with the
#   column (and the 11 extra columns of indent on continuation lines)
#   taken out.  Everything else must be equal.
# A fixture that is absent leaves its part out and the case exits 77.
. "$(dirname "$0")/../lib.sh"

[ -x "$MDF" ] || { echo "no binary $MDF"; exit 99; }

# Take "[      T0] " out of record lines and 11 columns of continuation indent.
strip_caller() {
	sed -E 's/^(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] /\1/; s/^ {26}/               /' "$1"
}

ran=0
for name in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	if [ ! -f "$MDF_FIXTURES/$name/vmcore.zst" ]; then
		lack "fixture $name"
		continue
	fi
	fixture "$name"
	ran=$((ran + 1))
	out=$T/$name.txt
	if ! expect_exit 0 "$MDF" --dump-dmesg "$VMCORE" "$out"; then
		fail "$name: --dump-dmesg failed"
		continue
	fi
	check "$name: 'The dmesg log is saved' message" grep -q "The dmesg log is saved to $out" "$T/out"
	if [ -f "$FIX/upstream-1.7.8/dmesg.txt" ]; then
		check "$name: equal to upstream 1.7.8" cmp "$out" "$FIX/upstream-1.7.8/dmesg.txt"
	else
		check "$name: equal to upstream 1.7.2 without the caller column" \
			cmp <(strip_caller "$out") "$FIX/dmesg.txt"
	fi

	# From a kdump-compressed dump (the log's pages are kept at any level):
	# the same text.
	rm -f "$T/$name.kdump"
	if "$MDF" -l -d 31 "$VMCORE" "$T/$name.kdump" >/dev/null 2>&1 &&
	   expect_exit 0 "$MDF" --dump-dmesg "$T/$name.kdump" "$T/$name.from-kdump"; then
		check "$name: from the -d 31 kdump file, the same log" cmp "$out" "$T/$name.from-kdump"
	else
		fail "$name: --dump-dmesg of the kdump file failed"
	fi
	rm -f "$T/$name.kdump"

	# Nothing was cleared in these dumps and no ring wrapped: partial == full.
	if expect_exit 0 "$MDF" --dump-dmesg --partial-dmesg "$VMCORE" "$T/$name.partial"; then
		check "$name: --partial-dmesg equals the whole log" cmp "$out" "$T/$name.partial"
	else
		fail "$name: --partial-dmesg failed"
	fi
done
[ "$ran" -gt 0 ] || skip "no real fixture in $MDF_FIXTURES"

# An existing file is refused and left alone; -f overwrites it.
fixture_any=
for name in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	[ -f "$T/$name.txt" ] && { fixture "$name"; fixture_any=$name; break; }
done
if [ -n "$fixture_any" ]; then
	echo keep >"$T/exists"
	check "existing file refused" expect_exit 1 "$MDF" --dump-dmesg "$VMCORE" "$T/exists"
	check "existing file untouched" grep -qx keep "$T/exists"
	check "-f overwrites" expect_exit 0 "$MDF" -f --dump-dmesg "$VMCORE" "$T/exists"
	check "-f output complete" cmp "$T/exists" "$T/$fixture_any.txt"
fi
finish
