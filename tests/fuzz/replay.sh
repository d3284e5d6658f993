#!/usr/bin/env bash
# tests/fuzz/replay.sh - every fuzz harness over its seeds and kept
# reproducers (tests/fuzz/HARNESS/*), built without libFuzzer: with the
# suite's compiler and flags (ASan and UBSan under make check-sanitize).
# Fails on a crash, a sanitizer report, or an input taking over 10 s.
. "$(dirname "$0")/../lib.sh"

build=$(dirname "$MDF")
flags=$build/link-flags
[ -f "$flags" ] && [ -f "$build/libmdf.a" ] || { echo "no $build/libmdf.a"; exit 99; }
cflags=$(cut -d'|' -f1 "$flags")
ldlibs=$(cut -d'|' -f2 "$flags")
cd "$MDF_TOP"
mkdir -p "$MDF_BIN"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
rc=0
for src in tests/fuzz/fuzz_*.c; do
	h=$(basename "$src" .c); h=${h#fuzz_}
	bin=$MDF_BIN/replay_$h
	# shellcheck disable=SC2086
	cc $cflags -I. -o "$bin" "$src" tests/fuzz/common.c tests/fuzz/replay.c \
		"$build/libmdf.a" $ldlibs >"$T/cc.log" 2>&1 || { echo "compile failed: $src"; cat "$T/cc.log"; exit 99; }
	[ -s "$T/cc.log" ] && { echo "warnings in $src:"; cat "$T/cc.log"; rc=1; }
	for f in tests/fuzz/$h/*; do
		[ -f "$f" ] || continue
		if ! timeout 10 "$bin" "$f" >"$T/out" 2>&1; then
			echo "FAIL: $h on $f"
			tail -15 "$T/out"
			rc=1
		fi
	done
	echo "$h: $(ls tests/fuzz/$h | wc -l) inputs"
done
exit $rc
