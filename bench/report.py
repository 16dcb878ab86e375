#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Usage: bench/report.py RAW-LOG   (scripts/bench)

Turns the records of scripts/bench-guest (RUN, MISSED, MEM, MEMROWS, READ, RSS,
INFO) and scripts/bench (HOST) into the plain-text report of
Documentation/benchmark.txt, on stdout.
"""
import collections
import statistics
import sys

CONFIGS = [
    ("base", "module not loaded (baseline)"),
    ("module", "tcp_lifecycle loaded"),
    ("noop", "loaded, noop_handlers=1 (probe floor)"),
    ("states_only", "loaded, optional features disabled (tracepoint only)"),
    ("no_listeners", "loaded, disable_features=listeners"),
    ("no_cgroups", "loaded, disable_features=cgroups"),
    ("bpftrace_tcplife", "bpftrace tcplife.bt, module not loaded"),
    ("bpftrace_count", "bpftrace counting transitions into a map, module not loaded"),
]
TARGET_PCT = 2.0


def kv(tokens):
    out = {}
    for t in tokens:
        if "=" in t:
            k, v = t.split("=", 1)
            out[k] = v
    return out


def parse(path):
    info, host = {}, {}
    runs, missed, mem, reads, rss = [], [], {}, [], []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            tag, _, rest = line.partition(" ")
            if tag == "HOST":
                k, _, v = rest.partition("=")
                host[k] = v
            elif tag == "INFO":
                info.update(kv(rest.split()))
            elif tag == "RUN":
                runs.append(kv(rest.split()))
            elif tag == "MISSED":
                missed.append(kv(rest.split()))
            elif tag in ("MEM", "MEMROWS"):
                mem.update(kv(rest.split()))
            elif tag == "READ":
                reads.append(kv(rest.split()))
            elif tag == "RSS":
                rss.append(kv(rest.split()))
    return info, host, runs, missed, mem, reads, rss


def fmt(x, nd=1):
    return f"{x:,.{nd}f}"


def churn_table(runs, load):
    """Lines of the table for one load, and {config: (tps ratio, cpu ratio)}."""
    by = collections.defaultdict(dict)  # config -> round -> run
    for r in runs:
        if r.get("load") == load:
            by[r["config"]][int(r["round"])] = r
    if "base" not in by:
        return [], {}
    lines, ratios = [], {}
    hdr = (f"{'configuration':<17} {'n':>2}  {'transactions/s':>10} {'(min-max)':>17} "
           f"{'ratio':>6}  {'CPU us/tx':>9} {'(min-max)':>15} {'ratio':>6}  "
           f"{'sys CPU us/tx':>13} {'ratio':>6}  {'paired tx/s ratio':>17}")
    lines += [hdr, "-" * len(hdr)]
    base = by["base"]
    bt = statistics.median(float(r["tps"]) for r in base.values())
    bc = statistics.median(float(r["cpu_us"]) for r in base.values())
    bs = statistics.median(float(r["sys_cpu_us"]) for r in base.values())
    for name, _ in CONFIGS:
        if name not in by:
            continue
        rs = by[name]
        tps = [float(r["tps"]) for r in rs.values()]
        cpu = [float(r["cpu_us"]) for r in rs.values()]
        sysc = [float(r["sys_cpu_us"]) for r in rs.values()]
        paired = [float(rs[k]["tps"]) / float(base[k]["tps"])
                  for k in rs if k in base]
        mt, mc, ms = (statistics.median(v) for v in (tps, cpu, sysc))
        ratios[name] = (mt / bt, mc / bc, ms / bs,
                        statistics.median(paired) if paired else float("nan"))
        pr = (f"{statistics.median(paired):.3f} [{min(paired):.3f}-{max(paired):.3f}]"
              if paired else "-")
        lines.append(
            f"{name:<17} {len(rs):>2}  {fmt(mt):>10} {fmt(min(tps)) + '-' + fmt(max(tps)):>17} "
            f"{mt / bt:>6.3f}  {mc:>9.1f} {f'{min(cpu):.1f}-{max(cpu):.1f}':>15} {mc / bc:>6.3f}  "
            f"{ms:>13.1f} {ms / bs:>6.3f}  {pr:>17}")
    fails = sum(int(r.get("fail", 0)) for r in runs if r.get("load") == load)
    ev = [r for r in by.get("bpftrace_tcplife", {}).values() if "bpf_events" in r]
    if ev:
        seen = sum(int(r["bpf_events"]) for r in ev)
        ends = sum(2 * int(r["tx"]) for r in ev)
        lost = sum(int(r.get("bpf_lost", 0)) for r in ev)
        lines.append(f"  tcplife.bt printed {seen:,} lines for {ends:,} socket ends "
                     f"(2 per transaction; it skips sockets whose start it missed), "
                     f"{lost} events lost")
    ev = [r for r in by.get("bpftrace_count", {}).values() if "bpf_events" in r]
    if ev:
        seen = sum(int(r["bpf_events"]) for r in ev)
        lines.append(f"  the bpftrace counter counted {seen:,} TCP state changes "
                     f"({seen / max(1, sum(int(r['tx']) for r in ev)):.1f} per transaction)")
    lines.append(f"  failed transactions: {fails}")
    return lines, ratios


def main():
    info, host, runs, missed, mem, reads, rss = parse(sys.argv[1])
    out = []
    p = out.append
    p("tcp_lifecycle overhead benchmark")
    p("================================")
    p("")
    p(f"Command:  {host.get('command', 'make bench')}")
    p(f"Date:     {host.get('date', '?')}")
    p(f"Kernel:   {info.get('kernel', '?')} (Debian), guest CPUs {info.get('cpus', '?')}, "
      f"boot options {info.get('cmdline', '-')}")
    p(f"VM:       {host.get('mode', '?')}; {host.get('qemu', '')}")
    p(f"Host:     {host.get('host', '?')}")
    p(f"Module:   {host.get('module_version', '?')}")
    p(f"Workload: tlc_churn {info.get('churn', '').replace('_', ' ')}: loopback connect / 1-byte "
      f"request / 1-byte reply / close (client closes first), {info.get('rounds', '?')} A/B rounds "
      "on one boot, every configuration once per round in rotated order, each run in a fresh "
      "network namespace")
    p(f"Run time: {host.get('wall_s', '?')} s wall")
    p("")
    p("Caveat: under QEMU TCG the absolute numbers are not hardware numbers.  With")
    p("-icount the guest's clock advances with the instructions it executes (2 ns")
    p("each with shift=1), so transactions/s and CPU us/transaction measure")
    p("instructions, independent of host load; ratios between configurations are")
    p("what matters.  Instruction counts do not see cache misses or lock")
    p("contention between real CPUs, and count each iteration of a rep movs/stos")
    p("as one instruction (the kernel's memset/memcpy weigh more than on")
    p("hardware: about 15% of the baseline here, so hardware overheads may be a")
    p("little higher).  For real timings: make bench VMARGS='--accel kvm'.")
    p("")
    if "bpftrace_unavailable" in info:
        p("bpftrace tcplife.bt: UNAVAILABLE in the VM: " +
          info["bpftrace_unavailable"].replace("_", " "))
    elif "bpftrace" in info:
        p(f"bpftrace {info['bpftrace']} running {info.get('script', 'tcplife.bt')} "
          "(one kprobe on tcp_set_state, output to a file; started before each")
        p("run, compile and attach outside the measurement)")
    p("")
    p("Columns: median over rounds, (min-max), ratio = median / baseline median;")
    p("CPU us/tx = user+system CPU of tlc_churn per transaction; sys CPU us/tx =")
    p("all CPU time of the guest (bpftrace's own process included) per")
    p("transaction; paired = per-round ratio to that round's baseline, median")
    p("[min-max].")
    verdict = {}
    for load, title in (("churn", "1. Connection churn"),
                        ("keepalive", "2. Churn beside idle keepalive connections")):
        lines, ratios = churn_table(runs, load)
        if not lines:
            continue
        p("")
        p(title)
        if load == "keepalive":
            p(f"   ({info.get('ka_conns', '?')} connections held open, SO_KEEPALIVE with 1 s "
              "idle/interval on both ends:")
            p("    keepalive timers and probes run throughout; their softirq work lands in")
            p("    whichever process runs, so read the all-CPU column, not tlc_churn's)")
        p("")
        out.extend("   " + ln for ln in lines)
        verdict[load] = ratios

    p("")
    p("3. kprobe missed counts (/sys/kernel/debug/tcp_lifecycle/status, summed")
    p("   over every load of the module in this run; must be 0)")
    p("")
    tot = collections.OrderedDict()
    for m in missed:
        key = m["probe"]
        tot.setdefault(key, [m.get("state", "-"), 0, 0])
        tot[key][1 if m["phase"] != "read" else 2] += int(m["missed"])
    if tot:
        p(f"   {'probe':<34} {'state':<8} {'churn runs':>10} {'100k read':>10}")
        for k, (st, a, b) in tot.items():
            p(f"   {k:<34} {st:<8} {a:>10} {b:>10}")
    all_zero = all(v[1] == 0 and v[2] == 0 for v in tot.values()) if tot else None

    p("")
    p("4. Memory")
    p("")
    mt = int(mem.get("max_tracked", 0) or 0)
    if mt:
        nb = 1 << max(mt, 16).bit_length() - 1
        if nb < max(mt, 16):
            nb <<= 1
        table, buckets = mt * 64, nb * 8
        core = int(mem.get("coresize", 0))
        page = 4096
        exp_v = (-(-table // page) + -(-buckets // page)) * page + -(-core // page) * page
        p(f"   max_tracked {mt:,}: entries {mt:,} x 64 B = {table / 1024:,.0f} KiB, "
          f"buckets {nb:,} x 8 B = {buckets / 1024:,.0f} KiB")
        p(f"   per tracked-socket slot: {(table + buckets) / mt:.0f} B "
          "(allocated at load, whether used or not)")
        p(f"   expected VmallocUsed growth at load: table + buckets + module image "
          f"({core / 1024:,.0f} KiB) = {exp_v / 1024:,.0f} KiB; "
          f"measured {int(mem.get('vmalloc_delta_kb', 0)):,} KiB")
        st = int(host.get("sizeof_tlc_stats") or 0)
        cpus = info.get("possible", "0")
        ncpu = 1 + int(cpus.split("-")[-1]) if cpus else 0
        k = int(mem.get("netns", 1))
        per = (int(mem.get("percpu_netns_with_kb", 0)) -
               int(mem.get("percpu_netns_without_kb", 0))) / k
        if st:
            p(f"   per network namespace: struct tlc_stats {st:,} B x {ncpu} possible CPU(s) = "
              f"{st * ncpu / 1024:.1f} KiB expected;")
        p(f"     measured: Percpu grows {mem.get('percpu_netns_with_kb')} KiB for {k} new "
          f"namespaces with the module, {mem.get('percpu_netns_without_kb')} KiB without:"
          f" {per:.1f} KiB each")
        p(f"   Percpu growth at load (init_net statistics, per-CPU markers): "
          f"{mem.get('percpu_load_delta_kb')} KiB")
        # Documented: a row and its share of the bucket arrays (twice the
        # next power of two of rows, 8 B each; listeners have two arrays).
        for what, param, row, arrays in (("listener", "max_listeners", 280, 2),
                                          ("cgroup", "max_cgroups", 168, 1)):
            n = int(mem.get(f"{what}_rows", 0) or 0)
            if not n:
                continue
            kb = int(mem[f"{what}_kb"]) - int(mem[f"{what}_base_kb"])
            p(f"   per {what} row: {row} B + {arrays * 16} B of buckets = "
              f"{row + arrays * 16} B documented; measured {kb * 1024 / n:.0f} B "
              f"(VmallocUsed at load, {param}={n + 1} less {param}=1: "
              f"{kb:,} KiB for {n:,} rows)")

    p("")
    p("5. Reading cost (/proc/net/tcp_lifecycle/*, one namespace; python reader,")
    p("   128 KiB reads, median of 5 [min-max], ms of guest time)")
    p("")
    labels = []
    for r in reads:
        if r["label"] not in labels:
            labels.append(r["label"])
    tracked = {lab: info.get(f"read_{lab}_tracked", "?") for lab in labels}
    p(f"   max_tracked for this phase: {info.get('read_max_tracked', '?')}")
    hdr = f"   {'file':<16}" + "".join(
        f" {(str(tracked[l]) + ' tracked') if l != 'empty' else 'empty table':>24}" for l in labels)
    p(hdr)
    files = []
    for r in reads:
        if r["file"] not in files:
            files.append(r["file"])
    for fn in files:
        row = f"   {fn:<16}"
        for lab in labels:
            r = next((x for x in reads if x["file"] == fn and x["label"] == lab), None)
            row += f" {r['ms_median'] + ' [' + r['ms_min'] + '-' + r['ms_max'] + ']' if r else '-':>24}"
        p(row)
    lines = {lab: next((int(x["lines"]) for x in reads
                        if x["file"] == "sockets" and x["label"] == lab), 0) for lab in labels}
    p(f"   {'(sockets lines)':<16}" + "".join(f" {lines[l]:>24,}" for l in labels))
    big = labels[-1] if labels else None
    ms = {lab: float(next(x["ms_median"] for x in reads
                          if x["file"] == "sockets" and x["label"] == lab)) for lab in labels}
    if big and "empty" in labels and lines.get(big, 0) > lines["empty"]:
        p(f"   sockets listing: {ms['empty']:.1f} ms for the empty table (every bucket is "
          f"visited), then {(ms[big] - ms['empty']) * 1000 / (lines[big] - lines['empty']):.2f} us "
          f"per entry ({lines[big] - 2:,} entries: {ms[big]:.0f} ms)")
    if rss:
        p("")
        p("   `cat sockets` under /usr/bin/time -v: peak RSS of the reader (the kernel")
        p("   streams one hash bucket per seq_file record: flat in the number of entries)")
        for r in rss:
            p(f"     {(tracked.get(r['label'], '?') + ' tracked'):<14} max RSS {r['max_rss_kb']:>6} KiB")

    p("")
    p("6. Verdict")
    p("")
    ch = verdict.get("churn", {})
    if "module" in ch:
        t, c, s, pr = ch["module"]
        over = (1 - t) * 100
        p(f"   module vs baseline, churn: throughput {over:.1f}% lower (ratio {t:.3f}, paired "
          f"{pr:.3f}), CPU/transaction x{c:.3f}: "
          f"{'within' if over <= TARGET_PCT else 'NOT within'} {TARGET_PCT:.0f}% of baseline")
    if "noop" in ch:
        t, c, s, pr = ch["noop"]
        p(f"   probes alone (noop_handlers=1): throughput {(1 - t) * 100:.1f}% lower, "
          f"CPU/transaction x{c:.3f}")
    if "states_only" in ch:
        t, c, s, pr = ch["states_only"]
        p(f"   states only (disable_features=all optional): throughput {(1 - t) * 100:.1f}% lower, "
          f"CPU/transaction x{c:.3f}")
    for cfg, what in (("no_listeners", "per-listener"), ("no_cgroups", "per-cgroup")):
        if cfg in ch and "module" in ch:
            p(f"   the {what} table (module vs disable_features={cfg[3:]}): "
              f"{(ch[cfg][3] - ch['module'][3]) * 100:.1f} points of throughput (paired)")
    if "bpftrace_count" in ch:
        t, c, s, pr = ch["bpftrace_count"]
        p(f"   bpftrace transition counter: throughput {(1 - t) * 100:.1f}% lower, "
          f"all-CPU/transaction x{s:.3f}")
    if "module" in ch and "bpftrace_tcplife" in ch:
        t, c, s, pr = ch["module"]
        bt, bc, bs, bpr = ch["bpftrace_tcplife"]
        p(f"   bpftrace tcplife.bt: throughput {(1 - bt) * 100:.1f}% lower, all-CPU/transaction "
          f"x{bs:.3f} (module x{s:.3f}): module "
          f"{'cheaper' if t > bt and s < bs else 'NOT cheaper'} than tcplife.bt")
    elif "module" in ch:
        p("   bpftrace tcplife.bt: not measured (unavailable)")
    ka = verdict.get("keepalive", {})
    if "module" in ka:
        t = ka["module"][0]
        p(f"   with keepalive timers: module throughput {(1 - t) * 100:.1f}% lower")
    if all_zero is not None:
        p(f"   kprobe missed counts: {'all 0' if all_zero else 'NOT all 0'}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
