#!/usr/bin/env bash
# -x VMLINUX gives the same dump as the dump's own VMCOREINFO; -g writes a
# VMCOREINFO that -i reads back to the same dump; a vmlinux of another
# release exits 2 with upstream's message; bad kernel facts (a vmlinux
# without DWARF, a malformed VMCOREINFO line, an offset past the struct's
# size, a mem_section pointer outside memory) give one-line errors, exit 1.
# A fixture or vmlinux that is absent leaves its part out; the case then
# exits 77 (lib.sh's lack) after the parts that need neither.
. "$(dirname "$0")/../lib.sh"
other= othername=
for name in x86_64-6.1 x86_64-6.12 arm64-6.1; do
	[ -f "$MDF_FIXTURES/$name/vmcore.zst" ] || { lack "fixture $name"; continue; }
	fixture "$name"
	rel=$(head -1 "$FIX/kernel-version.txt")
	vmlinux=/var/cache/vmlinux/vmlinux-$rel
	[ -s "$vmlinux" ] || { lack "-x on $name (no $vmlinux)"; continue; }
	"$MDF" -l -d 31 "$VMCORE" "$T/note" >/dev/null 2>&1 || fail "$name: plain run"
	check "$name: -x runs" expect_exit 0 "$MDF" -x "$vmlinux" -l -d 31 "$VMCORE" "$T/x"
	check "$name: -x gives the same dump" cmp "$T/note" "$T/x"
	check "$name: -g runs" expect_exit 0 "$MDF" -g "$T/vmcoreinfo" -x "$vmlinux"
	check "$name: -g says where" grep -qxF "The vmcoreinfo is saved to $T/vmcoreinfo." "$T/out"
	check "$name: -g has the release" grep -qxF "OSRELEASE=$rel" "$T/vmcoreinfo"
	check "$name: -g has the source file of pud_t" grep -qE "^SRCFILE\(pud_t\)=.*pgtable.*\.h$" "$T/vmcoreinfo"
	check "$name: -i of -g's file runs" expect_exit 0 "$MDF" -i "$T/vmcoreinfo" -l -d 31 "$VMCORE" "$T/i"
	check "$name: -g then -i gives the same dump" cmp "$T/note" "$T/i"
	check "$name: -i of the dump's own VMCOREINFO text" expect_exit 0 "$MDF" -i "$FIX/vmcoreinfo.txt" -l -d 31 "$VMCORE" "$T/i2"
	check "$name: ... gives the same dump" cmp "$T/note" "$T/i2"
	rm -f "$T"/note "$T"/x "$T"/i "$T"/i2 "$T/vmcoreinfo"
	other=$vmlinux
	othername=$name
done

# Text facts read from -i are kept (the -D output lists every fact).
fixture x86_64-6.1
{ cat "$FIX/vmcoreinfo.txt"; echo "CONFIG_PGTABLE_4=y"; echo "SRCFILE(pud_t)=include/asm/pgtable.h"; } >"$T/vi-text"
"$MDF" -D -i "$T/vi-text" --dry-run -d 1 "$VMCORE" "$T/dry" >"$T/debug" 2>&1
check "text facts from -i: CONFIG_PGTABLE_4" grep -qx "CONFIG_PGTABLE_4=y" "$T/debug"
check "text facts from -i: SRCFILE(pud_t)" grep -qx "SRCFILE(pud_t)=include/asm/pgtable.h" "$T/debug"

# A vmlinux of another release: exit 2.
fixture x86_64-6.12
if [ -z "$other" ] || [ "$othername" = x86_64-6.12 ]; then
	lack "-x with a vmlinux of another release (no fixture's vmlinux is cached)"
else
	expect_exit 2 "$MDF" -x "$other" -l -d 31 "$VMCORE" "$T/mismatch"
	check "other release: upstream's message" grep -q "check_release: .* don't match." "$T/err"
	check "other release: no dump left" test ! -e "$T/mismatch"
fi

# A file without DWARF.
cp /bin/true "$T/nodwarf"; strip --strip-debug "$T/nodwarf" 2>/dev/null
expect_exit 1 "$MDF" -x "$T/nodwarf" -l -d 31 "$VMCORE" "$T/d"
check "vmlinux without DWARF: one line naming it" grep -q "nodwarf.*DWARF" "$T/err"
check "vmlinux without DWARF: one error line" test "$(grep -c '^makedumpfile: ' "$T/err")" -eq 1

# Bad VMCOREINFO texts given with -i: the fact named, exit 1, no dump.
bad_vmcoreinfo() { # NAME SED-EXPRESSION EXPECTED
	sed "$2" "$FIX/vmcoreinfo.txt" >"$T/vi"
	rm -f "$T/d"
	if expect_exit 1 "$MDF" -i "$T/vi" -l -d 31 "$VMCORE" "$T/d"; then
		grep -q -- "$3" "$T/err" && ok "$1: $(grep '^makedumpfile' "$T/err")" || fail "$1: error lacks '$3': $(cat "$T/err")"
		[ ! -e "$T/d" ] || fail "$1: a dump was left"
	else
		fail "$1"
	fi
}
bad_vmcoreinfo "malformed line" 's/^OFFSET(page.private)=.*/OFFSET(page.private)=forty/' "OFFSET(page.private)"
bad_vmcoreinfo "line without =" '3i this line is broken' "is not KEY=VALUE"
bad_vmcoreinfo "offset past the struct" 's/^OFFSET(page.private)=.*/OFFSET(page.private)=4000/' "OFFSET(page.private)=4000 is past SIZE(page)"
bad_vmcoreinfo "mem_section outside memory" 's/^SYMBOL(mem_section)=.*/SYMBOL(mem_section)=ffffffffdead0000/' "mem_section"
# (A fact missing from a -i file is filled from the dump's own note, as
# upstream does; dumps without a note are the synthetic tests' business.)
finish
