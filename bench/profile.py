#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Per-handler cost table of `make bench-profile` (scripts/bench --profile).

Reads the raw records of a profiling run (RUN and PROF lines of
scripts/bench-guest --profile) and prints, per probe, summed over the runs
of the full module: handler calls a transaction, cycles a call, cycles a
transaction and, under -icount (guest time 2^shift ns an instruction,
QEMU's TSC counting guest ns), instructions a call and a transaction.
Then the same handlers' instructions (or cycles) a transaction in each
configuration profiled (features disabled), which says what each feature
adds to each handler.  The cycles are those of the handler with
interrupts off, inside the probe wrapper: the kprobe, ftrace and
return-probe machinery around it is not in them.
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
                    help="QEMU -icount shift (0: no instruction columns)")
    ap.add_argument("--module", default="", help="module version, for the title")
    ap.add_argument("raw")
    args = ap.parse_args()

    tx = collections.Counter()
    runs = collections.Counter()
    for r in records(args.raw, "RUN"):
        tx[r["config"]] += int(r["tx"])
        runs[r["config"]] += 1
    info = {}
    for r in records(args.raw, "INFO"):
        info.update(r)
    # prof[config][key] = [calls, cycles]
    prof = collections.OrderedDict()
    for r in records(args.raw, "PROF"):
        conf = prof.setdefault(r.get("config", "module"), collections.OrderedDict())
        for site in ("entry", "return"):
            n = int(r[site + "_calls"])
            if not n:
                continue
            key = r["probe"] + ("" if site == "entry" else " (return)")
            c = conf.setdefault(key, [0, 0])
            c[0] += n
            c[1] += int(r[site + "_cycles"])
    if "module" not in prof or not tx["module"]:
        sys.exit("profile.py: no profile of the full module in %s" % args.raw)
    div = 2 ** args.icount_shift if args.icount_shift else 1
    unit = "insns" if args.icount_shift else "cycles"

    mod, mtx = prof["module"], tx["module"]
    print("Per-handler cost, module %s, kernel %s, %d runs, %d transactions"
          % (args.module, info.get("kernel", "?"), runs["module"], mtx))
    print("(guest TSC %s; each handler with interrupts off, inside its wrapper)"
          % info.get("tsc", "?"))
    print()
    w = max([len(k) for k in mod] + [27])
    head = "%-*s %8s %11s %10s" % (w, "probe", "calls/tx", "cycles/call", "cycles/tx")
    if args.icount_shift:
        head += " %10s %9s" % ("insns/call", "insns/tx")
    print(head)
    order = sorted(mod, key=lambda k: -mod[k][1])
    total = 0.0
    for key in order:
        n, cyc = mod[key]
        total += cyc / mtx
        row = "%-*s %8.2f %11.0f %10.0f" % (w, key, n / mtx, cyc / n, cyc / mtx)
        if args.icount_shift:
            row += " %10.0f %9.0f" % (cyc / n / div, cyc / mtx / div)
        print(row)
    row = "%-*s %8s %11s %10.0f" % (w, "all handlers, a transaction", "", "", total)
    if args.icount_shift:
        row += " %10s %9.0f" % ("", total / div)
    print(row)

    others = [c for c in prof if c != "module" and tx[c]]
    if not others:
        return 0
    print()
    print("%s a transaction, per configuration (features disabled):" % unit)
    print()
    confs = ["module"] + others
    keys = order + sorted({k for c in others for k in prof[c]} - set(order))
    print("%-*s" % (w, "probe") + "".join(" %12s" % c for c in confs))
    totals = collections.Counter()
    for key in keys:
        cells = []
        for c in confs:
            v = prof[c].get(key)
            if v:
                per = v[1] / tx[c] / div
                totals[c] += per
                cells.append(" %12.0f" % per)
            else:
                cells.append(" %12s" % "-")
        print("%-*s" % (w, key) + "".join(cells))
    print("%-*s" % (w, "all handlers") + "".join(" %12.0f" % totals[c] for c in confs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
