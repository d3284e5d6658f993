#!/usr/bin/env bash
# A capture kernel's few megabytes: -l -d 31 and -c -d 31 --num-threads 2 on
# a generated 64 GiB machine (a sparse file) complete under a 64 MiB
# address-space limit, and the dumps open in libkdumpfile with the kernel's
# pages equal to the input.
. "$(dirname "$0")/../lib.sh"
make -s tests/bin/mkvmcore >/dev/null || exit 99
# AddressSanitizer reserves terabytes of shadow memory, so no ASan binary runs
# under an address-space limit: the limit is checked on the plain build.
if [[ $MDF == */build-san/* ]]; then
	make -s -C "$MDF_TOP" makedumpfile >/dev/null || exit 99
	MDF=$MDF_TOP/makedumpfile
fi
tests/bin/mkvmcore tests/bench/ram-64g.spec "$T/big" >/dev/null || exit 99
for args in "-l -d 31" "-c -d 31 --num-threads 2"; do
	name=${args// /}
	expect_exit 0 prlimit --as=$((64 << 20)) "$MDF" $args "$T/big" "$T/$name"
	check "$args under 64 MiB: completed" grep -qF "The dumpfile is saved to $T/$name." "$T/out"
	check "$args under 64 MiB: kernel pages read back equal" $PYTHON - "$T/$name" "$T/big" <<'PY'
import sys, kdumpfile
d, v = kdumpfile.kdumpfile(sys.argv[1]), kdumpfile.kdumpfile(sys.argv[2])
bad = sum(d.read(kdumpfile.KDUMP_MACHPHYSADDR, p * 4096, 4096) !=
          v.read(kdumpfile.KDUMP_MACHPHYSADDR, p * 4096, 4096) for p in range(0x2000, 0x3000))
sys.exit(bad != 0)
PY
done
finish
