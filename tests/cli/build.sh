#!/usr/bin/env bash
# The build: warning-free with -Wall -Wextra; `make install` honours PREFIX
# and DESTDIR; the man page documents every option the binary accepts; a
# build without an optional codec works and refuses that codec's option
# with a one-line error naming it.
. "$(dirname "$0")/../lib.sh"

log=$(make -B -j2 B="$T/warn" 2>&1)
check "build is warning-free" bash -c "! grep -q 'warning:' <<<\"\$1\"" _ "$log"

make -s -j2 install DESTDIR="$T/root" PREFIX=/opt/mdf >/dev/null 2>&1
check "install puts the binary under DESTDIR/PREFIX" test -x "$T/root/opt/mdf/sbin/makedumpfile"
check "install puts the man page under DESTDIR/PREFIX" test -f "$T/root/opt/mdf/share/man/man8/makedumpfile.8"

# Every long option of the table and every short letter is in the man page.
longs=$(sed -n '/long_options\[\] = {/,/^};/p' cli.c | grep -o '{ "[a-z_-]*"' | cut -d'"' -f2)
shorts=$(grep -o 'short_options\[\] = "[^"]*"' cli.c | cut -d'"' -f2 | tr -d ':' | fold -w1)
[ -n "$longs" ] && [ -n "$shorts" ] || fail "could not read the option table"
man=$(sed 's/\\-/-/g; s/\\f[BIRP]//g' makedumpfile.8)
for o in $longs; do grep -q -- "--$o" <<<"$man" || fail "man page lacks --$o"; done
for o in $shorts; do grep -qE -- "(^|[ ,\"])-$o([ ,\"]|$)" <<<"$man" || fail "man page lacks -$o"; done
ok "man page covers $(wc -w <<<"$longs") long and $(wc -w <<<"$shorts") short options"

# Without zstd: builds, -v says disabled, -z is refused with one line.
if make -s -j2 B="$T/nozstd" USEZSTD=off >/dev/null 2>&1; then
	"$T/nozstd/makedumpfile" -v >"$T/v" 2>&1
	check "USEZSTD=off: -v says zstd disabled" grep -qx "zstd	disabled" "$T/v"
	fixture x86_64-6.1
	expect_exit 1 "$T/nozstd/makedumpfile" -z -d 31 "$VMCORE" "$T/d"
	check "USEZSTD=off: -z refused naming zstd" grep -q "zstd compression is not built into" "$T/err"
	check "USEZSTD=off: one error line" test "$(wc -l <"$T/err")" -eq 1
	check "USEZSTD=off: other codecs still work" expect_exit 0 "$T/nozstd/makedumpfile" -c -d 31 "$VMCORE" "$T/d2"
else
	fail "build without zstd failed"
fi
finish
