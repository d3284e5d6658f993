#!/usr/bin/env bash
# The dump is the same bytes whatever the window size: the default, one
# bitmap page (--cyclic-buffer 4), windows of 1000 and of 8 pfns (buddy
# blocks and compound pages cross their edges: the carry-over must work),
# and one window covering all memory.
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
done
finish
