#!/usr/bin/env python3
"""Validate tcplc -j output: every line one JSON object (JSON Lines), with a
real parser; NaN/Infinity are rejected.  The sockets view prints one array
of objects instead.  Usage: check_json.py FILE [VIEW]"""
import json
import sys


def reject(token):
    raise ValueError(f"non-standard JSON constant {token}")


def main():
    path = sys.argv[1]
    view = sys.argv[2] if len(sys.argv) > 2 else None
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8")  # must be valid UTF-8
    if not text.endswith("\n"):
        raise SystemExit(f"{path}: output does not end in a newline")
    lines = text[:-1].split("\n")
    for n, line in enumerate(lines, 1):
        try:
            obj = json.loads(line, parse_constant=reject)
        except ValueError as e:
            raise SystemExit(f"{path}:{n}: invalid JSON: {e}")
        if view == "sockets":
            if not isinstance(obj, list) or not all(isinstance(o, dict) for o in obj):
                raise SystemExit(f"{path}:{n}: not a JSON array of objects")
            if len(lines) != 1:
                raise SystemExit(f"{path}: sockets output is one line")
            continue
        if not isinstance(obj, dict):
            raise SystemExit(f"{path}:{n}: not a JSON object")
        if view and obj.get("view") != view:
            raise SystemExit(f"{path}:{n}: view is {obj.get('view')!r}, expected {view!r}")
    print(f"{len(lines)} JSON object(s)")


if __name__ == "__main__":
    main()
