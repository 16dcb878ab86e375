#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run.sh - tcplc test suite.  Host-side: no module, no VM, no root.
#
#   tests/run.sh [--name NAME] [--update] /path/to/tcplc
#
# Prints KTAP-style "ok N name" / "not ok N name" lines (details as "#"
# lines), then "NAME: N passed, N failed, N skipped"; exits 1 on a failure.
#
# Fixtures live in tests/fixtures/<case>/net/tcp_lifecycle/{states,
# transitions,transitions_raw,hist,reasons,counters,sockets,keepalive} and are read
# with --proc-root (tests/fixtures/README; tests/check_fixtures.py checks
# that a case's files agree).  Expected outputs are
# tests/expected/<case>.<view>.<txt|json|prom>; --update rewrites them from
# the binary: review every diff (git diff) before keeping it.
#
# Watch mode is tested with the testing hook TCPLC_TEST_SERIES=EPOCH: with it,
# sample k (k = 0 is the baseline) is read from "<proc root>.k", i.e.
# --proc-root tests/fixtures/watch reads tests/fixtures/watch.0, watch.1,
# watch.2; nothing sleeps, sample k is stamped EPOCH + k * interval and each
# interval lasts exactly -i seconds, so deltas, rates and timestamps are
# reproducible (TZ is set below).
#
# Needs: bash, coreutils, diffutils, python3.  Optional (else SKIP):
# python3-prometheus-client (Prometheus parser), util-linux setpriv (EACCES
# when run as root), iproute2 + root (-N with a real netns), groff (man page).

set -u

NAME=tcplc
UPDATE=0
while [ $# -gt 1 ]; do
	case $1 in
	--name) NAME=$2; shift 2 ;;
	--update) UPDATE=1; shift ;;
	*) break ;;
	esac
done
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: $0 [--name NAME] [--update] /path/to/tcplc" >&2
	exit 2
fi
TCPLC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(dirname "$HERE")
FIX=$HERE/fixtures
EXP=$HERE/expected
PYTHON=${PYTHON:-python3}
TMP=$(mktemp -d /tmp/tcplc-test.XXXXXX)
NETNS=
cleanup() {
	chmod -R u+rwX "$TMP" 2>/dev/null
	rm -rf "$TMP"
	[ -n "$NETNS" ] && ip netns del "$NETNS" 2>/dev/null
}
trap cleanup EXIT

export TZ=UTC LC_ALL=C
unset TCPLC_PROC_ROOT TCPLC_TEST_SERIES COLUMNS
SERIES_EPOCH=1700000000 # 2023-11-14T22:13:20Z

# An interpreter that has prometheus_client (python3 may be a pyenv shim).
PROM_PY=
for py in "$PYTHON" python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 &&
	   "$py" -c 'import prometheus_client.parser' 2>/dev/null; then
		PROM_PY=$py
		break
	fi
done

n=0 passed=0 failed=0 skipped=0
echo "KTAP version 1"
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n $1"; }
skip() { n=$((n + 1)); skipped=$((skipped + 1)); echo "ok $n $1 # SKIP $2"; }
not_ok() {
	local name=$1 f
	shift
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n $name"
	for f in "$@"; do
		[ -f "$f" ] && sed 's/^/# /' "$f" | head -40 || echo "# $f"
	done
}

# golden NAME EXPECTED_FILE CMD... : exit 0, empty stderr, stdout == expected
golden() {
	local name=$1 exp=$EXP/$2 rc
	shift 2
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$name" "exit status $rc" "$TMP/err"
		return 1
	fi
	if [ -s "$TMP/err" ]; then
		not_ok "$name" "unexpected stderr:" "$TMP/err"
		return 1
	fi
	[ $UPDATE = 1 ] && cp "$TMP/out" "$exp"
	if [ ! -f "$exp" ]; then
		not_ok "$name" "missing $exp (run with --update and review)"
		return 1
	fi
	if ! diff -u "$exp" "$TMP/out" >"$TMP/diff"; then
		not_ok "$name" "$TMP/diff"
		return 1
	fi
	ok "$name"
}

check_json() { # NAME FILE VIEW
	if "$PYTHON" "$HERE/check_json.py" "$2" "$3" >"$TMP/chk" 2>&1; then
		ok "$1"
	else
		not_ok "$1" "$TMP/chk"
	fi
}

# and Prometheus' own promtool (Debian: prometheus), when installed
PROMTOOL=$(command -v promtool || true)
check_prom() { # NAME FILE
	if [ -z "$PROM_PY" ]; then
		skip "$1" "python3-prometheus-client not installed"
	elif ! "$PROM_PY" "$HERE/check_prom.py" "$2" >"$TMP/chk" 2>&1; then
		not_ok "$1" "$TMP/chk"
	elif [ -n "$PROMTOOL" ] && ! "$PROMTOOL" check metrics <"$2" >"$TMP/chk" 2>&1; then
		not_ok "$1" "promtool check metrics:" "$TMP/chk"
	else
		ok "$1"
	fi
}

# fails NAME RC PATTERN CMD... : exit RC, stderr contains PATTERN, no stdout
fails() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	timeout 20 "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -ne "$want" ]; then
		not_ok "$name" "exit status $rc, expected $want" "$TMP/err"
	elif ! grep -qF -- "$pat" "$TMP/err"; then
		not_ok "$name" "stderr lacks: $pat" "$TMP/err"
	elif [ -s "$TMP/out" ]; then
		not_ok "$name" "unexpected stdout:" "$TMP/out"
	else
		ok "$name"
	fi
}

# A writable copy of fixture basic in $TMP/c; prints the module dir.
mkcase() {
	rm -rf "$TMP/c"
	cp -r "$FIX/basic" "$TMP/c"
	echo "$TMP/c/net/tcp_lifecycle"
}

# bad NAME FILE RC PATTERN [VIEW] < content : FILE replaced by stdin.
# (Never pipe into bad: the counters would be updated in a subshell.)
bad() {
	local name=$1 file=$2 rc=$3 pat=$4 dir
	shift 4
	dir=$(mkcase)
	cat >"$dir/$file"
	fails "$name" "$rc" "$pat" "$TCPLC" --proc-root "$TMP/c" "$@"
}

# ---------------------------------------------------------------- views
VIEWS="summary states transitions hist reasons keepalive counters"
CASES="basic busy empty edge"
for case in $CASES; do
	for view in $VIEWS; do
		args=(--proc-root "$FIX/$case" "$view")
		golden "$case.$view.txt" "$case.$view.txt" "$TCPLC" "${args[@]}"
		golden "$case.$view.json" "$case.$view.json" "$TCPLC" -j "${args[@]}" &&
			check_json "$case.$view.json parses" "$TMP/out" "$view"
		golden "$case.$view.prom" "$case.$view.prom" "$TCPLC" --prometheus "${args[@]}" &&
			check_prom "$case.$view.prom parses" "$TMP/out"
	done
	# the kernel's view of the transitions, the lifetime histograms
	args=(--proc-root "$FIX/$case")
	golden "$case.transitions --raw" "$case.transitions-raw.txt" "$TCPLC" "${args[@]}" transitions --raw
	golden "$case.transitions --raw -j" "$case.transitions-raw.json" "$TCPLC" "${args[@]}" -j transitions --raw &&
		check_json "$case.transitions --raw -j parses" "$TMP/out" transitions
	golden "$case.transitions --raw --prometheus" "$case.transitions-raw.prom" \
		"$TCPLC" "${args[@]}" --prometheus transitions --raw &&
		check_prom "$case.transitions --raw --prometheus parses" "$TMP/out"
	golden "$case.reasons --hist" "$case.reasons-hist.txt" "$TCPLC" "${args[@]}" reasons --hist
	golden "$case.keepalive --hist" "$case.keepalive-hist.txt" "$TCPLC" "${args[@]}" keepalive --hist
	# sockets: text and JSON (an array); no Prometheus output
	golden "$case.sockets.txt" "$case.sockets.txt" "$TCPLC" "${args[@]}" sockets
	golden "$case.sockets.json" "$case.sockets.json" "$TCPLC" "${args[@]}" -j sockets &&
		check_json "$case.sockets.json parses" "$TMP/out" sockets
done

# keepalive version 2: the idle times in keepalive_idle (root's), read too
for view in "keepalive" "keepalive --hist" summary; do
	kv=${view// --/-}
	golden "ka2.$view.txt" "ka2.$kv.txt" "$TCPLC" --proc-root "$FIX/ka2" $view
done
golden "ka2.keepalive.json" ka2.keepalive.json "$TCPLC" --proc-root "$FIX/ka2" -j keepalive &&
	check_json "ka2.keepalive.json parses" "$TMP/out" keepalive
golden "ka2.keepalive.prom" ka2.keepalive.prom "$TCPLC" --proc-root "$FIX/ka2" --prometheus keepalive &&
	check_prom "ka2.keepalive.prom parses" "$TMP/out"
# ... and without it (not root): no idle times, the rest as it is
rm -rf "$TMP/c"
cp -r "$FIX/ka2" "$TMP/c"
rm "$TMP/c/net/tcp_lifecycle/keepalive_idle"
for view in "keepalive" "keepalive --hist"; do
	kv=${view// --/-}
	golden "ka2 without keepalive_idle: $view" "ka2-noidle.$kv.txt" "$TCPLC" --proc-root "$TMP/c" $view
done
golden "ka2 without keepalive_idle: keepalive -j" ka2-noidle.keepalive.json "$TCPLC" --proc-root "$TMP/c" -j keepalive &&
	check_json "ka2 without keepalive_idle: keepalive -j parses" "$TMP/out" keepalive
golden "ka2 without keepalive_idle: keepalive --prometheus" ka2-noidle.keepalive.prom \
	"$TCPLC" --proc-root "$TMP/c" --prometheus keepalive &&
	check_prom "ka2 without keepalive_idle: keepalive --prometheus parses" "$TMP/out"

# fixtures agree with themselves as the module's files would
if "$PYTHON" "$HERE/check_fixtures.py" "$FIX"/{basic,busy,empty,legacy,ka2,watch.0,watch.1,watch.2} \
	>"$TMP/chk" 2>&1; then
	ok "fixtures are consistent (check_fixtures.py)"
else
	not_ok "fixtures are consistent (check_fixtures.py)" "$TMP/chk"
fi

# an independent oracle (tests/check_oracle.py) recomputes the numbers
# (percentile buckets, averages, cumulative Prometheus buckets, close reason
# shares) from the fixture files and compares them with tcplc's output
for case in $CASES; do
	if ! { "$TCPLC" --proc-root "$FIX/$case" -j >"$TMP/s.json" &&
	       "$TCPLC" --proc-root "$FIX/$case" -j hist >"$TMP/h.json" &&
	       "$TCPLC" --proc-root "$FIX/$case" --prometheus >"$TMP/s.prom" &&
	       "$TCPLC" --proc-root "$FIX/$case" -j reasons >"$TMP/r.json" &&
	       "$TCPLC" --proc-root "$FIX/$case" -j keepalive >"$TMP/k.json"; } 2>"$TMP/chk"; then
		not_ok "oracle: $case" "tcplc failed" "$TMP/chk"
	elif "$PYTHON" "$HERE/check_oracle.py" "$FIX/$case" "$TMP/s.json" "$TMP/h.json" \
		"$TMP/s.prom" "$TMP/r.json" "$TMP/k.json" >"$TMP/chk" 2>&1; then
		ok "oracle: $case"
	else
		not_ok "oracle: $case" "$TMP/chk"
	fi
done

# sockets: the filter applied to a plain file (--proc-root) as the module
# applies it, then sorted and cut; tests/check_sockets.py recomputes it
sockets_oracle() { # NAME CASE ORACLE_ARGS -- TCPLC_ARGS
	local name=$1 case=$2 oargs=()
	shift 2
	while [ "$1" != -- ]; do oargs+=("$1"); shift; done
	shift
	if ! "$TCPLC" --proc-root "$FIX/$case" -j sockets "$@" >"$TMP/k.json" 2>"$TMP/chk"; then
		not_ok "$name" "tcplc failed" "$TMP/chk"
	elif "$PYTHON" "$HERE/check_sockets.py" "$FIX/$case/net/tcp_lifecycle/sockets" \
		"$TMP/k.json" "${oargs[@]}" >"$TMP/chk" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "$TMP/chk"
	fi
}
sockets_oracle "sockets oracle: busy, all" busy --
sockets_oracle "sockets oracle: busy, CLOSE_WAIT older than 60s" busy \
	--state CLOSE_WAIT --min-ms 60000 -- --state close_wait --older-than 60s
sockets_oracle "sockets oracle: busy, older than 1m30s by lifetime, 25" busy \
	--min-ms 90000 --sort lifetime -n 25 -- --older-than 1m30s --sort lifetime -n 25
sockets_oracle "sockets oracle: busy, TIME_WAIT older than 59999ms" busy \
	--state TIME_WAIT --min-ms 59999 -- --state TIME_WAIT --older-than 59999ms
sockets_oracle "sockets oracle: edge, older than 60s (boundary)" edge \
	--min-ms 60000 -- --older-than 60s
sockets_oracle "sockets oracle: edge, by lifetime" edge --sort lifetime -- --sort lifetime
# filter expressions (ss-style), checked against the oracle's own reading
v4in() { echo "($1 is not None and $1.version == 4 and $1 in net('$2'))"; }
sockets_oracle "filter: sport = :8443" busy --where "lport == 8443" -- sport = :8443
sockets_oracle "filter: dport >= :1024" busy --where "rport is not None and rport >= 1024" \
	-- 'dport >= :1024'
sockets_oracle "filter: state close-wait and sport = :8443 (the question)" busy \
	--where "state == 'CLOSE_WAIT' and lport == 8443" -- state close-wait and sport = :8443
sockets_oracle "filter: dst 10.0.0.0/8" busy --where "$(v4in raddr 10.0.0.0/8)" -- dst 10.0.0.0/8
sockets_oracle "filter: src 10.0.0.5:8443" busy \
	--where "$(v4in laddr 10.0.0.5/32) and lport == 8443" -- src 10.0.0.5:8443
sockets_oracle "filter: dst IPv6 CIDR [2001:db8:8000::]/33" busy \
	--where "raddr is not None and raddr.version == 6 and raddr in net('2001:db8:8000::/33')" \
	-- dst '[2001:db8:8000::]/33'
sockets_oracle "filter: src IPv6 without brackets" busy \
	--where "laddr is not None and laddr.version == 6 and laddr in net('2001:db8::/32')" \
	-- src 2001:db8::/32
sockets_oracle "filter: pid, or, parentheses" busy \
	--where "(pid == 2100 or pid == 1877) and state != 'LISTEN'" \
	-- '(pid = 2100 or pid 1877) and not state listen'
sockets_oracle "filter: comm glob, !=" busy \
	--where "comm is not None and comm.startswith('ngi') and rport != 0" -- comm 'ngi*' dport != 0
sockets_oracle "filter: age and lifetime comparisons" busy \
	--where "age is not None and age > 30 * 60 * 10**9 and lifetime is not None and lifetime <= 50 * 60 * 10**9" \
	-- age gt 30m lifetime le 50m
sockets_oracle "filter: with --state and --older-than" busy --state CLOSE_WAIT --min-ms 60000 \
	--where "pid != 3377" -- --state CLOSE_WAIT --older-than 60s not pid 3377
sockets_oracle "filter: dst 0.0.0.0/0 is every IPv4 peer, IPv4-mapped too" edge \
	--where "raddr is not None and (raddr.version == 4 or raddr.ipv4_mapped is not None)" \
	-- dst 0.0.0.0/0
F=("$TCPLC" --proc-root "$FIX/busy" sockets)
fails "filter: unknown term names it: exit 2" 2 "bad filter at 'port': unknown term" "${F[@]}" port 80
fails "filter: bad port names it" 2 "bad filter at ':http': expected a port" "${F[@]}" sport = :http
fails "filter: port out of range" 2 "bad filter at '65536'" "${F[@]}" dport 65536
fails "filter: prefix too long (IPv4)" 2 "bad filter at '10.0.0.0/33': prefix length must be 0 to 32" \
	"${F[@]}" dst 10.0.0.0/33
fails "filter: prefix too long (IPv6)" 2 "prefix length must be 0 to 128" "${F[@]}" src '[::]/129'
fails "filter: bad address" 2 "bad filter at '10.0.0.256/8': not an IPv4 or IPv6 address" \
	"${F[@]}" dst 10.0.0.256/8
fails "filter: < for an address" 2 "bad filter at '<': only = and != compare this" "${F[@]}" src '<' 10.0.0.1
fails "filter: unknown state" 2 "bad filter at 'closewait': unknown state" "${F[@]}" state closewait
fails "filter: bad duration" 2 "bad filter at '5x': expected a duration" "${F[@]}" age '>' 5x
fails "filter: missing value" 2 "bad filter at its end: 'sport' needs a value" "${F[@]}" sport =
fails "filter: unbalanced (" 2 "bad filter at its end: expected ')'" "${F[@]}" '(' sport 1
fails "filter: unbalanced )" 2 "bad filter at ')': unbalanced ')'" "${F[@]}" sport 1 ')'
fails "filter: dangling or" 2 "bad filter at its end: expected a term" "${F[@]}" sport 1 or
fails "filter: on another view" 2 "unexpected argument 'sport'" "$TCPLC" --proc-root "$FIX/busy" states sport 1
golden "filter: state close-wait and sport = :8443 -n 3" busy.sockets-filter.txt \
	sh -c '"$@" 2>/dev/null' sh "${F[@]}" -n 3 state close-wait and 'sport = :8443'
# durations as tcplc prints them are accepted, fractions included
sockets_oracle "sockets oracle: --older-than 1.5s" busy --min-ms 1500 -- --older-than 1.5s
sockets_oracle "sockets oracle: --older-than 0.25m" busy --min-ms 15000 -- --older-than 0.25m
sockets_oracle "sockets oracle: --older-than 2.5 (seconds)" basic --min-ms 2500 -- --older-than 2.5
sockets_oracle "sockets oracle: --older-than 1m02.5s" busy --min-ms 62500 -- --older-than 1m02.5s
sockets_oracle "filter: age >= 1.20s" busy --where "age is not None and age >= 1200000000" -- age '>=' 1.20s
# each AGE printed, given back as --older-than, still lists that socket
COLUMNS=300 "$TCPLC" --proc-root "$FIX/busy" sockets | awk 'NR > 1 { print NR - 1, $4 }' |
	awk 'NR % 97 == 1' >"$TMP/ages"
bad_ages=
while read -r row age; do
	got=$(COLUMNS=300 "$TCPLC" --proc-root "$FIX/busy" sockets --older-than "$age" | wc -l)
	[ "$((got - 1))" -ge "$row" ] || bad_ages="$bad_ages [$age: $((got - 1)) < $row]"
done <"$TMP/ages"
if [ -s "$TMP/ages" ] && [ -z "$bad_ages" ]; then
	ok "sockets: every printed AGE is accepted back by --older-than ($(wc -l <"$TMP/ages") tried)"
else
	not_ok "sockets: every printed AGE is accepted back by --older-than" "$bad_ages"
fi
# one format: no OLDEST in plain seconds beyond a minute; alerts never read
# "X (> X)"
if ! grep -hE '(^| )[0-9]{3,}s( |$)' "$EXP"/{basic,busy,edge,empty}.summary.txt "$EXP"/*.states.txt \
	>"$TMP/chk" && ! grep -hE 'for ([^ ]+) \(> \1\)' "$EXP"/*.txt >>"$TMP/chk"; then
	ok "durations: one format, no contradicting comparison"
else
	not_ok "durations: one format, no contradicting comparison" "$TMP/chk"
fi
golden "sockets: the leak finder" busy.sockets-close-wait.txt \
	sh -c '"$@" 2>/dev/null' sh "$TCPLC" --proc-root "$FIX/busy" sockets --state CLOSE_WAIT --older-than 60s -n 10
golden "sockets: state and age filter at the boundary" edge.sockets-60s.txt \
	"$TCPLC" --proc-root "$FIX/edge" sockets --older-than 1m
golden "sockets: nothing matches" basic.sockets-none.txt \
	"$TCPLC" --proc-root "$FIX/basic" sockets --state CLOSE_WAIT
golden "sockets: -n, sorted by lifetime" basic.sockets-n.txt \
	sh -c '"$@" 2>/dev/null' sh "$TCPLC" --proc-root "$FIX/basic" sockets --sort lifetime -n 3
golden "sockets: -j with a filter" basic.sockets-tw.json \
	"$TCPLC" --proc-root "$FIX/basic" -j sockets --state time-wait --older-than 2s &&
	check_json "sockets: -j with a filter parses" "$TMP/out" sockets
# a copy of the file is never written to (the filter goes to the module only)
dir=$(mkcase)
cp "$dir/sockets" "$TMP/sockets.orig"
"$TCPLC" --proc-root "$TMP/c" sockets --state TIME_WAIT --older-than 1s >/dev/null 2>&1
if cmp -s "$dir/sockets" "$TMP/sockets.orig"; then
	ok "sockets: a plain file is not written to"
else
	not_ok "sockets: a plain file is not written to"
fi

# -H: no header lines; the "(N of M shown)" footer goes to stderr
"$TCPLC" --proc-root "$FIX/busy" sockets -n 2 state close-wait >"$TMP/out" 2>"$TMP/err"
if [ "$(cat "$TMP/err")" = "(2 of 210 sockets shown)" ] && [ "$(wc -l <"$TMP/out")" -eq 3 ] &&
   ! grep -q shown "$TMP/out"; then
	ok "sockets -n: the footer on stderr, the rows on stdout"
else
	not_ok "sockets -n: the footer on stderr, the rows on stdout" "$TMP/out" "$TMP/err"
fi
for v in sockets states counters "transitions --list" reasons; do
	# shellcheck disable=SC2086
	"$TCPLC" --proc-root "$FIX/basic" $v | sed 1d >"$TMP/want"
	# shellcheck disable=SC2086
	"$TCPLC" --proc-root "$FIX/basic" -H $v >"$TMP/got" 2>&1
	if [ -s "$TMP/want" ] && diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		ok "-H: $v without its header"
	else
		not_ok "-H: $v without its header" "$TMP/diff"
	fi
done
COLUMNS=300 "$TCPLC" --proc-root "$FIX/busy" --no-header sockets state close-wait >"$TMP/out" 2>&1
if [ "$(wc -l <"$TMP/out")" -eq 210 ] && ! grep -q '^STATE' "$TMP/out"; then
	ok "--no-header: 210 CLOSE_WAIT lines, nothing else"
else
	not_ok "--no-header: 210 CLOSE_WAIT lines, nothing else" "$TMP/out"
fi

# --buckets: fewer histogram buckets, each one exact (the same cumulative
# count at the same bound as the full output), +Inf, _sum, _count kept
if [ -z "$PROMTOOL" ]; then
	skip "promtool check metrics on every Prometheus output" "promtool not installed (Debian: prometheus)"
else
	ok "promtool check metrics on every Prometheus output (check_prom)"
fi
"$TCPLC" --proc-root "$FIX/busy" --prometheus >"$TMP/full.prom"
for b in 4 16 1ms,100ms,1s,1m; do
	"$TCPLC" --proc-root "$FIX/busy" --prometheus --buckets "$b" >"$TMP/out" 2>"$TMP/err"
	case $b in 4) per=25 ;; 16) per=13 ;; *) per=5 ;; esac
	if "$PYTHON" - "$TMP/full.prom" "$TMP/out" "$per" "$b" >"$TMP/chk" 2>&1 <<'PY'
import collections, sys
full = dict(l.rstrip("\n").rsplit(" ", 1) for l in open(sys.argv[1]) if not l.startswith("#"))
got = [l.rstrip("\n").rsplit(" ", 1) for l in open(sys.argv[2]) if not l.startswith("#")]
per = collections.Counter()
for k, v in got:
    if full.get(k) != v:
        sys.exit(f"{k} {v}: full output has {full.get(k)}")
    if "_bucket{" in k:
        per[k.split(",le=")[0]] += 1
want = {k for k in full if "_bucket{" not in k}
if want - {k for k, _ in got}:
    sys.exit(f"missing: {sorted(want - {k for k, _ in got})[:3]}")
if set(per.values()) != {int(sys.argv[3])}:
    sys.exit(f"buckets per histogram: {set(per.values())}")
if sys.argv[4].startswith("1ms") and not any('le="0.000524288"' in k for k, _ in got):
    sys.exit("1ms not rounded down to 2^19 ns")
print(f"{len(per)} histograms, {sys.argv[3]} buckets each")
PY
	then
		ok "--buckets $b: exact subset of the full histograms ($(cat "$TMP/chk"))"
		check_prom "--buckets $b parses" "$TMP/out"
	else
		not_ok "--buckets $b: exact subset of the full histograms" "$TMP/chk" "$TMP/err"
	fi
done
fails "usage: --buckets 3" 2 "invalid --buckets '3'" "$TCPLC" --proc-root "$FIX/basic" --prometheus --buckets 3
fails "usage: --buckets 1x" 2 "invalid --buckets '1x'" "$TCPLC" --proc-root "$FIX/basic" --prometheus --buckets 1x
fails "usage: --buckets without --prometheus" 2 "--buckets is an option of --prometheus" \
	"$TCPLC" --proc-root "$FIX/basic" --buckets 4

# alerts as metrics: the same alerts as the JSON summary's, with the value
# compared (CLOSE_WAIT: the fixture's oldest, in seconds) and the threshold
for case in busy edge basic; do
	"$TCPLC" --proc-root "$FIX/$case" -j >"$TMP/a.json"
	"$TCPLC" --proc-root "$FIX/$case" --prometheus >"$TMP/a.prom"
	if "$PYTHON" - "$TMP/a.json" "$TMP/a.prom" "$FIX/$case/net/tcp_lifecycle/states" \
		>"$TMP/chk" 2>&1 <<'PY'
import json, re, sys
want = sorted((a["id"], a.get("state", "")) for a in json.load(open(sys.argv[1]))["alerts"])
got, val, thr = [], {}, {}
for l in open(sys.argv[2]):
    m = re.match(r'tcp_lifecycle_alert(_value|_threshold)?\{alert="([a-z_]+)"(?:,state="([A-Z_0-9]+)")?\} (\S+)$', l)
    if not m:
        continue
    key = (m[2], m[3] or "")
    {None: lambda: got.append((key, m[4])), "_value": lambda: val.__setitem__(key, float(m[4])),
     "_threshold": lambda: thr.__setitem__(key, float(m[4]))}[m[1]]()
if sorted(k for k, _ in got) != want or any(v != "1" for _, v in got):
    sys.exit(f"alerts {got}, JSON has {want}")
if set(val) != set(want) or set(thr) != set(want):
    sys.exit("value or threshold missing")
for k in want:
    if val[k] <= thr[k]:
        sys.exit(f"{k}: value {val[k]} not above threshold {thr[k]}")
lines = open(sys.argv[3]).read().split("\n")
hdr = lines[1].split()
for l in lines[2:]:
    f = dict(zip(hdr, l.split()))
    if f.get("state") == "CLOSE_WAIT" and ("close_wait_stuck", "CLOSE_WAIT") in val:
        if abs(val[("close_wait_stuck", "CLOSE_WAIT")] - int(f["oldest"]) / 1e9) > 1e-6:
            sys.exit("close_wait_stuck value is not the oldest CLOSE_WAIT")
print(f"{len(want)} alerts")
PY
	then
		ok "$case: alerts as metrics match the summary's ($(cat "$TMP/chk"))"
	else
		not_ok "$case: alerts as metrics match the summary's" "$TMP/chk"
	fi
done

# thresholds by option and by config file (busy: TIME_WAIT now 1003,
# oldest CLOSE_WAIT 45m14s, 800 established without keepalive)
thr_case() { # NAME PATTERN WANT(0|1) ARGS...
	local name=$1 pat=$2 want=$3
	shift 3
	COLUMNS=300 "$TCPLC" --proc-root "$FIX/busy" "$@" >"$TMP/out" 2>"$TMP/err"
	if [ "$(grep -c -- "$pat" "$TMP/out")" = "$want" ] && [ ! -s "$TMP/err" ]; then
		ok "$name"
	else
		not_ok "$name" "$TMP/out" "$TMP/err"
	fi
}
thr_case "threshold: time_wait=500 fires" '^! TIME_WAIT: 1003 sockets now (> 500):' 1 --threshold time_wait=500
thr_case "threshold: time_wait=1003 does not (>)" '^! TIME_WAIT:' 0 --threshold time_wait=1003
thr_case "threshold: close_wait_age=1h does not fire" '^! CLOSE_WAIT:' 0 --threshold close_wait_age=1h
thr_case "threshold: close_wait_age=45m, in the alert and its command" \
	'oldest for 45m14s (> 45m00s).*--older-than 45m00s`' 1 --threshold close_wait_age=45m
thr_case "threshold: keepalive_off=800 silences it" '^! keepalive:' 0 --threshold keepalive_off=800
printf '# tcplc thresholds\n\ntime_wait = 500   # lower\nkeepalive_off=900\n' >"$TMP/tcplc.conf"
thr_case "config file: time_wait = 500" '^! TIME_WAIT: 1003 sockets now (> 500):' 1 --config "$TMP/tcplc.conf"
thr_case "config file, then --threshold overrides" '^! TIME_WAIT:' 0 --config "$TMP/tcplc.conf" \
	--threshold time_wait=2000
"$TCPLC" --proc-root "$FIX/busy" --config "$TMP/tcplc.conf" --prometheus >"$TMP/out"
if grep -qx 'tcp_lifecycle_alert_threshold{alert="time_wait_high",state="TIME_WAIT"} 500' "$TMP/out" &&
   ! grep -q 'alert="keepalive_off"' "$TMP/out"; then
	ok "config file: the metric carries the threshold"
	check_prom "config file: Prometheus parses" "$TMP/out"
else
	not_ok "config file: the metric carries the threshold" "$TMP/out"
fi
fails "threshold: unknown name" 2 "unknown threshold in 'tw=1'" "$TCPLC" --proc-root "$FIX/busy" --threshold tw=1
fails "threshold: bad duration" 2 "invalid value in 'close_wait_age=5x'" \
	"$TCPLC" --proc-root "$FIX/busy" --threshold close_wait_age=5x
printf 'time_wait = 500\nsyn_recv = lots\n' >"$TMP/bad.conf"
fails "config file: a bad line names the file and line" 2 "bad.conf:2: invalid value in 'syn_recv=lots'" \
	"$TCPLC" --proc-root "$FIX/busy" --config "$TMP/bad.conf"
fails "config file: missing" 2 "nonexistent.conf: No such file" \
	"$TCPLC" --proc-root "$FIX/busy" --config "$TMP/nonexistent.conf"

# reasons: named, -z
golden "reasons with named reasons" basic.reasons-named.txt \
	"$TCPLC" --proc-root "$FIX/basic" reasons orderly-passive RST_RECEIVED
golden "reasons --hist named" busy.reasons-hist-named.txt \
	"$TCPLC" --proc-root "$FIX/busy" reasons --hist retrans_timeout keepalive_timeout
golden "reasons named -j" busy.reasons-named.json \
	"$TCPLC" --proc-root "$FIX/busy" -j reasons syn_timeout refused &&
	check_json "reasons named -j parses" "$TMP/out" reasons
golden "reasons named --prometheus" busy.reasons-named.prom \
	"$TCPLC" --proc-root "$FIX/busy" --prometheus reasons syn_timeout refused &&
	check_prom "reasons named --prometheus parses" "$TMP/out"
golden "reasons -z" basic.reasons-z.txt "$TCPLC" --proc-root "$FIX/basic" -z reasons

# a fixture set from before the final version 1 files (no transitions_raw,
# reasons, sockets; three counters): what needs no new file still works
for view in $VIEWS; do
	case $view in reasons|keepalive) continue ;; esac
	golden "legacy.$view.txt" "legacy.$view.txt" "$TCPLC" --proc-root "$FIX/legacy" "$view"
done
golden "legacy.summary.json" legacy.summary.json "$TCPLC" --proc-root "$FIX/legacy" -j &&
	check_json "legacy.summary.json parses" "$TMP/out" summary
golden "legacy.summary.prom" legacy.summary.prom "$TCPLC" --proc-root "$FIX/legacy" --prometheus &&
	check_prom "legacy.summary.prom parses" "$TMP/out"
golden "legacy.counters.json" legacy.counters.json "$TCPLC" --proc-root "$FIX/legacy" -j counters &&
	check_json "legacy.counters.json parses" "$TMP/out" counters
fails "legacy: reasons says which file is missing: exit 1" 1 \
	"legacy/net/tcp_lifecycle/reasons: no such file" "$TCPLC" --proc-root "$FIX/legacy" reasons
fails "legacy: transitions --raw says which file is missing: exit 1" 1 \
	"legacy/net/tcp_lifecycle/transitions_raw: no such file" \
	"$TCPLC" --proc-root "$FIX/legacy" transitions --raw
fails "legacy: sockets says which file is missing: exit 1" 1 \
	"legacy/net/tcp_lifecycle/sockets: no such file" "$TCPLC" --proc-root "$FIX/legacy" sockets
fails "legacy: keepalive says which file is missing: exit 1" 1 \
	"legacy/net/tcp_lifecycle/keepalive: no such file" "$TCPLC" --proc-root "$FIX/legacy" keepalive

# default view is the summary; TCPLC_PROC_ROOT; option order
golden "default view is summary" basic.summary.txt "$TCPLC" --proc-root "$FIX/basic"
golden "TCPLC_PROC_ROOT" basic.states.txt env TCPLC_PROC_ROOT="$FIX/basic" "$TCPLC" states
golden "--proc-root overrides TCPLC_PROC_ROOT" basic.states.txt \
	env TCPLC_PROC_ROOT=/nonexistent "$TCPLC" states --proc-root "$FIX/basic"

# named states and -z
golden "hist with named states" basic.hist-named.txt \
	"$TCPLC" --proc-root "$FIX/basic" hist time_wait CLOSE-WAIT LISTEN
golden "hist named -j" basic.hist-named.json \
	"$TCPLC" --proc-root "$FIX/basic" -j hist time_wait CLOSE-WAIT LISTEN &&
	check_json "hist named -j parses" "$TMP/out" hist
golden "hist named --prometheus" basic.hist-named.prom \
	"$TCPLC" --proc-root "$FIX/basic" --prometheus hist time_wait CLOSE-WAIT LISTEN &&
	check_prom "hist named --prometheus parses" "$TMP/out"
golden "summary -z" basic.summary-z.txt "$TCPLC" --proc-root "$FIX/basic" -z
golden "states -z" basic.states-z.txt "$TCPLC" --proc-root "$FIX/basic" -z states
golden "transitions -z" basic.transitions-z.txt "$TCPLC" --proc-root "$FIX/basic" -z transitions
golden "hist -z" basic.hist-z.txt "$TCPLC" --proc-root "$FIX/basic" -z hist

# "transitions" is one number: the summary's is the transitions view's
# total; its kernel state changes are transitions --raw's and the counters
# file's (the oracle: the files themselves)
for case in basic busy empty; do
	D=$FIX/$case/net/tcp_lifecycle
	want_l=$(awk 'NR > 2 { t += $3 } END { print t + 0 }' "$D/transitions")
	want_k=$(awk '$1 == "transitions" { print $2 }' "$D/counters")
	COLUMNS=300 "$TCPLC" --proc-root "$FIX/$case" >"$TMP/out" 2>&1
	sum_l=$(sed -n 's/^transitions \([0-9]*\) (lifecycle).*/\1/p' "$TMP/out")
	sum_k=$(sed -n 's/.*  state changes \([0-9]*\) (kernel).*/\1/p' "$TMP/out")
	tot_l=$("$TCPLC" --proc-root "$FIX/$case" transitions | sed -n 's/^total \([0-9]*\) transitions (lifecycle view.*/\1/p')
	tot_k=$("$TCPLC" --proc-root "$FIX/$case" transitions --raw | sed -n 's/^total \([0-9]*\) state changes (kernel.s view.*/\1/p')
	[ "$case" = empty ] && tot_l=${tot_l:-0} tot_k=${tot_k:-0}
	if [ -n "$sum_l" ] && [ "$sum_l" = "$want_l" ] && [ "$tot_l" = "$want_l" ] &&
	   [ -n "$sum_k" ] && [ "$sum_k" = "$want_k" ] && [ "$tot_k" = "$want_k" ]; then
		ok "$case: summary and transitions agree on the totals ($want_l lifecycle, $want_k kernel)"
	else
		not_ok "$case: summary and transitions agree on the totals" \
			"lifecycle: file $want_l summary '$sum_l' view '$tot_l'" \
			"kernel: counters $want_k summary '$sum_k' --raw '$tot_k'"
	fi
done

# ---------------------------------------------------------------- width
# every view fits 80 columns by default; COLUMNS or the terminal widen it
widest() { awk '{ if (length > m) m = length } END { print m + 0 }' "$1"; }
over=
for args in summary states transitions "transitions --raw" "transitions --list" hist \
	reasons "reasons --hist" keepalive "keepalive --hist" counters resets sockets \
	listeners cgroups; do
	for case in $CASES; do
		# an older module's case has no resets (listeners, cgroups) file:
		# an error, not a view
		case $args in resets|listeners|cgroups)
			[ -f "$FIX/$case/net/tcp_lifecycle/$args" ] || continue ;;
		esac
		# shellcheck disable=SC2086
		COLUMNS=80 "$TCPLC" --proc-root "$FIX/$case" $args >"$TMP/out" 2>&1
		w=$(widest "$TMP/out")
		[ "$w" -le 80 ] || over="$over [$case $args: $w]"
	done
done
for view in $VIEWS; do
	env TCPLC_TEST_SERIES=$SERIES_EPOCH "$TCPLC" --proc-root "$FIX/watch" -i 2 -c 2 \
		"$view" >"$TMP/out" 2>&1
	w=$(widest "$TMP/out")
	[ "$w" -le 80 ] || over="$over [watch $view: $w]"
done
if [ -z "$over" ]; then
	ok "every view fits 80 columns"
else
	not_ok "every view fits 80 columns" "wider:$over"
fi
COLUMNS=200 "$TCPLC" --proc-root "$FIX/busy" transitions >"$TMP/out" 2>&1
if grep -q '^FROM\\TO ' "$TMP/out" && [ "$(widest "$TMP/out")" -gt 80 ] &&
   [ "$(widest "$TMP/out")" -le 200 ]; then
	ok "COLUMNS=200: the transitions matrix"
else
	not_ok "COLUMNS=200: the transitions matrix" "$TMP/out"
fi
golden "transitions: the list form when the matrix does not fit" busy.transitions.txt \
	env COLUMNS=80 "$TCPLC" --proc-root "$FIX/busy" transitions
golden "transitions --list" basic.transitions-list.txt \
	"$TCPLC" --proc-root "$FIX/basic" transitions --list
# the list: every non-zero cell once, most first (the matrix is the oracle)
COLUMNS=300 "$TCPLC" --proc-root "$FIX/busy" transitions | sed '$d' | awk '
	NR == 1 { for (i = 2; i <= NF; i++) col[i] = $i; next }
	{ for (i = 2; i <= NF; i++) if ($i != ".") print $1, col[i], $i }' |
	sort -k3,3nr -k1,1 -k2,2 >"$TMP/want"
"$TCPLC" --proc-root "$FIX/busy" transitions --list | sed '1d;$d' | awk '{ print $1, $2, $3 }' |
	sort -k3,3nr -k1,1 -k2,2 >"$TMP/got"
if [ -s "$TMP/want" ] && diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" &&
   "$TCPLC" --proc-root "$FIX/busy" transitions --list | sed '1d;$d' | awk '{ print $3 }' |
   sort -c -nr 2>/dev/null; then
	ok "transitions --list: the matrix's cells, sorted by count"
else
	not_ok "transitions --list: the matrix's cells, sorted by count" "$TMP/diff"
fi
# the terminal's width (TIOCGWINSZ on stdout), when COLUMNS is not set
if "$PYTHON" - "$TCPLC" "$FIX/busy" >"$TMP/out" 2>&1 <<'PY'
import fcntl, os, pty, struct, subprocess, sys, termios
m, s = pty.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 60, 0, 0))
env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
p = subprocess.Popen([sys.argv[1], "--proc-root", sys.argv[2]], stdout=s, env=env)
os.close(s)
out = b""
while True:
    try:
        d = os.read(m, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
p.wait()
lines = out.decode().replace("\r", "").split("\n")
w = max(len(l) for l in lines)
print(f"widest {w}")
sys.exit(0 if p.returncode == 0 and 40 < w <= 60 else 1)
PY
then
	ok "a 60-column terminal: summary fits ($(cat "$TMP/out"))"
else
	not_ok "a 60-column terminal: summary fits" "$TMP/out"
fi
golden "COLUMNS wins over the default" busy.summary-w120.txt \
	env COLUMNS=120 "$TCPLC" --proc-root "$FIX/busy"
fails "usage: --list with another view" 2 "--list is an option of the transitions view" \
	"$TCPLC" --proc-root "$FIX/basic" states --list

# ---------------------------------------------------------------- watch mode
golden "watch transitions --raw" watch.transitions-raw.txt \
	env TCPLC_TEST_SERIES=$SERIES_EPOCH "$TCPLC" --proc-root "$FIX/watch" -i 2 -c 2 transitions --raw
golden "watch reasons --hist" watch.reasons-hist.txt \
	env TCPLC_TEST_SERIES=$SERIES_EPOCH "$TCPLC" --proc-root "$FIX/watch" -i 2 -c 1 reasons --hist
golden "watch keepalive --hist (idle times are gauges)" watch.keepalive-hist.txt \
	env TCPLC_TEST_SERIES=$SERIES_EPOCH "$TCPLC" --proc-root "$FIX/watch" -i 2 -c 2 keepalive --hist
for view in $VIEWS; do
	w=(env TCPLC_TEST_SERIES=$SERIES_EPOCH "$TCPLC" --proc-root "$FIX/watch" -i 2 -c 2)
	golden "watch $view" "watch.$view.txt" "${w[@]}" "$view"
	golden "watch $view -j" "watch.$view.json" "${w[@]}" -j "$view" &&
		check_json "watch $view -j is JSON Lines" "$TMP/out" "$view"
done
golden "watch timestamp offset +05:30" watch.tz-plus.txt \
	env TZ=IST-5:30 TCPLC_TEST_SERIES=$SERIES_EPOCH \
	"$TCPLC" --proc-root "$FIX/watch" -i 0.5 -c 1 counters
golden "watch timestamp offset -03:00" watch.tz-minus.json \
	env TZ=ART+3 TCPLC_TEST_SERIES=$SERIES_EPOCH \
	"$TCPLC" --proc-root "$FIX/watch" -i 0.5 -c 1 -j counters

# request socket timeouts: growing (watch mode), or > 1% of those created
rm -rf "$TMP/s.0" "$TMP/s.1"
cp -r "$FIX/basic" "$TMP/s.0"
cp -r "$FIX/basic" "$TMP/s.1"
sed -i 's/^synrecv_timeout 0$/synrecv_timeout 1/' "$TMP/s.1/net/tcp_lifecycle/counters"
COLUMNS=300 TCPLC_TEST_SERIES=$SERIES_EPOCH "$TCPLC" --proc-root "$TMP/s" -i 1 -c 1 >"$TMP/out" 2>"$TMP/err"
if grep -qx '! half-open: 1 request socket timed out in this interval (1 in all): SYN flood, or the clients. ACKs are lost?' "$TMP/out"; then
	ok "alert: synrecv_timeout growing (watch mode)"
else
	not_ok "alert: synrecv_timeout growing (watch mode)" "$TMP/out" "$TMP/err"
fi
COLUMNS=300 "$TCPLC" --proc-root "$TMP/s.1" >"$TMP/out" 2>"$TMP/err"
if grep -qx '! half-open: 1 request socket timed out, 8.3% of 12 created (> 1%): SYN flood, or the clients. ACKs are lost?' "$TMP/out"; then
	ok "alert: synrecv_timeout over 1% of synrecv_created"
else
	not_ok "alert: synrecv_timeout over 1% of synrecv_created" "$TMP/out" "$TMP/err"
fi

# sample 3 does not exist: the samples before it are printed, then error 3
TCPLC_TEST_SERIES=$SERIES_EPOCH "$TCPLC" --proc-root "$FIX/watch" -i 1 -c 3 counters \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 3 ] && [ "$(grep -c '^---' "$TMP/out")" -eq 2 ] &&
   grep -q 'watch.3/net/tcp_lifecycle does not exist' "$TMP/err"; then
	ok "watch: error in a later sample keeps earlier output, exit 3"
else
	not_ok "watch: error in a later sample keeps earlier output, exit 3" \
		"exit $rc" "$TMP/out" "$TMP/err"
fi

# real clock: -i 0.2 -c 2 takes >= 0.4 s and prints 2 samples
start=$(date +%s%N)
"$TCPLC" --proc-root "$FIX/basic" -i 0.2 -c 2 counters >"$TMP/out" 2>"$TMP/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
if [ $rc -eq 0 ] && [ "$(grep -c '^--- .* interval 0\.[0-9]*s ---$' "$TMP/out")" -eq 2 ] &&
   [ $ms -ge 390 ] && [ $ms -lt 5000 ] && grep -q '^  transitions  *0  *0\.0$' "$TMP/out"; then
	ok "watch with the real clock (${ms} ms)"
else
	not_ok "watch with the real clock" "exit $rc after ${ms} ms" "$TMP/out" "$TMP/err"
fi

# Ctrl-C ends an endless watch with status 0
"$TCPLC" --proc-root "$FIX/basic" -i 0.1 states >"$TMP/out" 2>"$TMP/err" &
pid=$!
# signal only once a sample is out: before tcplc blocks SIGINT, a background
# job of a shell without job control ignores it (and a slow start, under
# ASan on a loaded machine, would lose it)
for _ in $(seq 100); do grep -q '^---' "$TMP/out" && break; sleep 0.1; done
kill -INT $pid
wait $pid
rc=$?
if [ $rc -eq 0 ] && grep -q '^---' "$TMP/out"; then
	ok "watch: SIGINT ends it with status 0"
else
	not_ok "watch: SIGINT ends it with status 0" "exit $rc" "$TMP/out" "$TMP/err"
fi

# ---------------------------------------------------------------- errors
fails "module not loaded (missing dir): exit 3" 3 \
	"insmod module/tcp_lifecycle.ko  (or: modprobe tcp_lifecycle)" \
	"$TCPLC" --proc-root "$TMP/nonexistent"
mkdir -p "$TMP/procnomod/net"
fails "module not loaded (no tcp_lifecycle in net/): exit 3" 3 \
	"tcp_lifecycle module not loaded ($TMP/procnomod/net/tcp_lifecycle does not exist)" \
	"$TCPLC" --proc-root "$TMP/procnomod" counters
# a partial directory: the summary shows what it can, a warning per file
# left out, exit 8 (a single-file view still fails on its file)
dir=$(mkcase)
rm "$dir/hist"
head -5 "$FIX/basic/net/tcp_lifecycle/states" >"$dir/states"
sed -i '4s/.*/orderly_active x/' "$dir/reasons"
COLUMNS=300 "$TCPLC" --proc-root "$TMP/c" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 8 ] && [ "$(grep -c '^tcplc: warning: ' "$TMP/err")" -eq 3 ] &&
   grep -q "^tcplc: warning: .*/states:6: unexpected end of file, expected FIN_WAIT1 (left out)$" "$TMP/err" &&
   grep -q "^tcplc: warning: .*/hist: no such file" "$TMP/err" &&
   grep -q "^tcplc: warning: .*/reasons:4: " "$TMP/err" &&
   grep -q '^(no states: the states file was left out)$' "$TMP/out" &&
   ! grep -q '^CLOSE REASON' "$TMP/out" &&
   grep -q "^TIME_WAIT   expired 0  reused 0  killed_rst 0$" "$TMP/out" &&
   grep -q "^transitions 121 (lifecycle)  state changes 109 (kernel)" "$TMP/out" &&
   grep -q '^keepalive  probes sent 4 ' "$TMP/out"; then
	ok "partial directory: summary of what is there, 3 warnings, exit 8"
else
	not_ok "partial directory: summary of what is there, 3 warnings, exit 8" "exit $rc" "$TMP/out" "$TMP/err"
fi
"$TCPLC" --proc-root "$TMP/c" -j >"$TMP/out" 2>/dev/null
rc=$?
if [ $rc -eq 8 ] && "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["left_out"] != ["states", "hist", "reasons"])' "$TMP/out"; then
	ok "partial directory: JSON names what was left out"
else
	not_ok "partial directory: JSON names what was left out" "exit $rc" "$TMP/out"
fi
"$TCPLC" --proc-root "$TMP/c" --prometheus >"$TMP/out" 2>/dev/null
rc=$?
if [ $rc -eq 8 ] && ! grep -q '^tcp_lifecycle_sockets\|^tcp_lifecycle_dwell' "$TMP/out" &&
   grep -q '^tcp_lifecycle_transitions_total' "$TMP/out"; then
	ok "partial directory: Prometheus has no series for files left out"
	check_prom "partial directory: Prometheus parses" "$TMP/out"
else
	not_ok "partial directory: Prometheus has no series for files left out" "exit $rc" "$TMP/out"
fi
fails "partial directory: a view of one file fails on it" 1 "net/tcp_lifecycle/hist: no such file" \
	"$TCPLC" --proc-root "$TMP/c" hist
rm "$dir"/{transitions,counters}
fails "partial directory: nothing the summary needs: the first error" 6 \
	"states:6: unexpected end of file" "$TCPLC" --proc-root "$TMP/c"
fails "partial directory: no module is still exit 3" 3 "module not loaded" \
	"$TCPLC" --proc-root "$TMP/nonexistent"
# --proc-root at a saved copy of the directory itself
golden "--proc-root at the directory itself" basic.summary.txt \
	"$TCPLC" --proc-root "$FIX/basic/net/tcp_lifecycle"
golden "--proc-root at the directory itself: sockets" basic.sockets.txt \
	"$TCPLC" --proc-root "$FIX/basic/net/tcp_lifecycle" sockets
dir=$(mkcase)
rm "$dir/hist"
golden "views read only the files they need" basic.states.txt \
	"$TCPLC" --proc-root "$TMP/c" states

# version
bad "version 2: exit 5" hist 5 "hist:1: format version 2 is newer than this tcplc understands (1)" \
	< <(printf 'version 2\nunit s\nsomething else entirely\n')
bad "version 2: upgrade hint" counters 5 "upgrade tcplc" counters \
	< <(printf 'version 2\n')
bad "version 0: malformed" counters 6 "counters:1: invalid format version 0" counters \
	< <(printf 'version 0\n')
bad "version number overflow" counters 6 'counters:1: version "99999999999999999999999" does not fit in 64 bits' counters \
	< <(printf 'version 99999999999999999999999\n')
bad "version without number" counters 6 'counters:1: expected "version N" on line 1' counters \
	< <(printf 'version\n')
bad "CRLF line ends" counters 6 'counters:1: version "1\x0d" is not an unsigned decimal number' counters \
	< <(printf 'version 1\r\ntransitions 1\r\n')
bad "empty file" states 6 'states:1: empty file, expected "version 1"' states \
	< <(:)

# malformed states
bad "states: missing field" states 6 "states:5: 6 fields, expected 7" states \
	< <(sed '5s/ 0$//' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: state out of order" states 6 "states:3: state SYN_SENT out of order, expected ESTABLISHED" states \
	< <(sed '3{h;d};4{G}' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: u64 overflow" states 6 'states:3: entered "18446744073709551616" does not fit in 64 bits' states \
	< <(sed '3s/ 24 / 18446744073709551616 /' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: negative number" states 6 'states:4: entered "-1" is not an unsigned decimal number' states \
	< <(sed '4s/ 12 / -1 /' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: truncated" states 6 "states:8: unexpected end of file, expected TIME_WAIT" states \
	< <(head -7 "$FIX/basic/net/tcp_lifecycle/states")
bad "states: extra line" states 6 "states:15: unexpected line after the 12 state lines" states \
	< <({ cat "$FIX/basic/net/tcp_lifecycle/states"; echo "CLOSING 0 0 0 0 0"; })
bad "states: header lacks a column" states 6 'states:2: header lacks column "now"' states \
	< <(sed '2s/ now / /' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: header names a column twice" states 6 'states:2: header names column "timed" twice' states \
	< <(sed '2s/untimed/timed/' "$FIX/basic/net/tcp_lifecycle/states")
bad "transitions: header lacks a column" transitions 6 'transitions:2: header lacks column "count"' transitions \
	< <(sed '2s/count/total/' "$FIX/basic/net/tcp_lifecycle/transitions")
bad "states: unknown state" states 6 'states:6: unknown state "FIN_WAIT_1"' states \
	< <(sed '6s/FIN_WAIT1/FIN_WAIT_1/' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: double space" states 6 "states:3: empty field 3 (stray space at column 16)" states \
	< <(sed '3s/^ESTABLISHED 24 20/ESTABLISHED 24  20/' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: trailing space" states 6 "states:3: trailing space" states \
	< <(sed '3s/$/ /' "$FIX/basic/net/tcp_lifecycle/states")
bad "states: empty line" states 6 "states:5: empty line" states \
	< <(sed '5s/.*//' "$FIX/basic/net/tcp_lifecycle/states")

# the early states format, without the module's "oldest" column
dir=$(mkcase)
sed -E '2s/ oldest$//; 3,$s/ [0-9]+$//' "$FIX/basic/net/tcp_lifecycle/states" >"$dir/states"
golden "states without the oldest column" basic.states-no-oldest.txt "$TCPLC" --proc-root "$TMP/c" states
golden "summary without the oldest column" basic.summary-no-oldest.txt "$TCPLC" --proc-root "$TMP/c"
golden "states -j without the oldest column" basic.states-no-oldest.json "$TCPLC" --proc-root "$TMP/c" -j states &&
	check_json "states -j without oldest parses" "$TMP/out" states
golden "states --prometheus without the oldest column" basic.states-no-oldest.prom \
	"$TCPLC" --proc-root "$TMP/c" --prometheus states &&
	check_prom "states --prometheus without oldest parses" "$TMP/out"

# malformed hist
H=$FIX/basic/net/tcp_lifecycle/hist
bad "hist: bucket not N:C" hist 6 'hist:4: bucket "21x11" is not N:C' hist \
	< <(sed '4s/21:11/21x11/' "$H")
bad "hist: count != sum of buckets" hist 6 "hist:4: count 21 differs from the sum of the buckets 20" hist \
	< <(sed '4s/ESTABLISHED 20 /ESTABLISHED 21 /' "$H")
bad "hist: bucket index 48" hist 6 "hist:4: bucket index 48 out of range 0..47" hist \
	< <(sed '4s/22:3/48:3/' "$H")
bad "hist: buckets not ascending" hist 6 "hist:4: bucket 20 duplicate or not ascending" hist \
	< <(sed '4s/20:6 21:11/21:11 20:6/' "$H")
bad "hist: duplicate bucket" hist 6 "hist:4: bucket 21 duplicate or not ascending" hist \
	< <(sed '4s/20:6 21:11/21:6 21:11/' "$H")
bad "hist: zero bucket" hist 6 "hist:4: bucket 20 has a zero count" hist \
	< <(sed '4s/20:6/20:0/' "$H")
bad "hist: empty bucket count" hist 6 "hist:4: empty bucket count" hist \
	< <(sed '4s/20:6/20:/' "$H")
bad "hist: other unit" hist 6 'hist:2: expected unit line "unit ns", got "unit us"' hist \
	< <(sed '2s/ns/us/' "$H")
bad "hist: bucket sum overflow" hist 6 "hist:10: bucket counts overflow 64 bits" hist \
	< <(sed '10s/.*/CLOSE 2 0 0 0 0:18446744073709551615 1:1/' "$H")
bad "hist: min > max" hist 6 "hist:4: min 5128333 is greater than max 1203456" hist \
	< <(sed '4s/ 1203456 5128333 / 5128333 1203456 /' "$H")
bad "hist: sum without count" hist 6 "hist:10: sum, min and max must be 0 when count is 0" hist \
	< <(sed '10s/.*/CLOSE 0 5 0 0/' "$H")
bad "hist: buckets missing" hist 6 "hist:4: count 20 differs from the sum of the buckets 0" hist \
	< <(sed '4s/ 20:6 21:11 22:3$//' "$H")
bad "hist: too many fields" hist 6 "hist:4: too many fields (at most 53)" hist \
	< <({ sed -n '1,3p' "$H"; printf 'ESTABLISHED 48 0 0 0'; for i in $(seq 0 47); do printf ' %d:1' $i; done; printf ' 48:1\n'; })

# malformed transitions
T=$FIX/basic/net/tcp_lifecycle/transitions
bad "transitions: unknown state" transitions 6 'transitions:3: unknown to state "FOO"' transitions \
	< <(sed '3s/FIN_WAIT1/FOO/' "$T")
bad "transitions: duplicate pair" transitions 6 "transitions:4: pair ESTABLISHED FIN_WAIT1 duplicate or out of order" transitions \
	< <(sed '4s/.*/ESTABLISHED FIN_WAIT1 1/' "$T")
bad "transitions: out of order" transitions 6 "transitions:4: pair ESTABLISHED FIN_WAIT1 duplicate or out of order" transitions \
	< <(sed '3{h;d};4{G}' "$T")
bad "transitions: zero count" transitions 6 "transitions:5: zero count" transitions \
	< <(sed '5s/ 12$/ 0/' "$T")
bad "transitions: missing count" transitions 6 "transitions:5: 2 fields, expected 3" transitions \
	< <(sed '5s/ 12$//' "$T")

# malformed counters
bad "counters: not a number" counters 6 'counters:3: tracked "x" is not an unsigned decimal number' counters \
	< <(printf 'version 1\ntransitions 116\ntracked x\nuntracked 0\n')
bad "counters: missing counter" counters 6 "counters: counter untracked missing" counters \
	< <(printf 'version 1\ntransitions 116\ntracked 8\n')
bad "counters: duplicate" counters 6 "counters:4: counter tracked listed twice" counters \
	< <(printf 'version 1\ntransitions 116\ntracked 8\ntracked 9\nuntracked 0\n')
bad "counters: no final newline" counters 6 "counters:4: last line does not end in a newline" counters \
	< <(printf 'version 1\ntransitions 116\ntracked 8\nuntracked 0')
bad "NUL byte" counters 6 "counters:2: NUL byte at column 14" counters \
	< <(printf 'version 1\ntransitions 1\000\ntracked 8\nuntracked 0\n')
bad "counters: unknown name, wrong field count" counters 6 "counters:5: too many fields (at most 2)" counters \
	< <(printf 'version 1\ntransitions 116\ntracked 8\nuntracked 0\nnew_counter 1 2\n')
printf 'version 1\nfuture\x01counter \xff\xfe\ntransitions 109\ntracked 5\nuntracked 0\n' >"$TMP/ctr"
dir=$(mkcase)
cp "$TMP/ctr" "$dir/counters"
golden "counters: unknown names are ignored" legacy.counters.txt "$TCPLC" --proc-root "$TMP/c" counters

# reasons added later in version 1 (rst_sent_data, aborted) are shown when
# the module has them, a reason newer still is skipped, and a file this
# tcplc does not read (resets) changes nothing
dir=$(mkcase)
printf 'rst_sent_data 1 0 5000 5000 5000 12:1\naborted 0 2 0 0 0\nfuture_reason 4 0 8 2 2 1:4\n' \
	>>"$dir/reasons"
printf 'version 1\nnot_specified 0\nno_socket 3\ntcp_abort_on_data 1\n' >"$dir/resets"
golden "reasons: the later reasons shown, a newer one skipped" basic.reasons-later.txt \
	"$TCPLC" --proc-root "$TMP/c" -z reasons
golden "reasons -j: the later reasons" basic.reasons-later.json \
	"$TCPLC" --proc-root "$TMP/c" -j reasons rst_sent_data aborted &&
	check_json "reasons -j with the later reasons parses" "$TMP/out" reasons
golden "reasons --prometheus: the later reasons" basic.reasons-later.prom \
	"$TCPLC" --proc-root "$TMP/c" --prometheus reasons &&
	check_prom "reasons --prometheus with the later reasons parses" "$TMP/out"
golden "summary: a resets file and newer reasons" basic.summary-later.txt \
	"$TCPLC" --proc-root "$TMP/c" summary
# and an older module's file, without them, shows none of them even with -z
if "$TCPLC" --proc-root "$FIX/basic" -z reasons | grep -q 'rst_sent_data\|aborted'; then
	not_ok "reasons -z: reasons the module does not have are not shown"
else
	ok "reasons -z: reasons the module does not have are not shown"
fi
bad "reasons: a later reason out of order" reasons 6 "reason rst_sent_data duplicate or out of order" reasons \
	< <({ cat "$FIX/basic/net/tcp_lifecycle/reasons"; printf 'aborted 0 0 0 0 0\nrst_sent_data 0 0 0 0 0\n'; })

# counters added later in version 1: timewait_rst_sent among the
# time-wait ends (one Prometheus family), children by birth path
dir=$(mkcase)
printf 'timewait_rst_sent 2\npassive_children_reqsk 11\npassive_children_syncookie 1\npassive_children_fastopen 0\n' \
	>>"$dir/counters"
golden "counters: the later counters in their sections" basic.counters-later.txt \
	"$TCPLC" --proc-root "$TMP/c" counters
golden "counters --prometheus: the later counters" basic.counters-later.prom \
	"$TCPLC" --proc-root "$TMP/c" --prometheus counters &&
	check_prom "counters --prometheus with the later counters parses" "$TMP/out"

# the newer counters are optional, but checked when present
C=$FIX/basic/net/tcp_lifecycle/counters
bad "counters: a newer counter twice" counters 6 "counters:21: counter port_exhausted listed twice" counters \
	< <({ cat "$C"; echo "port_exhausted 1"; })
bad "counters: a newer counter not a number" counters 6 'counters:5: port_exhausted "-" is not an unsigned decimal number' counters \
	< <(sed '5s/ 0$/ -/' "$C")

# malformed transitions_raw
T=$FIX/basic/net/tcp_lifecycle/transitions_raw
bad "transitions_raw: zero count" transitions_raw 6 "transitions_raw:5: zero count" transitions --raw \
	< <(sed '5s/ 12$/ 0/' "$T")
bad "transitions_raw: out of order" transitions_raw 6 "transitions_raw:4: pair ESTABLISHED FIN_WAIT1 duplicate or out of order" transitions --raw \
	< <(sed '3{h;d};4{G}' "$T")
bad "transitions_raw: version 2" transitions_raw 5 "transitions_raw:1: format version 2 is newer" transitions --raw \
	< <(sed '1s/1/2/' "$T")

# malformed reasons
R=$FIX/basic/net/tcp_lifecycle/reasons
bad "reasons: out of order" reasons 6 "reasons:5: reason orderly_active duplicate or out of order" reasons \
	< <(sed '4{h;d};5{G}' "$R")
bad "reasons: twice" reasons 6 "reasons:5: reason orderly_active duplicate or out of order" reasons \
	< <(sed '5s/.*/orderly_active 0 0 0 0 0/' "$R")
bad "reasons: one missing" reasons 6 "reasons: reason other missing" reasons \
	< <(sed '/^other /d' "$R")
bad "reasons: other header" reasons 6 'reasons:3: expected header "reason count unknown sum min max buckets", got "reason count unknwn' reasons \
	< <(sed '3s/unknown/unknwn/' "$R")
bad "reasons: other unit" reasons 6 'reasons:2: expected unit line "unit ns", got "unit us"' reasons \
	< <(sed '2s/ns/us/' "$R")
bad "reasons: count != sum of buckets" reasons 6 "reasons:5: count 11 differs from the sum of the buckets 10" reasons \
	< <(sed '5s/^orderly_passive 10 /orderly_passive 11 /' "$R")
bad "reasons: unknown not a number" reasons 6 'reasons:5: unknown "x" is not an unsigned decimal number' reasons \
	< <(sed '5s/^orderly_passive 10 0 /orderly_passive 10 x /' "$R")
bad "reasons: too few fields" reasons 6 "reasons:5: 3 fields, expected at least 6" reasons \
	< <(sed '5s/.*/orderly_passive 10 0/' "$R")
bad "reasons: a bad line of an unknown reason" reasons 6 "reasons:17: count 1 differs from the sum of the buckets 0" reasons \
	< <({ cat "$R"; echo "tcp_ao_mismatch 1 0 5 5 5"; })
dir=$(mkcase)
sed '6a tcp_ao_mismatch 2 1 10 5 5 2:2' "$R" >"$dir/reasons"
golden "reasons: a reason this tcplc does not know is skipped" basic.reasons.txt \
	"$TCPLC" --proc-root "$TMP/c" reasons

# malformed keepalive
K=$FIX/basic/net/tcp_lifecycle/keepalive
bad "keepalive: version 3" keepalive 5 "keepalive:1: format version 3 is newer than this tcplc understands (2)" keepalive \
	< <(sed '1s/1/3/' "$K")
bad "keepalive: version 2 needs established_untracked" keepalive 6 "keepalive: established_untracked missing" keepalive \
	< <(sed '1s/1/2/' "$K")
K2=$FIX/ka2/net/tcp_lifecycle/keepalive
bad "keepalive: version 2 without its histogram header" keepalive 6 'header "hist name count sum min max buckets" missing' keepalive \
	< <(sed '/^hist /,$d' "$K2")
dir=$(mkcase)
cp "$K2" "$dir/keepalive"
bad "keepalive_idle: a histogram missing" keepalive_idle 6 "keepalive_idle: histogram idle keepalive_off missing" keepalive \
	< <(sed '/keepalive_off/d' "$FIX/ka2/net/tcp_lifecycle/keepalive_idle")
dir=$(mkcase)
cp "$K2" "$dir/keepalive"
bad "keepalive_idle: version 2" keepalive_idle 5 "keepalive_idle:1: format version 2 is newer" keepalive \
	< <(sed '1s/1/2/' "$FIX/ka2/net/tcp_lifecycle/keepalive_idle")
bad "keepalive: other unit" keepalive 6 'keepalive:2: expected unit line "unit ns", got "unit s"' keepalive \
	< <(sed '2s/ns/s/' "$K")
bad "keepalive: a setting not a number" keepalive 6 'keepalive:3: keepalive_time "2h" is not an unsigned decimal number' keepalive \
	< <(sed '3s/ .*/ 2h/' "$K")
bad "keepalive: a setting missing" keepalive 6 "keepalive: tcp_retries2 missing" keepalive \
	< <(sed '/^tcp_retries2 /d' "$K")
bad "keepalive: a counter twice" keepalive 6 "keepalive:12: timer_runs listed twice" keepalive \
	< <(sed '11p' "$K")
bad "keepalive: a value line with 3 fields" keepalive 6 "keepalive:19: too many fields (at most 2)" keepalive \
	< <(sed '19s/$/ 1/' "$K")
bad "keepalive: no histograms" keepalive 6 'keepalive: header "hist name count sum min max buckets" missing' keepalive \
	< <(sed '/^hist name/,$d' "$K")
bad "keepalive: a histogram missing" keepalive 6 "keepalive: histogram detect syn missing" keepalive \
	< <(sed '/^detect syn /d' "$K")
bad "keepalive: a histogram twice" keepalive 6 "keepalive:27: histogram idle keepalive_on listed twice" keepalive \
	< <(sed '26p' "$K")
bad "keepalive: count != sum of buckets" keepalive 6 "keepalive:26: count 3 differs from the sum of the buckets 2" keepalive \
	< <(sed '26s/^idle keepalive_on 2 /idle keepalive_on 3 /' "$K")
bad "keepalive: a value line among the histograms" keepalive 6 "keepalive:28: 2 fields, expected at least 6" keepalive \
	< <({ cat "$K"; echo "timer_runs 1"; })
bad "keepalive: a bad line of an unknown histogram" keepalive 6 "keepalive:28: count 1 differs from the sum of the buckets 0" keepalive \
	< <({ cat "$K"; echo "detect tcp_user_timeout 1 0 0 0"; })
dir=$(mkcase)
{ sed -n '1,2p' "$K"; echo "keepalive_future_knob 3"; sed -n '3,21p' "$K" | tac; echo "new_name not-a-number"
  sed -n '22p' "$K"; echo "detect user_timeout 1 5 5 5 2:1"; sed -n '23,$p' "$K" | tac; } >"$dir/keepalive"
golden "keepalive: unknown names and histograms skipped, any order" basic.keepalive.txt \
	"$TCPLC" --proc-root "$TMP/c" keepalive

# the keepalive_off alert: > 100 established without keepalive, idle > 600 s
ka_alert() { # NAME WANT(0|1) OFF IDLE_LINE
	dir=$(mkcase)
	sed "s/^established_keepalive_off .*/established_keepalive_off $3/; s/^idle keepalive_off .*/$4/" \
		"$FIX/basic/net/tcp_lifecycle/keepalive" >"$dir/keepalive"
	"$TCPLC" --proc-root "$TMP/c" >"$TMP/out" 2>"$TMP/err"
	if [ "$(grep -c '^! keepalive: ' "$TMP/out")" = "$2" ] && [ ! -s "$TMP/err" ] &&
	   { [ "$2" = 0 ] || "$TCPLC" --proc-root "$TMP/c" keepalive | grep -q '^! keepalive: '; }; then
		ok "$1"
	else
		not_ok "$1" "$TMP/out" "$TMP/err"
	fi
}
ka_alert "alert: keepalive off for 101, idle 600.000000001 s" 1 101 \
	"idle keepalive_off 101 600000000001 0 600000000001 0:100 39:1"
ka_alert "alert: keepalive off for 100 only" 0 100 \
	"idle keepalive_off 100 600000000001 0 600000000001 0:99 39:1"
ka_alert "alert: keepalive off for 101, idle 600 s only" 0 101 \
	"idle keepalive_off 101 600000000000 0 600000000000 0:100 39:1"
golden "alert: keepalive off, message" busy.summary.txt "$TCPLC" --proc-root "$FIX/busy"

# malformed sockets: every line is checked, filtered out or not
K=$FIX/basic/net/tcp_lifecycle/sockets
bad "sockets: bad IPv4 address" sockets 6 'sockets:3: local address "127.0.0.256:40310" is not ADDR:PORT or [ADDR]:PORT' sockets \
	< <(sed '3s/127.0.0.1:40310/127.0.0.256:40310/' "$K")
bad "sockets: port over 65535" sockets 6 'sockets:3: local address "127.0.0.1:65536" is not ADDR:PORT' sockets \
	< <(sed '3s/:40310/:65536/' "$K")
bad "sockets: IPv6 without brackets" sockets 6 'sockets:3: remote address "::1:8080" is not ADDR:PORT' sockets \
	< <(sed '3s/ 127.0.0.1:8080 / ::1:8080 /' "$K")
bad "sockets: bad IPv6 address" sockets 6 'sockets:3: remote address "[::1::2]:8080" is not ADDR:PORT' sockets \
	< <(sed '3s/ 127.0.0.1:8080 / [::1::2]:8080 /' "$K")
bad "sockets: no port" sockets 6 'sockets:3: local address "127.0.0.1" is not ADDR:PORT' sockets \
	< <(sed '3s/127.0.0.1:40310/127.0.0.1/' "$K")
bad "sockets: unknown state" sockets 6 'sockets:3: unknown state "TIMEWAIT"' sockets \
	< <(sed '3s/^TIME_WAIT/TIMEWAIT/' "$K")
bad "sockets: age not a number" sockets 6 'sockets:3: age "18e9" is not an unsigned decimal number' sockets \
	< <(sed '3s/ 1802345119 / 18e9 /' "$K")
bad "sockets: pid out of range" sockets 6 "sockets:3: pid 4294967296 out of range" sockets \
	< <(sed '3s/ 4250 / 4294967296 /' "$K")
bad "sockets: control character in comm" sockets 6 'sockets:3: comm "cl\x1bent" has a non-printable character' sockets \
	< <(sed '3s/ client / cl\x1bent /' "$K")
bad "sockets: comm too long" sockets 6 "sockets:3: comm \"$(printf 'c%.0s' {1..32})...\" longer than 63 characters" sockets \
	< <(sed "3s/ client / $(printf 'c%.0s' {1..64}) /" "$K")
bad "sockets: header lacks a column" sockets 6 'sockets:2: header lacks column "cookie"' sockets \
	< <(sed '2s/ cookie$//' "$K")
bad "sockets: too many fields" sockets 6 "sockets:3: too many fields (at most 8)" sockets \
	< <(sed '3s/$/ extra/' "$K")
bad "sockets: a bad line filtered out is still an error" sockets 6 'sockets:3: unknown state "TIMEWAIT"' \
	sockets --state LISTEN < <(sed '3s/^TIME_WAIT/TIMEWAIT/' "$K")
bad "sockets: version 2" sockets 5 "sockets:1: format version 2 is newer" sockets \
	< <(sed '1s/1/2/' "$K")

# garbage of every kind: exit 6, never a crash
bad "binary garbage" states 6 "states:1: NUL byte at column 8" states \
	< <(printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\003\000>\000')
head -c 65536 /dev/urandom | tr -d '\n' | tr '\000' 'x' >"$TMP/rnd"
bad "random bytes without newline" states 6 "states:1: last line does not end in a newline" states <"$TMP/rnd"
bad "1 MiB line" states 6 'states:3: unknown state "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA..."' states \
	< <({ printf 'version 1\nstate entered exited timed untimed now\n'; head -c 1048576 /dev/zero | tr '\000' 'A'; echo ' 1 2 3 4 5'; })
bad "file over 16 MiB" transitions 6 "transitions: file larger than 16777216 bytes" transitions \
	< <({ printf 'version 1\nfrom to count\n'; yes 'CLOSE SYN_SENT 1' | head -c 17000000; })
dir=$(mkcase)
{ printf 'version 1\n'; yes 'x 1' | head -n 200000; sed 1d "$FIX/basic/net/tcp_lifecycle/counters"; } >"$dir/counters.new"
mv "$dir/counters.new" "$dir/counters"
golden "200000 unknown counters are skipped" basic.counters.txt "$TCPLC" --proc-root "$TMP/c" counters
dir=$(mkcase)
rm "$dir/states"
mkfifo "$dir/states"
fails "FIFO instead of a file: no hang, exit 1" 1 "states: not a regular file" \
	"$TCPLC" --proc-root "$TMP/c" states
dir=$(mkcase)
rm "$dir/states"
ln -s /dev/zero "$dir/states"
fails "device instead of a file: exit 1" 1 "states: not a regular file" \
	"$TCPLC" --proc-root "$TMP/c" states
dir=$(mkcase)
rm "$dir/states"
mkdir "$dir/states"
fails "directory instead of a file: exit 1" 1 "states: not a regular file" \
	"$TCPLC" --proc-root "$TMP/c" states

# permission denied.  root ignores mode 000, so as root run tcplc as nobody.
AS=()
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null &&
	   setpriv --reuid=65534 --regid=65534 --clear-groups "$TCPLC" --version >/dev/null 2>&1; then
		AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	else
		AS=(skip)
	fi
fi
if [ "${AS[0]:-}" = skip ]; then
	skip "unreadable file: exit 4" "root, and cannot run tcplc as nobody (setpriv)"
	skip "unreadable directory: exit 4" "root, and cannot run tcplc as nobody (setpriv)"
	skip "sockets file (0600, root): exit 4" "root, and cannot run tcplc as nobody (setpriv)"
else
	chmod 755 "$TMP"
	dir=$(mkcase)
	chmod -R a+rX "$TMP/c"
	chmod 000 "$dir/hist"
	fails "unreadable file: exit 4" 4 "needs root" \
		"${AS[@]}" "$TCPLC" --proc-root "$TMP/c" hist
	chmod 644 "$dir/hist"
	chmod 600 "$dir/sockets"
	chown 0:0 "$dir/sockets" 2>/dev/null
	fails "sockets file (0600, root): exit 4, needs CAP_NET_ADMIN" 4 \
		"needs root, or CAP_NET_ADMIN in the user namespace that owns this network namespace" \
		"${AS[@]}" "$TCPLC" --proc-root "$TMP/c" sockets --state CLOSE_WAIT
	chmod 000 "$dir"
	fails "unreadable directory: exit 4" 4 "net/tcp_lifecycle/states: permission denied" \
		"${AS[@]}" "$TCPLC" --proc-root "$TMP/c" states
	chmod 755 "$dir"
fi

# ---------------------------------------------------------------- usage
U=("$TCPLC" --proc-root "$FIX/basic")
fails "usage: unknown view" 2 "unknown view 'nosuch'" "${U[@]}" nosuch
fails "usage: unknown option" 2 "Try 'tcplc --help'" "${U[@]}" --nosuch
fails "usage: -j with --prometheus" 2 "--json and --prometheus exclude each other" "${U[@]}" -j --prometheus
fails "usage: --prometheus with -i" 2 "does not combine with --interval" "${U[@]}" --prometheus -i 1
fails "usage: -c without -i" 2 "--count needs --interval" "${U[@]}" -c 3
fails "usage: -i 0" 2 "invalid interval '0'" "${U[@]}" -i 0
fails "usage: -i abc" 2 "invalid interval 'abc'" "${U[@]}" -i abc
fails "usage: -i -1" 2 "invalid interval '-1'" "${U[@]}" -i -1
fails "usage: -i nan" 2 "invalid interval 'nan'" "${U[@]}" -i nan
fails "usage: -c 0" 2 "invalid count '0'" "${U[@]}" -i 1 -c 0
fails "usage: -c -5" 2 "invalid count '-5'" "${U[@]}" -i 1 -c -5
fails "usage: -c overflow" 2 "invalid count '99999999999999999999'" "${U[@]}" -i 1 -c 99999999999999999999
fails "usage: argument to a view without states" 2 "unexpected argument 'ESTABLISHED'" "${U[@]}" states ESTABLISHED
fails "usage: unknown state" 2 "unknown state 'FOO'" "${U[@]}" hist FOO
fails "usage: netns name with /" 2 "invalid network namespace name '../x'" "${U[@]}" -N ../x
fails "usage: netns name .." 2 "invalid network namespace name '..'" "${U[@]}" -N ..
fails "usage: empty --proc-root" 2 "--proc-root needs a directory" "$TCPLC" --proc-root ''
fails "usage: --raw with another view" 2 "--raw is an option of the transitions view" "${U[@]}" states --raw
fails "usage: --hist with another view" 2 "--hist is an option of the reasons and keepalive views" "${U[@]}" hist --hist
fails "usage: argument to keepalive" 2 "unexpected argument 'on'" "${U[@]}" keepalive on
fails "usage: --state with another view" 2 "are options of the sockets view" "${U[@]}" --state CLOSE_WAIT
fails "usage: -n with another view" 2 "are options of the sockets view" "${U[@]}" reasons -n 3
fails "usage: sockets --prometheus" 2 "the sockets view has no Prometheus output" "${U[@]}" sockets --prometheus
fails "usage: sockets -i" 2 "the sockets view lists what is there now: it has no watch mode" "${U[@]}" sockets -i 1
fails "usage: sockets --state FOO" 2 "unknown state 'FOO'" "${U[@]}" sockets --state FOO
fails "usage: --older-than 5x" 2 "invalid duration '5x'" "${U[@]}" sockets --older-than 5x
fails "usage: --older-than 1.s" 2 "invalid duration '1.s'" "${U[@]}" sockets --older-than 1.s
fails "usage: --older-than .5s" 2 "invalid duration '.5s'" "${U[@]}" sockets --older-than .5s
fails "usage: --older-than 5min" 2 "invalid duration '5min'" "${U[@]}" sockets --older-than 5min
fails "usage: --older-than empty" 2 "invalid duration ''" "${U[@]}" sockets --older-than ''
fails "usage: --older-than beyond the module's limit" 2 "invalid duration '18446744073710s'" \
	"${U[@]}" sockets --older-than 18446744073710s
fails "usage: --sort size" 2 "invalid sort key 'size'" "${U[@]}" sockets --sort size
fails "usage: -n 0" 2 "invalid number of sockets '0'" "${U[@]}" sockets -n 0
fails "usage: unknown reason" 2 "unknown reason 'rst'" "${U[@]}" reasons rst
fails "usage: a bare state to sockets is a bad filter" 2 "bad filter at 'CLOSE_WAIT': unknown term" "${U[@]}" sockets CLOSE_WAIT
golden "sockets: durations 30m == 1800s == 1800000ms == 1800 == 0h30m0s" busy.sockets-30m.txt \
	sh -c 'a=$("$@" --older-than 30m) || exit
	       for d in 1800s 1800000ms 1800 0h30m0s; do
	           [ "$("$@" --older-than $d)" = "$a" ] || exit 1
	       done
	       printf "%s\n" "$a"' sh \
	"$TCPLC" --proc-root "$FIX/busy" sockets --state CLOSE_WAIT
fails "usage: bad TCPLC_TEST_SERIES" 2 "invalid TCPLC_TEST_SERIES 'abc'" \
	env TCPLC_TEST_SERIES=abc "${U[@]}" -i 1 -c 1

"$TCPLC" --help >"$TMP/out" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -q '^Exit status:' "$TMP/out" && grep -q 'upper bound' "$TMP/out" &&
   grep -q '^  8 partial' "$TMP/out"; then
	ok "--help"
else
	not_ok "--help" "exit $rc" "$TMP/out"
fi
if "$TCPLC" --version | grep -qE '^tcplc [^ ]+ \(file format version 1\)$'; then
	ok "--version"
else
	not_ok "--version" "$("$TCPLC" --version 2>&1)"
fi

# ---------------------------------------------------------------- netns
fails "netns not found: exit 7" 7 'network namespace "tcplc-no-such-ns" not found' \
	"${U[@]}" -N tcplc-no-such-ns
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null &&
   ip netns add "tcplc-test-$$" 2>/dev/null; then
	NETNS=tcplc-test-$$
	golden "-N NAME: counters in a real netns" basic.counters.txt \
		"${U[@]}" -N "$NETNS" counters
	golden "-N NAME: netns label (prometheus)" basic.counters-netns.prom \
		sh -c '"$@" | sed "s/netns=\"tcplc-test-[0-9]*\"/netns=\"NS\"/"' sh \
		"${U[@]}" -N "$NETNS" --prometheus counters &&
		check_prom "-N NAME: prometheus parses" "$TMP/out"
	golden "-N NAME: netns member (json)" basic.counters-netns.json \
		sh -c '"$@" | sed "s/\"netns\":\"tcplc-test-[0-9]*\"/\"netns\":\"NS\"/"' sh \
		"${U[@]}" -N "$NETNS" -j counters
	ip netns del "$NETNS"
	NETNS=
else
	skip "-N NAME in a real netns" "needs root and 'ip netns add'"
fi

# ---------------------------------------------------------------- resets
# busy: a 7.2 module's resets file; legacy: a 6.1 one (no reasons given)
golden "busy.resets.txt" busy.resets.txt "$TCPLC" --proc-root "$FIX/busy" resets
golden "busy.resets -z" busy.resets-z.txt "$TCPLC" --proc-root "$FIX/busy" -z resets
golden "busy.resets.json" busy.resets.json "$TCPLC" --proc-root "$FIX/busy" -j resets &&
	check_json "busy.resets.json parses" "$TMP/out" resets
golden "busy.resets.prom" busy.resets.prom "$TCPLC" --proc-root "$FIX/busy" --prometheus resets &&
	check_prom "busy.resets.prom parses" "$TMP/out"
golden "legacy.resets.txt: 6.1 gives no reasons" legacy.resets.txt \
	"$TCPLC" --proc-root "$FIX/legacy" resets
golden "legacy.resets.json" legacy.resets.json "$TCPLC" --proc-root "$FIX/legacy" -j resets
fails "resets: a module without the file" 1 "resets: no such file" \
	"$TCPLC" --proc-root "$FIX/basic" resets
bad "resets: a name twice" resets 6 "resets:3: reset reason no_socket listed twice" resets \
	< <(printf 'version 1\nno_socket 1\nno_socket 2\n')
bad "resets: a name of another shape" resets 6 "resets:2: reset reason name with 'N' (a-z, 0-9, _)" resets \
	< <(printf 'version 1\nNO_SOCKET 1\n')
bad "resets: not a number" resets 6 'resets:2: no_socket "x" is not an unsigned decimal number' resets \
	< <(printf 'version 1\nno_socket x\n')
# the sum is the kernel's OutRsts: checked against the fixture's own lines
if [ "$("$TCPLC" --proc-root "$FIX/busy" -j resets | "$PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["total"])')" = \
     "$(awk 'NR > 1 { t += $2 } END { print t }' "$FIX/busy/net/tcp_lifecycle/resets")" ]; then
	ok "resets -j: total is the sum of the file's lines"
else
	not_ok "resets -j: total is the sum of the file's lines"
fi

# ---------------------------------------------------------------- listeners, cgroups
# busy: four listeners, 0.0.0.0:8443 (java) overflowing its accept queue and
# holding 180 of the 210 CLOSE_WAIT; basic: one listener; legacy: an older
# module without the files.  fixtures/host: busy's files as a /proc
# (host/proc -> ../busy) beside a fake cgroup2 tree (host/sys/fs/cgroup).
# A cgroup id is the inode number of its directory, which a checkout cannot
# fix: mkhost copies the tree and renumbers the cgroups file's placeholder
# ids (host/cgroup-ids) to this copy's inode numbers; 987654321001 has no
# directory (a cgroup that is gone: shown by its id).
mkhost() {
	local id path ino sed=
	rm -rf "$TMP/h"
	mkdir -p "$TMP/h"
	cp -rL "$FIX/host/proc" "$TMP/h/proc"
	cp -r "$FIX/host/sys" "$TMP/h/sys"
	while read -r id path; do
		ino=$(stat -c %i "$TMP/h/sys/fs/cgroup$path") || return 1
		sed="$sed s/^$id /$ino /;"
	done <"$FIX/host/cgroup-ids"
	local f=$TMP/h/proc/net/tcp_lifecycle/cgroups
	sed "$sed" "$f" >"$f.new"
	# by id ascending, as the module writes them; "other" last
	{ sed -n 1,2p "$f.new"; sed 1,2d "$f.new" | grep -v '^other ' | sort -n
	  grep '^other ' "$f.new"; } >"$f"
	rm "$f.new"
}
mkhost || not_ok "mkhost: the fake cgroup tree"
H=(--proc-root "$TMP/h/proc")
for case in busy basic; do
	golden "$case.listeners.txt" "$case.listeners.txt" "$TCPLC" --proc-root "$FIX/$case" listeners
	golden "$case.listeners.json" "$case.listeners.json" "$TCPLC" --proc-root "$FIX/$case" -j listeners &&
		check_json "$case.listeners.json parses" "$TMP/out" listeners
	golden "$case.listeners.prom" "$case.listeners.prom" "$TCPLC" --proc-root "$FIX/$case" --prometheus listeners &&
		check_prom "$case.listeners.prom parses" "$TMP/out"
done
# vm-listeners: the module's own output (selftests/tlc_listeners in the
# 7.2 VM: listeners of backlogs 2 and 5 overflowed by 4 and 9 clients).
golden "vm-listeners.listeners.txt: the module's real output" vm-listeners.listeners.txt \
	"$TCPLC" --proc-root "$FIX/vm-listeners" listeners
golden "vm-listeners.listeners.json" vm-listeners.listeners.json \
	"$TCPLC" --proc-root "$FIX/vm-listeners" -j listeners &&
	check_json "vm-listeners.listeners.json parses" "$TMP/out" listeners
golden "listeners: sport filter" busy.listeners-8443.txt "$TCPLC" --proc-root "$FIX/busy" listeners sport = :8443
golden "listeners: src filter, -j" busy.listeners-v6.json "$TCPLC" --proc-root "$FIX/busy" -j listeners src '[::]/0' &&
	check_json "listeners: src filter, -j parses" "$TMP/out" listeners
golden "listeners: -z shows the closed row" busy.listeners-z.txt "$TCPLC" --proc-root "$FIX/busy" -z listeners
golden "listeners --max-labels 2: the rest is listener=\"other\"" busy.listeners-max2.prom \
	"$TCPLC" --proc-root "$FIX/busy" --prometheus --max-labels 2 listeners &&
	check_prom "listeners --max-labels 2 parses" "$TMP/out"
golden "host.cgroups.txt: ids resolved to paths" host.cgroups.txt "$TCPLC" "${H[@]}" cgroups
# Rows come by id, and the ids are the copy's inode numbers, whose order
# the filesystem chooses: compare the lines sorted.
golden "host.cgroups.prom (lines sorted)" host.cgroups.prom \
	sh -c '"$@" | LC_ALL=C sort' sh "$TCPLC" "${H[@]}" --prometheus cgroups &&
	"$TCPLC" "${H[@]}" --prometheus cgroups >"$TMP/out" &&
	check_prom "host.cgroups.prom parses" "$TMP/out"
golden "host.cgroups --max-labels 1" host.cgroups-max1.prom "$TCPLC" "${H[@]}" --prometheus --max-labels 1 cgroups &&
	check_prom "host.cgroups --max-labels 1 parses" "$TMP/out"
golden "host.cgroups.json (ids normalized)" host.cgroups.json \
	sh -c '"$@" | sed -E "s/\"cgroup\":[0-9]+/\"cgroup\":1/g; s|\"cgroup_root\":\"[^\"]*\"|\"cgroup_root\":\"ROOT\"|"' \
	sh "$TCPLC" "${H[@]}" -j cgroups &&
	check_json "host.cgroups.json parses" "$TMP/out" cgroups
golden "busy.cgroups.txt: no tree beside the proc root, ids shown" busy.cgroups.txt \
	"$TCPLC" --proc-root "$FIX/busy" cgroups
# the oracle: each path tcplc gives is the directory whose inode is the id,
# every id of the file is there once, sums equal the file's
"$TCPLC" "${H[@]}" -j cgroups >"$TMP/cg.json" 2>"$TMP/err"
if "$PYTHON" - "$TMP/cg.json" "$TMP/h" >"$TMP/chk" 2>&1 <<'PY'
import json, os, sys
rows = json.load(open(sys.argv[1]))["cgroups"]
root = sys.argv[2] + "/sys/fs/cgroup"
lines = open(sys.argv[2] + "/proc/net/tcp_lifecycle/cgroups").read().split("\n")[2:-1]
ids = [l.split()[0] for l in lines]
assert sorted(str(r["cgroup"] if r["cgroup"] is not None else "other") for r in rows) == sorted(ids), ids
found = 0
for r in rows:
    if r["path"] is not None:
        assert os.stat(root + r["path"]).st_ino == r["cgroup"], r
        found += 1
    elif r["cgroup"] is not None:
        for d, _, _ in os.walk(root):
            assert os.stat(d).st_ino != r["cgroup"], f"{r['cgroup']} is {d}"
    line = lines[ids.index(str(r["cgroup"]) if r["cgroup"] is not None else "other")].split()
    assert (r["opened"], r["ended"]) == (int(line[1]), int(line[2])), r
    now = {} if line[3] == "-" else {p.split(":")[0]: int(p.split(":")[1]) for p in line[3].split(",")}
    assert r["now"] == now, (r["now"], now)
assert found == 3, found
print(f"{len(rows)} rows, {found} paths")
PY
then
	ok "cgroups: paths are the directories of the ids ($(cat "$TMP/chk"))"
else
	not_ok "cgroups: paths are the directories of the ids" "$TMP/chk" "$TMP/err"
fi
golden "cgroups: --cgroup-root overrides the default" host.cgroups-root.txt \
	"$TCPLC" "${H[@]}" --cgroup-root "$TMP/h/sys/fs/cgroup/system.slice" cgroups
golden "cgroups: TCPLC_CGROUP_ROOT" host.cgroups.txt \
	env TCPLC_CGROUP_ROOT="$TMP/h/sys/fs/cgroup" "$TCPLC" --proc-root "$TMP/h/proc/net/tcp_lifecycle" cgroups
# listeners against the fixture's other files: every request socket of the
# counters file is some row's, CLOSE_WAIT children are CLOSE_WAIT sockets
# of the sockets file on the listener's port, ESTABLISHED likewise
"$TCPLC" --proc-root "$FIX/busy" -j listeners >"$TMP/l.json"
if "$PYTHON" - "$TMP/l.json" "$FIX/busy/net/tcp_lifecycle" >"$TMP/chk" 2>&1 <<'PY'
import ipaddress, json, sys
rows = json.load(open(sys.argv[1]))["listeners"]
d = sys.argv[2]
ctr = dict(l.split() for l in open(d + "/counters").read().split("\n")[1:] if l)
for col, name in (("req_created", "synrecv_created"), ("req_completed", "synrecv_completed"),
                  ("req_timeout", "synrecv_timeout"), ("req_rst", "synrecv_rst")):
    got = sum(r[col] for r in rows)
    assert got == int(ctr[name]), (col, got, ctr[name])
for r in rows:
    ends = r["req_completed"] + r["req_timeout"] + r["req_rst"] + r["req_other"] + (r["req_now"] or 0)
    assert r["req_created"] == ends, r
socks = [dict(zip(open(d + "/sockets").read().split("\n")[1].split(), l.split()))
         for l in open(d + "/sockets").read().split("\n")[2:] if l]
def host(a):
    h, p = a.rsplit(":", 1)
    return ipaddress.ip_address(h.strip("[]")), int(p)
def child_of(s, r):
    (sa, sp), (la, lp) = host(s["local"]), host(r["local"])
    return sp == lp and (sa == la or (la.is_unspecified and sa.version == la.version))
for r in (r for r in rows if r["row"] == "listener"):
    for st, col in (("CLOSE_WAIT", "close_wait_now"), ("ESTABLISHED", "estab_now")):
        n = sum(1 for s in socks if s["state"] == st and child_of(s, r))
        assert n == r[col], (r["local"], st, n, r[col])
    cw = [int(s["age"]) for s in socks if s["state"] == "CLOSE_WAIT" and child_of(s, r)]
    assert r["close_wait_oldest_ns"] == max(cw, default=0), r["local"]
print(f"{len(rows)} rows agree with counters and sockets")
PY
then
	ok "busy listeners agree with its counters and sockets files ($(cat "$TMP/chk"))"
else
	not_ok "busy listeners agree with its counters and sockets files" "$TMP/chk"
fi
# the summary's alerts name the listener, or without a listeners file the
# cgroup; the overflowing listener is named
COLUMNS=300 "$TCPLC" "${H[@]}" >"$TMP/out" 2>"$TMP/err"
if grep -q '^! CLOSE_WAIT: 210 sockets now, most (180) children of 0.0.0.0:8443, oldest' "$TMP/out" &&
   grep -q '^! accept queue: 57 overflows, 63 SYNs dropped, most (61) at 0.0.0.0:8443: ' "$TMP/out" &&
   [ ! -s "$TMP/err" ]; then
	ok "summary: the CLOSE_WAIT and overflow alerts name the listener"
else
	not_ok "summary: the CLOSE_WAIT and overflow alerts name the listener" "$TMP/out" "$TMP/err"
fi
rm "$TMP/h/proc/net/tcp_lifecycle/listeners"
COLUMNS=300 "$TCPLC" "${H[@]}" >"$TMP/out" 2>"$TMP/err"
if grep -q '^! CLOSE_WAIT: 210 sockets now, most (180) in cgroup /system.slice/java-app.service, oldest' "$TMP/out" &&
   ! grep -q '^! accept queue' "$TMP/out" && [ ! -s "$TMP/err" ]; then
	ok "summary: without listeners the CLOSE_WAIT alert names the cgroup"
else
	not_ok "summary: without listeners the CLOSE_WAIT alert names the cgroup" "$TMP/out" "$TMP/err"
fi
mkhost
sed -i 's/^3 0.0.0.0:8443 \(.*\) 180 2714882100233 /3 0.0.0.0:8443 \1 210 2714882100233 /; s/^1 0.0.0.0:443 \(.*\) 19 812003221 /1 0.0.0.0:443 \1 0 812003221 /; s/^2 \[::\]:443 \(.*\) 11 696267573 /2 [::]:443 \1 0 696267573 /' \
	"$TMP/h/proc/net/tcp_lifecycle/listeners"
COLUMNS=300 "$TCPLC" "${H[@]}" >"$TMP/out" 2>"$TMP/err"
if grep -q '^! CLOSE_WAIT: 210 sockets now, all children of 0.0.0.0:8443, oldest' "$TMP/out"; then
	ok "summary: all CLOSE_WAIT of one listener"
else
	not_ok "summary: all CLOSE_WAIT of one listener" "$TMP/out" "$TMP/err"
fi
thr_case "threshold: listen_drops=120 does not fire (>)" '^! accept queue:' 0 --threshold listen_drops=120
thr_case "threshold: listen_drops=119 fires" '^! accept queue: 57 overflows, 63 SYNs dropped' 1 --threshold listen_drops=119
# the summary of a fixture without the files is today's (goldens above);
# the views say the file is missing
fails "listeners: an older module says so: exit 1" 1 \
	"legacy/net/tcp_lifecycle/listeners: no such file: the loaded tcp_lifecycle module has no per-listener" \
	"$TCPLC" --proc-root "$FIX/legacy" listeners
fails "cgroups: an older module says so: exit 1" 1 "basic/net/tcp_lifecycle/cgroups: no such file" \
	"$TCPLC" --proc-root "$FIX/basic" cgroups
fails "usage: --max-labels on another view" 2 "--max-labels is an option of the listeners and cgroups views" \
	"$TCPLC" --proc-root "$FIX/busy" --max-labels 3 states
fails "usage: --max-labels 0" 2 "invalid --max-labels '0'" "$TCPLC" --proc-root "$FIX/busy" --max-labels 0 listeners
fails "usage: listeners -i" 2 "the listeners view lists what is there now" "$TCPLC" --proc-root "$FIX/busy" -i 1 listeners
fails "usage: cgroups takes no filter" 2 "unexpected argument 'sport'" "$TCPLC" --proc-root "$FIX/busy" cgroups sport 1
# malformed listeners and cgroups files
L=$FIX/busy/net/tcp_lifecycle/listeners
CG=$FIX/busy/net/tcp_lifecycle/cgroups
bad "listeners: version 2" listeners 5 "listeners:1: format version 2 is newer" listeners < <(sed '1s/1/2/' "$L")
bad "listeners: no header" listeners 6 'listeners:2: header lacks column "id"' listeners < <(sed 2d "$L")
bad "listeners: header lacks a column" listeners 6 'listeners:2: header lacks column "drops"' listeners \
	< <(sed '2s/ drops / dropz /' "$L")
bad "listeners: garbage" listeners 6 'listeners:1: expected "version N" on line 1' listeners \
	< <(printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
bad "listeners: ids not ascending" listeners 6 "listeners:4: id 1 zero, duplicate or not ascending" listeners \
	< <(sed '4s/^2 /1 /' "$L")
bad "listeners: an id after closed" listeners 6 "listeners:9: id 9 after the summary rows" listeners \
	< <({ cat "$L"; echo "9 1.2.3.4:5 0 0 0 0 0 0 0 0 0 0 0 0 1 0 0 0 0 -"; })
bad "listeners: unknown row" listeners 6 'listeners:9: unknown row "other"' listeners \
	< <({ cat "$L"; echo "other - 0 0 0 0 0 - - 0 0 0 0 - - 0 - - - -"; })
bad "listeners: bad address" listeners 6 'listeners:3: local address "0.0.0.0:99999" is not ADDR:PORT' listeners \
	< <(sed '3s/0.0.0.0:443/0.0.0.0:99999/' "$L")
bad "listeners: a listener without an address" listeners 6 "listeners:3: listener 1 without a local address" listeners \
	< <(sed '3s/0.0.0.0:443/-/' "$L")
bad "listeners: reasons not NAME:COUNT" listeners 6 'listeners:6: reasons "orderly_passive=135" is not NAME:COUNT' listeners \
	< <(sed '6s/orderly_passive:135/orderly_passive=135/' "$L")
bad "listeners: reasons out of order" listeners 6 "listeners:3: reasons: orderly_active duplicate or out of order" listeners \
	< <(sed '3s/ orderly_active:40000,orderly_passive:19000,/ orderly_passive:19000,orderly_active:40000,/' "$L")
bad "listeners: a zero pair" listeners 6 "listeners:6: reasons: orderly_passive has a zero count" listeners \
	< <(sed '6s/orderly_passive:135/orderly_passive:0/' "$L")
bad "listeners: a number is not" listeners 6 'listeners:5: overflows "57x" is not an unsigned decimal number' listeners \
	< <(sed '5s/ 57 61 / 57x 61 /' "$L")
bad "listeners: a field missing" listeners 6 "listeners:6: 19 fields, expected 20" listeners \
	< <(sed '6s/ orderly_passive:135$//' "$L")
bad "cgroups: version 2" cgroups 5 "cgroups:1: format version 2 is newer" cgroups < <(sed '1s/1/2/' "$CG")
bad "cgroups: no header" cgroups 6 'cgroups:2: header lacks column "cgroup"' cgroups < <(sed 2d "$CG")
bad "cgroups: garbage" cgroups 6 "cgroups:1: NUL byte" cgroups < <(head -c 300 /dev/zero)
bad "cgroups: a count not a number" cgroups 6 'cgroups:3: now "x" is not an unsigned decimal number' cgroups < <(sed '3s/ESTABLISHED:800/ESTABLISHED:800,UNKNOWN_STATE:x/' "$CG")
bad "cgroups: states out of order" cgroups 6 "cgroups:4: now: ESTABLISHED duplicate or out of order" cgroups \
	< <(sed '4s/ESTABLISHED:198,SYN_SENT:12/SYN_SENT:12,ESTABLISHED:198/' "$CG")
bad "cgroups: other twice" cgroups 6 'cgroups:8: row "other" duplicate or out of order' cgroups \
	< <({ cat "$CG"; echo "other 0 0 - - -"; })
bad "cgroups: id 0" cgroups 6 "cgroups:3: id 0 zero, duplicate or not ascending" cgroups \
	< <(sed '3s/^101 /0 /' "$CG")
# names and columns a later module adds are skipped
dir=$(mkcase)
{ sed -n 1p "$L"; sed -n 2p "$L" | sed 's/$/ future_col/'
  sed 1,2d "$L" | sed 's/$/ 7/; 3s/,rst_received:40,/,rst_received:40,tcp_ao_mismatch:4,/'; } >"$dir/listeners"
golden "listeners: unknown columns and reasons are skipped" busy.listeners.txt \
	"$TCPLC" --proc-root "$TMP/c" listeners
{ sed -n 1,2p "$CG" | sed '2s/^cgroup opened/cgroup future opened/'
  sed 1,2d "$CG" | sed 's/^\([0-9a-z]*\) /\1 9 /; 2s/SYN_SENT:12,/SYN_SENT:12,BOUND_INACTIVE:3,/'; } >"$dir/cgroups"
golden "cgroups: unknown columns and states are skipped" busy.cgroups.txt \
	"$TCPLC" --proc-root "$TMP/c" cgroups

# ---------------------------------------------------------------- --all-netns
# fixtures/allns: /proc with pid 1 in an unnamed namespace (basic's files)
# and pids 40, 41 in /run/netns/web (busy's); the oracle is a -N-less read
# of each case on its own.
ALLNS=(--proc-root "$FIX/allns/proc" --all-netns)
golden "--all-netns: text grouped by namespace" allns.counters.txt \
	sh -c '"$@" | sed "s/net:\[[0-9]*\]/net:[N]/"' sh "$TCPLC" "${ALLNS[@]}" counters
for view in $VIEWS; do
	"$TCPLC" "${ALLNS[@]}" --prometheus "$view" >"$TMP/all.prom" 2>"$TMP/err"
	rc=$?
	{ "$TCPLC" --proc-root "$FIX/busy" --prometheus "$view"
	  "$TCPLC" --proc-root "$FIX/basic" --prometheus "$view"; } |
		grep -v '^#' | sort >"$TMP/want"
	grep -v '^#' "$TMP/all.prom" | sed 's/netns="[^"]*",\{0,1\}//; s/{}//' |
		sort >"$TMP/got"
	if [ $rc -ne 0 ] || [ -s "$TMP/err" ]; then
		not_ok "--all-netns --prometheus $view" "exit status $rc" "$TMP/err"
	elif ! diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		not_ok "--all-netns --prometheus $view: the namespaces' samples" "$TMP/diff"
	elif [ "$(grep -c '^tcp_lifecycle.*netns="web"' "$TMP/all.prom")" -ne \
	       "$(grep -c '^tcp_lifecycle' "$FIX/../expected/busy.$view.prom")" ]; then
		not_ok "--all-netns --prometheus $view: every web sample labelled"
	else
		check_prom "--all-netns --prometheus $view: one family each, parses" \
			"$TMP/all.prom"
	fi
	"$TCPLC" "${ALLNS[@]}" -j "$view" >"$TMP/all.json" 2>"$TMP/err"
	if "$PYTHON" - "$TMP/all.json" "$view" "$TCPLC" "$FIX" >"$TMP/chk" 2>&1 <<'PY'
import json, subprocess, sys
path, view, tcplc, fix = sys.argv[1:5]
lines = open(path).read().splitlines()
want = {}
for name, case in (("web", "busy"), (None, "basic")):
    out = subprocess.run([tcplc, "--proc-root", f"{fix}/{case}", "-j", view],
                         check=True, capture_output=True, text=True).stdout
    want[name] = json.loads(out)
assert len(lines) == 2, f"{len(lines)} lines, want one per namespace"
got = [json.loads(l) for l in lines]
assert got[0].pop("netns") == "web", "named namespaces first"
other = got[1].pop("netns")
assert other.startswith("net:[") and other.endswith("]"), other
assert got[0] == want["web"], "web differs from busy read alone"
assert got[1] == want[None], "the unnamed one differs from basic read alone"
PY
	then
		ok "--all-netns -j $view: one object per namespace, as read alone"
	else
		not_ok "--all-netns -j $view: one object per namespace, as read alone" "$TMP/chk"
	fi
done
"$TCPLC" "${ALLNS[@]}" -j sockets >"$TMP/all.json" 2>"$TMP/err"
if "$PYTHON" - "$TMP/all.json" "$TCPLC" "$FIX" >"$TMP/chk" 2>&1 <<'PY'
import json, subprocess, sys
rows = json.load(open(sys.argv[1]))
n = {c: len(json.loads(subprocess.run([sys.argv[2], "--proc-root", f"{sys.argv[3]}/{c}",
                                       "-j", "sockets"], check=True,
                                      capture_output=True, text=True).stdout))
     for c in ("busy", "basic")}
web = [r for r in rows if r["netns"] == "web"]
assert len(web) == n["busy"], (len(web), n)
assert len(rows) - len(web) == n["basic"], (len(rows), n)
PY
then
	ok "--all-netns -j sockets: one array, every row with its netns"
else
	not_ok "--all-netns -j sockets: one array, every row with its netns" "$TMP/chk"
fi
fails "--all-netns with -N" 2 "--all-netns and -N exclude each other" \
	"$TCPLC" "${ALLNS[@]}" -N web states
fails "--all-netns with -i" 2 "--all-netns shows totals" \
	"$TCPLC" "${ALLNS[@]}" -i 1 states
fails "--all-netns: no namespace found" 7 "no network namespace found" \
	"$TCPLC" --proc-root "$FIX/basic" --all-netns states
# one namespace without the module's files: the others, a warning, exit 8
rm -rf "$TMP/p"
mkdir -p "$TMP/p/proc/1/ns" "$TMP/p/proc/7/ns"
: >"$TMP/p/proc/1/ns/net"
: >"$TMP/p/proc/7/ns/net"
ln -s "$FIX/basic/net" "$TMP/p/proc/1/net"
# and a named one no process is in: only the live /proc can enter it
mkdir -p "$TMP/p/run/netns"
: >"$TMP/p/run/netns/idle"
"$TCPLC" --proc-root "$TMP/p/proc" --all-netns counters >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 8 ] && grep -q '^netns net:\[' "$TMP/out" &&
   grep -q "warning: .*/7/net/tcp_lifecycle does not exist" "$TMP/err" &&
   grep -q "warning: .*run/netns/idle: no process is in network namespace \"idle\"" "$TMP/err" &&
   [ "$(grep -c '^netns' "$TMP/out")" -eq 1 ]; then
	ok "--all-netns: an unreadable namespace is left out, exit 8"
else
	not_ok "--all-netns: an unreadable namespace is left out, exit 8" \
		"exit status $rc" "$TMP/out" "$TMP/err"
fi

# ---------------------------------------------------------------- --output
# whole or not at all: the file is replaced only by a complete report
"$TCPLC" --proc-root "$FIX/busy" --prometheus states >"$TMP/want.prom"
echo old >"$TMP/o.prom"
if "$TCPLC" --proc-root "$FIX/busy" --prometheus -o "$TMP/o.prom" states \
	>"$TMP/out" 2>"$TMP/err" && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ] &&
   cmp -s "$TMP/want.prom" "$TMP/o.prom" &&
   [ "$(stat -c %a "$TMP/o.prom")" = 644 ] &&
   [ -z "$(ls "$TMP" | grep 'o\.prom\.tmp')" ]; then
	ok "--output: the report replaces FILE, mode 0644, no temporary left"
else
	not_ok "--output: the report replaces FILE, mode 0644, no temporary left" \
		"$TMP/err" "$(ls -l "$TMP")"
fi
cp "$TMP/want.prom" "$TMP/o.prom"
fails "--output: an error leaves FILE as it was" 3 "module not loaded" \
	"$TCPLC" --proc-root "$TMP/nonexistent" --prometheus -o "$TMP/o.prom" states
if ! cmp -s "$TMP/want.prom" "$TMP/o.prom" || ls "$TMP" | grep -q 'o\.prom\.tmp'; then
	not_ok "--output: FILE untouched and no temporary after the error"
else
	ok "--output: FILE untouched and no temporary after the error"
fi
fails "--output: a directory that does not exist" 1 "cannot create a file beside it" \
	"$TCPLC" --proc-root "$FIX/busy" -o "$TMP/no/such/dir/x.prom" states
fails "--output with -i" 2 "--output writes one report" \
	"$TCPLC" --proc-root "$FIX/busy" -o "$TMP/o.prom" -i 1 states
# exit 8 still writes what could be read
"$TCPLC" --proc-root "$TMP/p/proc" --all-netns --prometheus -o "$TMP/o.prom" counters \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 8 ] && grep -q "^tcp_lifecycle_state_changes_total{netns=\"net:\\[" "$TMP/o.prom"; then
	ok "--output: partial output is written, exit 8"
else
	not_ok "--output: partial output is written, exit 8" "exit status $rc" "$TMP/err"
fi

# ---------------------------------------------------------------- systemd units
if command -v systemd-analyze >/dev/null; then
	rm -rf "$TMP/inst"
	if make -s -C "$SRC" install PREFIX="$TMP/inst/usr" \
		>"$TMP/out" 2>&1 &&
	   (cd "$TMP/inst/usr/lib/systemd/system" &&
	    systemd-analyze verify --man=no ./tcplc-textfile.service \
		./tcplc-textfile.timer) >>"$TMP/out" 2>&1 &&
	   grep -qx "ExecStart=$TMP/inst/usr/sbin/tcplc --all-netns --prometheus --output /var/lib/prometheus/node-exporter/tcp_lifecycle.prom summary" \
		"$TMP/inst/usr/lib/systemd/system/tcplc-textfile.service"; then
		ok "systemd units install and pass systemd-analyze verify"
	else
		not_ok "systemd units install and pass systemd-analyze verify" "$TMP/out"
	fi
else
	skip "systemd units pass systemd-analyze verify" "no systemd-analyze"
fi

# ---------------------------------------------------------------- docs
if command -v groff >/dev/null; then
	if groff -man -Tutf8 -ww -z "$SRC/tcplc.8" >"$TMP/err" 2>&1 && [ ! -s "$TMP/err" ]; then
		ok "man page renders without warnings"
	else
		not_ok "man page renders without warnings" "$TMP/err"
	fi
else
	skip "man page renders without warnings" "groff not installed"
fi
missing=
HELP=$("$TCPLC" --help)
thr() { printf '%s\n' "$HELP" | sed -n "s/$1/\\1/p"; }
for word in $VIEWS sockets listeners cgroups --max-labels --cgroup-root TCPLC_CGROUP_ROOT \
	listen_overflow listen_drops 'listener="other"' listener_overflows_total \
	cgroup_sockets "all children of" --interval --count --json --prometheus --zeros --netns --all-netns --output --proc-root tcplc-textfile.service tcplc-textfile.timer \
	--raw --hist --state --older-than --sort --limit TCPLC_PROC_ROOT --list COLUMNS "SS Output width" \
	--threshold --config close_wait_age keepalive_off_idle synrecv_timeout_pct --buckets tcp_lifecycle_alert_value alert_threshold --no-header "left_out" "^.B 8$" "directory itself" "SS Filters" "bad filter at" sport dport "fBsrc" "fBdst" "fBpid" "fBcomm" "fBlifetime" \
	Documentation/tcp_lifecycle.rst \
	"> $(thr '.*CLOSE_WAIT now > 0 and its oldest > \([0-9]*\)s .*') s" \
	"TIME_WAIT sockets now > $(thr '.*TIME_WAIT now > \([0-9]*\)$')\\." \
	"NEW_SYN_RECV sockets now > $(thr '.*NEW_SYN_RECV now > \([0-9]*\)$'):" \
	"port_exhausted > $(thr '.*port_exhausted > \([0-9]*\)$'):" \
	"more than $(thr '.*synrecv_timeout > \([0-9]*\)% .*')% of" \
	"keepalive_timeout ends > $(thr '.*keepalive_timeout ends > \([0-9]*\) .*'):" \
	"established_keepalive_off > $(thr '.*established_keepalive_off > \([0-9]*\) .*') " \
	"longest idle > $(thr '.*their longest idle > \([0-9]*\)s .*') s" \
	"synrecv_untracked > $(thr '.*synrecv_untracked > \([0-9]*\) .*'):"; do
	sed 's/\\-/-/g; s/\\(>=/>=/g' "$SRC/tcplc.8" | grep -qe "$word" || missing="$missing [$word]"
done
if [ -z "$missing" ]; then
	ok "man page covers views, options and thresholds"
else
	not_ok "man page covers views, options and thresholds" "missing:$missing"
fi
if bash -c 'source "$1"; COMP_WORDS=(tcplc hi); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx hist &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc hist TIME); COMP_CWORD=2; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx TIME_WAIT &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc sockets --state CLOSE_); COMP_CWORD=3; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx CLOSE_WAIT &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc sockets --sort ""); COMP_CWORD=3; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx "age lifetime" &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc reasons keep); COMP_CWORD=2; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx keepalive_timeout &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc transitions --r); COMP_CWORD=2; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- --raw &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc transitions --l); COMP_CWORD=2; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- --list &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc sockets state close_); COMP_CWORD=3; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx CLOSE_WAIT &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc sockets state CLOSE_WAIT sp); COMP_CWORD=4; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx sport &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc --threshold ti); COMP_CWORD=2; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx time_wait= &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc --bu); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- --buckets &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc --no-h); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- --no-header &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc --all); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- --all-netns &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc --out); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- --output &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc rese); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx resets &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc lis); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx listeners &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc cgroups --max); COMP_CWORD=2; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- --max-labels &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc so); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx sockets &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc ke); COMP_CWORD=1; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx keepalive &&
   bash -c 'source "$1"; COMP_WORDS=(tcplc keepalive --h); COMP_CWORD=2; _tcplc; echo "${COMPREPLY[@]}"' \
	sh "$SRC/tcplc.bash-completion" 2>&1 | grep -qx -- "--help --hist"; then
	ok "bash completion"
else
	not_ok "bash completion"
fi

echo "1..$n"
echo "$NAME: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
