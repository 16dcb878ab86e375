#!/usr/bin/env python3
"""Oracle for tcplc -j sockets: filter, sort and cut the sockets file as the
module and tcplc must, and compare.
Usage: check_sockets.py SOCKETS_FILE OUT.json [--state S] [--min-ms N]
                        [--sort age|lifetime] [-n N] [--where PYEXPR]
PYEXPR is a Python expression over the row: state, laddr, lport, raddr,
rport (ipaddress objects and ints, None when unknown), pid, comm, age,
lifetime (ns), and net(TEXT) = ipaddress.ip_network(TEXT)."""
import argparse
import ipaddress
import json


def addr(text):
    if text in (None, "-"):
        return None
    host, port = text.rsplit(":", 1)
    return (ipaddress.ip_address(host.strip("[]")), int(port))


def num(text):
    return None if text == "-" else int(text)


def net(text):
    return ipaddress.ip_network(text, strict=False)


def where(expr, r):
    loc, rem = r["local"] or (None, None), r["remote"] or (None, None)
    env = dict(state=r["state"], laddr=loc[0], lport=loc[1], raddr=rem[0],
               rport=rem[1], pid=r["pid"], comm=r["comm"], age=r["age"],
               lifetime=r["lifetime"], net=net)
    return eval(expr, {"__builtins__": {"getattr": getattr}}, env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("out")
    ap.add_argument("--state")
    ap.add_argument("--min-ms", type=int)
    ap.add_argument("--sort", default="age")
    ap.add_argument("-n", type=int)
    ap.add_argument("--where")
    a = ap.parse_args()
    lines = open(a.file).read().splitlines()
    hdr = lines[1].split()
    rows = []
    for line in lines[2:]:
        f = dict(zip(hdr, line.split()))
        r = dict(state=f["state"], local=addr(f["local"]), remote=addr(f["remote"]),
                 age=num(f["age"]), lifetime=num(f["lifetime"]), pid=num(f["pid"]),
                 comm=None if f["comm"] == "-" else f["comm"], cookie=num(f["cookie"]))
        if a.state and r["state"] != a.state:
            continue
        # the module: age (ns) >= min_age_ms * 10^6
        if a.min_ms is not None and (r["age"] is None or r["age"] < a.min_ms * 10**6):
            continue
        if a.where and not where(a.where, r):
            continue
        rows.append(r)
    key = a.sort
    rows.sort(key=lambda r: (r[key] is None, -(r[key] or 0)))
    if a.n:
        rows = rows[:a.n]
    got = json.loads(open(a.out).read())
    got = [dict(state=g["state"], local=addr(g["local"]), remote=addr(g["remote"]),
                age=g["age_ns"], lifetime=g["lifetime_ns"], pid=g["pid"],
                comm=g["comm"], cookie=g["cookie"]) for g in got]
    errors = []
    if [r[key] for r in got] != [r[key] for r in rows]:
        errors.append(f"{key} order differs")
    canon = lambda rs: sorted(repr(sorted(r.items())) for r in rs)
    if a.n is None and canon(got) != canon(rows):
        errors.append("the sockets differ")
    if a.n is not None:
        # ties at the cut may pick either: compare the rows above the last key
        last = rows[-1][key] if rows else None
        if canon([g for g in got if g[key] != last]) != canon([r for r in rows if r[key] != last]):
            errors.append("the sockets differ")
    if len(got) != len(rows):
        errors.append(f"{len(got)} sockets, expected {len(rows)}")
    if errors:
        raise SystemExit("\n".join(errors))
    print(f"{len(rows)} sockets checked")


if __name__ == "__main__":
    main()
