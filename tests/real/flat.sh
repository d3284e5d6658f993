#!/usr/bin/env bash
# -F writes upstream's flattened stream; -R rebuilds from it a file
# byte-identical to writing the file directly (kdump and ELF); the stream
# starts with the "makedumpfile" header and ends with the end marker.
. "$(dirname "$0")/../lib.sh"
for name in x86_64-6.1 arm64-6.1; do
	fixture "$name"
	for args in "-c -d 31" "-l -d 1" "-E -d 31"; do
		rm -f "$T/direct" "$T/rebuilt"
		"$MDF" $args "$VMCORE" "$T/direct" >/dev/null 2>&1 || { fail "$name $args direct"; continue; }
		"$MDF" -F $args "$VMCORE" >"$T/flat" 2>"$T/flat.err" || { fail "$name $args -F"; continue; }
		check "$name $args -F: messages went to stderr" grep -q "The dumpfile is saved to STDOUT." "$T/flat.err"
		check "$name $args -F: flattened signature" bash -c "head -c 12 '$T/flat' | grep -q makedumpfile"
		check "$name $args -F: end marker" bash -c "[ \"\$(tail -c 16 '$T/flat' | od -An -tx1 | tr -d ' \n')\" = ffffffffffffffffffffffffffffffff ]"
		"$MDF" -R "$T/rebuilt" <"$T/flat" >/dev/null 2>&1 || { fail "$name $args -R"; continue; }
		check "$name $args: -F then -R equals the direct file" cmp "$T/direct" "$T/rebuilt"
	done
done
# With --work-dir the stream's page pass reads the bitmap back from there
# (one mem_map scan): the same bytes.
mkdir -p "$T/work"
"$MDF" -F --work-dir "$T/work" -c -d 31 "$VMCORE" >"$T/flat-wd" 2>/dev/null || fail "-F --work-dir"
"$MDF" -F -c -d 31 "$VMCORE" >"$T/flat-nowd" 2>/dev/null || fail "-F"
"$MDF" -R "$T/rebuilt-wd" <"$T/flat-wd" >/dev/null 2>&1 && "$MDF" -R "$T/rebuilt-nowd" <"$T/flat-nowd" >/dev/null 2>&1 ||
	fail "-R of the --work-dir streams"
check "-F --work-dir: the same dump" cmp "$T/rebuilt-wd" "$T/rebuilt-nowd"

# A stream cut short is refused by -R, and no file is left.
head -c 100000 "$T/flat" >"$T/cut"
expect_exit 1 "$MDF" -R "$T/from-cut" <"$T/cut"
check "-R of a cut stream: error" grep -q "end marker\|ends inside a record" "$T/err"
check "-R of a cut stream: no file left" test ! -e "$T/from-cut"
finish
