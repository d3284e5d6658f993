#!/usr/bin/env bash
# Options that must not change the dump (-b, --work-dir, --non-mmap), and
# those that do something else: --dry-run writes nothing but reports the
# same; -e leaves out struct pages of excluded pages and says so in the
# header.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1
"$MDF" -l -d 31 "$VMCORE" "$T/base" >/dev/null 2>&1 || fail "base run"
mkdir -p "$T/work"
for args in "-b 0" "-b 12" "--work-dir $T/work" "--non-mmap" "--num-threads 0"; do
	rm -f "$T/v"
	"$MDF" $args -l -d 31 "$VMCORE" "$T/v" >/dev/null 2>&1 || { fail "$args run"; continue; }
	check "$args: same bytes" cmp "$T/base" "$T/v"
done
check "--work-dir: nothing left in the work directory" test -z "$(ls -A "$T/work")"

expect_exit 0 "$MDF" --dry-run -l -d 31 --message-level 31 "$VMCORE" "$T/dry"
check "--dry-run: no file" test ! -e "$T/dry"
check "--dry-run: the usual saved line" grep -qxF "The dumpfile is saved to $T/dry." "$T/out"
sed -n '/^Original pages/,/^Total pages/p' "$T/out" >"$T/dry.report"
"$MDF" -l -d 31 --message-level 16 "$VMCORE" "$T/real" >"$T/real.out" 2>&1
sed -n '/^Original pages/,/^Total pages/p' "$T/real.out" >"$T/real.report"
check "--dry-run: the same report as a real run" diff "$T/real.report" "$T/dry.report"
dry_bytes=$(sed -n 's/^Write bytes *: //p' "$T/out")
real_bytes=$(sed -n 's/^Write bytes *: //p' "$T/real.out")
check "--dry-run: the same Write bytes ($dry_bytes)" test "$dry_bytes" = "$real_bytes"

rm -f "$T/e"
expect_exit 0 "$MDF" -e --work-dir "$T/work" -l -d 31 "$VMCORE" "$T/e"
check "-e: header status has the vmemmap bit (0x10)" $PYTHON -c "import struct,sys; sys.exit(not struct.unpack_from('<I', open('$T/e','rb').read(428), 424)[0] & 0x10)"
check "-e: pages held equal the input" $PYTHON tests/tools/pages_equal.py "$T/e" "$VMCORE"
held() { $PYTHON -c "
import struct
f = open('$1', 'rb'); h = f.read(464)
bs, sub, bb = struct.unpack_from('<iiI', h, 428)
f.seek((1 + sub) * bs + bb * bs // 2)
print(sum(bin(b).count('1') for b in f.read(bb * bs // 2)))"; }
check "-e: fewer pages than without it" test "$(held "$T/e")" -lt "$(held "$T/base")"
finish
