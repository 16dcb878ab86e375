#!/usr/bin/env python3
"""Validate tcplc --prometheus output with prometheus_client's parser
(Debian: python3-prometheus-client) plus the rules the parser is lenient
about.  Usage: check_prom.py FILE.  Exit 0 ok, 1 invalid, 77 parser missing."""
import math
import re
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("prometheus_client not importable", file=sys.stderr)
    sys.exit(77)

PREFIX = "tcp_lifecycle_"
NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


def fail(msg):
    print(f"invalid: {msg}", file=sys.stderr)
    sys.exit(1)


def check_layout(text):
    """HELP and TYPE before the samples of each family; families not interleaved."""
    declared, seen_done, current = {}, set(), None
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            if len(parts) < 4:
                fail(f"line {n}: short {parts[1]} line")
            name = parts[2]
            if name in seen_done:
                fail(f"line {n}: family {name} declared again")
            declared.setdefault(name, set()).add(parts[1])
            if current and current != name:
                seen_done.add(current)
            current = name
            continue
        if not line or line.startswith("#"):
            fail(f"line {n}: unexpected line {line!r}")
        metric = re.split(r"[{ ]", line, 1)[0]
        if not metric.startswith(current or "\0"):
            fail(f"line {n}: sample {metric} outside its family block ({current})")
        if declared.get(current) != {"HELP", "TYPE"}:
            fail(f"line {n}: family {current} lacks HELP or TYPE")
    if not text.endswith("\n"):
        fail("no final newline")


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    check_layout(text)
    families = list(text_string_to_metric_families(text))
    if not families:
        fail("no metric families")
    seen = set()
    nsamples = 0
    for fam in families:
        if not fam.name.startswith(PREFIX) or not NAME.match(fam.name):
            fail(f"bad family name {fam.name}")
        if fam.type not in ("counter", "gauge", "histogram"):
            fail(f"{fam.name}: type {fam.type}")
        if not fam.documentation:
            fail(f"{fam.name}: no HELP")
        hist = {}
        for s in fam.samples:
            nsamples += 1
            key = (s.name, tuple(sorted(s.labels.items())))
            if key in seen:
                fail(f"duplicate sample {key}")
            seen.add(key)
            if not math.isfinite(s.value) or s.value < 0:
                fail(f"{s.name}: bad value {s.value}")
            if fam.type == "counter" and not s.name.endswith("_total"):
                fail(f"counter sample {s.name} without _total")
            if fam.type == "histogram":
                labels = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
                h = hist.setdefault(labels, {"buckets": [], "count": None, "sum": None})
                if s.name.endswith("_bucket"):
                    h["buckets"].append((float(s.labels["le"]), s.value))
                elif s.name.endswith("_count"):
                    h["count"] = s.value
                elif s.name.endswith("_sum"):
                    h["sum"] = s.value
        for labels, h in hist.items():
            les = [le for le, _ in h["buckets"]]
            if les != sorted(les) or len(set(les)) != len(les):
                fail(f"{fam.name}{labels}: le not strictly increasing")
            if not les or les[-1] != math.inf:
                fail(f"{fam.name}{labels}: no le=\"+Inf\" bucket")
            vals = [v for _, v in h["buckets"]]
            if any(b < a for a, b in zip(vals, vals[1:])):
                fail(f"{fam.name}{labels}: buckets not cumulative")
            if h["count"] is None or h["sum"] is None:
                fail(f"{fam.name}{labels}: _count or _sum missing")
            if vals[-1] != h["count"]:
                fail(f"{fam.name}{labels}: +Inf bucket {vals[-1]} != _count {h['count']}")
    print(f"{len(families)} families, {nsamples} samples")


if __name__ == "__main__":
    main()
