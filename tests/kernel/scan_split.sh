#!/usr/bin/env bash
# The mem_map scan split over threads (scanpool.c) gives the one thread's
# dump and report, byte for byte: cut at 2^18 pfns (blocks end at the cuts)
# and at odd multiples (blocks run across them, the chunks after them are
# scanned again), for kdump files, flattened streams whose page pass builds
# each window again (the next one ahead, on its own thread), and ELF.
. "$(dirname "$0")/../lib.sh"
make -s tests/bin/mkvmcore >/dev/null || exit 99
tests/bin/mkvmcore "$MDF_TOP/tests/kernel/scan-split.spec" "$T/m" >/dev/null || exit 99

# report LOG: the printed text without the clock, the paths and the thread lines
report() { tr '\r' '\n' <"$1" | grep -v -e 'seconds$' -e '%\] ' -e '^command line' -e 'saved to' \
	-e '^mem_map scan' -e '^page pipe'; }

# run NAME THREADS ARGS...: the dump and its report at --message-level 31
run() {
	local n=$1 t=$2; shift 2
	rm -f "$T/$n"
	"$MDF" --message-level 31 --num-threads "$t" "$@" "$T/m" "$T/$n" >"$T/$n.log" 2>&1 ||
		{ fail "$n: exit $?"; return 1; }
	report "$T/$n.log" >"$T/$n.txt"
}

for knob in "" 0x3ff08; do
	export MAKEDUMPFILE_SCAN_CHUNK_PFNS=$knob
	w=${knob:-2^18}
	run one 1 -l -d 31 || continue
	check "cut at $w, one thread: scanned on one" bash -c "! grep -q '^mem_map scan' '$T/one.log'"
	for t in 2 3 4; do
		run many $t -l -d 31 || continue
		check "cut at $w, $t threads: split" grep -q "^mem_map scan: 1 window(s) split over $t threads" "$T/many.log"
		check "cut at $w, $t threads: the same dump" cmp "$T/one" "$T/many"
		check "cut at $w, $t threads: the same report" cmp "$T/one.txt" "$T/many.txt"
	done
	if [ -n "$knob" ]; then
		check "cut at $w: chunks scanned again" grep -Eq "[1-9][0-9]* chunk\(s\) scanned again" "$T/many.log"
	else
		check "cut at $w: no chunk scanned again" grep -q " 0 chunk(s) scanned again" "$T/many.log"
	fi
	# four windows: the flattened stream's page pass builds each again
	MAKEDUMPFILE_WINDOW_PFNS=$((0x80000)) "$MDF" --num-threads 1 -F -c -d 31 "$T/m" >"$T/one.flat" 2>/dev/null &&
	MAKEDUMPFILE_WINDOW_PFNS=$((0x80000)) "$MDF" -D --num-threads 3 -F -c -d 31 "$T/m" >"$T/many.flat" 2>"$T/flat.log" ||
		fail "cut at $w: -F runs"
	check "cut at $w, -F, four windows: the filter pass split" grep -q "^mem_map scan: 4 window(s) split over 3 threads" "$T/flat.log"
	check "cut at $w, -F, four windows: the page pass's windows built ahead, split" \
		bash -c "grep -q '^2nd bitmap: 3 window(s) built ahead' '$T/flat.log' &&
			 [ \$(grep -c '^mem_map scan: 4 window(s) split over 3 threads' '$T/flat.log') = 2 ]"
	check "cut at $w, -F, four windows: the same stream" cmp "$T/one.flat" "$T/many.flat"
	run elf1 1 -E -d 31 && run elf2 2 -E -d 31 &&
		check "cut at $w, -E: the same ELF dump" cmp "$T/elf1" "$T/elf2"
done

# Blocks across the windows of a stream's page pass, each window built
# ahead by a filter that takes the carry from the one before.
tests/bin/mkvmcore "$MDF_TOP/tests/specs/window-edges.spec" "$T/e" >/dev/null || exit 99
for w in 40 1000; do
	export MAKEDUMPFILE_WINDOW_PFNS=$w MAKEDUMPFILE_SCAN_CHUNK_PFNS=8
	"$MDF" --num-threads 1 -F -l -d 31 "$T/e" >"$T/one.flat" 2>/dev/null &&
	"$MDF" -D --num-threads 3 -F -l -d 31 "$T/e" >"$T/many.flat" 2>"$T/flat.log" || fail "windows of $w: -F runs"
	check "windows of $w, -F: windows built ahead" grep -q "^2nd bitmap: [1-9][0-9]* window(s) built ahead" "$T/flat.log"
	check "windows of $w, -F: 1 and 3 threads identical" cmp "$T/one.flat" "$T/many.flat"
done
finish
