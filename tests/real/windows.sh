#!/usr/bin/env bash
# The dump is the same bytes whatever the window size: the default, one
# bitmap page (--cyclic-buffer 4), windows of 1000 and of 8 pfns (buddy
# blocks and compound pages cross their edges: the carry-over must work),
# and one window covering all memory; and so is a stream (-F) with one
# window (its bitmap kept from the filter pass) or many (rebuilt).
. "$(dirname "$0")/../lib.sh"
for name in x86_64-6.12 arm64-6.1; do
	fixture "$name"
	rm -f "$T/default"
	"$MDF" -l -d 31 "$VMCORE" "$T/default" >/dev/null 2>&1 || { fail "$name default run"; continue; }
	for w in "--cyclic-buffer 4" "--cyclic-buffer 1" "--cyclic-buffer 1000000" "pfns 1000" "pfns 8"; do
		rm -f "$T/w"
		if [[ $w == pfns* ]]; then
			MAKEDUMPFILE_WINDOW_PFNS=${w#pfns } "$MDF" -l -d 31 "$VMCORE" "$T/w" >/dev/null 2>&1
		else
			"$MDF" $w -l -d 31 "$VMCORE" "$T/w" >/dev/null 2>&1
		fi || { fail "$name $w: run failed"; continue; }
		check "$name window $w: identical to the default" cmp "$T/default" "$T/w"
	done
	# A stream (-F) is not read back: the page pass rebuilds each window's
	# bitmap, except one window holding all of it (kept from the filter pass).
	"$MDF" -F -D -l -d 31 "$VMCORE" >"$T/flat1" 2>"$T/log1" &&
		"$MDF" -F -D --cyclic-buffer 1 -l -d 31 "$VMCORE" >"$T/flatn" 2>"$T/logn" ||
		{ fail "$name -F runs"; continue; }
	check "$name -F, one window: its bitmap kept, not rebuilt" grep -q "not rebuilt" "$T/log1"
	check "$name -F, many windows: rebuilt" bash -c '! grep -q "not rebuilt" "$1"' _ "$T/logn"
	for f in flat1 flatn; do
		rm -f "$T/w"
		"$MDF" -R "$T/w" <"$T/$f" >/dev/null 2>&1 || { fail "$name -R of $f"; continue; }
		check "$name -F ($f): reassembled, the dump without -F" cmp "$T/default" "$T/w"
	done
done
finish
