#!/bin/sh
# tests/dwarf/run.sh - the -x (DWARF) reader on fixtures and real vmlinux files.
#
# 1. Builds the kernel-like units here into small vmlinux look-alikes
#    (gcc -g, linked at kernel addresses by fake.lds) and runs
#    tests/unit/test_dwarf on them: hand-written expected values, error
#    cases, damaged files.
# 2. For each real vmlinux already fetched into /var/cache/vmlinux by
#    ../shared/tools/get-vmlinux.sh (nothing is downloaded here), compares
#    what it yields with the fixture dump's VMCOREINFO (real.sh).  A vmlinux
#    or fixture that is absent leaves its comparison out, and the case then
#    exits 77 after the rest has run: never a pass with a part unchecked.
#
# With --fixtures-only it just builds the fixtures into tests/bin/dwarf
# (test_dwarf does that when tests/run starts it without arguments).
# MDF_BUILD other than "." (tests/run's sanitizer build) adds ASan/UBSan.
#
# Exit status: 0 pass, 1 fail, 77 skip (says why), 99 harness error.
set -u
fixtures_only=false
[ "${1:-}" = --fixtures-only ] && fixtures_only=true
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/tests/bin/dwarf
CC=${CC:-cc}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
VMLINUX_CACHE=${VMLINUX_CACHE:-/var/cache/vmlinux}
fixtures=$top/../shared/fixtures

skip() { echo "SKIP: $*"; exit 77; }
harness() { echo "ERROR: $*"; exit 99; }

$PKG_CONFIG --exists libdw libelf || skip "libdw/libelf development files not found by $PKG_CONFIG"
command -v objcopy >/dev/null || skip "objcopy not found"
[ "$(getconf LONG_BIT)" = 64 ] || skip "the fixtures' expected values assume an LP64 host"
mkdir -p "$out" || harness "cannot create $out"

# The fixtures: one DWARF version per unit, and no unwind tables or
# position independence to get in the linker script's way.
fx="-g -O2 -fno-common -fno-pie -fno-asynchronous-unwind-tables -fno-stack-protector"
for u in decl:4 mm:5 printk:2 banner:4; do
	$CC $fx -gdwarf-${u#*:} -c "$here/${u%:*}.c" -o "$out/${u%:*}.o" ||
		harness "cannot compile tests/dwarf/${u%:*}.c"
done
link() {
	name=$1
	shift
	$CC -nostdlib -static -no-pie -Wl,-T,"$here/fake.lds" -Wl,--build-id=none \
		-o "$out/$name" "$@" 2>"$out/$name.ld.log" ||
		{ cat "$out/$name.ld.log"; harness "cannot link $name"; }
}
link fake-vmlinux "$out/decl.o" "$out/mm.o" "$out/printk.o" "$out/banner.o"
link fake-banner "$out/mm.o" "$out/banner.o"
link fake-norelease "$out/mm.o"
objcopy --strip-debug "$out/fake-vmlinux" "$out/fake-nodebug" || harness "objcopy failed"
printf 'not an ELF file\n' >"$out/not-elf.txt"
$fixtures_only && exit 0

# The code under test: the project's objects without main() (libmdf.a, and
# the flags it was built with, as tests/run links the unit tests).
build=$top/${MDF_BUILD:-.}
[ -f "$build/libmdf.a" ] && [ -f "$build/link-flags" ] ||
	harness "no $build/libmdf.a (run make first)"
cflags="$(cut -d'|' -f1 "$build/link-flags") -I$top"
libs=$(cut -d'|' -f2 "$build/link-flags")
$CC $cflags -o "$out/test_dwarf" "$top/tests/unit/test_dwarf.c" "$build/libmdf.a" $libs ||
	{ echo "FAIL: test_dwarf does not build"; exit 1; }
$CC $cflags -o "$out/dwarf_dump" "$top/tests/unit/dwarf_dump.c" "$build/libmdf.a" $libs ||
	{ echo "FAIL: dwarf_dump does not build"; exit 1; }

status=0
missing=
"$out/test_dwarf" "$out" || status=1

for pair in 6.1.0-56-cloud-amd64:x86_64-6.1 6.12.107+deb13-cloud-amd64:x86_64-6.12 \
	    6.1.0-56-arm64:arm64-6.1; do
	vmlinux=$VMLINUX_CACHE/vmlinux-${pair%%:*}
	note=$fixtures/${pair#*:}/vmcoreinfo.txt
	if [ ! -s "$note" ]; then
		missing="${missing:+$missing, }${pair%%:*} (no $note)"
		continue
	fi
	if [ ! -s "$vmlinux" ]; then
		missing="${missing:+$missing, }${pair%%:*}"
		continue
	fi
	sh "$here/real.sh" "$out/dwarf_dump" "$vmlinux" "$note" || status=1
done
[ $status -eq 0 ] && [ -n "$missing" ] &&
	skip "real vmlinux not checked, none in $VMLINUX_CACHE (../shared/tools/get-vmlinux.sh RELEASE): $missing"
exit $status
