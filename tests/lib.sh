# tests/lib.sh - helpers for shell test cases (source it).
# Environment from tests/run: MDF (the binary), MDF_FIXTURES, MDF_FIXCACHE, MDF_CAPTURES, MDF_BIN, PYTHON.
set -u
: "${MDF_TOP:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${MDF:=$MDF_TOP/makedumpfile}"
: "${MDF_FIXTURES:=$(cd "$MDF_TOP/../shared/fixtures" 2>/dev/null && pwd)}"
: "${MDF_FIXCACHE:=/var/cache/mdf-fixtures}"
: "${MDF_CAPTURES:=/var/cache/mdf-captures}"
: "${MDF_BIN:=$MDF_TOP/tests/bin/.}"
: "${PYTHON:=/usr/bin/python3}"
: "${TMPDIR:=/tmp}"
cd "$MDF_TOP" || exit 99
T=$(mktemp -d "$TMPDIR/case.XXXXXX")
trap 'rm -rf "$T"' EXIT
failures=0

missing=
skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }
# check DESCRIPTION COMMAND...: a sub-check that must succeed.
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
# lack WHAT: the part of the case that needs WHAT (a fixture, a vmlinux, a
# tool) cannot run.  The rest runs on, but the case cannot pass: finish exits
# 77 naming every WHAT (a failure with CI=true), or 1 when a check failed.
lack() { echo "not checked: $*"; missing=${missing:+$missing; }$*; }
finish() {
	[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
	[ -z "$missing" ] || skip "not checked: $missing"
	exit 0
}

# fixture NAME: sets FIX (its folder) and VMCORE (the decompressed ELF vmcore).
fixture() {
	FIX=$MDF_FIXTURES/$1
	[ -f "$FIX/vmcore.zst" ] || skip "fixture $1 not found in $MDF_FIXTURES"
	VMCORE=$MDF_FIXCACHE/$1/vmcore
	if [ ! -s "$VMCORE" ] || [ "$FIX/vmcore.zst" -nt "$VMCORE" ]; then
		mkdir -p "$MDF_FIXCACHE/$1" || skip "cannot write $MDF_FIXCACHE"
		zstd -q -f -d --long=31 "$FIX/vmcore.zst" -o "$VMCORE.tmp" && mv "$VMCORE.tmp" "$VMCORE" ||
			skip "cannot decompress $FIX/vmcore.zst"
	fi
}

# capture NAME: as fixture, but NAME may also be one of the crash dumps
# tests/capture/make-capture caches in $MDF_CAPTURES (other arches).
capture() {
	local dir=$MDF_FIXTURES
	[ -f "$dir/$1/vmcore.zst" ] || dir=$MDF_CAPTURES
	[ -f "$dir/$1/vmcore.zst" ] || skip "capture $1 not found in $MDF_FIXTURES or $MDF_CAPTURES"
	MDF_FIXTURES=$dir fixture "$1"
}

# The reference folder of a fixture (newest upstream available).
fixture_ref() {
	local d
	for d in "$FIX"/upstream-1.7.8 "$FIX"/upstream-*; do [ -d "$d" ] && { echo "$d"; return; }; done
}

# expect_exit CODE COMMAND...: run it, its status must be CODE; output in $T/out, $T/err.
expect_exit() {
	local want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	[ "$got" -eq "$want" ] || { echo "exit $got, expected $want: $*"; sed 's/^/  stderr: /' "$T/err" | head -5; return 1; }
}

# check_kept_extra WHAT OURS REF: a dump of $VMCORE that keeps REF's pages
# and, beyond them, only zero pages of what it keeps first (the image, page
# tables, notes), no more of them than its warning counts ($T/out, $T/err of
# the run that made OURS).
check_kept_extra() {
	local what=$1 extra warned
	if ! extra=$($PYTHON "$MDF_TOP/tests/tools/kept_extra.py" "$2" "$3" "$VMCORE"); then
		fail "$what: $extra"; return
	fi
	warned=$(sed -n 's/.*WARNING: \([0-9]*\) page(s) of the kernel image or page tables.*/\1/p' "$T/out" "$T/err" | head -1)
	if [ "$extra" -le "${warned:-0}" ]; then
		ok "$what, and $extra zero page(s) kept first (the warning counts ${warned:-0})"
	else
		fail "$what: $extra extra page(s), the warning counts ${warned:-0}"
	fi
}

# upstream_root SUITE DARCH: Debian SUITE's makedumpfile for DARCH, for
# upstream_run (tests/tools/upstream-root), its release in UP_VERSION;
# returns 1 when it cannot be had or does not run.
UP_ROOT= UP_DARCH= UP_VERSION=
upstream_root() {
	UP_ROOT=$(tests/tools/upstream-root "$1" "$2") || { UP_ROOT=; return 1; }
	UP_DARCH=$2
	UP_VERSION=$(upstream_run -v 2>&1 | sed -n 's/^makedumpfile: version \([^ ]*\).*/\1/p')
	[ -n "$UP_VERSION" ]
}
# upstream_run ARGS...: run that makedumpfile: with its own ld.so on an
# amd64 host, under qemu-user for other arches.
upstream_run() {
	local q
	case $UP_DARCH in
	amd64) "$UP_ROOT/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" \
		--library-path "$UP_ROOT/usr/lib/x86_64-linux-gnu" "$UP_ROOT/usr/bin/makedumpfile" "$@"; return ;;
	arm64) q=aarch64 ;; ppc64el) q=ppc64le ;; i386) q=i386 ;; *) q=$UP_DARCH ;;
	esac
	QEMU_LD_PREFIX=$UP_ROOT "qemu-$q-static" "$UP_ROOT/usr/bin/makedumpfile" "$@"
}
