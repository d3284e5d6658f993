#!/usr/bin/env bash
# Every real fixture, every codec, dump level 1: the dump opens in
# libkdumpfile, every page it holds equals the input's, and the pages held
# are exactly upstream makedumpfile's at -d 1.
. "$(dirname "$0")/../lib.sh"
codecs="none -c -l -p -z"
found=0
for name in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	[ -f "$MDF_FIXTURES/$name/vmcore.zst" ] || { echo "missing fixture $name"; continue; }
	fixture "$name"; found=$((found + 1))
	ref=$(fixture_ref)
	for c in $codecs; do
		opt=$c; [ "$c" = none ] && opt=
		out=$T/$name$c
		if ! expect_exit 0 "$MDF" $opt -d 1 "$VMCORE" "$out"; then fail "$name $c: makedumpfile failed"; continue; fi
		check "$name $c: pages equal the input and upstream's -d 1 set" \
			$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d1.bitmap2"
		rm -f "$out"
	done
done
[ $found -gt 0 ] || skip "no fixtures"
[ $found -eq 3 ] || fail "only $found of 3 fixtures present"
finish
