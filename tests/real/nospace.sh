#!/usr/bin/env bash
# Out of space: with -L or a really full filesystem the dump is finished as
# an incomplete dump (kdump status bit 0x8, ELF e_flags bit 0) that
# libkdumpfile opens with the saved pages intact; -d A,B retries at the next
# level; never a dump that claims to be complete and is not.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1

# -L: the size cap.
expect_exit 1 "$MDF" -l -d 31 -L 5M "$VMCORE" "$T/capped"
check "-L: says incomplete" grep -q "incomplete" "$T/out" "$T/err"
check "-L: file kept within the cap" test "$(stat -c %s "$T/capped")" -le $((5 << 20))
check "-L: incomplete dump opens, saved pages intact" $PYTHON tests/tools/pages_equal.py "$T/capped" "$VMCORE" --incomplete
expect_exit 1 "$MDF" -E -d 31 -L 20M "$VMCORE" "$T/capped.elf"
check "-L -E: incomplete ELF opens, saved pages intact" $PYTHON tests/tools/pages_equal.py "$T/capped.elf" "$VMCORE" --incomplete

# -d A,B: the next level when A does not fit.
"$MDF" -l -d 31 "$VMCORE" "$T/direct31" >/dev/null 2>&1
expect_exit 0 "$MDF" -l -d 1,31 -L 30M "$VMCORE" "$T/retried"
check "-d 1,31: retry announced" grep -qx "Retry to create a dumpfile by dump_level(31)." "$T/out"
check "-d 1,31: the retry equals a direct -d 31" cmp "$T/direct31" "$T/retried"

# A real ENOSPC on a small tmpfs (root, or a user+mount namespace).
mnt=$T/mnt; mkdir -p "$mnt"
run_full() {
	mount -t tmpfs -o size=6m tmpfs "$mnt" 2>/dev/null || return 77
	"$MDF" -l -d 31 "$VMCORE" "$mnt/dump" >"$T/out" 2>"$T/err"
	echo $? >"$T/rc"
	cp --sparse=always "$mnt/dump" "$T/full-dump" 2>/dev/null
	umount "$mnt"
}
if [ "$(id -u)" -eq 0 ]; then run_full; rc=$?
else export -f run_full; export MDF VMCORE T mnt; unshare -rm bash -c run_full; rc=$?; fi
if [ "$rc" = 77 ]; then
	fail "cannot mount a small tmpfs to test ENOSPC"
else
	check "ENOSPC: exit status 1" test "$(cat "$T/rc")" = 1
	check "ENOSPC: says no space" grep -q "No space left on device" "$T/err"
	check "ENOSPC: incomplete dump opens, saved pages intact" $PYTHON tests/tools/pages_equal.py "$T/full-dump" "$VMCORE" --incomplete
fi
finish
