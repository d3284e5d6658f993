#!/usr/bin/env bash
# tests/golden/outputs.sh - every output of every real fixture and every spec,
# hashed, equals tests/golden/hashes.txt: a restructuring changes no byte.
#
#   tests/golden/outputs.sh            compare (a test case)
#   tests/golden/outputs.sh --write    rewrite hashes.txt (only when an output
#                                      is meant to change; say why in the commit)
#
# Each row is "NAME SHA256" where NAME says input and options; the dump file,
# the split parts and the printed report (timing lines left out) are hashed.
. "$(dirname "$0")/../lib.sh"
want=$MDF_TOP/tests/golden/hashes.txt
got=$T/hashes.txt
: >"$got"
make -s tests/bin/mkvmcore >/dev/null || exit 99

# row NAME FILE...: one hash over the files given
row() { local n=$1; shift; echo "$n $(cat "$@" | sha256sum | cut -c1-64)" >>"$got"; }
# text FILE: the printed output without what depends on the clock, the paths,
# the program's version (-D prints it first) or how the work was spread over
# threads (-D's page pipe and mem_map scan lines)
text() { tr '\r' '\n' <"$1" | grep -v -e 'seconds$' -e '%\] ' -e '^STEP' -e '^$' -e '^makedumpfile: version ' \
	-e '^page pipe: ' -e '^mem_map scan: ' | sed "s|$MDF|MDF|g; s|$VMCORE|VMCORE|g; s|$T|T|g"; }

# run NAME ARGS...: makedumpfile ARGS VMCORE $T/out, hash the output and its text
run() {
	local n=$1; shift
	rm -f "$T/out" "$T/out".[0-9]
	"$MDF" --message-level 31 "$@" "$VMCORE" "$T/out" >"$T/log" 2>&1
	echo "exit $?" >>"$T/log"
	text "$T/log" >"$T/log.txt"
	row "$n" "$T/log.txt" $(ls "$T/out" 2>/dev/null)
}

matrix() {	# matrix PREFIX: the options every input goes through
	local p=$1 lvl
	for lvl in 0 1 31; do run "$p:-l-d$lvl" -l -d $lvl; done
	run "$p:-c-d31" -c -d 31
	run "$p:-p-d31" -p -d 31
	run "$p:-z-d31" -z -d 31
	run "$p:-d31" -d 31
	run "$p:-E-d31" -E -d 31
	run "$p:-E-d0" -E -d 0
	rm -f "$T/flat"
	"$MDF" -F -l -d 31 "$VMCORE" >"$T/flat" 2>"$T/flat.log"
	row "$p:-F-l-d31" "$T/flat"
	rm -f "$T/s1" "$T/s2" "$T/s3"
	# the parts print from several processes at once: only their files are hashed
	"$MDF" --split -l -d 31 "$VMCORE" "$T/s1" "$T/s2" "$T/s3" >/dev/null 2>&1
	row "$p:--split3" "$T/s1" "$T/s2" "$T/s3"
	rm -f "$T/dmesg"
	"$MDF" --dump-dmesg "$VMCORE" "$T/dmesg" >/dev/null 2>&1
	[ -f "$T/dmesg" ] && row "$p:--dump-dmesg" "$T/dmesg"
	mkdir -p "$T/w"
	run "$p:-e-l-d31" -e --work-dir "$T/w" -l -d 31
	# refiltering a -d 1 dump
	rm -f "$T/d1" "$T/r31"
	"$MDF" -l -d 1 "$VMCORE" "$T/d1" >/dev/null 2>&1 && "$MDF" -l -d 31 "$T/d1" "$T/r31" >/dev/null 2>&1
	[ -f "$T/r31" ] && row "$p:refilter-d31" "$T/r31"
}

for f in "$MDF_FIXTURES"/*/vmcore.zst; do
	[ -f "$f" ] || continue
	name=$(basename "$(dirname "$f")")
	fixture "$name"
	matrix "$name"
done
for s in tests/specs/*.spec; do
	VMCORE=$T/spec.vmcore
	tests/bin/mkvmcore "$s" "$VMCORE" >/dev/null 2>&1 || { echo "$(basename "$s") generate-failed" >>"$got"; continue; }
	matrix "$(basename "$s" .spec)"
done

if [ "${1:-}" = --write ]; then
	cp "$got" "$want"
	echo "wrote $(wc -l <"$want") hashes"
	exit 0
fi
[ -f "$want" ] || { echo "no $want"; exit 99; }
# A fixture hashed in hashes.txt but absent here: its rows are left out of
# the comparison and the case ends in a skip (lib.sh's lack), never a pass.
cp "$want" "$T/want"
for n in $(cut -d: -f1 "$want" | sort -u); do
	[ -f "tests/specs/$n.spec" ] || [ -f "$MDF_FIXTURES/$n/vmcore.zst" ] && continue
	lack "fixture $n ($(grep -c "^$n:" "$want") outputs)"
	grep -v "^$n:" "$T/want" >"$T/want.left"
	mv "$T/want.left" "$T/want"
done
# -c bytes depend on the deflate built in: the hashes are those of the
# libdeflate build (.ci/packages); a zlib-only build checks every other row.
if ! grep -q HAVE_LIBDEFLATE "$MDF_TOP/link-flags" 2>/dev/null; then
	echo "note: -c rows not compared (this build does not use libdeflate)"
	grep -v ':-c-' "$T/want" >"$T/want.left" && mv "$T/want.left" "$T/want"
	grep -v ':-c-' "$got" >"$T/got" && got=$T/got
fi
if diff "$T/want" "$got" >"$T/diff"; then
	ok "$(wc -l <"$got") outputs byte-identical to tests/golden/hashes.txt"
else
	fail "outputs changed:"
	grep '^[<>]' "$T/diff" | head -40
fi
finish
