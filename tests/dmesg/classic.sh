#!/usr/bin/env bash
# tests/dmesg/classic.sh - the character ring log_buf (before 3.5) on
# synthetic dumps (tests/dmesg/mkdmesg.py): written out raw, from the start
# until it first fills, then the whole ring starting at log_end;
# --partial-dmesg keeps the last logged_chars; log_end is an unsigned long
# before 2.6.25.
. "$(dirname "$0")/lib-dmesg.sh"

# the classic log text: 12 lines of 30 bytes
for i in 00 01 02 03 04 05 06 07 08 09 10 11; do printf '<6>line %s of the classic log\n' $i; done >"$T/all"

# log_buf_len 4096, log_end 64: log_buf[0, 64)
make_core classic-short
head -c 64 "$T/all" >"$T/expected"
check "short: exit 0" dmesg classic-short
check "short: log_buf up to log_end" same "$T/classic-short.txt"
check "short: --partial-dmesg with logged_chars = log_end" dmesg classic-short --partial-dmesg
check "short: --partial-dmesg text" same "$T/classic-short.txt"

# log_buf_len 256, log_end 1000: the last 256 bytes, oldest first
make_core classic-wrapped
tail -c 256 "$T/all" >"$T/expected"
check "wrapped: exit 0" dmesg classic-wrapped
check "wrapped: the whole ring from log_end" same "$T/classic-wrapped.txt"

# the same after a clear: logged_chars 100
make_core classic-cleared
check "cleared: exit 0" dmesg classic-cleared
check "cleared: whole ring without --partial-dmesg" same "$T/classic-cleared.txt"
tail -c 100 "$T/all" >"$T/expected"
check "cleared: --partial-dmesg" dmesg classic-cleared --partial-dmesg
check "cleared: the last logged_chars bytes" same "$T/classic-cleared.txt"

# 2.6.18: log_end = 2^32 + 1000 in an unsigned long
make_core classic-2.6.18
tail -c 256 "$T/all" >"$T/expected"
check "2.6.18: exit 0" dmesg classic-2.6.18
check "2.6.18: 64-bit log_end" same "$T/classic-2.6.18.txt"
finish
