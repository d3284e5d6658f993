#!/usr/bin/env bash
# -v names this program's own version and the upstream release whose
# behaviour it matches, and no release date; the packages (debian/changelog,
# makedumpfile.spec) carry the same version.
. "$(dirname "$0")/../lib.sh"
ver=$(sed -n 's/^#define MDF_VERSION[^"]*"\(.*\)"/\1/p' makedumpfile.h)
up=$(sed -n 's/^#define MDF_UPSTREAM_VERSION[^"]*"\(.*\)"/\1/p' makedumpfile.h)
[ -n "$ver" ] && [ -n "$up" ] || { echo "no MDF_VERSION / MDF_UPSTREAM_VERSION in makedumpfile.h"; exit 99; }
expect_exit 0 "$MDF" -v || fail "-v exits 0"
check "-v: first line is our version and the upstream release ($ver, $up)" \
	grep -qxF "makedumpfile: version $ver (behaves as upstream makedumpfile $up)" <(head -n 1 "$T/out")
check "-v: our version is not upstream's release number" [ "$ver" != "$up" ]
check "-v: no release date" bash -c "! grep -qiE 'released|[0-9]{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* [0-9]{4}' '$T/out'"
make -s tests/bin/mkvmcore >/dev/null && tests/bin/mkvmcore tests/specs/sample.spec "$T/vmcore" >/dev/null ||
	fail "mkvmcore sample.spec"
expect_exit 0 "$MDF" -D -d 1 --dry-run "$T/vmcore" "$T/x" || fail "-D --dry-run exits 0"
check "-D banner: the same version line" grep -qxF "makedumpfile: version $ver (behaves as upstream makedumpfile $up)" "$T/out"
check "debian/changelog's version is $ver (with the epoch above Debian's 1:)" \
	grep -qE "^makedumpfile \(2:$ver\) " <(head -n 1 debian/changelog)
check "makedumpfile.spec's Version is $ver" grep -qxE "Version: +$ver" makedumpfile.spec
finish
