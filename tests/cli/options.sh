#!/usr/bin/env bash
# The command line as upstream: grouped short options, -K, unknown options,
# refused combinations (each with its exact message), -v, --check-params,
# message levels and the closing lines.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1
INVALID="Commandline parameter is invalid."

# refused MESSAGE ARGS...: exit 1, MESSAGE (if any) and the invalid line on stdout.
refused() {
	local msg=$1; shift
	if ! expect_exit 1 "$MDF" "$@"; then fail "refused: $*"; return; fi
	cat "$T/out" "$T/err" >"$T/both"	# with -F messages go to stderr
	if [ -n "$msg" ] && ! grep -qxF -- "$msg" "$T/both"; then fail "$*: no '$msg' in: $(cat "$T/both")"; return; fi
	grep -qxF "$INVALID" "$T/both" || { fail "$*: no '$INVALID'"; return; }
	ok "refused: $* ${msg:+($msg)}"
}

refused "" --no-such-option "$VMCORE" "$T/d"
refused "" -Q "$VMCORE" "$T/d"
refused "" -c -E "$VMCORE" "$T/d"
refused "" -i /dev/null -x /dev/null "$VMCORE" "$T/d"
refused "" -F --split "$VMCORE" "$T/a" "$T/b"
refused "--dry-run cannot be used with --dump-dmesg." --dry-run --dump-dmesg "$VMCORE" "$T/d"
refused "--num-threads cannot used with --split." --num-threads 2 --split "$VMCORE" "$T/a" "$T/b"
refused "" --partial-dmesg "$VMCORE" "$T/d"
refused "-e requires --work-dir" -e "$VMCORE" "$T/d"
refused "Options for splitting dumpfile cannot be used with Elf format." -E --split "$VMCORE" "$T/a" "$T/b"
refused "--dry-run cannot be used with -g." --dry-run -g "$T/vi" -x /dev/null
refused "" -g "$T/vi"
refused "" -R -d 31 "$T/d"
refused "--dry-run cannot be used with --reassemble." --dry-run --reassemble "$T/a" "$T/b" "$T/c"
refused "" -c -d 31 "$VMCORE"
refused "" --split "$VMCORE" "$T/only-one"
refused "" "$VMCORE"
refused "Dump_level(32) is invalid." -d 32 "$VMCORE" "$T/d"
refused "Message_level(99) is invalid." --message-level 99 "$VMCORE" "$T/d"
refused "The block order must be a number from 0 to 20." -b 99 "$VMCORE" "$T/d"
refused "The --vtop address is not a number." --vtop zz "$VMCORE" "$T/d"
refused "The cyclic buffer size must be a positive number of KiB." --cyclic-buffer 0 "$VMCORE" "$T/d"
refused "The splitblock size could not be 0." --split --splitblock-size 0 "$VMCORE" "$T/a" "$T/b"
refused "The number of threads must be a number from 0 to 256." --num-threads x "$VMCORE" "$T/d"

# Upstream options this program does not support: one line naming it, exit 1.
for opt in "-X" "--xen-syms x" "--xen-vmcoreinfo x" "--xen_phys_start 0" "--config x" "--eppic x" "--diskset x"; do
	expect_exit 1 "$MDF" $opt -d 31 "$VMCORE" "$T/d"
	check "$opt: refused as unsupported" grep -qx "makedumpfile: ${opt%% *}.* is not supported by this makedumpfile." "$T/err"
done
expect_exit 1 "$MDF" -L 0 "$VMCORE" "$T/d"
check "-L 0 is refused" grep -qxF "Limit size(0) is invalid." "$T/out"

# --check-params: silent success, and the invalid lines without "Failed".
check "--check-params accepts a good command line" expect_exit 0 "$MDF" --check-params -c -d 31 "$VMCORE" "$T/d"
check "--check-params prints nothing" test ! -s "$T/out" -a ! -s "$T/err"
check "--check-params refuses a bad one" expect_exit 1 "$MDF" --check-params -c -E "$VMCORE" "$T/d"
check "--check-params: no 'Failed' line" bash -c "! grep -q Failed '$T/out'"
check "--check-params writes no file" test ! -e "$T/d"

# Grouped short options and -K (cyclic is always on).
for args in "-cd31" "-ld31" "-Kcd31" "-Kld31" "-K -c -d 31"; do
	rm -f "$T/g"
	if expect_exit 0 "$MDF" $args "$VMCORE" "$T/g"; then
		check "$args: writes a dump" $PYTHON tests/tools/pages_equal.py "$T/g" "$VMCORE"
	else
		fail "$args: failed"
	fi
done
check "-K -c -d 31 writes zlib (status bit 1)" $PYTHON -c "import struct,sys; sys.exit(struct.unpack_from('<I', open('$T/g','rb').read(428), 424)[0] != 1)"

# -v: version and codecs.
expect_exit 0 "$MDF" -v
check "-v names the version" grep -q "^makedumpfile: version " "$T/out"
for c in lzo snappy zstd; do check "-v lists $c" grep -qE "^$c	(enabled|disabled)$" "$T/out"; done
expect_exit 0 "$MDF" -h
check "-h shows usage" grep -q "Usage:" "$T/out"

# Closing lines and message levels.
rm -f "$T/m"
expect_exit 0 "$MDF" -d 1 "$VMCORE" "$T/m"
check "success: saved line" grep -qxF "The dumpfile is saved to $T/m." "$T/out"
check "success: Completed line" grep -qxF "makedumpfile Completed." "$T/out"
check "default level: no report" bash -c "! grep -q 'Original pages' '$T/out'"
check "default level: progress on stderr" grep -q "Copying data" "$T/err"
rm -f "$T/m"
expect_exit 0 "$MDF" -d 1 --message-level 0 "$VMCORE" "$T/m"
check "--message-level 0: silent" test ! -s "$T/out" -a ! -s "$T/err"
rm -f "$T/m"
expect_exit 0 "$MDF" -d 1 --message-level 16 "$VMCORE" "$T/m"
check "--message-level 16: the report only" grep -q "^Original pages" "$T/out"
check "--message-level 16: no progress" test ! -s "$T/err"
rm -f "$T/m"
expect_exit 0 "$MDF" -d 1 --show-stats "$VMCORE" "$T/m"
check "--show-stats adds the report" grep -q "^Remaining pages\|^  Remaining pages" "$T/out"
rm -f "$T/m"
expect_exit 0 "$MDF" -D -d 1 "$VMCORE" "$T/m"
check "-D prints debug lines" grep -q "^command line: " "$T/out"
finish
