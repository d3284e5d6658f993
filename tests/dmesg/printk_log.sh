#!/usr/bin/env bash
# tests/dmesg/printk_log.sh - variable-length struct printk_log records
# (3.5 to 5.9) on synthetic dumps (tests/dmesg/mkdmesg.py): a log_buf
# written past its end (log_first_idx after log_next_idx, an end-of-buffer
# record of length 0), caller ids, a dictionary that is not printed, a
# continuation line, --partial-dmesg from clear_idx; and the 3.5-3.10
# header "struct log" without caller ids.
. "$(dirname "$0")/lib-dmesg.sh"

make_core printk_log-wrap
cat >"$T/expected" <<'TXT'
[    0.004000] [     T40] rec 04 yyy
[    0.005000] [     T50] rec 05 yyyyyyyy
[    0.006000] [      C0] rec 06 yyyyyyyyyyyyy
[    0.007000] [     T70] rec 07 y
[    0.008000] [     T80] rec 08 yyyyyy
[    0.009000] [      C1] rec 09 yyyyyyyyyyy
[    0.010000] [    T100] rec 10 yyyyyyyyyyyyyyyy
[    0.011000] [    T110] rec 11
                          second line
[    0.012000] [      C0] rec 12 yyyyyyyyy
[    0.013000] [    T130] rec 13 yyyyyyyyyyyyyy
TXT
check "wrap: exit 0" dmesg printk_log-wrap
check "wrap: records 4..13 across the end of log_buf" same "$T/printk_log-wrap.txt"
check "wrap: no damage reported" eval '! grep -q "dmesg:" "$T/out" "$T/err"'
tail -n 2 "$T/expected" >"$T/expected.2" && mv "$T/expected.2" "$T/expected"
check "wrap: --partial-dmesg" dmesg printk_log-wrap --partial-dmesg
check "wrap: from clear_idx" same "$T/printk_log-wrap.txt"

make_core log-3.5
cat >"$T/expected" <<'TXT'
[    0.000000] Linux version 3.5.0
[    0.000005] two
               lines
TXT
check "struct log: exit 0" dmesg log-3.5
check "struct log: no caller column" same "$T/log-3.5.txt"
finish
