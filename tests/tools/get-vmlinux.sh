#!/bin/bash
# get-vmlinux.sh RELEASE [DIR]
# Fetch the vmlinux (with DWARF) of the Debian kernel RELEASE from Debian's
# linux-image-RELEASE-dbg package, unpacking only that one file, and print
# its path.  The Debian architecture comes from the release's flavour:
#   ...-amd64, ...-cloud-amd64 -> amd64     ...-arm64 -> arm64
#   ...-powerpc64le -> ppc64el               ...-686, ...-686-pae -> i386
#   ...-s390x -> s390x                       ...-riscv64 -> riscv64
# Cached: DIR (default /var/cache/vmlinux) keeps what was fetched.
# The package is found with a private apt state (/var/cache/vmlinux/apt-ARCH:
# its own sources.list for bookworm, trixie, sid and bookworm-security,
# lists, APT::Architecture=ARCH), so the host's apt sources stay as they are
# and nothing is installed.  Needs root (apt-get download).
set -euo pipefail
rel=${1:?usage: get-vmlinux.sh RELEASE [DIR]}
dir=${2:-/var/cache/vmlinux}
out=$dir/vmlinux-$rel
[ -s "$out" ] && { echo "$out"; exit 0; }
case $rel in
*-amd64) arch=amd64 ;;
*-arm64) arch=arm64 ;;
*-powerpc64le) arch=ppc64el ;;
*-686 | *-686-pae) arch=i386 ;;
*-s390x) arch=s390x ;;
*-riscv64) arch=riscv64 ;;
*) echo "get-vmlinux.sh: $rel: no Debian architecture known for this flavour" >&2; exit 1 ;;
esac
mkdir -p "$dir"
state=$dir/apt-$arch
mkdir -p "$state/lists/partial" "$state/archives/partial"
printf 'deb http://deb.debian.org/debian %s main\n' bookworm bookworm-updates trixie sid >"$state/sources.list"
printf 'deb http://deb.debian.org/debian-security %s main\n' bookworm-security trixie-security >>"$state/sources.list"
o=(-oDir::Etc::SourceList="$state/sources.list" -oDir::Etc::SourceParts=/dev/null
   -oDir::State::Lists="$state/lists" -oDir::State::status=/dev/null -oDir::Cache="$state"
   -oAPT::Architecture=$arch -oAPT::Architectures=$arch -oDebug::NoLocking=1)
# refresh lists older than a day: a kernel's -dbg package appears with its ABI
if [ -z "$(find "$state/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
	apt-get "${o[@]}" update >"$state/update.log" 2>&1 || { tail -n 3 "$state/update.log" >&2; exit 1; }
fi
tmp=$(mktemp -d "$dir/.get.XXXXXX")
chmod 777 "$tmp"    # apt's _apt user writes the file
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get "${o[@]}" download "linux-image-$rel-dbg" >"$tmp/download.log" 2>&1) ||
	{ echo "get-vmlinux.sh: apt-get download linux-image-$rel-dbg ($arch) failed: $(tail -n 1 "$tmp/download.log")" >&2; exit 1; }
dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -x -C "$tmp" --wildcards "*/boot/vmlinux-$rel"
f=$(find "$tmp" -name "vmlinux-$rel" -type f | head -n 1)
[ -s "$f" ] || { echo "get-vmlinux.sh: no boot/vmlinux-$rel in linux-image-$rel-dbg" >&2; exit 1; }
mv "$f" "$out.tmp" && mv "$out.tmp" "$out"
echo "$out"
