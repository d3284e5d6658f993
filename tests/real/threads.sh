#!/usr/bin/env bash
# --num-threads N gives the same bytes as one thread, for each codec, for
# kdump files, flattened streams and ELF output, with pages compressed in
# place or copied.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.12
for c in -c -l -z -p; do
	"$MDF" --num-threads 1 $c -d 31 "$VMCORE" "$T/one" >/dev/null 2>&1 || { fail "$c one thread"; continue; }
	"$MDF" --num-threads 4 $c -d 31 "$VMCORE" "$T/four" >/dev/null 2>&1 || { fail "$c four threads"; continue; }
	check "$c: 1 and 4 threads identical" cmp "$T/one" "$T/four"
	"$MDF" --num-threads 1 -F $c -d 31 "$VMCORE" >"$T/one.flat" 2>/dev/null &&
	"$MDF" --num-threads 4 -F $c -d 31 "$VMCORE" >"$T/four.flat" 2>/dev/null ||
		{ fail "$c -F runs"; continue; }
	check "$c -F: 1 and 4 threads identical" cmp "$T/one.flat" "$T/four.flat"
	rm -f "$T"/one* "$T"/four*
done
# Batches use the input's mapped pages in place; read() instead of mmap
# gives them copies: the same bytes either way.
"$MDF" --num-threads 1 -l -d 31 "$VMCORE" "$T/one" >/dev/null 2>&1 &&
"$MDF" -D --num-threads 4 -l -d 31 "$VMCORE" "$T/held" >"$T/held.log" 2>&1 &&
"$MDF" -D --non-mmap --num-threads 4 -l -d 31 "$VMCORE" "$T/copied" >"$T/copied.log" 2>&1 ||
	fail "-l runs, mmap and not"
check "-l, 4 threads: pages used in place" grep -Eq "page pipe: [1-9][0-9]* page.s. used in place" "$T/held.log"
check "-l, 4 threads, --non-mmap: pages copied" grep -Eq "page pipe: 0 page.s. used in place, [1-9]" "$T/copied.log"
check "-l: in place, 4 threads, identical to 1 thread" cmp "$T/one" "$T/held"
check "-l: copied, 4 threads, identical to 1 thread" cmp "$T/one" "$T/copied"
"$MDF" --num-threads 1 -E -d 31 "$VMCORE" "$T/e1" >/dev/null 2>&1 &&
"$MDF" --num-threads 3 -E -d 31 "$VMCORE" "$T/e3" >/dev/null 2>&1 || fail "-E runs"
check "-E: 1 and 3 threads identical" cmp "$T/e1" "$T/e3"
finish
