#!/usr/bin/python3
"""kept_extra.py OURS REF INPUT - the pages OURS keeps beyond REF.

OURS and REF are dumps (kdump-compressed or ELF) of the ELF vmcore INPUT.
Holds when REF's kept pages are all in OURS and what OURS keeps beyond
them is zero pages of INPUT (what a dump keeps first although a zero page
would be left out: the kernel image, page tables, notes) and, in an ELF
dump, the other pages of a gap of REF such a page split (ELF keeps runs of
fewer than 256 left-out pages).  Prints the number of zero pages; exits 1
with a reason when it does not hold.
"""
import bisect
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from elfcore import ElfCore  # noqa: E402
from kdump_bitmap import fmt_ranges, open_dump, subtract  # noqa: E402

PAGE = 4096


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    ours, ref = open_dump(sys.argv[1]).kept(), open_dump(sys.argv[2]).kept()
    core = ElfCore(sys.argv[3])
    missing = subtract(ref, ours)
    if missing:
        print("kept by the reference, not by ours: %s" % fmt_ranges(missing, 20))
        return 1
    zeros, gaps = 0, {}	# REF's gap (the REF range before it) -> [zero, other] extras
    for a, b in subtract(ours, ref):
        gap = bisect.bisect_left(ref, (a, a))
        for pfn in range(a, b + 1):
            zero = not any(core.phys(pfn * PAGE, PAGE))
            gaps.setdefault(gap, [0, None])
            if zero:
                gaps[gap][0] += 1
                zeros += 1
            elif gaps[gap][1] is None:
                gaps[gap][1] = pfn
    for z, other in gaps.values():
        if other is not None and not z:
            print("extra page 0x%x is not all zeros, and no zero page kept first is near it" % other)
            return 1
    print(zeros)
    return 0


if __name__ == "__main__":
    sys.exit(main())
