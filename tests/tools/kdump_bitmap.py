#!/usr/bin/python3
"""kdump_bitmap.py - an independent reader of kdump-compressed dump files.

Written from the on-disk format alone (diskdump "KDUMP   " header, kdump
sub-header, two bitmaps, page descriptors); it shares no code or
definitions with the program under test.  Standard library only.

Usage:
  kdump_bitmap.py header FILE          key=value lines (main and sub header)
  kdump_bitmap.py kept FILE            pfns set in the 2nd bitmap, as ranges
  kdump_bitmap.py ram FILE             pfns set in the 1st bitmap (memory present)
  kdump_bitmap.py dropped FILE         1st-bitmap pfns missing from the 2nd
  kdump_bitmap.py zero FILE            kept pfns whose stored page is all zero (raw
                                       or zlib; -d 1 stores zero pages raw, shared)
  kdump_bitmap.py vmcoreinfo FILE      the VMCOREINFO text kept in the sub header
  kdump_bitmap.py check FILE WHAT RANGES...
        WHAT: kept      every pfn of RANGES is kept (2nd bitmap)
              excluded  no pfn of RANGES is kept
              dropped   exactly RANGES are in the 1st bitmap but not the 2nd
              ram       the 1st bitmap is exactly RANGES
              keptset   the 2nd bitmap is exactly RANGES
              zero      every pfn of RANGES is kept and stored as a zero page
        RANGES: 0x100-0x1ff (inclusive), 0x100+16 (count), 0x100, or "none";
                several may be given, separated by blanks or commas.
        Exits 0 when the check holds, 1 (with a reason on stdout) when not.
  kdump_bitmap.py check-header FILE key=value...

Ranges print one per line as 0xA-0xB (inclusive) or 0xA for a single pfn.

An ELF dump (makedumpfile -E output) is accepted by 'kept' and 'check ...
kept/excluded/keptset': its kept pfns are the file-backed parts of its
PT_LOAD segments (by p_paddr).

Layout facts used (64-bit main header; all fields in the dump's byte order):
  0 signature[8] "KDUMP   ", 8 header_version, 12 utsname (6 x 65 bytes),
  408 timestamp (tv_sec, tv_usec: 8 bytes each), 424 status, 428 block_size,
  432 sub_hdr_size, 436 bitmap_blocks, 440 max_mapnr (32-bit),
  444 total_ram_blocks, 448 device_blocks, 452 written_blocks,
  456 current_cpu, 460 nr_cpus.
  (A 32-bit writer has a 4+4 byte timestamp at 404, so everything from
  status on sits 12 bytes earlier; this is detected.  Its sub header has
  4-byte longs and its 8-byte members at 4-byte alignment on i386 (utsname
  machine i?86), at 8-byte alignment on the other 32-bit ABIs: ARM EABI.)
  Sub header at block 1 (64-bit longs): 0 phys_base, 8 dump_level, 12 split,
  16 start_pfn, 24 end_pfn, 32 offset_vmcoreinfo, 40 size_vmcoreinfo,
  48 offset_note, 56 size_note, 64 offset_eraseinfo, 72 size_eraseinfo,
  80 start_pfn_64, 88 end_pfn_64, 96 max_mapnr_64 (header_version >= 6).
  1st bitmap at (1 + sub_hdr_size) * block_size, bitmap_blocks*block_size/2
  bytes; the 2nd bitmap follows it.  Bit pfn (LSB first) set = present/kept.
  Page descriptors (24 bytes: offset u64, size u32, flags u32, page_flags u64)
  start at (1 + sub_hdr_size + bitmap_blocks) * block_size, one per kept pfn
  in pfn order.  flags: 0x1 zlib, 0x2 lzo, 0x4 snappy, 0x20 zstd.
"""

import struct
import sys
import zlib

SIG = b"KDUMP   "
FLATTENED_SIG = b"makedumpfile"


class DumpError(Exception):
    pass


def parse_num(s):
    s = s.strip()
    neg = s.startswith("-")
    if neg:
        s = s[1:]
    v = int(s, 0)
    return -v if neg else v


def parse_ranges(tokens):
    """Return a sorted, merged list of inclusive (a, b) pfn ranges."""
    out = []
    for tok in tokens:
        for part in tok.split(","):
            part = part.strip()
            if not part or part == "none":
                continue
            if "+" in part[1:]:
                a, n = part.split("+", 1)
                a = parse_num(a)
                n = parse_num(n)
                if n <= 0:
                    continue
                out.append((a, a + n - 1))
            elif "-" in part[1:]:
                a, b = part.split("-", 1)
                a, b = parse_num(a), parse_num(b)
                if b < a:
                    raise ValueError("bad range %r" % part)
                out.append((a, b))
            else:
                a = parse_num(part)
                out.append((a, a))
    return merge(out)


def merge(ranges):
    ranges = sorted(ranges)
    out = []
    for a, b in ranges:
        if out and a <= out[-1][1] + 1:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def fmt_range(a, b):
    return "0x%x" % a if a == b else "0x%x-0x%x" % (a, b)


def fmt_ranges(ranges, limit=None):
    items = [fmt_range(a, b) for a, b in ranges]
    if limit is not None and len(items) > limit:
        items = items[:limit] + ["... (%d ranges)" % len(ranges)]
    return " ".join(items) if items else "none"


def bitmap_ranges(buf, nbits):
    """Inclusive ranges of set bits (LSB first) among the first nbits bits."""
    out = []
    start = None
    nbytes = min(len(buf), (nbits + 7) // 8)
    i = 0
    while i < nbytes:
        byte = buf[i]
        if byte == 0 or byte == 0xFF:
            # fast path over runs of equal bytes
            j = i + 1
            while j < nbytes and buf[j] == byte:
                j += 1
            if byte == 0:
                if start is not None:
                    out.append((start, i * 8 - 1))
                    start = None
            else:
                if start is None:
                    start = i * 8
            i = j
            continue
        for bit in range(8):
            if byte & (1 << bit):
                if start is None:
                    start = i * 8 + bit
            else:
                if start is not None:
                    out.append((start, i * 8 + bit - 1))
                    start = None
        i += 1
    if start is not None:
        out.append((start, nbytes * 8 - 1))
    # clip to nbits
    clipped = []
    for a, b in out:
        if a >= nbits:
            break
        clipped.append((a, min(b, nbits - 1)))
    return clipped


def subtract(r1, r2):
    """r1 minus r2 (both merged inclusive range lists)."""
    out = []
    j = 0
    for a, b in r1:
        cur = a
        while j < len(r2) and r2[j][1] < cur:
            j += 1
        k = j
        while k < len(r2) and r2[k][0] <= b:
            if r2[k][0] > cur:
                out.append((cur, r2[k][0] - 1))
            cur = max(cur, r2[k][1] + 1)
            k += 1
        if cur <= b:
            out.append((cur, b))
    return out


def intersect(r1, r2):
    out = []
    i = j = 0
    while i < len(r1) and j < len(r2):
        a = max(r1[i][0], r2[j][0])
        b = min(r1[i][1], r2[j][1])
        if a <= b:
            out.append((a, b))
        if r1[i][1] < r2[j][1]:
            i += 1
        else:
            j += 1
    return out


def count(ranges):
    return sum(b - a + 1 for a, b in ranges)


class KdumpFile:
    def __init__(self, path):
        self.path = path
        self.f = open(path, "rb")
        head = self.f.read(4096)
        if head[:12] == FLATTENED_SIG:
            raise DumpError("%s is in the flattened format (-F); rearrange it with -R first" % path)
        if head[:8] != SIG:
            raise DumpError("%s: no KDUMP signature" % path)
        le = struct.unpack_from("<i", head, 8)[0]
        be = struct.unpack_from(">i", head, 8)[0]
        if 0 < le < 0x10000:
            self.e = "<"
        elif 0 < be < 0x10000:
            self.e = ">"
        else:
            raise DumpError("%s: implausible header_version" % path)
        e = self.e
        self.header_version = struct.unpack_from(e + "i", head, 8)[0]
        uts = head[12:12 + 390]
        self.utsname = [uts[i * 65:(i + 1) * 65].split(b"\0", 1)[0].decode("latin-1")
                        for i in range(6)]

        def plausible_block(v):
            return 512 <= v <= (1 << 20) and (v & (v - 1)) == 0

        bs64 = struct.unpack_from(e + "i", head, 428)[0]
        bs32 = struct.unpack_from(e + "i", head, 416)[0]
        if plausible_block(bs64):
            self.word = 8
            self.tv_sec, self.tv_usec = struct.unpack_from(e + "qq", head, 408)
            base = 424
        elif plausible_block(bs32):
            self.word = 4
            self.tv_sec, self.tv_usec = struct.unpack_from(e + "ii", head, 404)
            base = 412
        else:
            raise DumpError("%s: no plausible block_size" % path)
        (self.status, self.block_size, self.sub_hdr_size, self.bitmap_blocks,
         self.max_mapnr32, self.total_ram_blocks, self.device_blocks,
         self.written_blocks, self.current_cpu, self.nr_cpus) = struct.unpack_from(
            e + "IiiIIIIIIi", head, base)
        self.sub = {}
        self._read_sub()
        if self.header_version >= 6 and "max_mapnr_64" in self.sub:
            self.max_mapnr = self.sub["max_mapnr_64"]
        else:
            self.max_mapnr = self.max_mapnr32
        bs = self.block_size
        self.bitmap_off = (1 + self.sub_hdr_size) * bs
        self.bitmap_len = self.bitmap_blocks * bs // 2
        self.desc_off = (1 + self.sub_hdr_size + self.bitmap_blocks) * bs
        self._bm1 = self._bm2 = None

    def _read_sub(self):
        e = self.e
        self.f.seek(self.block_size)
        sub = self.f.read(128)
        if len(sub) < 104:
            return
        if self.word == 8:
            names = ["phys_base", "dump_level", "split", "start_pfn", "end_pfn",
                     "offset_vmcoreinfo", "size_vmcoreinfo", "offset_note",
                     "size_note", "offset_eraseinfo", "size_eraseinfo",
                     "start_pfn_64", "end_pfn_64", "max_mapnr_64"]
            vals = struct.unpack_from(e + "QiiQQqQqQqQQQQ", sub, 0)
        else:
            names = ["phys_base", "dump_level", "split", "start_pfn", "end_pfn",
                     "offset_vmcoreinfo", "size_vmcoreinfo", "offset_note",
                     "size_note", "offset_eraseinfo", "size_eraseinfo",
                     "start_pfn_64", "end_pfn_64", "max_mapnr_64"]
            if self.utsname[4] in ("i386", "i486", "i586", "i686"):
                # i386 layout (8-byte members aligned to 4)
                vals = struct.unpack_from(e + "IiiIIqIqIqIQQQ", sub, 0)
            else:
                # the other 32-bit ABIs (ARM EABI, PowerPC) align them to 8
                vals = struct.unpack_from(e + "IiiII4xqI4xqI4xqI4xQQQ", sub, 0)
        self.sub = dict(zip(names, vals))
        if self.header_version < 6:
            for k in ("start_pfn_64", "end_pfn_64", "max_mapnr_64"):
                self.sub.pop(k, None)
        if self.header_version < 4:
            for k in ("offset_eraseinfo", "size_eraseinfo"):
                self.sub.pop(k, None)
        if self.header_version < 3:
            for k in ("offset_note", "size_note"):
                self.sub.pop(k, None)

    def _bitmap(self, which):
        self.f.seek(self.bitmap_off + which * self.bitmap_len)
        buf = self.f.read(self.bitmap_len)
        if len(buf) != self.bitmap_len:
            raise DumpError("%s: bitmap truncated" % self.path)
        return buf

    def ram(self):
        if self._bm1 is None:
            self._bm1 = bitmap_ranges(self._bitmap(0), self.max_mapnr)
        return self._bm1

    def kept(self):
        if self._bm2 is None:
            self._bm2 = bitmap_ranges(self._bitmap(1), self.max_mapnr)
        return self._bm2

    def dropped(self):
        return subtract(self.ram(), self.kept())

    def vmcoreinfo(self):
        off = self.sub.get("offset_vmcoreinfo", 0)
        size = self.sub.get("size_vmcoreinfo", 0)
        if not off or not size:
            return ""
        self.f.seek(off)
        return self.f.read(size).decode("latin-1")

    def zero_pages(self, want=None):
        """Kept pfns whose page data is all zero (restricted to want ranges)."""
        kept = self.kept()
        if want is not None:
            kept = intersect(kept, want)
        if not kept:
            return []
        # descriptor index of a pfn = number of kept pfns below it
        allkept = self.kept()
        e = self.e
        zero_cache = {}
        out = []
        psize = self.block_size
        for a, b in kept:
            idx = 0
            for ka, kb in allkept:
                if kb < a:
                    idx += kb - ka + 1
                else:
                    if ka < a:
                        idx += a - ka
                    break
            for pfn in range(a, b + 1):
                self.f.seek(self.desc_off + 24 * idx)
                d = self.f.read(24)
                if len(d) < 24:
                    raise DumpError("%s: page descriptor of pfn 0x%x past EOF" % (self.path, pfn))
                off, size, flags, _pf = struct.unpack(e + "qIIQ", d)
                key = (off, size, flags)
                if key not in zero_cache:
                    self.f.seek(off)
                    data = self.f.read(size)
                    if len(data) != size:
                        raise DumpError("%s: page data of pfn 0x%x past EOF" % (self.path, pfn))
                    if flags & 0x1:
                        data = zlib.decompress(data)
                    elif flags & (0x2 | 0x4 | 0x20):
                        # lzo/snappy/zstd: this reader cannot inflate them.  The
                        # shared zero page of -d 1 is always stored raw, so a
                        # compressed page is not it.
                        data = None
                    zero_cache[key] = (data is not None and len(data) == psize and
                                       data.count(0) == psize)
                if zero_cache[key]:
                    out.append((pfn, pfn))
                idx += 1
        return merge(out)

    def header_items(self):
        items = [
            ("signature", "KDUMP"),
            ("endian", "little" if self.e == "<" else "big"),
            ("layout", "%d-bit" % (self.word * 8)),
            ("header_version", self.header_version),
            ("utsname.sysname", self.utsname[0]),
            ("utsname.nodename", self.utsname[1]),
            ("utsname.release", self.utsname[2]),
            ("utsname.version", self.utsname[3]),
            ("utsname.machine", self.utsname[4]),
            ("utsname.domainname", self.utsname[5]),
            ("timestamp", "%d.%06d" % (self.tv_sec, self.tv_usec)),
            ("timestamp.sec", self.tv_sec),
            ("status", "0x%x" % self.status),
            ("block_size", self.block_size),
            ("sub_hdr_size", self.sub_hdr_size),
            ("bitmap_blocks", self.bitmap_blocks),
            ("max_mapnr32", "0x%x" % self.max_mapnr32),
            ("max_mapnr", "0x%x" % self.max_mapnr),
            ("total_ram_blocks", self.total_ram_blocks),
            ("device_blocks", self.device_blocks),
            ("written_blocks", self.written_blocks),
            ("current_cpu", self.current_cpu),
            ("nr_cpus", self.nr_cpus),
        ]
        for k, v in self.sub.items():
            if k in ("phys_base", "start_pfn", "end_pfn", "start_pfn_64",
                     "end_pfn_64", "max_mapnr_64"):
                items.append(("sub." + k, "0x%x" % v))
            else:
                items.append(("sub." + k, v))
        return items


class ElfDump:
    """kept pfns of an ELF dump: file-backed parts of PT_LOADs, by p_paddr."""

    def __init__(self, path, page_size=4096):
        with open(path, "rb") as f:
            h = f.read(64)
            if h[:4] != b"\x7fELF":
                raise DumpError("%s: not ELF" % path)
            cls, data = h[4], h[5]
            e = "<" if data == 1 else ">"
            ranges = []
            if cls == 2:
                phoff, = struct.unpack_from(e + "Q", h, 32)
                phentsize, phnum = struct.unpack_from(e + "HH", h, 54)
                fmt = e + "IIQQQQQQ"
            else:
                phoff, = struct.unpack_from(e + "I", h, 28)
                phentsize, phnum = struct.unpack_from(e + "HH", h, 42)
                fmt = e + "IIIIIIII"
            if phnum == 0xFFFF:
                # extended numbering: sh_info of section header 0
                shoff, = struct.unpack_from(e + ("Q" if cls == 2 else "I"), h, 40 if cls == 2 else 32)
                f.seek(shoff)
                sh = f.read(64)
                phnum, = struct.unpack_from(e + "I", sh, 44 if cls == 2 else 28)
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                p = f.read(phentsize)
                if cls == 2:
                    p_type, _fl, _off, _va, pa, filesz, _memsz, _al = struct.unpack_from(fmt, p)
                else:
                    p_type, _off, _va, pa, filesz, _memsz, _fl, _al = struct.unpack_from(fmt, p)
                if p_type != 1 or filesz == 0:
                    continue
                a = pa // page_size
                b = (pa + filesz + page_size - 1) // page_size - 1
                ranges.append((a, b))
        self._kept = merge(ranges)

    def kept(self):
        return self._kept


def open_dump(path):
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic == b"\x7fELF":
        return ElfDump(path)
    return KdumpFile(path)


def do_check(dump, what, ranges):
    """Return None when the check holds, else a reason."""
    if what in ("kept", "excluded", "keptset"):
        kept = dump.kept()
        if what == "kept":
            missing = subtract(ranges, kept)
            if missing:
                return "not kept: %s" % fmt_ranges(missing, 20)
        elif what == "excluded":
            present = intersect(ranges, kept)
            if present:
                return "kept but should be excluded: %s" % fmt_ranges(present, 20)
        else:
            if kept != ranges:
                return "kept set differs: extra %s; missing %s" % (
                    fmt_ranges(subtract(kept, ranges), 20),
                    fmt_ranges(subtract(ranges, kept), 20))
        return None
    if not isinstance(dump, KdumpFile):
        return "check %r needs a kdump-compressed file" % what
    if what == "dropped":
        got = dump.dropped()
        if got != ranges:
            return "dropped set differs: unexpectedly dropped %s; wrongly kept %s" % (
                fmt_ranges(subtract(got, ranges), 20),
                fmt_ranges(subtract(ranges, got), 20))
        return None
    if what == "ram":
        got = dump.ram()
        if got != ranges:
            return "1st bitmap differs: extra %s; missing %s" % (
                fmt_ranges(subtract(got, ranges), 20),
                fmt_ranges(subtract(ranges, got), 20))
        return None
    if what == "zero":
        missing = subtract(ranges, dump.kept())
        if missing:
            return "not kept (so not a zero page): %s" % fmt_ranges(missing, 20)
        zeros = dump.zero_pages(ranges)
        nonzero = subtract(ranges, zeros)
        if nonzero:
            return "stored with non-zero data: %s" % fmt_ranges(nonzero, 20)
        return None
    return "unknown check %r" % what


def check_header(dump, pairs):
    items = {k: str(v) for k, v in dump.header_items()}
    bad = []
    for pair in pairs:
        if "=" not in pair:
            bad.append("malformed %r" % pair)
            continue
        k, v = pair.split("=", 1)
        if k not in items:
            bad.append("%s absent" % k)
            continue
        got = items[k]
        same = got == v
        if not same:
            try:
                same = parse_num(got) == parse_num(v)
            except ValueError:
                pass
        if not same:
            bad.append("%s=%s (expected %s)" % (k, got, v))
    return "; ".join(bad) if bad else None


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    cmd, path = argv[1], argv[2]
    try:
        if cmd == "check":
            if len(argv) < 4:
                sys.stderr.write("check needs WHAT\n")
                return 2
            dump = open_dump(path)
            why = do_check(dump, argv[3], parse_ranges(argv[4:]))
            if why:
                print(why)
                return 1
            return 0
        if cmd == "check-header":
            why = check_header(KdumpFile(path), argv[3:])
            if why:
                print(why)
                return 1
            return 0
        if cmd == "kept":
            rs = open_dump(path).kept()
        elif cmd == "ram":
            rs = KdumpFile(path).ram()
        elif cmd == "dropped":
            rs = KdumpFile(path).dropped()
        elif cmd == "zero":
            rs = KdumpFile(path).zero_pages()
        elif cmd == "header":
            for k, v in KdumpFile(path).header_items():
                print("%s=%s" % (k, v))
            return 0
        elif cmd == "vmcoreinfo":
            sys.stdout.write(KdumpFile(path).vmcoreinfo())
            return 0
        elif cmd == "count":
            d = KdumpFile(path)
            print("ram=%d kept=%d dropped=%d" % (count(d.ram()), count(d.kept()), count(d.dropped())))
            return 0
        else:
            sys.stderr.write("unknown command %r\n" % cmd)
            return 2
        for a, b in rs:
            print(fmt_range(a, b))
        return 0
    except (DumpError, OSError, ValueError, struct.error, zlib.error) as ex:
        print("kdump_bitmap: %s" % ex)
        return 1 if cmd.startswith("check") else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
