#!/usr/bin/env bash
# Bad input: a one-line error naming the file and the problem, exit status 1,
# and no output file left behind.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1

# bad_case NAME INPUT EXPECTED-TEXT [OPTIONS...]
bad_case() {
	local name=$1 input=$2 text=$3; shift 3
	rm -f "$T/out"
	if ! expect_exit 1 "$MDF" "$@" "$input" "$T/dump"; then fail "$name: exit status"; return; fi
	local lines
	lines=$(grep -c "^makedumpfile: " "$T/err")
	[ "$lines" -eq 1 ] || { fail "$name: expected one error line, got: $(cat "$T/err")"; return; }
	grep -q -- "$text" "$T/err" || { fail "$name: error lacks '$text': $(cat "$T/err")"; return; }
	grep -qF -- "$(basename "$input")" "$T/err" || { fail "$name: error does not name the file: $(cat "$T/err")"; return; }
	[ ! -e "$T/dump" ] || { fail "$name: left $T/dump behind"; return; }
	grep -q "makedumpfile Failed." "$T/out" || { fail "$name: no 'makedumpfile Failed.'"; return; }
	ok "$name: $(grep '^makedumpfile: ' "$T/err")"
}

bad_case "nonexistent input" "$T/no-such-vmcore" "No such file or directory" -d 1
printf 'this is not a vmcore\n%.0s' {1..100} >"$T/text"
bad_case "not ELF" "$T/text" "not an ELF file" -d 1
head -c 100 "$VMCORE" >"$T/trunc-phdrs"
bad_case "truncated program headers" "$T/trunc-phdrs" "truncated" -d 1
head -c 20000 "$VMCORE" >"$T/trunc-load"
bad_case "PT_LOAD past the end" "$T/trunc-load" "points past the end of the file" -d 1
# A PT_NOTE whose offset points past the end: patch p_offset of program header 0.
cp --sparse=always "$VMCORE" "$T/bad-note" 2>/dev/null || cp "$VMCORE" "$T/bad-note"
$PYTHON - "$T/bad-note" <<'PY'
import struct, sys
f = open(sys.argv[1], 'r+b')
h = f.read(64)
phoff, = struct.unpack_from('<Q', h, 32)
f.seek(phoff + 8)            # p_offset of the first program header (the PT_NOTE)
f.write(struct.pack('<Q', 1 << 40))
PY
bad_case "PT_NOTE past the end" "$T/bad-note" "PT_NOTE" -d 1
rm -f "$T/bad-note"

# An output directory that cannot be written.
mkdir -p "$T/ro"; chmod 555 "$T/ro"
if [ "$(id -u)" -eq 0 ] && touch "$T/ro/probe" 2>/dev/null; then
	rm -f "$T/ro/probe"
	# root ignores permissions: use a directory that does not exist instead
	expect_exit 1 "$MDF" -d 1 "$VMCORE" "$T/no-dir/dump"
	check "missing output directory: one error naming it" grep -q "no-dir/dump.*No such file or directory" "$T/err"
else
	expect_exit 1 "$MDF" -d 1 "$VMCORE" "$T/ro/dump"
	check "unwritable output directory: one error naming it" grep -q "ro/dump.*Permission denied" "$T/err"
fi

# An existing output file is refused without -f, and kept as it was.
echo keep >"$T/exists"
expect_exit 1 "$MDF" -d 1 "$VMCORE" "$T/exists"
check "existing output refused" grep -q "exists" "$T/err"
check "existing output untouched" grep -qx keep "$T/exists"
check "-f overwrites it" expect_exit 0 "$MDF" -f -d 1 "$VMCORE" "$T/exists"
finish
