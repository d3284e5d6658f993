#!/usr/bin/env bash
# Every real fixture at -d 1 2 4 8 16 31: the pages kept equal the newest
# upstream's (its 2nd bitmap), every kept page equals the input's, and the
# report's page counts equal upstream's report line for line.
. "$(dirname "$0")/../lib.sh"
found=0
for name in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	[ -f "$MDF_FIXTURES/$name/vmcore.zst" ] || { lack "fixture $name"; continue; }
	fixture "$name"; found=$((found + 1))
	ref=$(fixture_ref)
	for d in 1 2 4 8 16 31; do
		out=$T/$name.d$d
		if ! expect_exit 0 "$MDF" -l -d $d --message-level 16 "$VMCORE" "$out"; then fail "$name -d $d failed"; continue; fi
		check "$name -d $d: kept pages equal upstream's" \
			$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d$d.bitmap2"
		sed -n '/^Original pages/,/^Total pages/p' "$T/out" >"$T/ours.txt"
		sed -n '/^Original pages/,/^Total pages/p' "$ref/d$d.report.txt" >"$T/ref.txt"
		check "$name -d $d: report counts equal upstream's" diff "$T/ref.txt" "$T/ours.txt"
		rm -f "$out"
	done
done
finish
