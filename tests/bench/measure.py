#!/usr/bin/python3
"""measure.py OUT COMMAND...: run COMMAND (stdout and stderr to /dev/null),
write "WALL_S CPU_S MAXRSS_KB EXIT" to OUT: wall time, user+sys CPU and peak
RSS of the command alone (wait4's rusage, microsecond resolution)."""
import os
import sys
import time

out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    fd = os.open(os.devnull, os.O_WRONLY)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
with open(out, 'w') as f:
    f.write('%.4f %.4f %d %d\n' % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss,
                                   os.waitstatus_to_exitcode(status)))
