#!/bin/sh
# real.sh DWARF_DUMP VMLINUX VMCOREINFO - a real vmlinux against its dump's note.
#
# Not a test case of its own (not executable): run.sh runs it, with sh,
# for each real vmlinux it finds.
# DWARF_DUMP is tests/unit/dwarf_dump built by run.sh; VMCOREINFO is the
# note of a dump of the same kernel (a fixture's vmcoreinfo.txt).  Every
# key of the note that has a DWARF rule must come out of the vmlinux with
# the same value (symbols shifted by the note's KERNELOFFSET), except the
# few listed below, which DWARF cannot know in the note's sense.
# Exits 0 when all agree, 1 otherwise.
set -u
tool=$1 vmlinux=$2 note=$3
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

kaslr=$(sed -n 's/^KERNELOFFSET=//p' "$note")
"$tool" "$vmlinux" "${kaslr:-0}" >"$tmp/ours" 2>"$tmp/err" || { cat "$tmp/err"; exit 1; }
"$tool" --keys >"$tmp/keys" || exit 1
echo "$(basename "$vmlinux"): $(cat "$tmp/err")"

awk -F= -v keys="$tmp/keys" -v ours="$tmp/ours" '
BEGIN {
	# The note exports mem_section'"'"'s value (the array it points to);
	# the symbol table has the address of the variable.
	differs["SYMBOL(mem_section)"] = "the note has the pointer'"'"'s value, DWARF the variable'"'"'s address"
	# Absent from a vmlinux with a reason:
	absent["LENGTH(mem_section)"] = "NR_SECTION_ROOTS: mem_section is a pointer in DWARF (SPARSEMEM_EXTREME)"
	absent["SYMBOL(node_online_map)"] = "a macro (node_states[N_ONLINE]), no symbol"
	absent["SYMBOL(swapper_pg_dir)"] = "x86: a macro for init_top_pgt, no symbol"
	absent["SYMBOL(vmemmap)"] = "x86: VMEMMAP_START, a value rather than a symbol"
	while ((getline line < keys) > 0)
		dw[line] = 1
	while ((getline line < ours) > 0) {
		i = index(line, "=")
		o[substr(line, 1, i - 1)] = substr(line, i + 1)
	}
	bad = 0
}
{
	key = $1
	val = substr($0, length(key) + 2)
	if (key != "OSRELEASE" && key != "PAGESIZE" && !(key in dw))
		next
	if (!(key in o)) {
		if (key in absent) {
			printf "  absent   %-38s (%s)\n", key, absent[key]
		} else {
			printf "  MISSING  %-38s note=%s\n", key, val
			bad = 1
		}
	} else if (o[key] != val) {
		if (key in differs) {
			printf "  differs  %-38s ours=%s note=%s (%s)\n", key, o[key], val, differs[key]
		} else {
			printf "  MISMATCH %-38s ours=%s note=%s\n", key, o[key], val
			bad = 1
		}
	} else {
		same++
	}
}
END {
	printf "  %d keys equal%s\n", same, bad ? ", FAILED" : ""
	exit bad
}' "$note"
