#!/usr/bin/env bash
# tests/specs/run.sh [SPEC...] - synthetic dumps against hand-written expectations.
#
# Builds tests/bin/mkvmcore from tests/gen/*.c, and for every tests/specs/*.spec
# (or the SPECs given) writes the dump and runs each expectation line:
#
#   expect [env NAME=VALUE]... ARGS... : CHECK [; CHECK]...
#
# ARGS are makedumpfile options; the run is "makedumpfile -l ARGS VMCORE OUT"
# (without -l when ARGS has -E) and must exit 0.  A CHECK is one of
#   kept RANGES       every pfn is in the 2nd bitmap (ELF: in a PT_LOAD's file data)
#   excluded RANGES   no pfn is in the 2nd bitmap (ELF: in no PT_LOAD's file data)
#   dropped RANGES    exactly these pfns are in the 1st bitmap but not the 2nd
#   zero RANGES       kept, and stored as the shared zero page (-d 1)
#   ram RANGES        the 1st bitmap is exactly RANGES
#   once TEXT         TEXT appears exactly once in makedumpfile's output
#   says TEXT         TEXT appears in makedumpfile's output
#   fails TEXT        the run must fail instead (non-zero exit) with exactly one
#                     "makedumpfile: " error line, and that line contains TEXT
# RANGES: 0x100-0x1ff (inclusive), 0x100+16, 0x100, "none"; blank or comma separated.
# The bitmaps are read by tests/tools/kdump_bitmap.py, which shares no code with
# the program; each generated dump is first read back with drgn
# (tests/specs/drgn_check.py) to check the generator itself.  One line per
# check; exit 1 when any fails, else 77 when drgn is missing (the
# expectations ran, the cross-check did not), else 0.
set -u
cd "$(dirname "$0")/../.." || exit 99
top=$PWD
MDF=${MDF:-$top/makedumpfile}
PY=${PYTHON:-/usr/bin/python3}
GEN=$top/tests/bin/mkvmcore
READER=$top/tests/tools/kdump_bitmap.py
tmp=$(mktemp -d "${TMPDIR:-/tmp}/specs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

[ -x "$MDF" ] || { echo "no program at $MDF (make -j2 first)"; exit 99; }
mkdir -p tests/bin
if ! cc -O2 -g -Wall -Wextra tests/gen/*.c -o "$GEN" >"$tmp/cc.log" 2>&1 || [ -s "$tmp/cc.log" ]; then
	echo "FAIL building mkvmcore (it must build without warnings):"
	cat "$tmp/cc.log"
	exit 1
fi

pass=0 fail=0 nodrgn_run=
result() {	# result OK|FAIL WHAT [WHY]
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok   $2"
	else
		fail=$((fail + 1))
		echo "FAIL $2${3:+: $3}"
	fi
}

run_check() {	# run_check LABEL OUT LOG CHECK
	local label=$1 out=$2 log=$3 check=$4 verb rest n why
	check=${check#"${check%%[![:space:]]*}"}
	check=${check%"${check##*[![:space:]]}"}
	verb=${check%%[[:space:]]*}
	rest=${check#"$verb"}
	rest=${rest#"${rest%%[![:space:]]*}"}
	case $verb in
	kept|excluded|dropped|zero|ram)
		# shellcheck disable=SC2086
		why=$("$PY" "$READER" check "$out" "$verb" $rest 2>&1) &&
			result ok "$label : $check" || result FAIL "$label : $check" "$why" ;;
	once)
		n=$(grep -cF -- "$rest" "$log")
		[ "$n" -eq 1 ] && result ok "$label : $check" ||
			result FAIL "$label : $check" "found $n times" ;;
	says)
		grep -qF -- "$rest" "$log" && result ok "$label : $check" ||
			result FAIL "$label : $check" "not in the output" ;;
	*)
		result FAIL "$label : $check" "unknown check '$verb'" ;;
	esac
}

run_expect() {	# run_expect SPECNAME LINENO CORE "ARGS : CHECKS"
	local name=$1 lineno=$2 core=$3 line=$4 args checks label rc c a comp
	local -a envs=() argv=()
	args=${line%% : *}
	checks=${line#* : }
	[ "$args" != "$line" ] || { result FAIL "$name:$lineno" "expect line without ' : '"; return; }
	# shellcheck disable=SC2206
	argv=($args)
	while [ ${#argv[@]} -gt 1 ] && [ "${argv[0]}" = env ]; do
		envs+=("${argv[1]}")
		argv=("${argv[@]:2}")
	done
	label="$name:$lineno ${envs[*]:+${envs[*]} }${argv[*]}"
	rm -f "$tmp/out"
	comp=-l
	for a in "${argv[@]}"; do [ "$a" = -E ] && comp=; done	# ELF output is not compressed
	env ${envs[@]+"${envs[@]}"} "$MDF" $comp "${argv[@]}" "$core" "$tmp/out" >"$tmp/log" 2>&1
	rc=$?
	case $checks in
	fails\ *)	# the one check of a run that must fail
		c=${checks#fails }
		n=$(grep -c '^makedumpfile: ' "$tmp/log")
		if [ $rc -eq 0 ]; then
			result FAIL "$label : $checks" "makedumpfile exited 0"
		elif [ "$n" -ne 1 ]; then
			result FAIL "$label : $checks" "$n error lines: $(grep '^makedumpfile: ' "$tmp/log" | head -3 | tr '\n' ' ')"
		elif ! grep '^makedumpfile: ' "$tmp/log" | grep -qF -- "$c"; then
			result FAIL "$label : $checks" "the error is: $(grep '^makedumpfile: ' "$tmp/log")"
		else
			result ok "$label : $checks"
		fi
		return ;;
	esac
	if [ $rc -ne 0 ]; then
		result FAIL "$label" "makedumpfile exited $rc: $(grep -v '^$' "$tmp/log" | grep -v '\[' | tail -2 | tr '\n' ' ')"
		return
	fi
	IFS=';' read -r -a parts <<<"$checks"
	for c in "${parts[@]}"; do
		run_check "$label" "$tmp/out" "$tmp/log" "$c"
	done
}

specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=(tests/specs/*.spec)
for spec in "${specs[@]}"; do
	name=$(basename "$spec" .spec)
	core=$tmp/$name.vmcore
	if ! "$GEN" "$spec" "$core" >"$tmp/gen.log" 2>&1; then
		result FAIL "$name" "mkvmcore: $(tail -1 "$tmp/gen.log")"
		continue
	fi
	# A spec may say why drgn cannot read it ("# no-drgn: REASON").
	nodrgn=$(sed -n 's/^# no-drgn: //p' "$spec")
	if [ -n "$nodrgn" ]; then
		echo "note $name: no drgn cross-check: $nodrgn"
		rc=255
	else
		"$PY" tests/specs/drgn_check.py "$core" >"$tmp/drgn.log" 2>&1
		rc=$?
	fi
	case $rc in
	255) ;;
	0) result ok "$name: drgn reads the generated dump (page tables, mem_section, utsname)" ;;
	77) echo "skip $name: drgn cross-check: $(tail -1 "$tmp/drgn.log")"
	    nodrgn_run="${nodrgn_run:+$nodrgn_run }$name" ;;
	*) result FAIL "$name: drgn cross-check of the generated dump" "$(head -3 "$tmp/drgn.log" | tr '\n' ' ')" ;;
	esac
	lineno=0
	while IFS= read -r raw || [ -n "$raw" ]; do
		lineno=$((lineno + 1))
		line=${raw%%#*}
		line=${line#"${line%%[![:space:]]*}"}
		line=${line%"${line##*[![:space:]]}"}
		case $line in
		expect\ *) run_expect "$name" "$lineno" "$core" "${line#expect }" ;;
		esac
	done <"$spec"
	rm -f "$core"
done
echo "specs: $pass checks passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
[ -z "$nodrgn_run" ] || { echo "skip: no drgn: the generated dumps of $nodrgn_run not cross-checked"; exit 77; }
exit 0
