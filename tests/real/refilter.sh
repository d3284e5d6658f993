#!/usr/bin/env bash
# An existing dump as input: a kdump file or an ELF dump filtered again at a
# higher level equals filtering the vmcore at that level directly; the stored
# dump level is ORed (pages already excluded stay excluded).
. "$(dirname "$0")/../lib.sh"
fixture x86_64-6.1
"$MDF" -c -d 31 "$VMCORE" "$T/direct31" >/dev/null 2>&1 || fail "direct -d 31"
"$MDF" -l -d 1 "$VMCORE" "$T/k1" >/dev/null 2>&1 || fail "-d 1 kdump"
"$MDF" -E -d 0 "$VMCORE" "$T/e0" >/dev/null 2>&1 || fail "-E -d 0"
"$MDF" -E -d 16 "$VMCORE" "$T/e16" >/dev/null 2>&1 || fail "-E -d 16"
"$MDF" -c -d 31 "$T/k1" "$T/from-k1" >/dev/null 2>&1 || fail "refilter kdump"
check "kdump -d 1 refiltered at 31 equals direct -d 31" cmp "$T/direct31" "$T/from-k1"
"$MDF" -c -d 31 "$T/e0" "$T/from-e0" >/dev/null 2>&1 || fail "refilter ELF"
check "ELF -d 0 refiltered at 31 equals direct -d 31" cmp "$T/direct31" "$T/from-e0"
# An ELF dump does not record its level: pages cut out of it stay out, the
# rest is filtered again.
"$MDF" -c -d 31 "$T/e16" "$T/from-e16" >/dev/null 2>&1 || fail "refilter ELF 16 at 31"
check "ELF -d 16 refiltered at 31 equals direct -d 31" cmp "$T/direct31" "$T/from-e16"
"$MDF" -c -d 8 "$T/k1" "$T/k9" >"$T/out" 2>&1 || fail "refilter kdump -d 1 at 8"
check "the stored level is ORed: 1|8 = 9" $PYTHON -c "import struct,sys; sys.exit(struct.unpack_from('<i', open('$T/k9','rb').read(4200), 4096+8)[0] != 9)"
check "the change is announced" grep -q "dump_level is changed to 9" "$T/out"
check "refiltered pages equal the input" $PYTHON tests/tools/pages_equal.py "$T/k9" "$VMCORE"
finish
