#!/usr/bin/env bash
# Progress off a terminal (a file here; a serial console or the journal in
# production) is whole lines, at most one per quarter of each step and the
# last at 100 %, with no carriage return; on a terminal (script(1) gives one)
# it is still the one line redrawn behind carriage returns.
. "$(dirname "$0")/../lib.sh"
make -s tests/bin/mkvmcore >/dev/null || { fail "building mkvmcore"; finish; }
tests/bin/mkvmcore tests/specs/sample.spec "$T/vmcore" >/dev/null || { fail "mkvmcore sample.spec"; finish; }

for args in "-c -d 31" "-l -d 1" "-E -d 31" "-F -c -d 31"; do
	rm -f "$T/dump"
	if [[ $args == -F* ]]; then
		"$MDF" $args "$T/vmcore" >"$T/dump" 2>"$T/err"
	else
		"$MDF" $args "$T/vmcore" "$T/dump" >/dev/null 2>"$T/err"
	fi || { fail "$args: exit $?"; continue; }
	check "$args to a file: no carriage return" bash -c "! grep -q \$'\\r' '$T/err'"
	grep -E '^[A-Z][a-z].* +: \[ *[0-9]+\.[0-9] %\]' "$T/err" >"$T/lines"
	check "$args: Copying data ends in a 100 % line" grep -qE '^Copying data +: \[100\.0 %\] +[0-9.]+s eta: 0s$' "$T/lines"
	check "$args: each step has 1 to 4 lines, its last one at 100 %" awk -F' +: ' '
		{ n[$1]++; last[$1] = $2 }
		END { if (!length(n)) exit 1
		      for (s in n) if (n[s] > 4 || last[s] !~ /^\[100\.0 %\]/) { print s ": " n[s] " lines, last " last[s]; exit 1 } }' "$T/lines"
	check "$args: nothing but whole lines (the file ends with a newline)" \
		bash -c "[ \"\$(tail -c 1 '$T/err' | od -An -c | tr -d ' ')\" = '\\n' ]"
done
# Copying data has enough pages here to pass every quarter.
"$MDF" -c -d 31 "$T/vmcore" "$T/q" >/dev/null 2>"$T/err"
check "a long step reports its quarters (25, 50, 75, 100 %)" \
	bash -c "[ \"\$(grep -oE '^Copying data +: \[ *[0-9.]+ %\]' '$T/err' | grep -oE '[0-9]+\.0' | tr '\n' ' ')\" = '25.0 50.0 75.0 100.0 ' ]"
# On a terminal: as before, one line redrawn.
rm -f "$T/tty"
script -qec "'$MDF' -c -d 31 '$T/vmcore' '$T/tty'" /dev/null >"$T/typescript" 2>&1
check "on a terminal: the progress line is redrawn behind carriage returns" \
	grep -qE $'\rCopying data +: \\[100\\.0 %\\]' "$T/typescript"
check "on a terminal: the dump is written" test -s "$T/tty"
finish
