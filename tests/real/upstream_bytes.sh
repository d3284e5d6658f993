#!/usr/bin/env bash
# On kernel 6.1, where Debian 12's makedumpfile 1.7.2 is right, our output
# is byte-identical to its output for the codecs it has, at -d 1 and -d 31,
# and for ELF output at -d 0 and -d 31.  -c is the exception: its zlib
# streams come from a faster deflate (ISA-L or libdeflate when built in), so
# there the pages kept must be upstream's and each must read back equal to
# the input (libkdumpfile, which inflates with plain zlib).
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1
command -v /usr/bin/makedumpfile >/dev/null || skip "Debian's makedumpfile is not installed"
for args in "-d 1" "-c -d 1" "-l -d 1" "-l -d 31" "-c -d 31" "-d 31" "-E -d 0" "-E -d 31"; do
	/usr/bin/makedumpfile $args "$VMCORE" "$T/up" >/dev/null 2>&1 || { fail "upstream $args failed"; continue; }
	if ! expect_exit 0 "$MDF" $args "$VMCORE" "$T/ours"; then
		fail "$args: makedumpfile failed"
	elif [ "${args#-c }" != "$args" ]; then
		$PYTHON tests/tools/kdump_bitmap.py kept "$T/up" >"$T/up.kept"
		$PYTHON tests/tools/kdump_bitmap.py kept "$T/ours" >"$T/ours.kept"
		check "$args: the pages kept are upstream 1.7.2's" test -s "$T/ours.kept" -a -s "$T/up.kept"
		check "$args: ... the same ranges" cmp -s "$T/up.kept" "$T/ours.kept"
		check "$args: every page reads back equal to the input" \
			$PYTHON tests/tools/pages_equal.py "$T/ours" "$VMCORE"
	else
		check "$args: byte-identical to upstream 1.7.2" cmp "$T/up" "$T/ours"
	fi
	rm -f "$T/up" "$T/ours"
done
finish
