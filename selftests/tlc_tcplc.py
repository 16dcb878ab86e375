#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helper of tlc_tcplc.sh: compare tcplc's JSON views with the raw files of
/proc/net/tcp_lifecycle of the current network namespace, read just before
and just after tcplc (an interval in which nothing moved, else retried).

Usage: tlc_tcplc.py views TCPLC
Prints one line per view: "ok VIEW" or "fail VIEW: why", then "#" lines."""
import json
import os
import subprocess
import sys
import time

P = os.environ.get("TLC_PROC_ROOT", "/proc") + "/net/tcp_lifecycle/"  # tests of this helper


def lines(name):
    ls = open(P + name).read().splitlines()
    if ls[0] != ("version 2" if name == "keepalive" else "version 1"):
        raise ValueError(f"{name}: {ls[0]}")
    return ls


def buckets(fields):
    return {int(a): int(b) for a, b in (x.split(":") for x in fields)}


def read_raw():
    """Everything, parsed; 'moving' holds what changes by itself with time."""
    r = {"moving": {}}
    ls = lines("states")
    hdr = ls[1].split()
    r["states"] = {}
    for line in ls[2:]:
        f = dict(zip(hdr, line.split()))
        r["states"][f["state"]] = {k: int(f[k]) for k in ("entered", "exited", "timed", "untimed", "now")}
        r["moving"]["oldest " + f["state"]] = int(f.get("oldest", 0))
    for t in ("transitions", "transitions_raw"):
        r[t] = sorted((f[0], f[1], int(f[2])) for f in (x.split() for x in lines(t)[2:]))
    r["hist"] = {}
    for line in lines("hist")[3:]:
        f = line.split()
        r["hist"][f[0]] = dict(count=int(f[1]), sum=int(f[2]), min=int(f[3]), max=int(f[4]),
                               buckets=buckets(f[5:]))
    r["reasons"] = {}
    for line in lines("reasons")[3:]:
        f = line.split()
        r["reasons"][f[0]] = dict(count=int(f[1]), unknown=int(f[2]), sum=int(f[3]), min=int(f[4]),
                                  max=int(f[5]), buckets=buckets(f[6:]))
    r["counters"] = {k: int(v) for k, v in (x.split() for x in lines("counters")[1:])}
    r["resets"] = {k: int(v) for k, v in (x.split() for x in lines("resets")[1:])}
    ls = lines("keepalive")
    h = ls.index("hist name count sum min max buckets")
    r["keepalive"] = {k: int(v) for k, v in (x.split() for x in ls[2:h])}
    r["khist"] = {}
    # version 2: the idle histograms are in keepalive_idle (root's)
    for line in ls[h + 1:] + lines("keepalive_idle")[3:]:
        f = line.split()
        d = dict(count=int(f[2]), sum=int(f[3]), min=int(f[4]), max=int(f[5]), buckets=buckets(f[6:]))
        if f[0] == "idle":      # idle times grow by themselves
            r["moving"]["idle " + f[1]] = d
            d = dict(count=d["count"])
        r["khist"][(f[0], f[1])] = d
    r["sockets"] = []
    ls = lines("sockets")
    hdr = ls[1].split()
    for line in ls[2:]:
        f = dict(zip(hdr, line.split()))
        r["sockets"].append(f)
    r["moving"]["sockets"] = {(s["state"], s["local"], s["remote"]): int(s["age"]) for s in r["sockets"]}
    r["sockets"] = sorted((s["state"], s["local"], s["remote"], s["pid"], s["comm"], s["cookie"])
                          for s in r["sockets"])
    return r


def still(a, b):
    return {k: v for k, v in a.items() if k != "moving"} == {k: v for k, v in b.items() if k != "moving"}


def hist_eq(errs, what, got, h):
    for k in ("count", "sum", "min", "max"):
        if got[k + "_ns" if k != "count" else k] != h[k]:
            errs.append(f"{what} {k}: tcplc {got[k + '_ns' if k != 'count' else k]}, file {h[k]}")
    gb = {b["log2"]: b["count"] for b in got["buckets"]}
    if gb != h["buckets"]:
        errs.append(f"{what} buckets: tcplc {gb}, file {h['buckets']}")


def check(view, j, a, b):
    """tcplc's JSON @j of @view against the files read before (@a) and after (@b)."""
    errs = []
    if view == "resets":
        got = {r["reason"]: r["count"] for r in j["resets"]}
        if got != a["resets"]:
            errs.append(f"resets {got}, file {a['resets']}")
        if j["total"] != sum(a["resets"].values()) or j["available"] != bool(a["resets"]):
            errs.append(f"resets total {j['total']} available {j['available']}")
    if view in ("summary", "states"):
        if len(j["states"]) != 12:
            errs.append(f"{len(j['states'])} states")
        for s in j["states"]:
            name = s["state"]
            for k, v in a["states"][name].items():
                if s[k] != v:
                    errs.append(f"{name} {k}: tcplc {s[k]}, file {v}")
            lo, hi = a["moving"]["oldest " + name], b["moving"]["oldest " + name]
            if not (lo <= s["oldest_ns"] <= hi):
                errs.append(f"{name} oldest {s['oldest_ns']} not in [{lo}, {hi}]")
            if view == "summary":
                h = a["hist"][name]
                if s["dwell_count"] != h["count"]:
                    errs.append(f"{name} dwell_count {s['dwell_count']}, hist {h['count']}")
                if s["max_ns"] != (h["max"] if h["count"] else None):
                    errs.append(f"{name} max {s['max_ns']}, hist {h['max']}")
    if view == "summary":
        for r in j["close_reasons"]["reasons"]:
            f = a["reasons"][r["reason"]]
            if (r["count"], r["known"], r["unknown"]) != (f["count"] + f["unknown"], f["count"], f["unknown"]):
                errs.append(f"summary reason {r['reason']}: {r}, file {f}")
        if j["counters"] != a["counters"]:
            errs.append(f"summary counters {j['counters']}, file {a['counters']}")
        if j["keepalive"]["probes"]["sent"] != a["keepalive"]["probes_sent"]:
            errs.append("summary keepalive probes")
    if view in ("transitions", "transitions --raw"):
        t = a["transitions_raw" if "raw" in view else "transitions"]
        got = sorted((x["from"], x["to"], x["count"]) for x in j["transitions"])
        if got != t:
            errs.append(f"{view}: tcplc {got}, file {t}")
        if j["total"] != sum(x[2] for x in t):
            errs.append(f"{view} total {j['total']}")
        if j["raw"] != ("raw" in view):
            errs.append(f"{view} raw {j['raw']}")
    if view == "hist":
        if len(j["states"]) != 12:
            errs.append(f"hist: {len(j['states'])} states")
        for s in j["states"]:
            hist_eq(errs, "hist " + s["state"], s, a["hist"][s["state"]])
    if view == "reasons":
        if len(j["reasons"]) != len(a["reasons"]):
            errs.append(f"reasons: {len(j['reasons'])} reasons, the file has "
                        f"{len(a['reasons'])}")
        total = 0
        for r in j["reasons"]:
            f = a["reasons"][r["reason"]]
            total += f["count"] + f["unknown"]
            if (r["count"], r["known"], r["unknown"]) != (f["count"] + f["unknown"], f["count"], f["unknown"]):
                errs.append(f"reason {r['reason']}: count {r['count']} known {r['known']}, file {f}")
            hist_eq(errs, "reason " + r["reason"], dict(r, count=r["known"]), f)
        if j["total"] != total:
            errs.append(f"reasons total {j['total']}, files {total}")
    if view == "counters":
        if j["counters"] != a["counters"]:
            errs.append(f"counters: tcplc {j['counters']}, file {a['counters']}")
    if view == "keepalive":
        k = a["keepalive"]
        s = j["settings"]
        got = [s["keepalive_time_ns"], s["keepalive_intvl_ns"], s["keepalive_probes"], s["tcp_retries2"],
               s["tcp_syn_retries"]]
        want = [k["keepalive_time"], k["keepalive_intvl"], k["keepalive_probes"], k["tcp_retries2"],
                k["tcp_syn_retries"]]
        if got != want:
            errs.append(f"keepalive settings {got}, file {want}")
        for name, v in j["timer"].items():
            if v != k["timer_" + name]:
                errs.append(f"timer {name}: tcplc {v}, file {k['timer_' + name]}")
        if (j["probes"]["sent"], j["probes"]["answered"]) != (k["probes_sent"], k["probes_answered"]):
            errs.append(f"probes {j['probes']}")
        for d in j["detect"]:
            if d["worst_ns"] != k["worst_detect_" + d["by"]]:
                errs.append(f"worst {d['by']}")
            hist_eq(errs, "detect " + d["by"], d, a["khist"][("detect", d["by"])])
        if j.get("established_untracked") != k["established_untracked"]:
            errs.append(f"established_untracked: tcplc {j.get('established_untracked')}, "
                        f"file {k['established_untracked']}")
        for e in j["established"]:
            name = "keepalive_" + e["keepalive"]
            if e["now"] != k["established_" + name]:
                errs.append(f"established {name}: tcplc {e['now']}, file {k['established_' + name]}")
            if e["idle"]["count"] != a["khist"][("idle", name)]["count"]:
                errs.append(f"idle {name} count")
            lo, hi = a["moving"]["idle " + name]["max"], b["moving"]["idle " + name]["max"]
            if not (lo <= e["idle"]["max_ns"] <= hi):
                errs.append(f"idle {name} max {e['idle']['max_ns']} not in [{lo}, {hi}]")
    if view == "sockets":
        got = sorted((s["state"], s["local"], s["remote"], "-" if s["pid"] is None else str(s["pid"]),
                      "-" if s["comm"] is None else s["comm"],
                      "-" if s["cookie"] is None else str(s["cookie"])) for s in j)
        if got != a["sockets"]:
            errs.append(f"sockets: tcplc {got[:5]}..., file {a['sockets'][:5]}...")
        for s in j:
            key = (s["state"], s["local"], s["remote"])
            lo, hi = a["moving"]["sockets"].get(key, -1), b["moving"]["sockets"].get(key, -1)
            if not (lo <= s["age_ns"] <= hi):
                errs.append(f"socket {key} age {s['age_ns']} not in [{lo}, {hi}]")
    return errs


def views(tcplc):
    rc = 0
    for view in ("summary", "states", "transitions", "transitions --raw", "hist", "reasons", "counters",
                 "keepalive", "resets", "sockets"):
        for attempt in range(8):
            a = read_raw()
            p = subprocess.run([tcplc, "-j"] + view.split(), capture_output=True, text=True)
            b = read_raw()
            if still(a, b):
                break
            time.sleep(0.5)
        else:
            print(f"fail {view}: the files never stood still")
            rc = 1
            continue
        try:
            if p.returncode:
                raise ValueError(f"exit status {p.returncode}: {p.stderr.strip()}")
            j = json.loads(p.stdout)
        except ValueError as e:
            print(f"fail {view}: not valid JSON: {e}")
            rc = 1
            continue
        errs = check(view, j, a, b)
        if view != "sockets" and j.get("view") != view.split()[0]:
            errs.append(f"view member {j.get('view')}")
        if errs:
            rc = 1
            print(f"fail {view}: {len(errs)} differences")
            for e in errs[:10]:
                print("#   " + e)
        else:
            print(f"ok {view} (attempt {attempt + 1})")
    return rc


if __name__ == "__main__":
    if sys.argv[1:2] == ["views"]:
        sys.exit(views(sys.argv[2]))
    sys.exit(2)
