#!/usr/bin/env bash
# The packages build with every library the Makefile links: each pkg-config
# module it names (REQUIRED and the codecs) is a Build-Depends of debian/control
# (the Debian package holding its .pc file) and a BuildRequires
# pkgconfig(MODULE) of makedumpfile.spec.
. "$(dirname "$0")/../lib.sh"
mods=$(sed -n 's/^REQUIRED *:= *//p' Makefile)
mods="$mods $(sed -n 's/.*call codec,[A-Z]*,\([^,]*\),.*/\1/p' Makefile)"
[ -n "${mods// /}" ] || { echo "no pkg-config modules found in the Makefile"; exit 99; }
bdeps=$(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' debian/control | sed '$d' | tr ',|' '\n\n' |
	sed 's/^Build-Depends://; s/(.*)//; s/ //g' | grep .)
for m in $mods; do
	pc=$(pkg-config --variable=pcfiledir "$m" 2>/dev/null)/$m.pc
	if [ -f "$pc" ]; then
		dev=$(dpkg -S "$pc" 2>/dev/null | cut -d: -f1)
		check "debian/control Build-Depends: $dev (has $m.pc)" grep -qx "$dev" <<<"$bdeps"
	else
		fail "pkg-config module $m: no .pc file installed here to name its Debian package"
	fi
	check "makedumpfile.spec BuildRequires: pkgconfig($m)" grep -qE "^BuildRequires: +pkgconfig\($m\)$" makedumpfile.spec
done
finish
