#!/usr/bin/env bash
# Dumps of machines this program knows nothing about (ELF32 and ELF64, little
# and big endian), at dump levels 0 and 1, which need no kernel knowledge:
# PT_LOADs with holes and a p_filesz < p_memsz tail, with and without a
# VMCOREINFO note, every codec; the kdump files are read back by an
# independent reader in the dumped machine's byte order and header layout.
# Higher dump levels are refused with one line.
. "$(dirname "$0")/../lib.sh"
segs="0x1000:0x9f000 0x100000:0x300000:0x280000 0x800000:0x100000"
present=0x1-0xa0,0x100-0x400,0x800-0x900
data=0x1-0xa0,0x100-0x380,0x800-0x900
for m in "32 le 3 i386" "32 be 20 32" "64 be 43 64" "64 le 183 64"; do
	read -r cls endian machine abi <<<"$m"
	for vi in "" --vmcoreinfo; do
		name="ELF$cls $endian machine $machine ${vi:+with VMCOREINFO}"
		$PYTHON tests/tools/mkelf.py "$T/vmcore" --class "$cls" --endian "$endian" --machine "$machine" $vi $segs ||
			{ fail "$name: generator"; continue; }
		for c in none -c -l -p -z; do
			opt=$c; [ "$c" = none ] && opt=
			for d in 0 1; do
				rm -f "$T/dump"
				if ! expect_exit 0 "$MDF" $opt -d $d "$T/vmcore" "$T/dump"; then fail "$name $c -d $d"; continue; fi
				zero=; [ $d = 1 ] && zero=--zero-excluded
				check "$name $c -d $d: read back" $PYTHON tests/tools/kdump_read.py "$T/dump" --abi "$abi" \
					--endian "$endian" --present "$present" --data "$data" $zero
			done
		done
		# Our own reader of these layouts: refiltering -d 0 at -d 1 equals -d 1.
		rm -f "$T/d0" "$T/d1" "$T/re1"
		"$MDF" -c -d 0 "$T/vmcore" "$T/d0" >/dev/null 2>&1 && "$MDF" -c -d 1 "$T/vmcore" "$T/d1" >/dev/null 2>&1 &&
			"$MDF" -c -d 1 "$T/d0" "$T/re1" >/dev/null 2>&1 || fail "$name: refilter runs"
		check "$name: refiltered -d 0 at -d 1 equals -d 1" cmp "$T/d1" "$T/re1"
		rm -f "$T/elf"
		if expect_exit 0 "$MDF" -E -d 1 "$T/vmcore" "$T/elf"; then
			check "$name -E -d 1: class and byte order kept" $PYTHON -c "
import sys; h = open('$T/elf', 'rb').read(6)
sys.exit(not (h[4] == ($cls // 32) and h[5] == (1 if '$endian' == 'le' else 2)))"
		else
			fail "$name -E -d 1"
		fi
	done
	expect_exit 1 "$MDF" -d 31 "$T/vmcore" "$T/d31"
	check "ELF$cls $endian: -d 31 refused in one line" grep -q "only dump levels 0 and 1\|doesn't contain vmcoreinfo\|kernel facts lack" "$T/err"
	check "ELF$cls $endian: no dump left" test ! -e "$T/d31"
done
finish
