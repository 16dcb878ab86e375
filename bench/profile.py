#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-handler cost table of `make bench-profile` (scripts/bench --profile).

Reads the raw records of a profiling run (RUN and PROF lines of
scripts/bench-guest --profile) and prints, per probe, summed over the runs:
handler calls a transaction, cycles a call, cycles a transaction and, under
-icount (guest time 2^shift ns an instruction, QEMU's TSC counting guest
ns), instructions a call and a transaction.  The cycles are those of the
handler with interrupts off, inside the probe wrapper: the kprobe, ftrace
and return-probe machinery around it is not in them.
"""
import argparse
import collections
import sys


def records(path, kind):
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith(kind + " "):
            yield dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--icount-shift", type=int, default=0,
                    help="QEMU -icount shift (0: no instruction column)")
    ap.add_argument("--module", default="", help="module version, for the title")
    ap.add_argument("raw")
    args = ap.parse_args()

    tx = sum(int(r["tx"]) for r in records(args.raw, "RUN"))
    runs = sum(1 for _ in records(args.raw, "RUN"))
    if not tx:
        sys.exit("profile.py: no transactions in %s" % args.raw)
    info = {}
    for r in records(args.raw, "INFO"):
        info.update(r)
    calls = collections.OrderedDict()
    for r in records(args.raw, "PROF"):
        for site in ("entry", "return"):
            n = int(r[site + "_calls"])
            if not n:
                continue
            key = r["probe"] + ("" if site == "entry" else " (return)")
            c = calls.setdefault(key, [0, 0])
            c[0] += n
            c[1] += int(r[site + "_cycles"])
    per_insn = 2 ** args.icount_shift if args.icount_shift else 0

    print("Per-handler cost, module %s, kernel %s, %d runs, %d transactions"
          % (args.module, info.get("kernel", "?"), runs, tx))
    print("(guest TSC %s; cycles inside each handler with interrupts off)"
          % info.get("tsc", "?"))
    print()
    head = "%-34s %9s %11s %11s" % ("probe", "calls/tx", "cycles/call", "cycles/tx")
    if per_insn:
        head += " %10s %9s" % ("insns/call", "insns/tx")
    print(head)
    total = 0.0
    for key, (n, cyc) in sorted(calls.items(), key=lambda kv: -kv[1][1]):
        per_tx = cyc / tx
        total += per_tx
        row = "%-34s %9.2f %11.0f %11.0f" % (key, n / tx, cyc / n, per_tx)
        if per_insn:
            row += " %10.0f %9.0f" % (cyc / n / per_insn, per_tx / per_insn)
        print(row)
    row = "%-34s %9s %11s %11.0f" % ("all handlers, a transaction", "", "", total)
    if per_insn:
        row += " %10s %9.0f" % ("", total / per_insn)
    print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
