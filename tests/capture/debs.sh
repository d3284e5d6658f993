# tests/capture/debs.sh - Debian packages of any suite and architecture,
# fetched without touching the host's apt (source it).  Needs CAPS (the cache
# folder: apt states under CAPS/apt/SUITE-ARCH, .debs under
# CAPS/debs/SUITE-ARCH) and DARCH (the Debian architecture).  Used by
# make-capture for guests and by tests/tools/upstream-root for the upstream
# makedumpfile releases the tests compare with.

# apt_state SUITE ARCH: the apt options of a private state for SUITE/ARCH
apt_state() {
	local suite=$1 arch=$2 st=$CAPS/apt/$1-$2
	mkdir -p "$st/lists/partial" "$st/archives/partial"
	{
		echo "deb http://deb.debian.org/debian $suite main"
		case $suite in sid) ;; *)
			echo "deb http://deb.debian.org/debian $suite-updates main"
			echo "deb http://deb.debian.org/debian-security $suite-security main" ;;
		esac
	} > "$st/sources.list"
	APT=(-oDir::Etc::SourceList="$st/sources.list" -oDir::Etc::SourceParts=/dev/null
		-oDir::State::Lists="$st/lists" -oDir::State::status=/dev/null -oDir::Cache="$st"
		-oAPT::Architecture="$arch" -oAPT::Architectures="$arch" -oDebug::NoLocking=1)
	# lists older than a day are refreshed (new kernel ABIs appear)
	if [ -z "$(find "$st/lists" -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null)" ]; then
		apt-get "${APT[@]}" update > "$st/update.log" 2>&1 || { tail -n 5 "$st/update.log"; return 1; }
	fi
}
# get_debs SUITE PKG...: download the .debs (cached in $CAPS/debs/SUITE-ARCH)
get_debs() {
	local suite=$1 d=$CAPS/debs/$1-$DARCH p v need=() cand
	shift
	apt_state "$suite" "$DARCH" || return 1
	mkdir -p "$d" && chmod 777 "$d"    # apt's _apt user writes there
	# one policy call for all: "NAME VERSION" lines
	cand=$(apt-cache "${APT[@]}" policy "$@" 2>/dev/null |
		awk '/^[^ ].*:$/ { n = substr($0, 1, length($0) - 1) } $1 == "Candidate:" { print n, $2 }')
	for p in "$@"; do
		v=$(echo "$cand" | awk -v p="$p" '$1 == p { print $2 }')
		[ -n "$v" ] && [ "$v" != "(none)" ] || { echo "no $p in $suite/$DARCH"; return 1; }
		ls "$d/${p}_"*"${v#*:}_"*.deb > /dev/null 2>&1 || need+=("$p")
	done
	[ ${#need[@]} -eq 0 ] || (cd "$d" && apt-get "${APT[@]}" download "${need[@]}" > /dev/null 2>&1) ||
		{ echo "apt-get download ${need[*]} ($suite/$DARCH) failed"; return 1; }
	for p in "$@"; do
		v=$(echo "$cand" | awk -v p="$p" '$1 == p { print $2 }')
		echo "$d/${p}_"*"${v#*:}_"*.deb
	done
}
# lib_closure SUITE PKG...: the library packages (lib*, zlib*) PKG... depend
# on, and theirs, recursively (not through perl or debconf: only the ELF
# programs matter, check_needed checks them)
lib_closure() {
	local suite=$1 todo seen=" " next p
	shift
	apt_state "$suite" "$DARCH" || return 1
	todo="$*"
	while [ -n "$todo" ]; do
		next=$(apt-cache "${APT[@]}" depends --no-recommends --no-suggests --no-conflicts \
			--no-breaks --no-replaces --no-enhances $todo 2>/dev/null |
			sed -n 's/^ *|\{0,1\}\(Pre\)\{0,1\}Depends: \(\(z\)\{0,1\}lib[^ <>:]*\)$/\2/p' | sort -u)
		todo=
		for p in $next; do
			case $seen in *" $p "*) continue ;; esac
			seen="$seen$p "
			todo="$todo $p"
		done
	done
	echo $seen
}

# usrmerge ROOT: /bin, /sbin, /lib* become links into /usr, as on a merged
# system (bookworm's packages ship in both, trixie's in /usr)
usrmerge() {
	local root=$1 d
	for d in bin sbin lib lib32 lib64; do
		[ -L "$root/$d" ] && continue
		if [ -d "$root/$d" ]; then
			mkdir -p "$root/usr/$d"
			cp -a "$root/$d/." "$root/usr/$d/" && rm -rf "${root:?}/$d"
		fi
		case $d in bin | sbin | lib) mkdir -p "$root/usr/$d" ;; esac
		[ -d "$root/usr/$d" ] && ln -s "usr/$d" "$root/$d"
	done
}

# relative_links ROOT: absolute symlinks in ROOT made relative, so that they
# resolve inside ROOT also on the host (qemu-user's QEMU_LD_PREFIX=ROOT)
relative_links() {
	local root=$1 l t
	find "$root" -type l | while read -r l; do
		t=$(readlink "$l")
		case $t in /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$l")" "$root$t")" "$l" ;; esac
	done
}
