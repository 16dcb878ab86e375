#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: the fleet path, with its real parts.  `make install` puts
# tcplc and its systemd units in a scratch prefix; the service's own
# ExecStart line (--all-netns --prometheus --output) writes the textfile;
# Debian's prometheus-node-exporter serves it through its textfile
# collector; curl scrapes it.  Two namespaces with different traffic
# (tlc_churn), then:
#  - the service's command exits 0 and leaves one complete file, which
#    promtool check metrics accepts;
#  - the exporter read it without error (node_textfile_scrape_error 0);
#  - every tcp_lifecycle_* sample that `tcplc -N NAME --prometheus` prints
#    for each namespace is in the scrape with that namespace's label and
#    the same value (ages excepted: they move);
#  - the two namespaces differ where their traffic did (Tcp ActiveOpens of
#    each, from /proc/net/snmp, equals its SYN_SENT entries).
# Skips without prometheus-node-exporter or curl (scripts/deps.sh vm).

source "$(dirname "$0")/tlc_lib.sh"
TCPLC=${TCPLC:-$TLC_DIR/../userspace/tcplc}
EXPORTER=${EXPORTER:-/usr/bin/prometheus-node-exporter}
PORT=19100
NSS=(tlc-fleet-a tlc-fleet-b)
TESTS=(install_units service_writes_textfile exporter_reads_it
	samples_equal_tcplc namespaces_apart)

tlc_require_root
ktap_header ${#TESTS[@]}
[[ -x $TCPLC ]] || skip_all "no tcplc at $TCPLC (make tcplc)"
[[ -x $EXPORTER ]] || skip_all "no $EXPORTER (apt-get install prometheus-node-exporter)"
command -v curl >/dev/null || skip_all "no curl"
{ command -v make && command -v python3; } >/dev/null || skip_all "needs make and python3"
tlc_loaded || insmod "$TLC_KO" || skip_all "module not loadable"

tmp=$(mktemp -d)
exporter=
cleanup() {
	[[ -n $exporter ]] && kill "$exporter" 2>/dev/null
	wait 2>/dev/null
	for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# 1. make install: tcplc and the units (the ExecStart names the prefix)
unit=$tmp/usr/lib/systemd/system/tcplc-textfile.service
if make -s -C "$TLC_DIR/../userspace" install PREFIX="$tmp/usr" >"$tmp/make.log" 2>&1 &&
   [[ -f $unit && -f ${unit%.service}.timer ]] &&
   ! grep -q '^WantedBy\|^\[Install\]' "$unit"; then
	ktap_result 0 install_units
else
	sed 's/^/# /' "$tmp/make.log"
	ktap_result 1 install_units
	skip_all "no units installed"
fi

# the traffic: 6 connections in one namespace, 15 in the other
declare -A opens
for ns in "${NSS[@]}"; do
	ip netns del "$ns" 2>/dev/null
	ip netns add "$ns"
	ip -n "$ns" link set lo up
done
ip netns exec "${NSS[0]}" "$TLC_DIR/tlc_churn" -n 6 >/dev/null
ip netns exec "${NSS[1]}" "$TLC_DIR/tlc_churn" -n 15 >/dev/null
for ns in "${NSS[@]}"; do
	opens[$ns]=$(ip netns exec "$ns" awk '/^Tcp:/ && !h { h = 1; for (i = 1; i <= NF; i++) c[$i] = i; next }
		/^Tcp:/ { print $c["ActiveOpens"] }' /proc/net/snmp)
done
echo "# ActiveOpens: ${NSS[0]} ${opens[${NSS[0]}]}, ${NSS[1]} ${opens[${NSS[1]}]}"

# 2. the service's command, as systemd would run it, into a scratch dir
textdir=$tmp/textfile
mkdir "$textdir"
cmd=$(sed -n 's/^ExecStart=//p' "$unit")
cmd=${cmd//\/var\/lib\/prometheus\/node-exporter/$textdir}
echo "# ExecStart: $cmd"
read -r -a argv <<<"$cmd"
"${argv[@]}" >"$tmp/svc.out" 2>"$tmp/svc.err"
st=$?
promtool=$(command -v promtool)
if [[ $st == 0 && ! -s $tmp/svc.out && -s $textdir/tcp_lifecycle.prom &&
      $(ls -A "$textdir") == tcp_lifecycle.prom ]] &&
   { [[ -z $promtool ]] || "$promtool" check metrics <"$textdir/tcp_lifecycle.prom" >"$tmp/promtool" 2>&1; }; then
	echo "# promtool check metrics: $([[ -n $promtool ]] && echo passed || echo "not installed")"
	ktap_result 0 service_writes_textfile
else
	echo "# status $st; $(ls -A "$textdir")"
	sed 's/^/# /' "$tmp/svc.err" "$tmp/promtool" 2>/dev/null
	ktap_result 1 service_writes_textfile
fi

# 3. node exporter: only its textfile collector, on a port of its own
"$EXPORTER" --collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$textdir" \
	--web.listen-address=127.0.0.1:$PORT >"$tmp/exporter.log" 2>&1 &
exporter=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$PORT/metrics" >"$tmp/scrape" 2>/dev/null && break
	sleep 0.2
done
if grep -qx 'node_textfile_scrape_error 0' "$tmp/scrape" &&
   grep -q '^tcp_lifecycle_' "$tmp/scrape"; then
	ktap_result 0 exporter_reads_it
else
	echo "# $(grep -c . "$tmp/scrape") lines scraped"
	grep -i 'textfile\|error' "$tmp/scrape" "$tmp/exporter.log" | head -20 | sed 's/^/# /'
	ktap_result 1 exporter_reads_it
fi

# 4. every sample of each namespace, as tcplc -N prints it, in the scrape
for ns in "${NSS[@]}"; do
	"$TCPLC" -N "$ns" --prometheus summary >"$tmp/$ns.prom"
done
if python3 - "$tmp/scrape" "$tmp/${NSS[0]}.prom" "$tmp/${NSS[1]}.prom" <<'PY'
import re, sys

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')
MOVING = ("_oldest_seconds", "_idle_p50_seconds", "_idle_p99_seconds",
          "_idle_max_seconds", "tcp_lifecycle_alert")


def samples(path):
    out = {}
    for line in open(path):
        m = SAMPLE.match(line.strip())
        if not m or not m.group(1).startswith("tcp_lifecycle_"):
            continue
        # the exporter prints le="2e-09" for tcplc's le="0.000000002"
        labels = tuple(sorted((k, repr(float(v)) if k == "le" else v)
                              for k, v in LABEL.findall(m.group(2) or "")))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


scrape = samples(sys.argv[1])
bad = checked = 0
for path in sys.argv[2:]:
    for key, v in samples(path).items():
        if any(s in key[0] for s in MOVING):
            if key not in scrape:
                bad += 1
                print(f"# missing {key}")
            continue
        checked += 1
        if scrape.get(key) != v:
            bad += 1
            if bad < 10:
                print(f"# {key}: tcplc {v}, scraped {scrape.get(key)}")
print(f"# {checked} samples compared, {bad} differ or missing,"
      f" {len(scrape)} tcp_lifecycle samples scraped")
sys.exit(1 if bad or not checked else 0)
PY
then
	ktap_result 0 samples_equal_tcplc
else
	ktap_result 1 samples_equal_tcplc
fi

# 5. each namespace's SYN_SENT entries are its own ActiveOpens
ok=0
for ns in "${NSS[@]}"; do
	got=$(grep "^tcp_lifecycle_state_entered_total{.*netns=\"$ns\".*state=\"SYN_SENT\"" \
		"$tmp/scrape" | awk '{print $2}')
	echo "# $ns: SYN_SENT entered $got (scraped), ActiveOpens ${opens[$ns]}"
	[[ $got == "${opens[$ns]}" ]] || ok=1
done
ktap_result $ok namespaces_apart
ktap_finish
