#!/usr/bin/env bash
# --vtop agrees with crash's vtop on the real 6.1 fixture for a kernel text
# address, a direct-map address, a vmemmap address and a vmalloc address.
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1
rel=$(head -1 "$FIX/kernel-version.txt")
vmlinux=/var/cache/vmlinux/vmlinux-$rel
[ -s "$vmlinux" ] || skip "no vmlinux for $rel in /var/cache/vmlinux (../shared/tools/get-vmlinux.sh $rel)"
command -v crash >/dev/null || skip "crash is not installed"

stext=0x$(sed -n 's/^SYMBOL(_stext)=//p' "$FIX/vmcoreinfo.txt")
printf 'p/x page_offset_base\np/x vmemmap_base\nlist -H vmap_area_list -o vmap_area.list -s vmap_area.va_start\nq\n' >"$T/cmds"
timeout 600 crash -s -i "$T/cmds" "$vmlinux" "$VMCORE" >"$T/crash.out" 2>&1
pob=$(sed -n 's/^\$1 = //p' "$T/crash.out")
vmb=$(sed -n 's/^\$2 = //p' "$T/crash.out")
[ -n "$pob" ] && [ -n "$vmb" ] || { cat "$T/crash.out"; fail "crash did not answer"; finish; }
direct=$(printf '0x%x' $((pob + 0x1234560)))
vmemmap=$(printf '0x%x' $((vmb + 0x40 * 0x2000)))
vmallocs=$(sed -n 's/.*va_start = \([0-9]*\),/\1/p' "$T/crash.out" | head -20)

# One crash session translates every candidate address.
candidates="$stext $direct $vmemmap"
for v in $vmallocs; do candidates="$candidates $(printf '0x%x' "$v")"; done
for a in $candidates; do printf 'vtop %s\n' "$a"; done >"$T/c1"
echo q >>"$T/c1"
timeout 600 crash -s -i "$T/c1" "$vmlinux" "$VMCORE" >"$T/vtops" 2>/dev/null
crash_pa() { # crash's physical address for $1, empty when it could not translate
	awk -v va="$(printf '%x' "$1")" '$1 == va && NF == 2 { print $2; exit }' "$T/vtops"
}
our_pa() {
	rm -f "$T/d"
	"$MDF" --vtop "$1" -d 1 "$VMCORE" "$T/d" 2>/dev/null |
		awk '/^VIRTUAL/ { getline; print $2 }'
}
compare() { # NAME ADDRESS
	local c o
	c=$(crash_pa "$2"); o=$(our_pa "$2")
	[ -n "$c" ] || { fail "$1 ($2): crash did not translate it"; return; }
	[ "$((0x$c))" = "$((0x${o:-0}))" ] && ok "$1 $2 -> $c (crash), $o (ours)" ||
		fail "$1 $2: crash says $c, we say ${o:-nothing}"
}
compare "kernel text" "$stext"
compare "direct map" "$direct"
compare "vmemmap" "$vmemmap"
for v in $vmallocs; do
	hex=$(printf '0x%x' "$v")
	[ -n "$(crash_pa "$hex")" ] || continue
	compare "vmalloc" "$hex"
	break
done
finish
