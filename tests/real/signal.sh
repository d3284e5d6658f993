#!/usr/bin/env bash
# SIGTERM or SIGINT in the page pass (kdump services run the program under
# `timeout`): the saved part is kept as an incomplete dump whose headers
# hold only the pages saved, read equal to the input by libkdumpfile; a
# --split part likewise; one line names the signal; exit status 1.
. "$(dirname "$0")/../lib.sh"
fixture arm64-6.1	# the largest fixture: a run long enough to be stopped

# stop_when_started SIG OUT ARGS...: run, send SIG once OUT holds page data
# (32 MiB: past the bitmaps and the descriptor table reserved up front), wait.
stop_when_started() {
	local sig=$1 out=$2 n=0; shift 2
	"$MDF" "$@" >"$T/out" 2>"$T/err" &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null && [ "$(stat -c %s "$out" 2>/dev/null || echo 0)" -lt $((32 << 20)) ]; do
		sleep 0.05
		n=$((n + 1)); [ "$n" -gt 2400 ] && break
	done
	kill -"$sig" "$pid" 2>/dev/null
	wait "$pid"
}
for sig in TERM INT; do
	rm -f "$T/d"
	stop_when_started $sig "$T/d" -c -d 0 --num-threads 1 "$VMCORE" "$T/d"
	rc=$?
	check "SIG$sig: exit status 1 (got $rc)" test "$rc" = 1
	check "SIG$sig: one line names the signal" grep -q "stopped by signal" "$T/err"
	check "SIG$sig: incomplete dump, only saved pages claimed, equal to the input" \
		$PYTHON tests/tools/pages_equal.py "$T/d" "$VMCORE" --incomplete
done
rm -f "$T"/p1 "$T"/p2
stop_when_started TERM "$T/p1" --split -c -d 0 --splitblock-size 65536 "$VMCORE" "$T/p1" "$T/p2"
check "--split, SIGTERM: exit status 1" test $? = 1
# A part that was done before the signal reached it is complete; at least p1 is not.
check "--split, SIGTERM: p1 is incomplete and reads cleanly" \
	$PYTHON tests/tools/pages_equal.py "$T/p1" "$VMCORE" --incomplete
check "--split, SIGTERM: p2 reads cleanly, complete or not" sh -c \
	"$PYTHON tests/tools/pages_equal.py '$T/p2' '$VMCORE' --incomplete --allow-empty ||
	 $PYTHON tests/tools/pages_equal.py '$T/p2' '$VMCORE' --allow-empty"
finish
