# tests/dmesg/lib-dmesg.sh - helpers for the synthetic --dump-dmesg cases (source it).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

[ -x "$MDF" ] || { echo "no binary $MDF"; exit 99; }
[ -x "$PYTHON" ] || skip "no $PYTHON for tests/dmesg/mkdmesg.py"
GEN=$MDF_TOP/tests/dmesg/mkdmesg.py

# make SCENARIO: the synthetic vmcore $T/SCENARIO.core
make_core() {
	"$PYTHON" "$GEN" "$1" "$T/$1.core" 2>"$T/$1.gen" || { cat "$T/$1.gen"; exit 99; }
}

# dmesg SCENARIO [OPTIONS...]: run --dump-dmesg (bounded in time) into
# $T/SCENARIO.txt; stdout in $T/out, stderr in $T/err; returns the exit status.
dmesg() {
	local s=$1; shift
	rm -f "$T/$s.txt"
	timeout 60 "$MDF" --dump-dmesg "$@" "$T/$s.core" "$T/$s.txt" >"$T/out" 2>"$T/err"
}

# same FILE: $T/expected (written by the caller) equals FILE; shows a diff if not.
same() {
	if cmp -s "$T/expected" "$1"; then return 0; fi
	diff -u "$T/expected" "$1" | head -20
	return 1
}

# said PATTERN: stdout or stderr of the last run matches the extended regex.
said() { grep -Eq -- "$1" "$T/out" "$T/err" || { echo "no message /$1/"; cat "$T/out" "$T/err"; return 1; }; }
