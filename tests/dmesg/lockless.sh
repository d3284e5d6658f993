#!/usr/bin/env bash
# tests/dmesg/lockless.sh - the lockless printk_ringbuffer (5.10+) on
# synthetic dumps (tests/dmesg/mkdmesg.py): which descriptor states print,
# the caller column, escapes, continuation lines, truncated text, blocks
# that wrap, ids passing 2^62 and lpos passing 2^64, --partial-dmesg with
# a latched (5.13+) and a plain (5.10) clear_seq.
. "$(dirname "$0")/lib-dmesg.sh"

# Records: finalized, finalized with '\n', finalized with tab/\x01/0xe9/\r
# and a wide caller id, committed, lost text (FAILED_LPOS), an empty line
# (EMPTY_LINE_LPOS), text_len 200 in a 16-byte block, reserved (head).
# Upstream prints committed and finalized records that have a data block;
# an x86 upstream sign-extends bytes >= 0x80 in its \x escapes.
make_core lockless-basic
printf '%s\n' \
	'[    0.000000] [      T0] Linux version synthetic' \
	'[    0.001500] [      C1] line one' \
	'                          line two' >"$T/expected"
printf '[   12.345678] [T12345678] tab\there\\x01ctl\\xffffffe9hi\rcr\n' >>"$T/expected"
printf '%s\n' \
	'[   12.500000] [      T2] committed, not final' \
	'[   13.000000] [      T2] truncated\x00\x00\x00\x00\x00\x00\x00' >>"$T/expected"
check "basic: exit 0" dmesg lockless-basic
check "basic: text" same "$T/lockless-basic.txt"
check "basic: text_len past its block is reported" said 'record 6: text_len 200 is longer than its 16-byte text block'
check "basic: --partial-dmesg without clear_seq prints all" dmesg lockless-basic --partial-dmesg
check "basic: --partial-dmesg text" same "$T/lockless-basic.txt"

# clear_seq as a latched_seq {seqcount 1, val {99999, 2}}: val[1] counts.
make_core lockless-clear-latched
check "latched: whole log without --partial-dmesg" dmesg lockless-clear-latched
check "latched: whole log" same "$T/lockless-clear-latched.txt"
tail -n 3 "$T/expected" >"$T/expected.3" && mv "$T/expected.3" "$T/expected"
check "latched: --partial-dmesg" dmesg lockless-clear-latched --partial-dmesg
check "latched: records from seq 2" same "$T/lockless-clear-latched.txt"

# clear_seq as a plain u64 (5.10-5.12): 6
make_core lockless-clear-plain
tail -n 1 "$T/expected" >"$T/expected.1" && mv "$T/expected.1" "$T/expected"
check "plain clear_seq: --partial-dmesg" dmesg lockless-clear-plain --partial-dmesg
check "plain clear_seq: records from seq 6" same "$T/lockless-clear-plain.txt"

# 29 records through 8 descriptors and 256 bytes of text: 22..28 remain,
# record 22 is a block that wrapped to the start of the data ring.
make_core lockless-wrap
cat >"$T/expected" <<'TXT'
[   22.000022] [    T122] record 22 xxxxxxxxxxxxxxxx
[   23.000023] [    T123] record 23 
[   24.000024] [    T124] record 24 xxxxxxx
[   25.000025] [    T125] record 25 xxxxxxxxxxxxxx
[   26.000026] [    T126] record 26 xxxxxxxxxxxxxxxxxxxxx
[   27.000027] [    T127] record 27 xxxxx
[   28.000028] [    T128] record 28 xxxxxxxxxxxx
TXT
check "wrap: exit 0" dmesg lockless-wrap
check "wrap: the last 7 records" same "$T/lockless-wrap.txt"

# 12 records: 4..11 remain; their ids pass 2^62 (the id mask) and record
# 8's block wraps as its lpos passes 2^64.
make_core lockless-idwrap
cat >"$T/expected" <<'TXT'
[    4.000004] [    T104] record 04 xxxxx
[    5.000005] [    T105] record 05 xxxxxxxxxxxx
[    6.000006] [    T106] record 06 xxxxxxxxxxxxxxxxxxx
[    7.000007] [    T107] record 07 xxx
[    8.000008] [    T108] record 08 xxxxxxxxxx
[    9.000009] [    T109] record 09 xxxxxxxxxxxxxxxxx
[   10.000010] [    T110] record 10 x
[   11.000011] [    T111] record 11 xxxxxxxx
TXT
check "idwrap: exit 0" dmesg lockless-idwrap
check "idwrap: records 4..11" same "$T/lockless-idwrap.txt"
finish
