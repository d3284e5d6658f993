#!/usr/bin/env bash
# A flattened stream (-F output) given where a VMCORE is expected: one line
# naming the file and saying to rearrange it with -R first, exit 1, nothing
# written; once rearranged, the same data is accepted.
. "$(dirname "$0")/../lib.sh"
make -s tests/bin/mkvmcore >/dev/null || { fail "building mkvmcore"; finish; }
tests/bin/mkvmcore tests/specs/sample.spec "$T/vmcore" >/dev/null || { fail "mkvmcore sample.spec"; finish; }
"$MDF" -F -c -d 31 "$T/vmcore" >"$T/flat" 2>/dev/null || { fail "-F: exit $?"; finish; }
want="makedumpfile: $T/flat: a flattened dump (-F output): rearrange it first with makedumpfile -R DUMPFILE < $T/flat"
for args in "-c -d 31" "-l -d 1" "-E -d 31" "--dump-dmesg"; do
	rm -f "$T/dump"
	if expect_exit 1 "$MDF" $args "$T/flat" "$T/dump"; then
		check "$args on a flattened stream: the -R hint, one line" \
			bash -c "[ \"\$(grep -c '^makedumpfile: ' '$T/err')\" = 1 ] && grep -qxF '$want' '$T/err'"
		check "$args on a flattened stream: no output file" test ! -e "$T/dump"
	else
		fail "$args on a flattened stream: exit status"
	fi
done
"$MDF" -R "$T/rearranged" <"$T/flat" >/dev/null 2>&1 || fail "-R: exit $?"
rm -f "$T/dump"
check "rearranged with -R, it is accepted as input (-d 31 again)" expect_exit 0 "$MDF" -c -d 31 "$T/rearranged" "$T/dump"
finish
