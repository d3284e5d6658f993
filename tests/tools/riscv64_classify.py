#!/usr/bin/python3
"""riscv64_classify.py - what each page of a riscv64 dump IS, told by drgn.

An independent classification of every pfn of a real riscv64 vmcore, the
reference where upstream makedumpfile releases disagree (or are wrong).
It shares no code with the program: drgn reads the kernel's types, enums
and variables from the vmlinux's DWARF; memory comes from the vmcore's
PT_LOADs through riscv64_walk.py's hand walk of the page tables (drgn
0.0.22 has no riscv64 kernel support, so the Program is built here: a
custom platform and memory segments for the kernel image, the linear map
and the vmemmap).

What a page is (kernel 6.x semantics, folio by folio):
  free     on a zone's buddy free list (zone.free_area[order].free_list[mt],
           walked, not guessed from the page type): 2^order pages
  cache    a folio on the LRU (PG_lru), or swap cache (PG_swapbacked and
           PG_swapcache), whose mapping is not anonymous; "private" when
           the head has PG_private
  user     an anonymous folio (mapping bit 0, PAGE_MAPPING_ANON; a slab's
           mapping word is not one) or a hugetlb folio (PGTY_hugetlb)
  offline  PGTY_offline (excluded at every level that scans mem_map)
  zero     every byte of the page is zero
A tail page (compound_head bit 0) is what its folio's head is; a head's
order is the low byte of the next struct page's flags (folio._flags_1).

The dump levels exclude, in upstream makedumpfile's order of reasons (the
first that applies counts): free (16), non-private cache (2, or 4), cache
with private data (4), user (8), offline; then zero pages (1) among what
is left.

Usage:
  riscv64_classify.py VMCORE VMCOREINFO VMLINUX OUTDIR [--as-upstream VERSION]
writes OUTDIR/dN.bitmap2 (bit pfn set = kept, LSB first, max_mapnr bits;
zero pages stay set, as in a kdump-compressed file's 2nd bitmap)
and OUTDIR/dN.report.txt (upstream's page-count block) for N = 1 2 4 8 16
31, and prints one line of counts per class.  Exits 0, or 1 with a reason
(e.g. a free-list page whose page type is not buddy).

--as-upstream VERSION writes instead the 2nd bitmaps upstream makedumpfile
VERSION makes of the dump, by doing what it does, page by page, with the
two faults that make it wrong on this kernel (so that a test can show that
they explain upstream's results):
  * vtop_riscv64() of 1.7.6 and 1.7.8 returns, for an address in a 2 MiB
    (or larger) leaf, the leaf's base plus the offset in the 4 KiB page
    only (fixed after 1.7.8 by commit 863e2c4): every 4 KiB of struct
    pages in a vmemmap leaf is read from the leaf's first 4 KiB, so each
    section's mem_map looks like its first 64 struct pages over and over;
  * 1.7.6's isSlab() tests the page type with the pre-6.12 encoding
    ((type & (0xf0000000 | ~PAGE_SLAB_MAPCOUNT_VALUE)) == 0xf0000000),
    which every 6.12 buddy page (type 0xf0000000) passes: 1.7.6 finds no
    free page (1.7.8 compares with PAGE_SLAB_MAPCOUNT_VALUE exactly).
VERSION is 1.7.6 or 1.7.8; 1.7.8+863e2c4 is 1.7.8 with the vtop fix.
"""
import os
import struct
import sys

import drgn
from drgn import Architecture, Platform, PlatformFlags, Program

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from riscv64_walk import Dump  # noqa: E402

LEVELS = (1, 2, 4, 8, 16, 31)
PAGE = 4096
M64 = (1 << 64) - 1


class Memory:
    """Virtual reads for drgn: kernel image, linear map, vmemmap (walked)."""

    def __init__(self, d):
        self.d = d
        self.leaf = {}

    def phys(self, pa, n):
        out = b''
        while n:
            chunk = min(n, PAGE - (pa & (PAGE - 1)))
            try:
                out += self.d.phys(pa, chunk)
            except KeyError:
                raise drgn.FaultError('not in the dump', pa)
            pa, n = pa + chunk, n - chunk
        return out

    def walked(self, va, n):
        out = b''
        while n:
            chunk = min(n, PAGE - (va & (PAGE - 1)))
            page = va & ~(PAGE - 1)
            if page not in self.leaf:
                pa, _ = self.d.walk(page)
                if pa is None:
                    raise drgn.FaultError('not mapped', va)
                self.leaf[page] = pa
            out += self.phys(self.leaf[page] + (va & (PAGE - 1)), chunk)
            va, n = va + chunk, n - chunk
        return out


def build_program(d, vmlinux):
    prog = Program(Platform(Architecture.RISCV64,
                            PlatformFlags.IS_64_BIT | PlatformFlags.IS_LITTLE_ENDIAN))
    mem = Memory(d)
    link = d.num('KERNEL_LINK_ADDR')
    po, base = d.num('PAGE_OFFSET'), d.num('phys_ram_base')
    top = max(pa + size for pa, size, _ in d.loads)
    vm0, vm1 = d.num('VMEMMAP_START'), d.num('VMEMMAP_END')
    prog.add_memory_segment(link, (1 << 64) - link,
                            lambda a, n, o, p: mem.phys(a - d.image_off & M64, n))
    prog.add_memory_segment(po, top - base, lambda a, n, o, p: mem.phys(a - po + base, n))
    prog.add_memory_segment(vm0, vm1 - vm0, lambda a, n, o, p: mem.walked(a, n))
    prog.load_debug_info([vmlinux])
    return prog, mem


def present_pfns(d):
    """pfns the dump holds: each PT_LOAD's pages, a partial page included."""
    spans = sorted((pa // PAGE, (pa + size + PAGE - 1) // PAGE) for pa, size, _ in d.loads)
    return spans, max(e for _, e in spans)


def free_blocks(prog, page_to_pfn):
    """pfn -> order for every block on a buddy free list."""
    free = {}
    for nid in range(len(prog['node_data'])):
        pgdat = prog['node_data'][nid]
        if not pgdat.value_():
            continue
        for z in range(pgdat.nr_zones.value_()):
            zone = pgdat.node_zones[z]
            for order in range(len(zone.free_area)):
                area = zone.free_area[order]
                for mt in range(len(area.free_list)):
                    head = area.free_list[mt].address_of_()
                    node = head.next
                    while node.value_() != head.value_():
                        page = drgn.container_of(node, 'struct page', 'buddy_list')
                        free[page_to_pfn(page.value_())] = order
                        node = node.next
    return free


def upstream_bitmaps(d, version, maps, sz, off, present, max_mapnr, sec_shift, outdir):
    """The kept sets of upstream VERSION's __exclude_unnecessary_pages()."""
    k = lambda name: int(d.k[f'NUMBER({name})'], 0) & 0xffffffff
    u32 = lambda v: v & 0xffffffff
    buddy_v, slab_v, huge_v, off_v = (k('PAGE_BUDDY_MAPCOUNT_VALUE'), k('PAGE_SLAB_MAPCOUNT_VALUE'),
                                      k('PAGE_HUGETLB_MAPCOUNT_VALUE'), k('PAGE_OFFLINE_MAPCOUNT_VALUE'))
    pg = {n: 1 << int(d.k[f'NUMBER({n})']) for n in ('PG_lru', 'PG_private', 'PG_swapcache',
                                                     'PG_swapbacked')}
    head_mask = int(d.k['NUMBER(PG_head_mask)'])
    orders = int(d.k['LENGTH(zone.free_area)'])
    old = version.startswith('1.7.6')
    fixed = version.endswith('+863e2c4')
    base = 0xf0000000

    def typed(t, value):    # 1.7.6: the pre-6.12 inverted-bit test; 1.7.8: equality
        return (t & (base | u32(~value))) == base if old else t == value

    def is_slab(flags, t):
        # NUMBER(PG_slab) is absent on 6.12: upstream shifts 1UL by -1, i.e. tests bit 63
        return typed(t, slab_v) or bool(flags >> 63)

    leaf = {}

    def struct_page(va):
        chunk = va & ~(PAGE - 1)
        if chunk not in leaf:
            pa, size = d.walk(chunk)
            leaf[chunk] = pa - (chunk & (size - 1)) if pa is not None else None
        if leaf[chunk] is None:
            return None
        if fixed:
            pa, _ = d.walk(va)
            return d.phys(pa, sz)
        return d.phys(leaf[chunk] + (va & (PAGE - 1)), sz)     # the 863e2c4 fault

    excluded = {lv: bytearray(max_mapnr) for lv in LEVELS}
    for nr, (mem_map, _) in sorted(maps.items()):
        first, end = nr << sec_shift, (nr + 1) << sec_shift
        for lv in LEVELS:
            if not lv & 30:
                continue
            pfn = first
            while pfn < min(end, max_mapnr):
                if not present[pfn]:
                    pfn += 1
                    continue
                va = mem_map + (pfn - first) * sz
                b = struct_page(va)
                flags, mapping, private = (struct.unpack_from('<Q', b, off[m])[0]
                                           for m in ('flags', 'mapping', 'private'))
                t = struct.unpack_from('<I', b, off['page_type'])[0]
                chead = struct.unpack_from('<Q', b, off['compound_head'])[0]
                order, huge = 0, False
                if pfn % 512 < 511 and flags & head_mask:
                    nb = struct_page(va + sz)
                    order = struct.unpack_from('<Q', nb, off['flags'])[0] & 0xff
                    huge = typed(t, huge_v)
                    if order >= 64 or pfn & ((1 << order) - 1):
                        order = 0
                n = 1 << order
                anon = mapping & 1 and not is_slab(flags, t)
                cache = flags & pg['PG_lru'] or (flags & pg['PG_swapbacked'] and flags & pg['PG_swapcache'])
                hit = False
                if chead & 1:
                    pass
                elif lv & 16 and not is_slab(flags, t) and t == buddy_v:
                    if private < orders:
                        n, hit = 1 << private, True
                elif lv & 2 and cache and not flags & pg['PG_private'] and not anon:
                    hit = True
                elif lv & 4 and cache and not anon:
                    hit = True
                elif lv & 8 and (anon or huge):
                    hit = True
                elif t == off_v and not is_slab(flags, t):
                    hit = True
                if hit:
                    e = min(pfn + n, max_mapnr)
                    excluded[lv][pfn:e] = b'\1' * (e - pfn)
                    pfn += n
                else:
                    pfn += 1
    os.makedirs(outdir, exist_ok=True)
    for lv in LEVELS:
        kept = bytearray((max_mapnr + 7) // 8)
        for pfn in range(max_mapnr):
            if present[pfn] and not excluded[lv][pfn]:
                kept[pfn >> 3] |= 1 << (pfn & 7)
        open(os.path.join(outdir, f'd{lv}.bitmap2'), 'wb').write(kept)


def main():
    vmcore, info, vmlinux, outdir = sys.argv[1:5]
    as_upstream = sys.argv[6] if len(sys.argv) == 7 and sys.argv[5] == '--as-upstream' else None
    d = Dump(vmcore, info)
    prog, mem = build_program(d, vmlinux)
    page_t = prog.type('struct page')
    sz = page_t.size
    off = {m: drgn.offsetof(page_t, m) for m in ('flags', 'mapping', 'private', 'page_type',
                                                  'compound_head')}
    bit = {n: 1 << prog[n].value_() for n in ('PG_lru', 'PG_private', 'PG_swapcache',
                                              'PG_swapbacked', 'PG_head')}
    try:
        bit['PG_hwpoison'] = 1 << prog['PG_hwpoison'].value_()
    except KeyError:
        bit['PG_hwpoison'] = 0      # CONFIG_MEMORY_FAILURE off
    pgty = {n: prog['PGTY_' + n].value_() for n in ('buddy', 'slab', 'hugetlb', 'offline')}
    map_mask = ~((1 << prog['SECTION_MAP_LAST_BIT'].value_()) - 1) & M64
    sec_shift = int(d.k['NUMBER(SECTION_SIZE_BITS)']) - 12
    per_root = PAGE // prog.type('struct mem_section').size
    roots = prog['mem_section']

    spans, max_mapnr = present_pfns(d)
    present = bytearray(max_mapnr)
    for s, e in spans:
        present[s:e] = b'\1' * (e - s)

    # Each section's struct pages, read in one piece through the vmemmap.
    maps = {}
    for nr in range((max_mapnr + (1 << sec_shift) - 1) >> sec_shift):
        first = nr << sec_shift
        if not any(present[first:first + (1 << sec_shift)]):
            continue
        root = roots[nr // per_root]
        if not root.value_():
            continue
        coded = root[nr % per_root].section_mem_map.value_()
        if not coded & 2:           # SECTION_HAS_MEM_MAP
            continue
        mem_map = (coded & map_mask) + first * sz & M64
        maps[nr] = (mem_map, prog.read(mem_map, sz << sec_shift))

    if as_upstream:
        upstream_bitmaps(d, as_upstream, maps, sz, off, present, max_mapnr, sec_shift, outdir)
        return 0

    def page_to_pfn(addr):
        for nr, (mm, _) in maps.items():
            if mm <= addr < mm + (sz << sec_shift):
                return (nr << sec_shift) + (addr - mm) // sz
        raise ValueError(f'struct page 0x{addr:x} is in no section')

    def page(pfn):
        nr = pfn >> sec_shift
        if nr not in maps:
            return None
        buf = maps[nr][1]
        o = (pfn - (nr << sec_shift)) * sz
        return buf, o

    def word(buf, o, m):
        return struct.unpack_from('<Q', buf, o + off[m])[0]

    # What each pfn is.
    NONE, FREE, CACHE, CACHE_PRIV, USER, OFFLINE, HWPOISON = range(7)
    cls = bytearray(max_mapnr)
    bad = []
    free = free_blocks(prog, page_to_pfn)
    for pfn, order in free.items():
        buf, o = page(pfn)
        ptype = struct.unpack_from('<I', buf, o + off['page_type'])[0]
        if ptype >> 24 != pgty['buddy'] or word(buf, o, 'private') != order:
            bad.append(f'pfn 0x{pfn:x} is on the order-{order} free list, page type 0x{ptype:x}')
        cls[pfn:pfn + (1 << order)] = bytes([FREE]) * (1 << order)
    for pfn in range(max_mapnr):
        if not present[pfn] or cls[pfn] == FREE:
            continue
        p = page(pfn)
        if p is None:
            continue
        buf, o = p
        if word(buf, o, 'compound_head') & 1:
            continue                # a tail: its head said
        flags = word(buf, o, 'flags')
        order = 0
        if flags & bit['PG_head'] and o + 2 * sz <= len(buf):
            order = struct.unpack_from('<Q', buf, o + sz + off['flags'])[0] & 0xff
        ptype = struct.unpack_from('<I', buf, o + off['page_type'])[0] >> 24
        slab = ptype == pgty['slab']
        anon = word(buf, o, 'mapping') & 1 and not slab
        lru = flags & bit['PG_lru'] or (flags & bit['PG_swapbacked'] and flags & bit['PG_swapcache'])
        if lru and not anon:
            c = CACHE_PRIV if flags & bit['PG_private'] else CACHE
        elif anon or ptype == pgty['hugetlb']:
            c = USER
        elif flags & bit['PG_hwpoison']:
            c = HWPOISON
        elif ptype == pgty['offline']:
            c = OFFLINE
        else:
            continue
        n = 1 << order
        cls[pfn:pfn + n] = bytes([c]) * n

    zero = bytearray(max_mapnr)
    z = bytes(PAGE)
    for s, e in spans:
        for pfn in range(s, e):
            try:
                zero[pfn] = mem.phys(pfn * PAGE, PAGE) == z
            except drgn.FaultError:
                pass                # a partial page at a PT_LOAD's end: not all held

    # Upstream's count when it runs in several cycles (and this program's):
    # per PT_LOAD, from the page of its start to the last page it fills.  In
    # one cycle 1.7.x counts a partial last page too, so the page two
    # PT_LOADs share here counts twice in its reports (0x2ff81, not 0x2ff80).
    original = sum((pa + size) // PAGE - pa // PAGE for pa, size, _ in d.loads)
    os.makedirs(outdir, exist_ok=True)
    for level in LEVELS:
        n = dict(zero=0, cache=0, priv=0, user=0, free=0, hwpoison=0, offline=0)
        kept = bytearray((max_mapnr + 7) // 8)
        scan = level & 30
        for pfn in range(max_mapnr):
            if not present[pfn]:
                continue
            c = cls[pfn] if scan else NONE
            if c == FREE and level & 16:
                n['free'] += 1
            elif c == CACHE and level & 6:
                n['cache'] += 1
            elif c == CACHE_PRIV and level & 4:
                n['priv'] += 1
            elif c == USER and level & 8:
                n['user'] += 1
            elif c == HWPOISON:
                n['hwpoison'] += 1
            elif c == OFFLINE:
                n['offline'] += 1
            else:
                # a zero page stays in the 2nd bitmap: the file holds it as the shared zero page
                n['zero'] += bool(zero[pfn] and level & 1)
                kept[pfn >> 3] |= 1 << (pfn & 7)
        open(os.path.join(outdir, f'd{level}.bitmap2'), 'wb').write(kept)
        excluded = sum(n.values())
        rows = [('Original pages  ', original), ('  Excluded pages   ', excluded),
                ('    Pages filled with zero  ', n['zero']), ('    Non-private cache pages ', n['cache']),
                ('    Private cache pages     ', n['priv']), ('    User process data pages ', n['user']),
                ('    Free pages              ', n['free']), ('    Hwpoison pages          ', n['hwpoison']),
                ('    Offline pages           ', n['offline']), ('  Remaining pages  ', original - excluded)]
        with open(os.path.join(outdir, f'd{level}.report.txt'), 'w') as f:
            for label, v in rows:
                f.write(f'{label}: 0x{v:016x}\n')
            f.write(f'  (The number of pages is reduced to {(original - excluded) * 100 // original}%.)\n')
            f.write(f'Memory Hole     : 0x{max_mapnr - original:016x}\n')
            f.write('-' * 50 + '\n')
            f.write(f'Total pages     : 0x{max_mapnr:016x}\n')
    names = ['other', 'free', 'cache', 'cache-private', 'user', 'offline', 'hwpoison']
    counts = [0] * 7
    for pfn in range(max_mapnr):
        if present[pfn]:
            counts[cls[pfn]] += 1
    print('classes: ' + ' '.join(f'{names[i]}=0x{counts[i]:x}' for i in range(7)) +
          f' zero=0x{sum(zero):x} (free blocks on the lists: {len(free)})')
    for b in bad[:10]:
        print(f'riscv64_classify: {vmcore}: {b}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
