#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: bench/readcost.py LABEL REPEAT FILE...   (scripts/bench-guest)

Reads each FILE whole REPEAT times (128 KiB reads, as cat does) and prints
one line per file:

  READ label=LABEL file=NAME lines=N bytes=B ms_median=M ms_min=A ms_max=Z
       sys_ms_median=S

Times are the elapsed time of open+read+close (CLOCK_MONOTONIC) and the
system CPU time of this process for it.
"""
import os
import statistics
import sys
import time


def read_once(path):
    t0, s0 = time.perf_counter(), os.times().system
    nbytes = nlines = 0
    fd = os.open(path, os.O_RDONLY)
    try:
        while True:
            buf = os.read(fd, 131072)
            if not buf:
                break
            nbytes += len(buf)
            nlines += buf.count(b"\n")
    finally:
        os.close(fd)
    return (time.perf_counter() - t0) * 1e3, (os.times().system - s0) * 1e3, \
        nbytes, nlines


def main():
    label, repeat, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    for path in files:
        runs = [read_once(path) for _ in range(repeat)]
        ms = [r[0] for r in runs]
        print(f"READ label={label} file={os.path.basename(path)} "
              f"lines={runs[-1][3]} bytes={runs[-1][2]} "
              f"ms_median={statistics.median(ms):.3f} ms_min={min(ms):.3f} "
              f"ms_max={max(ms):.3f} "
              f"sys_ms_median={statistics.median(r[1] for r in runs):.1f}",
              flush=True)


if __name__ == "__main__":
    main()
