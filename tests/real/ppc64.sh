#!/usr/bin/env bash
# The real ppc64le capture (Debian 12 kernel 6.1, QEMU pseries POWER9,
# radix MMU, 64 KiB pages; made by tests/capture/make-capture ppc64le-6.1):
#   * -l -d 1 2 4 8 16 31 keep exactly the pages of Debian's native
#     makedumpfile (its 2nd bitmaps), with its report's page counts;
#   * --dump-dmesg equals the capture's dmesg.txt (upstream 1.7.2, which
#     prints no caller column: ours is taken out);
#   * -c -l -z -p and no codec read back equal to the input in libkdumpfile;
#   * --vtop of linear, vmemmap and vmalloc addresses agrees with a hand
#     walk of the radix tables (tests/tools/ppc64_walk.py) and, for the
#     vmemmap, with the kernel's own vmemmap_list;
#   * -x with Debian's vmlinux gives the same dump as VMCOREINFO, and -g
#     then -i too.
# Skips (77) when the capture is absent.
. "$(dirname "$0")/../lib.sh"
name=ppc64le-6.1
capture $name
ref=$(fixture_ref)
walker() { $PYTHON tests/tools/ppc64_walk.py "$VMCORE" "$FIX/vmcoreinfo.txt" "$@"; }

# 1. dump levels
for d in 1 2 4 8 16 31; do
	out=$T/d$d
	if ! expect_exit 0 "$MDF" -l -d $d --message-level 16 "$VMCORE" "$out"; then fail "-d $d failed"; continue; fi
	check "-d $d: kept pages equal upstream's" \
		$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d$d.bitmap2"
	sed -n '/^Original pages/,/^Total pages/p' "$T/out" >"$T/ours.txt"
	sed -n '/^Original pages/,/^Total pages/p' "$ref/d$d.report.txt" >"$T/ref.txt"
	check "-d $d: report counts equal upstream's" diff "$T/ref.txt" "$T/ours.txt"
	[ $d = 31 ] || rm -f "$out"
done

# 2. dmesg
strip_caller() {
	sed -E 's/^(\[[ 0-9]+\.[0-9]{6}\] )\[ *[TC][0-9]+\] /\1/; s/^ {26}/               /' "$1"
}
if expect_exit 0 "$MDF" --dump-dmesg "$VMCORE" "$T/dmesg"; then
	check "--dump-dmesg equals upstream 1.7.2's without the caller column" \
		cmp <(strip_caller "$T/dmesg") "$FIX/dmesg.txt"
else
	fail "--dump-dmesg failed"
fi

# 3. codecs
for c in none -c -l -p -z; do
	opt=$c; [ "$c" = none ] && opt=
	out=$T/codec$c
	if ! expect_exit 0 "$MDF" $opt -d 1 "$VMCORE" "$out"; then fail "$c: makedumpfile failed"; continue; fi
	check "$c: pages equal the input and upstream's -d 1 set" \
		$PYTHON tests/tools/pages_equal.py "$out" "$VMCORE" --ref "$ref/d1.bitmap2"
	rm -f "$out"
done

# 4. --vtop against the hand walk
our_pa() {
	rm -f "$T/v"
	"$MDF" --vtop "$1" -d 31 "$VMCORE" "$T/v" 2>/dev/null | awk '/^VIRTUAL/ { getline; print "0x" $2 }'
}
read -r vm_virt vm_phys vm_size < <(walker vmemmap | head -1)
[ -n "$vm_virt" ] || fail "vmemmap_list is empty"
stext=0x$(sed -n 's/^SYMBOL(_stext)=//p' "$FIX/vmcoreinfo.txt")
pgdir=0x$(sed -n 's/^SYMBOL(swapper_pg_dir)=//p' "$FIX/vmcoreinfo.txt")
linear="$stext $pgdir $(printf '0x%x' $((0xc000000000000000 + 0x3fff1234)))"
vmemmap="$(printf '0x%x 0x%x' $((vm_virt + 0x4000 + 0x18)) $((vm_virt + vm_size - 8)))"
vmallocs=$(walker walk $(walker vmalloc 40) | awk '$2 != "-" { print $1 }' | head -4)
[ -n "$vmallocs" ] || fail "no mapped vmalloc address found"
for a in $linear $vmemmap $vmallocs; do
	hand=$(walker walk "$a" | awk '{ print $2 }')
	ours=$(our_pa "$a")
	[ -n "$ours" ] && [ "$((hand))" = "$((ours))" ] && ok "--vtop $a = $ours (hand walk $hand)" ||
		fail "--vtop $a: we say ${ours:-nothing}, the hand walk $hand"
done
for a in $linear; do
	[ "$(($(our_pa "$a")))" = "$((a - 0xc000000000000000))" ] && ok "$a is PAGE_OFFSET + pa" ||
		fail "$a: linear map is not PAGE_OFFSET + pa"
done
for a in $vmemmap; do
	[ "$(($(our_pa "$a")))" = "$((vm_phys + a - vm_virt))" ] && ok "$a agrees with vmemmap_list" ||
		fail "$a: vmemmap_list maps it to $(printf '0x%x' $((vm_phys + a - vm_virt)))"
done
rm -f "$T/v"
check "--vtop of an unmapped vmalloc address fails with one line" \
	expect_exit 1 "$MDF" --vtop 0xc008000000000000 -d 31 "$VMCORE" "$T/v"
[ "$(wc -l <"$T/err")" -le 2 ] && grep -q "cannot translate 0xc008000000000000: radix PTE entry" "$T/err" && ok "... naming the level" || fail "unexpected error: $(cat "$T/err")"

# The MMU type forced by NUMBER(RADIX_MMU) (6.2+ kernels export it): 1
# gives the same dump; 0 (hash) reads mem_map through vmemmap_list alone,
# which must give the same dump too, while the radix vmalloc tables no
# longer translate with the hash geometry.
for radix in 1 0; do
	(cat "$FIX/vmcoreinfo.txt"; echo "NUMBER(RADIX_MMU)=$radix") >"$T/info$radix"
	check "RADIX_MMU=$radix: -i runs" expect_exit 0 "$MDF" -i "$T/info$radix" -l -d 31 "$VMCORE" "$T/r$radix"
	check "RADIX_MMU=$radix: the same dump" cmp "$T/d31" "$T/r$radix"
	rm -f "$T/r$radix"
done
rm -f "$T/v"
"$MDF" -i "$T/info0" --vtop "$(echo $vmallocs | cut -d' ' -f1)" -d 31 "$VMCORE" "$T/v" >"$T/out" 2>&1
h=$(awk '/^VIRTUAL/ { getline; print "0x" $2 }' "$T/out")
[ "$((${h:-0}))" != "$(($(walker walk $(echo $vmallocs | cut -d' ' -f1) | awk '{ print $2 }')))" ] &&
	ok "RADIX_MMU=0 walks with the hash geometry (${h:-no translation})" || fail "RADIX_MMU=0 still walks radix tables"

# 5. -x and -g/-i
vmlinux=/var/cache/vmlinux/vmlinux-$(head -1 "$FIX/kernel-version.txt")
if [ -s "$vmlinux" ]; then
	check "-x runs" expect_exit 0 "$MDF" -x "$vmlinux" -l -d 31 "$VMCORE" "$T/x"
	check "-x gives the same dump as VMCOREINFO" cmp "$T/d31" "$T/x"
	check "-g runs" expect_exit 0 "$MDF" -g "$T/vmcoreinfo" -x "$vmlinux"
	for key in 'SYMBOL(swapper_pg_dir)' 'SYMBOL(vmemmap_list)' 'OFFSET(vmemmap_backing.virt_addr)' 'SIZE(mmu_psize_def)'; do
		check "-g: $key as in VMCOREINFO" grep -qxF "$(grep -F "$key=" "$FIX/vmcoreinfo.txt")" "$T/vmcoreinfo"
	done
	check "-i of -g's file runs" expect_exit 0 "$MDF" -i "$T/vmcoreinfo" -l -d 31 "$VMCORE" "$T/i"
	check "-g then -i gives the same dump" cmp "$T/d31" "$T/i"
else
	fail "no vmlinux $vmlinux (tests/tools/get-vmlinux.sh $(head -1 "$FIX/kernel-version.txt"))"
fi
finish
