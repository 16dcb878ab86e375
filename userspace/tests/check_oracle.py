#!/usr/bin/env python3
"""Independent oracle: recompute from a fixture's files what tcplc must
report, and compare with its JSON and Prometheus output.
Usage: check_oracle.py CASE_DIR SUMMARY.json HIST.json [SUMMARY.prom [REASONS.json
       [KEEPALIVE.json]]]"""
import json
import math
import re
import sys


def table(path, skip):
    lines = open(path).read().splitlines()
    assert lines[0] == "version 1", path
    return lines[skip:]


def pct(buckets, mx, p):
    """Upper bound 2^(N+1) of the bucket holding rank ceil(p% * total), capped at max."""
    total = sum(buckets.values())
    rank = max(1, -(-total * p // 100))
    acc = 0
    for n in sorted(buckets):
        acc += buckets[n]
        if acc >= rank:
            return min(2 ** (n + 1), mx)
    raise AssertionError("rank beyond total")


def check_reasons(d, rj, expect):
    """tcplc -j reasons against the reasons file: counts include the
    unknown ones, shares of all ends (saturating like tcplc), percentiles
    of the known lifetimes."""
    rows = {}
    for line in table(d + "reasons", 3):
        f = line.split()
        rows[f[0]] = dict(count=int(f[1]), unknown=int(f[2]), sum=int(f[3]),
                          max=int(f[5]),
                          buckets={int(a): int(b) for a, b in (x.split(":") for x in f[6:])})
    sat = lambda v: min(v, 2 ** 64 - 1)
    total = 0
    for r in rj["reasons"]:
        total = sat(total + sat(rows[r["reason"]]["count"] + rows[r["reason"]]["unknown"]))
    expect("reasons total", rj["total"], total)
    for r in rj["reasons"]:
        name, f = r["reason"], rows[r["reason"]]
        n = sat(f["count"] + f["unknown"])
        expect(f"{name} count", r["count"], n)
        expect(f"{name} known", r["known"], f["count"])
        expect(f"{name} unknown", r["unknown"], f["unknown"])
        if total:
            expect(f"{name} share", round(r["share_pct"], 3), round(n * 100 / total, 3))
        if f["count"]:
            expect(f"{name} p50", r["p50_ns"], pct(f["buckets"], f["max"], 50))
            expect(f"{name} p99", r["p99_ns"], pct(f["buckets"], f["max"], 99))
            expect(f"{name} avg", r["avg_ns"], f["sum"] // f["count"])
        else:
            expect(f"{name} p50", r["p50_ns"], None)


def read_keepalive(d):
    ls = table(d + "keepalive", 1)
    hdr = ls.index("hist name count sum min max buckets")
    # names this reader does not know may have any value
    kv = {k: int(v) for k, v in (x.split() for x in ls[1:hdr]) if v.isdigit()}
    kh = {}
    for line in ls[hdr + 1:]:
        f = line.split()
        kh[(f[0], f[1])] = dict(count=int(f[2]), sum=int(f[3]), min=int(f[4]), max=int(f[5]),
                                buckets={int(a): int(b) for a, b in (x.split(":") for x in f[6:])})
    return kv, kh


def check_keepalive(d, kj, prom, expect):
    """tcplc -j keepalive against the keepalive file; the summary's
    dead_peer_detect_seconds buckets (cumulative) when the .prom is given."""
    kv, kh = read_keepalive(d)
    for k in ("keepalive_probes", "tcp_retries2", "tcp_syn_retries"):
        expect(f"settings {k}", kj["settings"][k], kv[k])
    expect("settings keepalive_time_ns", kj["settings"]["keepalive_time_ns"], kv["keepalive_time"])
    expect("settings keepalive_intvl_ns", kj["settings"]["keepalive_intvl_ns"], kv["keepalive_intvl"])
    expect("timer runs", kj["timer"]["runs"], kv["timer_runs"])
    for k in ("sent_probe", "not_due", "data_in_flight", "fin_wait2", "killed", "other"):
        expect(f"timer {k}", kj["timer"][k], kv["timer_" + k])
    expect("probes", kj["probes"], dict(sent=kv["probes_sent"], answered=kv["probes_answered"]))

    def hist(what, got, h):
        expect(f"{what} count", got["count"], h["count"])
        expect(f"{what} buckets", {b["log2"]: b["count"] for b in got["buckets"]}, h["buckets"])
        if h["count"]:
            expect(f"{what} p50", got["p50_ns"], pct(h["buckets"], h["max"], 50))
            expect(f"{what} p99", got["p99_ns"], pct(h["buckets"], h["max"], 99))
            expect(f"{what} avg", got["avg_ns"], h["sum"] // h["count"])
            expect(f"{what} max", got["max_ns"], h["max"])
        else:
            expect(f"{what} p50", got["p50_ns"], None)
    for dj in kj["detect"]:
        way = dj["by"]
        expect(f"detect {way} worst_ns", dj["worst_ns"], kv["worst_detect_" + way])
        hist(f"detect {way}", dj, kh[("detect", way)])
    for ej in kj["established"]:
        k = "keepalive_" + ej["keepalive"]
        expect(f"established {k} now", ej["now"], kv["established_" + k])
        hist(f"idle {k}", ej["idle"], kh[("idle", k)])
    if prom is None:
        return
    got = {}
    for line in open(prom):
        m = re.match(r'tcp_lifecycle_dead_peer_detect_seconds_bucket\{by="(\w+)",le="([^"]+)"\} (\d+)$', line)
        if m:
            got[(m[1], m[2])] = int(m[3])
    for way in ("keepalive", "retrans", "syn"):
        h = kh[("detect", way)]
        for n in range(47):
            le = 2 ** (n + 1) / 1e9
            key = [k for k in got if k[0] == way and k[1] != "+Inf" and math.isclose(float(k[1]), le)]
            expect(f"detect {way} prom le={le}", got.get(key[0]) if key else None,
                   sum(c for b, c in h["buckets"].items() if b <= n))
        expect(f"detect {way} prom +Inf", got.get((way, "+Inf")), h["count"])


def main():
    d = sys.argv[1] + "/net/tcp_lifecycle/"
    hdr = table(d + "states", 1)[0].split()
    states = {}
    for line in table(d + "states", 2):
        f = dict(zip(hdr, line.split()))
        states[f["state"]] = f
    hist = {}
    for line in table(d + "hist", 3):
        f = line.split()
        hist[f[0]] = dict(count=int(f[1]), sum=int(f[2]), min=int(f[3]), max=int(f[4]),
                          buckets={int(a): int(b) for a, b in (x.split(":") for x in f[5:])})
    summary = json.loads(open(sys.argv[2]).read())
    hj = json.loads(open(sys.argv[3]).read())
    errors = []

    def expect(what, got, want):
        if got != want:
            errors.append(f"{what}: tcplc says {got}, expected {want}")

    for s in summary["states"]:
        name, h, st = s["state"], hist[s["state"]], states[s["state"]]
        for k in ("entered", "exited", "timed", "untimed", "now"):
            expect(f"{name} {k}", s[k], int(st[k]))
        expect(f"{name} oldest_ns", s["oldest_ns"], int(st["oldest"]) if "oldest" in st else None)
        if h["count"]:
            expect(f"{name} p50", s["p50_ns"], pct(h["buckets"], h["max"], 50))
            expect(f"{name} p99", s["p99_ns"], pct(h["buckets"], h["max"], 99))
            expect(f"{name} max", s["max_ns"], h["max"])
        else:
            expect(f"{name} p50", s["p50_ns"], None)
    for s in hj["states"]:
        name, h = s["state"], hist[s["state"]]
        expect(f"{name} hist count", s["count"], h["count"])
        got = {b["log2"]: b["count"] for b in s["buckets"]}
        expect(f"{name} buckets", got, h["buckets"])
        for b in s["buckets"]:
            n = b["log2"]
            expect(f"{name} bucket {n} lo", b["lo_ns"], 0 if n == 0 else 2 ** n)
            expect(f"{name} bucket {n} hi", b["hi_ns"], None if n == 47 else 2 ** (n + 1) - 1)
        if h["count"]:
            expect(f"{name} avg", s["avg_ns"], h["sum"] // h["count"])
    if len(sys.argv) > 4:
        prom = {}
        for line in open(sys.argv[4]):
            m = re.match(r'tcp_lifecycle_state_dwell_seconds_bucket\{state="(\w+)",le="([^"]+)"\} (\d+)$', line)
            if m:
                prom[(m[1], m[2])] = int(m[3])
        for name, h in hist.items():
            for n in range(47):
                le = 2 ** (n + 1) / 1e9
                want = sum(c for b, c in h["buckets"].items() if b <= n)
                key = [k for k in prom if k[0] == name and k[1] != "+Inf" and math.isclose(float(k[1]), le)]
                expect(f"{name} prom le={le}", prom.get(key[0]) if key else None, want)
            expect(f"{name} prom +Inf", prom.get((name, "+Inf")), h["count"])
    if len(sys.argv) > 5:
        check_reasons(d, json.loads(open(sys.argv[5]).read()), expect)
    if len(sys.argv) > 6:
        check_keepalive(d, json.loads(open(sys.argv[6]).read()), sys.argv[4], expect)
    if errors:
        print("\n".join(errors[:20]))
        sys.exit(1)
    print(f"{len(summary['states'])} states checked")


if __name__ == "__main__":
    main()
