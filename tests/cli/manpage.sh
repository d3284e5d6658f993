#!/usr/bin/env bash
# The man page: it renders without groff warnings, documents -K as accepted
# for compatibility (with the command line people type, -Kcd31), and says
# how this program differs from upstream.  -Kcd31 writes what -cd31 writes.
. "$(dirname "$0")/../lib.sh"
command -v groff >/dev/null || skip "no groff"
groff -man -Tutf8 -ww -z makedumpfile.8 2>"$T/warn"
check "groff renders makedumpfile.8 without warnings" test ! -s "$T/warn"
[ -s "$T/warn" ] && head -5 "$T/warn"
MANWIDTH=200 groff -man -Tascii -P-cbou makedumpfile.8 2>/dev/null >"$T/man.txt"
check "-K is documented as accepted for compatibility" \
	grep -A3 -E '^ +-K$' "$T/man.txt" | grep -q 'compatibility'
check "the -K entry shows makedumpfile -Kcd31 vmcore out" grep -qF 'makedumpfile -Kcd31 vmcore out' "$T/man.txt"
check "a section on how it differs from upstream" grep -qx 'DIFFERENCES FROM UPSTREAM' "$T/man.txt"
check "that section names the upstream release it matches" \
	grep -q "upstream makedumpfile $(sed -n 's/^#define MDF_UPSTREAM_VERSION[^"]*"\(.*\)"/\1/p' makedumpfile.h)" \
		<(sed -n '/^DIFFERENCES FROM UPSTREAM$/,/^[A-Z]/p' "$T/man.txt" | tr -s ' \n' '  ')
make -s tests/bin/mkvmcore >/dev/null && tests/bin/mkvmcore tests/specs/sample.spec "$T/vmcore" >/dev/null ||
	{ fail "mkvmcore sample.spec"; finish; }
check "makedumpfile -Kcd31 vmcore out: exit 0" expect_exit 0 "$MDF" -Kcd31 "$T/vmcore" "$T/k"
check "makedumpfile -cd31 vmcore out: exit 0" expect_exit 0 "$MDF" -cd31 "$T/vmcore" "$T/c"
check "-Kcd31 writes the same dump as -cd31" cmp "$T/k" "$T/c"
finish
