#!/usr/bin/env bash
# tests/dmesg/corrupt.sh - damaged logs on synthetic dumps
# (tests/dmesg/mkdmesg.py): what can be read is written, each damaged
# record is named on stdout, nothing loops; a log that cannot be read at
# all fails with one line and leaves no file.
. "$(dirname "$0")/lib-dmesg.sh"

# Lockless: tail_id 1000 ids behind head_id (16 descriptors), a block three
# wraps long, a misaligned block, text in a page missing from the dump, a
# descriptor holding a stale id (not a record: silently left out).
make_core lockless-corrupt
cat >"$T/expected" <<'TXT'
[    1.000000] [      T1] good one
[    4.000000] [      T1] good two
[    6.000000] [      T1] good three
[    8.000000] [      T1] good four
TXT
check "lockless: exit 0" dmesg lockless-corrupt
check "lockless: the good records" same "$T/lockless-corrupt.txt"
check "lockless: tail/head distance" said 'are 1000 apart, more than the 16 descriptors; reading the newest 16'
check "lockless: missing page" said '1 of 2 pages of the printk text ring are not in the dump'
check "lockless: bad position" said 'record 1: text block 0x100-0x6100 is not a position in the data ring; skipped'
check "lockless: misaligned" said 'record 2: text block 0x203-0x240 is not aligned; skipped'
check "lockless: text not in dump" said 'record 4: its text is not in the dump; skipped'
check "lockless: summary" said '3 damaged records were skipped'

# count_bits 60: nothing can be read
make_core lockless-badring
check "bad ring: exit 1" eval '! dmesg lockless-badring'
check "bad ring: one line" said '^makedumpfile: dmesg: the printk ring buffer at 0x[0-9a-f]+ is damaged \(count_bits 60, size_bits 9\)$'
check "bad ring: no file" test ! -e "$T/lockless-badring.txt"

# printk_log: three good records (the second claims 900 bytes of text and
# is cut to its record), then a record whose length cannot be right.
cat >"$T/expected" <<'TXT'
[    1.000000] [      T1] first fine
[    2.000000] [      T1] text_len too long\x00\x00\x00\x00\x00\x00\x00
[    3.000000] [      T1] second fine
TXT
for s in past-end zero-no-wrap short; do
	make_core printk_log-$s
	check "printk_log $s: exit 0" dmesg printk_log-$s
	check "printk_log $s: the records before the damage" same "$T/printk_log-$s.txt"
	check "printk_log $s: text_len cut" said 'index 0x28 claims 900 bytes of text in a 48-byte record; cut to the record'
done
make_core printk_log-past-end; dmesg printk_log-past-end
check "printk_log past-end: message" said 'index 0x80 has length 4000, past log_next_idx; the rest of the log is lost'
make_core printk_log-zero-no-wrap; dmesg printk_log-zero-no-wrap
check "printk_log zero-no-wrap: message" said 'unexpected end-of-buffer mark at log_buf index 0x80'
make_core printk_log-short; dmesg printk_log-short
check "printk_log short: message" said 'index 0x80 has length 8, less than its header; the rest of the log is lost'

# log_first_idx outside log_buf: nothing can be read
make_core printk_log-bad-first
check "bad first: exit 1" eval '! dmesg printk_log-bad-first'
check "bad first: one line" said '^makedumpfile: dmesg: log_first_idx 0x1000 or log_next_idx 0x[0-9a-f]+ lies outside the 512-byte log_buf$'
check "bad first: no file" test ! -e "$T/printk_log-bad-first.txt"
finish
