#!/usr/bin/env bash
# Our output is byte-identical to upstream's for the codecs it has, at -d 1
# and -d 31, and for ELF output at -d 0 and -d 31:
#   * on kernel 6.1, where Debian 12's makedumpfile 1.7.2 is right, to it;
#   * on every fixture (x86_64 6.1 and 6.12, arm64 6.1), to the newest
#     upstream, Debian sid's (tests/tools/upstream-root; arm64 under
#     qemu-user, fewer runs there).
# ELF at -d 31 is byte-identical unless we keep zero pages of the kernel
# image or page tables first: then it holds upstream's pages and, beyond
# them, only such zero pages, as many as the warning says at most.
# -c is the exception: its zlib streams come from a faster deflate
# (libdeflate when built in), so there the pages kept must be upstream's
# and each must read back equal to the input (libkdumpfile, which inflates
# with plain zlib).
. "$(dirname "$0")/../lib.sh"

# like_upstream WHO RUNNER ARGS...: each ARGS (one string) against RUNNER.
like_upstream() {
	local who=$1 runner=$2 args; shift 2
	for args in "$@"; do
		rm -f "$T/up" "$T/ours"
		$runner $args "$VMCORE" "$T/up" >"$T/up.log" 2>&1 || { fail "$who $args failed: $(tail -1 "$T/up.log")"; continue; }
		if ! expect_exit 0 "$MDF" $args "$VMCORE" "$T/ours"; then
			fail "$fx $args: makedumpfile failed"
		elif [ "${args#-c }" != "$args" ]; then
			$PYTHON tests/tools/kdump_bitmap.py kept "$T/up" >"$T/up.kept"
			$PYTHON tests/tools/kdump_bitmap.py kept "$T/ours" >"$T/ours.kept"
			check "$fx $args: the pages kept are $who's" test -s "$T/ours.kept" -a -s "$T/up.kept"
			check "$fx $args: ... the same ranges" cmp -s "$T/up.kept" "$T/ours.kept"
			check "$fx $args: every page reads back equal to the input" \
				$PYTHON tests/tools/pages_equal.py "$T/ours" "$VMCORE"
		elif [ "$args" = "-E -d 31" ] && ! cmp -s "$T/up" "$T/ours"; then
			# zero pages of the image or page tables that we keep first
			check_kept_extra "$fx $args: $who's pages" "$T/ours" "$T/up"
			check "$fx $args: every page reads back equal to the input" \
				$PYTHON tests/tools/pages_equal.py "$T/ours" "$VMCORE"
		else
			check "$fx $args: byte-identical to $who" cmp "$T/up" "$T/ours"
		fi
	done
	rm -f "$T/up" "$T/ours"
}
ALL=("-d 1" "-c -d 1" "-l -d 1" "-l -d 31" "-c -d 31" "-d 31" "-E -d 0" "-E -d 31")

fx=x86_64-6.1
fixture $fx
if [ -x /usr/bin/makedumpfile ]; then
	like_upstream "upstream 1.7.2" /usr/bin/makedumpfile "${ALL[@]}"
else
	lack "Debian's makedumpfile (not installed)"
fi

for fx in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	fixture $fx
	case $fx in arm64*) darch=arm64 ;; *) darch=amd64 ;; esac
	upstream_root sid $darch || { lack "a runnable sid makedumpfile for $darch"; continue; }
	case $darch in
	amd64) like_upstream "upstream $UP_VERSION" upstream_run "${ALL[@]}" ;;
	*) like_upstream "upstream $UP_VERSION" upstream_run "-l -d 1" "-l -d 31" "-E -d 31" ;;
	esac
done
finish
