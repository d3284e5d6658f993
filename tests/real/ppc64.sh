#!/usr/bin/env bash
# The real ppc64le capture (Debian 12 kernel 6.1, QEMU pseries POWER9,
# radix MMU, 64 KiB pages; made by tests/capture/make-capture ppc64le-6.1):
#   * -l -d 1 2 4 8 16 31 keep exactly the pages of Debian's native
#     makedumpfile (its 2nd bitmaps), with its report's page counts;
#   * --dump-dmesg equals the capture's dmesg.txt (upstream 1.7.2, which
#     prints no caller column: ours is taken out);
#   * -c -l -z -p and no codec read back equal to the input in libkdumpfile;
#   * -E, -F then -R, refiltering, --split and --reassemble (capture_lib.sh);
#   * --vtop of linear, vmemmap and vmalloc addresses agrees with a hand
#     walk of the radix tables (tests/tools/ppc64_walk.py) and, for the
#     vmemmap, with the kernel's own vmemmap_list;
#   * -x with Debian's vmlinux gives the same dump as VMCOREINFO, and -g
#     then -i too.
# Skips (77) when the capture is absent.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/capture_lib.sh"
name=ppc64le-6.1
capture $name
ref=$(fixture_ref)
walker() { $PYTHON tests/tools/ppc64_walk.py "$VMCORE" "$FIX/vmcoreinfo.txt" "$@"; }

# 1-3. what every real capture gets
real_levels "$ref"
real_dmesg "$FIX/dmesg.txt"
real_codecs "$ref"
real_modes
real_vmlinux

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

# 5. the ppc64 keys of -g's file are VMCOREINFO's
vmlinux=/var/cache/vmlinux/vmlinux-$(head -1 "$FIX/kernel-version.txt")
if [ -s "$vmlinux" ] && expect_exit 0 "$MDF" -g "$T/vmcoreinfo" -x "$vmlinux"; then
	for key in 'SYMBOL(swapper_pg_dir)' 'SYMBOL(vmemmap_list)' 'OFFSET(vmemmap_backing.virt_addr)' 'SIZE(mmu_psize_def)'; do
		check "-g: $key as in VMCOREINFO" grep -qxF "$(grep -F "$key=" "$FIX/vmcoreinfo.txt")" "$T/vmcoreinfo"
	done
fi
finish
