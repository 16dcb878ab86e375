#!/usr/bin/env python3
"""Check that a fixture case's files agree with each other the way the
module keeps them (Documentation/tcp_lifecycle.rst, module/lifecycle.c), so
that hand edits stay realistic.  Files a case lacks are not checked.
Usage: check_fixtures.py CASE_DIR..."""
import sys

STATES = ("ESTABLISHED SYN_SENT SYN_RECV FIN_WAIT1 FIN_WAIT2 TIME_WAIT CLOSE "
          "CLOSE_WAIT LAST_ACK LISTEN CLOSING NEW_SYN_RECV").split()
TW_END = ("timewait_expired timewait_reused_connect timewait_reused_syn "
          "timewait_killed_rst timewait_netns timewait_other").split()
REQ_DROP = ("synrecv_timeout synrecv_rst synrecv_listener_closed synrecv_netns "
            "synrecv_dropped_other").split()


def lines(path):
    try:
        text = open(path).read()
    except FileNotFoundError:
        return None
    ls = text.splitlines()
    # keepalive: version 1, or 2 (its idle histograms in keepalive_idle)
    assert ls[0] == "version 1" or (path.endswith("/keepalive") and ls[0] == "version 2"), path
    return ls[1:]


def table(ls):
    hdr = ls[0].split()
    return [dict(zip(hdr, line.split())) for line in ls[1:]]


def matrix(ls):
    m = {(a, b): 0 for a in STATES for b in STATES}
    for r in table(ls):
        m[(r["from"], r["to"])] = int(r["count"])
    return m


def dwell(f):
    """count sum min max buckets -> dict"""
    b = {int(k): int(v) for k, v in (x.split(":") for x in f[4:])}
    return dict(count=int(f[0]), sum=int(f[1]), min=int(f[2]), max=int(f[3]), b=b)


def check_case(d):
    errs = []

    def want(what, got, exp):
        if got != exp:
            errs.append(f"{what}: {got}, expected {exp}")

    def atmost(what, got, lim):
        if got > lim:
            errs.append(f"{what}: {got} > {lim}")

    def check_hist(what, h):
        want(f"{what}: count = sum of buckets", sum(h["b"].values()), h["count"])
        if not h["count"]:
            want(f"{what}: empty, sum/min/max", (h["sum"], h["min"], h["max"]), (0, 0, 0))
            return
        lo = lambda n: 0 if n == 0 else 2 ** n
        hi = lambda n: 2 ** (n + 1) - 1
        first, last = min(h["b"]), max(h["b"])
        if not lo(first) <= h["min"] <= hi(first):
            errs.append(f"{what}: min {h['min']} not in bucket {first}")
        if not lo(last) <= h["max"] <= hi(last):
            errs.append(f"{what}: max {h['max']} not in bucket {last}")
        low = sum(c * lo(n) for n, c in h["b"].items()) - lo(first) - lo(last) + h["min"] + h["max"]
        high = sum(c * hi(n) for n, c in h["b"].items()) - hi(first) - hi(last) + h["min"] + h["max"]
        if h["count"] == 1:
            low = high = h["min"]
        if not low <= h["sum"] <= high:
            errs.append(f"{what}: sum {h['sum']} outside what the buckets allow [{low}, {high}]")

    st = {r["state"]: {k: int(v) for k, v in r.items() if k != "state"}
          for r in table(lines(d + "states"))}
    life = matrix(lines(d + "transitions"))
    raw_ls = lines(d + "transitions_raw")
    raw = matrix(raw_ls) if raw_ls else None
    hist = {}
    for line in lines(d + "hist")[2:]:
        f = line.split()
        hist[f[0]] = dwell(f[1:])
        check_hist(f"hist {f[0]}", hist[f[0]])
    ctr = {k: int(v) for k, v in (l.split() for l in lines(d + "counters"))}

    for s in STATES:
        r = st[s]
        want(f"{s} entered (column sum)", r["entered"], sum(life[(a, s)] for a in STATES))
        births = life[("LISTEN", "SYN_RECV")] if s == "LISTEN" else 0
        want(f"{s} exited (row sum)", r["exited"], sum(life[(s, b)] for b in STATES) - births)
        if s == "CLOSE":
            want("CLOSE timed, untimed, now", (r["timed"], r["untimed"], r["now"]), (0, 0, 0))
            continue
        want(f"{s} timed + untimed", r["timed"] + r["untimed"], r["exited"])
        want(f"{s} timed = hist count", r["timed"], hist[s]["count"])
        atmost(f"{s} now (<= entered - timed)", r["now"], r["entered"] - r["timed"])
        if "oldest" in r and not r["now"]:
            want(f"{s} oldest without sockets", r["oldest"], 0)
    want("counters tracked = sum of now", ctr["tracked"], sum(r["now"] for r in st.values()))
    want("counters transitions = sum of raw transitions", ctr["transitions"],
         sum((raw or life).values()))

    if raw:
        for (a, b), v in raw.items():
            if "TIME_WAIT" in (a, b) or "NEW_SYN_RECV" in (a, b):
                want(f"raw {a} {b} (the kernel has no such change)", v, 0)
        for (a, b), v in life.items():
            if a == b:
                want(f"lifecycle {a} {b} (self-transitions are raw only)", v, 0)
            elif ("TIME_WAIT" not in (a, b) and "NEW_SYN_RECV" not in (a, b) and
                  b != "CLOSE" and (a, b) != ("LISTEN", "SYN_RECV")):
                want(f"raw {a} {b} = lifecycle", raw[(a, b)], v)
        want("raw LISTEN SYN_RECV = lifecycle LISTEN/NEW_SYN_RECV -> SYN_RECV",
             raw[("LISTEN", "SYN_RECV")],
             life[("LISTEN", "SYN_RECV")] + life[("NEW_SYN_RECV", "SYN_RECV")])
        for a in STATES:
            if a not in ("FIN_WAIT2", "CLOSING", "TIME_WAIT", "NEW_SYN_RECV", "CLOSE"):
                want(f"raw {a} CLOSE = lifecycle", raw[(a, "CLOSE")], life[(a, "CLOSE")])
        want("raw CLOSING CLOSE = lifecycle CLOSING -> TIME_WAIT, CLOSE",
             raw[("CLOSING", "CLOSE")],
             life[("CLOSING", "TIME_WAIT")] + life[("CLOSING", "CLOSE")])
        atmost("lifecycle FIN_WAIT2 -> TIME_WAIT, CLOSE (<= raw FIN_WAIT2 CLOSE + rearms)",
               life[("FIN_WAIT2", "TIME_WAIT")], raw[("FIN_WAIT2", "CLOSE")])

    if "synrecv_created" in ctr:
        want("synrecv_created = CLOSE -> NEW_SYN_RECV", ctr["synrecv_created"],
             life[("CLOSE", "NEW_SYN_RECV")])
        want("synrecv_completed = NEW_SYN_RECV -> SYN_RECV", ctr["synrecv_completed"],
             life[("NEW_SYN_RECV", "SYN_RECV")])
        want("synrecv drops = NEW_SYN_RECV -> CLOSE", sum(ctr[k] for k in REQ_DROP),
             life[("NEW_SYN_RECV", "CLOSE")])
        tw = sum(ctr[k] for k in TW_END)
        if not life[("TIME_WAIT", "CLOSE")] <= tw <= (life[("TIME_WAIT", "CLOSE")] +
                                                    life[("FIN_WAIT2", "CLOSE")]):
            errs.append(f"timewait ends {tw}: not TIME_WAIT -> CLOSE plus at most "
                        f"the FIN_WAIT2 -> CLOSE of orphans")

    rs_ls = lines(d + "reasons")
    rs = {}
    if rs_ls:
        ends = 0
        for line in rs_ls[2:]:
            f = line.split()
            rs[f[0]] = dict(dwell([f[1]] + f[3:]), unknown=int(f[2]))
            check_hist(f"reasons {f[0]}", rs[f[0]])
            ends += int(f[1]) + int(f[2])
            if f[0] == "orderly_active":
                atmost("TIME_WAIT -> CLOSE (ends orderly_active)",
                       life[("TIME_WAIT", "CLOSE")], int(f[1]) + int(f[2]))
        want("reasons: ends = X -> CLOSE but from LISTEN, NEW_SYN_RECV", ends,
             sum(life[(a, "CLOSE")] for a in STATES
                 if a not in ("LISTEN", "NEW_SYN_RECV", "CLOSE")))

    ka_ls = lines(d + "keepalive")
    if ka_ls is not None:
        want("keepalive line 2", ka_ls[0], "unit ns")
        hdr = ka_ls.index("hist name count sum min max buckets")
        kv = {k: int(v) for k, v in (x.split() for x in ka_ls[1:hdr])}
        kh = {}
        idle_ls = lines(d + "keepalive_idle")
        if idle_ls is not None:
            want("keepalive_idle line 2", idle_ls[0], "unit ns")
            want("keepalive_idle line 3", idle_ls[1], "hist name count sum min max buckets")
            idle_ls = idle_ls[2:]
        for line in ka_ls[hdr + 1:] + (idle_ls or []):
            f = line.split()
            want(f"histogram {f[0]} {f[1]} once", f"{f[0]} {f[1]}" in kh, False)
            kh[f"{f[0]} {f[1]}"] = dwell(f[2:])
            check_hist(f"keepalive {f[0]} {f[1]}", kh[f"{f[0]} {f[1]}"])

        def backoff(retries, base_ms):
            """tcp_model_timeout(): doubling up to TCP_RTO_MAX, then linear"""
            rto_max = 120000
            thresh = (rto_max // base_ms).bit_length() - 1
            if retries <= thresh:
                return ((2 << retries) - 1) * base_ms * 10 ** 6
            return (((2 << thresh) - 1) * base_ms + (retries - thresh) * rto_max) * 10 ** 6
        want("worst_detect_keepalive = time + intvl * probes", kv["worst_detect_keepalive"],
             kv["keepalive_time"] + kv["keepalive_intvl"] * kv["keepalive_probes"])
        want("worst_detect_retrans (tcp_retries2, TCP_RTO_MIN)", kv["worst_detect_retrans"],
             backoff(kv["tcp_retries2"], 200))
        want("worst_detect_syn (tcp_syn_retries, 1 s)", kv["worst_detect_syn"],
             backoff(kv["tcp_syn_retries"], 1000))
        want("timer_runs = sum of the outcomes", kv["timer_runs"],
             sum(kv["timer_" + k] for k in ("sent_probe", "not_due", "data_in_flight",
                                            "fin_wait2", "killed", "other")))
        want("probes_sent = timer_sent_probe", kv["probes_sent"], kv["timer_sent_probe"])
        atmost("probes_answered + keepalive kills (each episode >= 1 probe)",
               kv["probes_answered"] + kh["detect keepalive"]["count"], kv["probes_sent"])
        want("established_keepalive_on + off = ESTABLISHED now",
             kv["established_keepalive_on"] + kv["established_keepalive_off"],
             st["ESTABLISHED"]["now"])
        for k in ("on", "off") if "idle keepalive_on" in kh else ():
            h = kh[f"idle keepalive_{k}"]
            want(f"idle keepalive_{k} count = established_keepalive_{k}", h["count"],
                 kv[f"established_keepalive_{k}"])
            if "oldest" in st["ESTABLISHED"]:
                atmost(f"idle keepalive_{k} max (<= ESTABLISHED oldest)", h["max"],
                       st["ESTABLISHED"]["oldest"])
        if rs:
            for way, reason in (("keepalive", "keepalive_timeout"), ("retrans", "retrans_timeout")):
                want(f"detect {way} count = {reason} ends", kh[f"detect {way}"]["count"],
                     rs[reason]["count"] + rs[reason]["unknown"])
            sy = dict(rs["syn_timeout"])
            del sy["unknown"]
            want("detect syn = the known syn_timeout lifetimes", kh["detect syn"], sy)
            atmost("keepalive_timeout + fin_wait2_timeout ends (<= timer_killed)",
                   sum(rs[r]["count"] + rs[r]["unknown"]
                       for r in ("keepalive_timeout", "fin_wait2_timeout")),
                   kv["timer_killed"])

    sk_ls = lines(d + "sockets")
    if sk_ls is not None:
        socks = table(sk_ls)
        want("sockets: one line per tracked socket", len(socks), ctr["tracked"])
        for s in STATES:
            mine = [x for x in socks if x["state"] == s]
            want(f"sockets in {s} = now", len(mine), st[s]["now"])
            if mine and "oldest" in st[s]:
                want(f"sockets in {s}: longest age = oldest",
                     max(int(x["age"]) for x in mine), st[s]["oldest"])
        for x in socks:
            if x["lifetime"] != "-" and int(x["lifetime"]) < int(x["age"]):
                errs.append(f"socket {x['local']} {x['remote']}: lifetime < age")
            if x["state"] in ("SYN_SENT", "NEW_SYN_RECV", "LISTEN") and x["lifetime"] != x["age"]:
                errs.append(f"socket {x['local']} in its first state: lifetime != age")
    return errs


def main():
    bad = 0
    for d in sys.argv[1:]:
        errs = check_case(d.rstrip("/") + "/net/tcp_lifecycle/")
        for e in errs[:20]:
            print(f"{d}: {e}")
        bad += len(errs)
        if not errs:
            print(f"{d}: ok")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
