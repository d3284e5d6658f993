#!/usr/bin/env bash
# --split N writes N complete kdump files over pfn ranges balanced by dumped
# pages; --reassemble joins them into the single-file run, byte for byte.
# On 6.1 the parts are also byte-identical to Debian's makedumpfile 1.7.2's,
# at the default 1 GiB split block too (a machine smaller than one block:
# upstream puts every page in the first part), with lzo so that the bytes
# do not depend on the deflate implementation; and on every fixture
# (x86_64 6.1 and 6.12, arm64 6.1) byte-identical to the newest upstream's,
# Debian sid's makedumpfile (tests/tools/upstream-root; arm64 under
# qemu-user), at the default block and at a 64 KiB one.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1
"$MDF" -l -d 31 "$VMCORE" "$T/whole" >/dev/null 2>&1 || fail "single run"
for sb in "" "--splitblock-size 65536" "--splitblock-size 4096"; do
	rm -f "$T"/p1 "$T"/p2 "$T"/p3 "$T/joined"
	"$MDF" --split $sb -l -d 31 "$VMCORE" "$T/p1" "$T/p2" "$T/p3" >"$T/out" 2>&1 || { fail "split $sb"; continue; }
	check "split $sb: saved line" grep -qF "The dumpfiles are saved to $T/p1, $T/p2, and $T/p3." "$T/out"
	for p in p1 p2 p3; do
		check "split $sb: $p opens and its pages equal the input" $PYTHON tests/tools/pages_equal.py "$T/$p" "$VMCORE" --allow-empty
	done
	"$MDF" --reassemble "$T/p1" "$T/p2" "$T/p3" "$T/joined" >/dev/null 2>&1 || { fail "reassemble $sb"; continue; }
	check "split $sb: reassembled equals the single run" cmp "$T/whole" "$T/joined"
	"$MDF" --reassemble "$T/p3" "$T/p1" "$T/p2" "$T/joined2" >/dev/null 2>&1 &&
		check "split $sb: parts in any order" cmp "$T/whole" "$T/joined2"
	rm -f "$T/joined2"
	if [ -x /usr/bin/makedumpfile ]; then
		/usr/bin/makedumpfile --split $sb -l -d 31 "$VMCORE" "$T/u1" "$T/u2" "$T/u3" >/dev/null 2>&1 &&
		for i in 1 2 3; do check "split $sb: part $i equals upstream 1.7.2's" cmp "$T/p$i" "$T/u$i"; done
	fi
done
[ -x /usr/bin/makedumpfile ] || lack "parts equal to upstream's (Debian's makedumpfile is not installed)"
# At the default block the first part holds the pages, as upstream's does.
"$MDF" --split -l -d 31 "$VMCORE" "$T/d1" "$T/d2" >/dev/null 2>&1
check "default split block: part 1 is the larger" test "$(stat -c %s "$T/d1")" -gt "$(stat -c %s "$T/d2")"
expect_exit 1 "$MDF" --reassemble "$T/p1" "$T/p3" "$T/gap"
check "reassemble with a missing part: refused" grep -q "There is not dumpfile corresponding to pfn" "$T/err"
rm -f "$T"/p? "$T"/u? "$T"/d? "$T/whole" "$T/joined"

# split_like_upstream FIXTURE DARCH: our parts equal sid's upstream's.
split_like_upstream() {
	local sb i
	fixture "$1"
	upstream_root sid "$2" || { lack "a runnable sid makedumpfile for $2 (tests/tools/upstream-root sid $2)"; return; }
	for sb in "" "--splitblock-size 65536"; do
		rm -f "$T"/p? "$T"/u?
		"$MDF" --split $sb -l -d 31 "$VMCORE" "$T/p1" "$T/p2" "$T/p3" >/dev/null 2>&1 || { fail "$1 split $sb"; continue; }
		upstream_run --split $sb -l -d 31 "$VMCORE" "$T/u1" "$T/u2" "$T/u3" >"$T/up.log" 2>&1 ||
			{ fail "$1: upstream $UP_VERSION split $sb: $(tail -1 "$T/up.log")"; continue; }
		for i in 1 2 3; do check "$1 split ${sb:-(default block)}: part $i equals upstream $UP_VERSION's" cmp "$T/p$i" "$T/u$i"; done
	done
	rm -f "$T"/p? "$T"/u?
}
split_like_upstream x86_64-6.1 amd64
split_like_upstream x86_64-6.12 amd64
split_like_upstream arm64-6.1 arm64
finish
