#!/usr/bin/env python3
"""tests/dmesg/mkdmesg.py SCENARIO OUT - a small x86_64 ELF vmcore holding a
kernel log, for the --dump-dmesg tests.

It keeps its own copy of the kernel's printk layouts (written from the
kernel's printk_ringbuffer.h / printk.c, not from dmesg.c) so one wrong
definition cannot confirm itself.  Everything lives in the kernel image
mapping (0xffffffff80000000 + physical address, phys_base 0), so no page
tables are needed.  Scenarios are listed at the end; each test script
holds the expected text.
"""
import struct
import sys

KMAP = 0xffffffff80000000
PA0 = 0x1000000                 # physical start of the synthetic RAM
RAM = 0x20000                   # bytes of RAM
PAGE = 4096


class Mem:
    """RAM of the dumped machine, with a bump allocator and symbols."""

    def __init__(self):
        self.b = bytearray(RAM)
        self.top = 0x1000
        self.info = []          # VMCOREINFO lines
        self.holes = []         # (offset, length) left out of the PT_LOADs

    def va(self, off):
        return KMAP + PA0 + off

    def alloc(self, size, align=8):
        self.top = (self.top + align - 1) // align * align
        off = self.top
        self.top += size
        assert self.top <= RAM, "synthetic RAM too small"
        return off

    def alloc_page_aligned(self, size):
        return self.alloc(size, PAGE)

    def put(self, off, fmt, *vals):
        struct.pack_into("<" + fmt, self.b, off, *vals)

    def sym(self, name, off):
        self.info.append("SYMBOL(%s)=%x" % (name, self.va(off)))

    def line(self, s):
        self.info.append(s)

    def write(self, path, release):
        text = ("OSRELEASE=%s\nPAGESIZE=4096\n" % release +
                "\n".join(self.info) + "\nNUMBER(phys_base)=0\n").encode()
        name = b"VMCOREINFO\0"
        note = struct.pack("<III", len(name), len(text), 0) + name
        note += b"\0" * (-len(note) % 4) + text + b"\0" * (-len(text) % 4)
        # RAM split around the holes
        segs, cur = [], 0
        for off, ln in sorted(self.holes):
            if off > cur:
                segs.append((cur, off - cur))
            cur = off + ln
        if cur < RAM:
            segs.append((cur, RAM - cur))
        nph = 1 + len(segs)
        data_off = 64 + 56 * nph
        ehdr = struct.pack("<16sHHIQQQIHHHHHH",
                           b"\x7fELF\x02\x01\x01" + b"\0" * 9,
                           4, 62, 1, 0, 64, 0, 0, 64, 56, nph, 0, 0, 0)
        phdrs = struct.pack("<IIQQQQQQ", 4, 0, data_off, 0, 0, len(note), len(note), 4)
        off = data_off + len(note)
        off = (off + PAGE - 1) // PAGE * PAGE
        body = []
        for s, ln in segs:
            phdrs += struct.pack("<IIQQQQQQ", 1, 7, off, KMAP + PA0 + s, PA0 + s, ln, ln, PAGE)
            body.append((off, bytes(self.b[s:s + ln])))
            off += ln
        with open(path, "wb") as f:
            f.write(ehdr + phdrs + note)
            for o, blob in body:
                f.seek(o)
                f.write(blob)


# ---- lockless printk_ringbuffer (5.10+) -------------------------------------

WORD = 8
ID_MASK = (1 << 62) - 1
RESERVED, COMMITTED, FINALIZED, REUSABLE = 0, 1, 2, 3
FAILED_LPOS, EMPTY_LINE_LPOS = 0x1, 0x3
U64 = (1 << 64) - 1

# struct layouts of 6.1 x86_64
PRB_SIZE, PRB_DESC_RING, PRB_TEXT_RING = 88, 0, 48
DR_COUNT_BITS, DR_DESCS, DR_INFOS, DR_HEAD, DR_TAIL = 0, 8, 16, 24, 32
TR_SIZE_BITS, TR_DATA, TR_HEAD, TR_TAIL = 0, 8, 16, 24
DESC_SIZE, DESC_SV, DESC_LPOS = 24, 0, 8
INFO_SIZE, INFO_SEQ, INFO_TS, INFO_TEXT_LEN, INFO_CALLER = 88, 0, 8, 16, 20


def caller(s):
    """'T12' -> thread 12, 'C3' -> CPU 3."""
    return (0x80000000 if s[0] == "C" else 0) | int(s[1:])


class Prb:
    """Records appended as the kernel's writer would place them."""

    def __init__(self, mem, count_bits, size_bits, data_hole=False):
        self.m = mem
        self.count = 1 << count_bits
        self.size = 1 << size_bits
        self.count_bits, self.size_bits = count_bits, size_bits
        self.descs = mem.alloc(self.count * DESC_SIZE)
        self.infos = mem.alloc(self.count * INFO_SIZE)
        self.data = mem.alloc_page_aligned(self.size)
        if data_hole:
            # the second page of the text ring is not in the dump
            mem.holes.append((self.data + PAGE, PAGE))
        self.rb = mem.alloc(PRB_SIZE)
        # the kernel's starting points: DESC0_ID and BLK0_LPOS
        self.next_id = (-self.count) & ID_MASK
        self.seq = 0
        self.lpos = (-self.size) & U64
        self.records = []       # (id, seq)
        # every descriptor starts reusable with a data-less block
        for i in range(self.count):
            self.desc(i, ((-self.count - 1 + i) & ID_MASK) if i == self.count - 1 else 0,
                      REUSABLE, FAILED_LPOS, FAILED_LPOS)

    def desc(self, idx, ident, state, begin, nxt):
        d = self.descs + idx * DESC_SIZE
        self.m.put(d + DESC_SV, "Q", (state << 62) | (ident & ID_MASK))
        self.m.put(d + DESC_LPOS, "QQ", begin & U64, nxt & U64)

    def info(self, idx, seq, ts, text_len, who):
        i = self.infos + idx * INFO_SIZE
        self.m.put(i + INFO_SEQ, "QQH", seq, ts, text_len)
        self.m.put(i + INFO_CALLER, "I", caller(who))

    def block(self, ident, text):
        """Place a data block; returns (begin, next) and whether it wrapped."""
        size = (WORD + len(text) + WORD - 1) // WORD * WORD
        begin = self.lpos
        nxt = (begin + size) & U64
        wrapped = (begin >> self.size_bits) != (nxt >> self.size_bits)
        self.m.put(self.data + begin % self.size, "Q", ident)
        if wrapped:
            nxt = ((nxt & ~(self.size - 1)) + size) & U64
            at = 0
        else:
            at = begin % self.size
        self.m.put(self.data + at, "Q", ident)
        self.m.b[self.data + at + WORD:self.data + at + WORD + len(text)] = text
        self.lpos = nxt
        return begin, nxt, wrapped

    def add(self, text, ts, who="T1", state=FINALIZED, lpos=None, text_len=None):
        """Append a record; lpos overrides the block position ('failed', 'empty', (b, n))."""
        ident = self.next_id
        idx = ident % self.count
        text = text.encode("latin-1") if isinstance(text, str) else text
        wrapped = False
        if lpos == "failed":
            begin = nxt = FAILED_LPOS
        elif lpos == "empty":
            begin = nxt = EMPTY_LINE_LPOS
        elif lpos is None:
            begin, nxt, wrapped = self.block(ident, text)
        else:
            begin, nxt = lpos
        self.desc(idx, ident, state, begin, nxt)
        self.info(idx, self.seq, ts, len(text) if text_len is None else text_len, who)
        self.records.append((ident, self.seq, begin, nxt))
        self.next_id = (ident + 1) & ID_MASK
        self.seq += 1
        return wrapped

    def finish(self, tail_id=None, head_id=None, clear=None):
        """Write the ring heads; tail/head default to the oldest/newest record."""
        m = self.m
        head = self.records[-1][0] if head_id is None else head_id
        tail = self.records[0][0] if tail_id is None else tail_id
        dr = self.rb + PRB_DESC_RING
        m.put(dr + DR_COUNT_BITS, "I", self.count_bits)
        m.put(dr + DR_DESCS, "Q", m.va(self.descs))
        m.put(dr + DR_INFOS, "Q", m.va(self.infos))
        m.put(dr + DR_HEAD, "Q", head)
        m.put(dr + DR_TAIL, "Q", tail)
        tr = self.rb + PRB_TEXT_RING
        m.put(tr + TR_SIZE_BITS, "I", self.size_bits)
        m.put(tr + TR_DATA, "Q", m.va(self.data))
        m.put(tr + TR_HEAD, "Q", self.lpos)
        prb = m.alloc(8)
        m.put(prb, "Q", m.va(self.rb))
        m.sym("prb", prb)
        m.sym("printk_rb_static", self.rb)
        for line in """SIZE(printk_ringbuffer)=88
OFFSET(printk_ringbuffer.desc_ring)=0
OFFSET(printk_ringbuffer.text_data_ring)=48
OFFSET(printk_ringbuffer.fail)=80
SIZE(prb_desc_ring)=48
OFFSET(prb_desc_ring.count_bits)=0
OFFSET(prb_desc_ring.descs)=8
OFFSET(prb_desc_ring.infos)=16
OFFSET(prb_desc_ring.head_id)=24
OFFSET(prb_desc_ring.tail_id)=32
SIZE(prb_desc)=24
OFFSET(prb_desc.state_var)=0
OFFSET(prb_desc.text_blk_lpos)=8
SIZE(prb_data_blk_lpos)=16
OFFSET(prb_data_blk_lpos.begin)=0
OFFSET(prb_data_blk_lpos.next)=8
SIZE(printk_info)=88
OFFSET(printk_info.seq)=0
OFFSET(printk_info.ts_nsec)=8
OFFSET(printk_info.text_len)=16
OFFSET(printk_info.caller_id)=20
OFFSET(printk_info.dev_info)=24
SIZE(prb_data_ring)=32
OFFSET(prb_data_ring.size_bits)=0
OFFSET(prb_data_ring.data)=8
OFFSET(prb_data_ring.head_lpos)=16
OFFSET(prb_data_ring.tail_lpos)=24
SIZE(atomic_long_t)=8
OFFSET(atomic_long_t.counter)=0""".split("\n"):
            m.line(line)
        if clear is not None:
            kind, val = clear
            if kind == "latched":
                # seqcount 1: readers take val[1]; val[0] is a decoy
                cs = m.alloc(24)
                m.put(cs, "IIQQ", 1, 0, 99999, val)
                m.line("SIZE(latched_seq)=24")
                m.line("OFFSET(latched_seq.val)=8")
            else:
                cs = m.alloc(8)
                m.put(cs, "Q", val)
            m.sym("clear_seq", cs)


def basic_records(p):
    p.add("Linux version synthetic", 0, "T0")
    p.add("line one\nline two", 1500000, "C1")
    p.add(b"tab\there\x01ctl\xe9hi\rcr", 12345678901, "T12345678")
    p.add("committed, not final", 12500000000, "T2", state=COMMITTED)
    p.add("lost text", 12600000000, "T2", lpos="failed")
    p.add("", 12700000000, "T2", lpos="empty")
    p.add("truncated", 13000000000, "T2", text_len=200)
    p.add("still being written", 14000000000, "T3", state=RESERVED)


def lockless_basic(out, clear=None):
    m = Mem()
    p = Prb(m, 4, 9)
    basic_records(p)
    p.finish(clear=clear)
    m.write(out, "6.1.0-synthetic")


def lockless_wrap(out, nrec):
    """A small ring written over: blocks that wrap, a tail in the middle of
    the descriptor ring; with few records the kept ones straddle the ids
    passing 2^62 and the lpos passing 2^64."""
    m = Mem()
    p = Prb(m, 3, 8)            # 8 descriptors, 256 bytes of text
    wraps = 0
    for i in range(nrec):
        text = "record %02d %s" % (i, "x" * (i * 7 % 23))
        wraps += p.add(text, 1000000000 * i + 1000 * i, "T%d" % (100 + i))
    assert wraps >= 1, "scenario must contain wrapping blocks"
    # the oldest record whose data is intact and descriptor not reused
    recs = p.records
    first = len(recs) - p.count
    while (p.lpos - recs[first][2]) & U64 > p.size:
        first += 1
    # records before the tail still in the ring are reusable
    for ident, seq, b, n in recs[len(recs) - p.count:first]:
        p.desc(ident % p.count, ident, REUSABLE, b, n)
    p.finish(tail_id=recs[first][0])
    sys.stderr.write("lockless-wrap: records %d..%d kept, %d wrapping blocks\n"
                     % (first, len(recs) - 1, wraps))
    m.write(out, "6.1.0-synthetic")


def lockless_corrupt(out):
    m = Mem()
    p = Prb(m, 4, 13, data_hole=True)  # 8 KiB text ring, its 2nd page missing
    p.add("good one", 1000000000, "T1")
    # a block whose next lies three wraps after its begin
    p.add("bad position", 2000000000, "T1", lpos=(0x100, 0x100 + 3 * 8192))
    # a block not aligned to the id size
    p.add("misaligned", 3000000000, "T1", lpos=(0x203, 0x240))
    p.add("good two", 4000000000, "T1")
    # text in the missing page
    p.lpos = (p.lpos & ~0x1fff) | 0x1000
    p.add("in the hole", 5000000000, "T1")
    p.lpos = (p.lpos & ~0x1fff) | 0x0800
    p.add("good three", 6000000000, "T1")
    # a descriptor holding a stale id from an older lap: not this record
    p.add("stale lap", 7000000000, "T1")
    ident = p.records[-1][0]
    p.desc(ident % p.count, ident - p.count, FINALIZED, 0x800, 0x820)
    p.add("good four", 8000000000, "T1")
    # tail_id far behind head_id: more ids than descriptors
    p.finish(tail_id=(p.records[-1][0] - 1000) & ID_MASK)
    m.write(out, "6.1.0-synthetic")


def lockless_badring(out):
    m = Mem()
    p = Prb(m, 4, 9)
    p.add("never printed", 0, "T0")
    p.finish()
    m.put(p.rb + PRB_DESC_RING + DR_COUNT_BITS, "I", 60)
    m.write(out, "6.1.0-synthetic")


# ---- struct printk_log records (3.5 to 5.9) ---------------------------------

def plog_header(caller_id):
    """(size, ts, len, text_len, dict_len, caller) of struct printk_log / struct log."""
    if caller_id:
        return 24, 0, 8, 10, 12, 16
    return 16, 0, 8, 10, 12, None


class Plog:
    def __init__(self, mem, buf_len, caller_id=True, old_name=False):
        self.m = mem
        self.len = buf_len
        self.buf = mem.alloc(buf_len)
        self.hsize, self.o_ts, self.o_len, self.o_tl, self.o_dl, self.o_cid = plog_header(caller_id)
        self.caller_id = caller_id
        self.old_name = old_name
        self.pos = 0
        self.lap = 0
        self.index = []         # start index of each record
        self.laps = []          # and the lap it was written in

    def at(self, pos):
        self.pos = pos

    def add(self, text, ts, who="T1", dict_=b"", reclen=None, text_len=None):
        text = text.encode("latin-1") if isinstance(text, str) else text
        size = (self.hsize + len(text) + len(dict_) + 7) // 8 * 8
        if self.pos + size + self.hsize > self.len:
            # no room: an end-of-buffer mark, and the record goes to the start
            self.m.b[self.buf + self.pos:self.buf + self.pos + self.hsize] = bytes(self.hsize)
            self.pos = 0
            self.lap += 1
        h = self.buf + self.pos
        self.m.put(h + self.o_ts, "Q", ts)
        self.m.put(h + self.o_len, "HHH", size if reclen is None else reclen,
                   len(text) if text_len is None else text_len, len(dict_))
        if self.o_cid is not None:
            self.m.put(h + self.o_cid, "I", caller(who))
        t = h + self.hsize
        self.m.b[t:t + len(text)] = text
        self.m.b[t + len(text):t + len(text) + len(dict_)] = dict_
        self.index.append(self.pos)
        self.laps.append(self.lap)
        self.pos += size
        return self.index[-1]

    def finish(self, first, nxt, clear_idx=None):
        m = self.m
        name = "log" if self.old_name else "printk_log"
        v = m.alloc(8)
        m.put(v, "Q", m.va(self.buf))
        m.sym("log_buf", v)
        for sym, val in (("log_buf_len", self.len), ("log_first_idx", first),
                         ("log_next_idx", nxt)):
            o = m.alloc(4, 4)
            m.put(o, "I", val)
            m.sym(sym, o)
        if clear_idx is not None:
            o = m.alloc(4, 4)
            m.put(o, "I", clear_idx)
            m.sym("clear_idx", o)
        m.line("SIZE(%s)=%d" % (name, self.hsize))
        m.line("OFFSET(%s.ts_nsec)=%d" % (name, self.o_ts))
        m.line("OFFSET(%s.len)=%d" % (name, self.o_len))
        m.line("OFFSET(%s.text_len)=%d" % (name, self.o_tl))
        if self.o_cid is not None:
            m.line("OFFSET(%s.caller_id)=%d" % (name, self.o_cid))


def printk_log_wrap(out):
    """A 512-byte log_buf written past its end: the walk starts in the
    middle, meets the end-of-buffer mark and goes on from the start."""
    m = Mem()
    pl = Plog(m, 512)
    for i in range(14):
        dict_ = b"SUBSYSTEM=pci\0DEVICE=+pci:0000:00:01.0" if i == 9 else b""
        text = "rec %02d%s" % (i, "\nsecond line" if i == 11 else " " + "y" * (i * 5 % 17))
        pl.add(text, 1000000 * i, "C%d" % (i % 2) if i % 3 == 0 else "T%d" % (10 * i))
    # oldest intact record: of the previous lap, the first at or after next
    nxt = pl.pos
    assert pl.lap == 1, "scenario must wrap exactly once"
    first_i = next(i for i, ix in enumerate(pl.index) if pl.laps[i] == 0 and ix >= nxt)
    first = pl.index[first_i]
    clear = pl.index[-2]
    pl.finish(first, nxt, clear_idx=clear)
    sys.stderr.write("printk_log-wrap: first record %d at 0x%x, next 0x%x, clear_idx 0x%x\n"
                     % (first_i, first, nxt, clear))
    m.write(out, "5.4.0-synthetic")


def printk_log_corrupt(out, how):
    m = Mem()
    pl = Plog(m, 512)
    pl.add("first fine", 1000000000, "T1")
    pl.add("text_len too long", 2000000000, "T1", text_len=900)
    pl.add("second fine", 3000000000, "T1")
    if how == "past-end":
        pl.add("runs off the end", 4000000000, "T1", reclen=4000)
    elif how == "zero-no-wrap":
        pl.add("", 4000000000, "T1", reclen=0)
    elif how == "short":
        pl.add("shorter than its header", 4000000000, "T1", reclen=8)
    pl.add("never reached", 5000000000, "T1")
    nxt = pl.pos
    pl.finish(0, nxt if how != "bad-first" else nxt)
    if how == "bad-first":
        # log_first_idx outside the buffer
        m.put(int(next(l for l in m.info if l.startswith("SYMBOL(log_first_idx)")).split("=")[1], 16)
              - KMAP - PA0, "I", 4096)
    m.write(out, "5.4.0-synthetic")


def log_3_5(out):
    """3.5 to 3.10: the header is struct log, without caller ids."""
    m = Mem()
    pl = Plog(m, 256, caller_id=False, old_name=True)
    pl.add("Linux version 3.5.0", 0)
    pl.add("two\nlines", 5000)
    pl.finish(0, pl.pos)
    m.write(out, "3.5.0-synthetic")


# ---- the character ring (before 3.5) ----------------------------------------

def classic(out, release, buf_len, text, log_end, logged_chars, end_size=4):
    m = Mem()
    buf = m.alloc(buf_len)
    n = len(text)
    for i in range(n):
        m.b[buf + (log_end - n + i) % buf_len] = text[i]
    v = m.alloc(8)
    m.put(v, "Q", m.va(buf))
    m.sym("log_buf", v)
    o = m.alloc(4, 4)
    m.put(o, "I", buf_len)
    m.sym("log_buf_len", o)
    fmt = "I" if end_size == 4 else "Q"
    o = m.alloc(8)
    m.put(o, fmt, log_end)
    m.sym("log_end", o)
    o = m.alloc(8)
    m.put(o, fmt, logged_chars)
    m.sym("logged_chars", o)
    m.write(out, release)


def main():
    scen, out = sys.argv[1], sys.argv[2]
    text = b"".join(b"<6>line %02d of the classic log\n" % i for i in range(12))
    table = {
        "lockless-basic": lambda: lockless_basic(out),
        "lockless-clear-latched": lambda: lockless_basic(out, clear=("latched", 2)),
        "lockless-clear-plain": lambda: lockless_basic(out, clear=("plain", 6)),
        "lockless-wrap": lambda: lockless_wrap(out, 29),
        "lockless-idwrap": lambda: lockless_wrap(out, 12),
        "lockless-corrupt": lambda: lockless_corrupt(out),
        "lockless-badring": lambda: lockless_badring(out),
        "printk_log-wrap": lambda: printk_log_wrap(out),
        "printk_log-past-end": lambda: printk_log_corrupt(out, "past-end"),
        "printk_log-zero-no-wrap": lambda: printk_log_corrupt(out, "zero-no-wrap"),
        "printk_log-short": lambda: printk_log_corrupt(out, "short"),
        "printk_log-bad-first": lambda: printk_log_corrupt(out, "bad-first"),
        "log-3.5": lambda: log_3_5(out),
        # 2.6.32: log_end < log_buf_len, the log is log_buf[0, log_end)
        "classic-short": lambda: classic(out, "2.6.32-synthetic", 4096, text[:64], 64, 64),
        # wrapped: the whole ring, oldest byte at log_end
        "classic-wrapped": lambda: classic(out, "2.6.32-synthetic", 256, text, 1000, 384),
        # the same, logged_chars 100 (for --partial-dmesg)
        "classic-cleared": lambda: classic(out, "2.6.32-synthetic", 256, text, 1000, 100),
        # 2.6.18: log_end is an unsigned long; its high half matters
        "classic-2.6.18": lambda: classic(out, "2.6.18-synthetic", 256, text,
                                          (1 << 32) + 1000, 384, end_size=8),
    }
    if scen not in table:
        sys.exit("unknown scenario %s; known: %s" % (scen, " ".join(table)))
    table[scen]()


if __name__ == "__main__":
    main()
