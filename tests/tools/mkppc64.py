#!/usr/bin/python3
"""mkppc64.py OUT --endian le|be --mmu radix|hash --page-size 4096|65536

A small synthetic ppc64 ELF vmcore for address translation alone: 32 MiB
of RAM at physical 0 (PT_LOAD at PAGE_OFFSET), a swapper_pg_dir with one
vmalloc page mapped through all four levels, and (hash) a vmemmap_list of
one 16 MiB block.  Page-table entries are big-endian whatever --endian says
(as on Book3S 64 since 4.7); the vmemmap_list and the other kernel data
are in --endian.  Index widths as in the kernel's
asm/book3s/64/{radix,hash}-{4k,64k}.h.  Prints, one per line, "VA PA" for
every address a reader must translate to PA.
"""
import argparse
import struct

PAGE_OFFSET = 0xc000000000000000
RAM = 32 << 20
GEOMETRY = {('radix', 65536): (13, 9, 9, 5), ('radix', 4096): (13, 9, 9, 9),
            ('hash', 65536): (8, 10, 10, 8), ('hash', 4096): (9, 9, 7, 9)}
PGD, TABLES, VMEMMAP_NODE, PSIZE, PSIZE_DEFS = 0x100000, 0x200000, 0x300000, 0x310000, 0x320000
VMAP_LIST, VMAP_AREA = 0x330000, 0x340000
VMALLOC_VA, VMALLOC_PA = 0xc008000000000000 + 0x123 * 65536 * 16, 0x1230000
VMEMMAP_VA, VMEMMAP_PA = 0xc00c000000000000, 0x1000000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--endian', choices=('le', 'be'), default='be')
    ap.add_argument('--mmu', choices=('radix', 'hash'), default='radix')
    ap.add_argument('--page-size', type=int, choices=(4096, 65536), default=65536)
    ap.add_argument('--no-radix-key', action='store_true', help='leave NUMBER(RADIX_MMU) out')
    ap.add_argument('--wide-physmem', action='store_true',
                    help='NUMBER(MAX_PHYSMEM_BITS)=60, past vmalloc: only vmap_area_list bounds the linear map')
    ap.add_argument('--vmemmap-loop', action='store_true',
                    help='the vmemmap_list node points to itself (a list that never ends)')
    ap.add_argument('--pt-loop', action='store_true',
                    help='the PGD entry after the vmalloc one points to the PGD itself')
    a = ap.parse_args()
    e = '<' if a.endian == 'le' else '>'
    ps = a.page_size
    mem = bytearray(RAM)
    bits = GEOMETRY[(a.mmu, ps)]
    shift = ps.bit_length() - 1 + sum(bits[1:])
    table = PGD
    for lvl, b in enumerate(bits):
        idx = (VMALLOC_VA >> shift) & ((1 << b) - 1)
        if lvl == 3:
            ent = (1 << 63) | (1 << 62) | VMALLOC_PA | 0x86	# present, pte, RW, privileged
        else:
            nxt = TABLES + lvl * 0x10000
            ent = (1 << 63) | nxt | bits[lvl + 1]	# valid, next-level base, size
        struct.pack_into('>Q', mem, table + 8 * idx, ent)
        if lvl < 3:
            table = nxt
            shift -= bits[lvl + 1]
    if a.pt_loop:
        top = ps.bit_length() - 1 + sum(bits[1:])
        idx = ((VMALLOC_VA >> top) + 1) & ((1 << bits[0]) - 1)
        struct.pack_into('>Q', mem, PGD + 8 * idx, (1 << 63) | PGD | bits[1])
    nxt = PAGE_OFFSET + VMEMMAP_NODE if a.vmemmap_loop else 0
    struct.pack_into(e + 'QQQ', mem, VMEMMAP_NODE, nxt, VMEMMAP_PA, VMEMMAP_VA)
    struct.pack_into(e + 'i', mem, PSIZE, 3)
    struct.pack_into(e + 'I', mem, PSIZE_DEFS + 3 * 96, 24)

    info = ('OSRELEASE=6.1.0-synthetic\nPAGESIZE=%d\n' % ps +
            'SYMBOL(_stext)=%x\nSYMBOL(swapper_pg_dir)=%x\n' % (PAGE_OFFSET, PAGE_OFFSET + PGD) +
            'SYMBOL(vmemmap_list)=%x\n' % (PAGE_OFFSET + VMEMMAP_NODE - 8) +
            'SYMBOL(mmu_vmemmap_psize)=%x\nSYMBOL(mmu_psize_defs)=%x\n' % (PAGE_OFFSET + PSIZE, PAGE_OFFSET + PSIZE_DEFS) +
            'SIZE(vmemmap_backing)=24\nOFFSET(vmemmap_backing.list)=0\n' +
            'OFFSET(vmemmap_backing.phys)=8\nOFFSET(vmemmap_backing.virt_addr)=16\n' +
            'SIZE(mmu_psize_def)=96\nOFFSET(mmu_psize_def.shift)=0\nCRASHTIME=1700000000\n')
    if a.wide_physmem:
        # vmap_area_list -> one vmap_area (va_start at 0, list at 40) at VMAP_AREA
        struct.pack_into(e + 'QQ', mem, VMAP_LIST, PAGE_OFFSET + VMAP_AREA + 40, PAGE_OFFSET + VMAP_AREA + 40)
        struct.pack_into(e + 'Q', mem, VMAP_AREA, 0xc008000000000000)
        struct.pack_into(e + 'QQ', mem, VMAP_AREA + 40, PAGE_OFFSET + VMAP_LIST, PAGE_OFFSET + VMAP_LIST)
        info += ('NUMBER(MAX_PHYSMEM_BITS)=60\nSYMBOL(vmap_area_list)=%x\n' % (PAGE_OFFSET + VMAP_LIST) +
                 'OFFSET(vmap_area.va_start)=0\nOFFSET(vmap_area.list)=40\n')
    if not a.no_radix_key:
        info += 'NUMBER(RADIX_MMU)=%d\n' % (a.mmu == 'radix')
    # the list head: a pointer to the first node
    struct.pack_into(e + 'Q', mem, VMEMMAP_NODE - 8, PAGE_OFFSET + VMEMMAP_NODE)
    desc = info.encode()
    name = b'VMCOREINFO\0\0'
    notes = struct.pack(e + 'III', 11, len(desc), 0) + name + desc + bytes(-len(desc) % 4)
    note_off = 64 + 56 * 2
    data_off = (note_off + len(notes) + ps - 1) // ps * ps
    eh = b'\x7fELF' + bytes([2, 1 if a.endian == 'le' else 2, 1, 0]) + bytes(8) + \
        struct.pack(e + 'HHIQQQIHHHHHH', 4, 21, 1, 0, 64, 0, 0, 64, 56, 2, 0, 0, 0)
    ph = struct.pack(e + 'IIQQQQQQ', 4, 0, note_off, 0, 0, len(notes), len(notes), 0) + \
        struct.pack(e + 'IIQQQQQQ', 1, 7, data_off, PAGE_OFFSET, 0, RAM, RAM, 0)
    with open(a.out, 'wb') as f:
        f.write(eh + ph + notes)
        f.seek(data_off)
        f.write(mem)
    print('0x%x 0x%x' % (VMALLOC_VA + 0x18, VMALLOC_PA + 0x18))
    print('0x%x 0x%x' % (PAGE_OFFSET + 0x1234567, 0x1234567))
    if a.mmu == 'hash' and not a.vmemmap_loop:
        print('0x%x 0x%x' % (VMEMMAP_VA + 0xabcd8, VMEMMAP_PA + 0xabcd8))
    if a.pt_loop:
        print('0x%x loop' % (VMALLOC_VA + (1 << top) + 0x18))


main()
