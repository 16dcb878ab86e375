#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: the userspace reader tcplc against the live module.  Real
# connections (tlc_churn) in a named network namespace: some in TIME_WAIT,
# some held ESTABLISHED, some held in CLOSE_WAIT.  Then
#  - every view's JSON equals the raw files read just before and after it;
#  - the CLOSE_WAIT listing names exactly the sockets ss lists, with the
#    process holding them and ages that fit when they were made;
#  - -N NAME shows that namespace, as ss -N does;
#  - watch mode's deltas equal what /proc/net/snmp counted meanwhile;
#  - the errors: module not loaded, sockets as an unprivileged user.
# TCPLC names the binary (default ../userspace/tcplc).

source "$(dirname "$0")/tlc_lib.sh"
TCPLC=${TCPLC:-$TLC_DIR/../userspace/tcplc}
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
NS=tlc-lc
NSX=(ip netns exec $NS)
TESTS=(not_loaded views_summary views_states views_transitions views_transitions_raw
	views_hist views_reasons views_counters views_keepalive views_resets views_sockets
	close_wait_vs_ss close_wait_owner close_wait_age close_wait_text netns
	watch_delta watch_text sockets_unprivileged conservation)

tlc_require_root
ktap_header ${#TESTS[@]}
[[ -x $TCPLC ]] || skip_all "no tcplc at $TCPLC (make tcplc)"
command -v ss >/dev/null && command -v python3 >/dev/null || skip_all "needs ss and python3"

# 1. not loaded: exit status 3 and a message that says how to load it
if tlc_loaded && ! rmmod tcp_lifecycle; then
	ktap_result 4 not_loaded "cannot unload the module"
else
	ok=0
	out=$("$TCPLC" 2>&1)
	st=$?
	echo "# tcplc without the module: status $st: $out"
	[[ $st == 3 ]] || { echo "# want status 3"; ok=1; }
	grep -q 'insmod\|modprobe' <<<"$out" || { echo "# the message does not say how to load it"; ok=1; }
	"$TCPLC" -j states >/dev/null 2>&1
	st=$?
	[[ $st == 3 ]] || { echo "# -j states: status $st, want 3"; ok=1; }
	ktap_result $ok not_loaded
fi
tlc_loaded || insmod "$TLC_KO" || skip_all "module not loadable"

# The traffic, in a namespace of its own.
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del $NS 2>/dev/null
}
trap cleanup EXIT
status0=$(mktemp)
cat /sys/kernel/debug/tcp_lifecycle/status >"$status0"
ip netns del $NS 2>/dev/null
ip netns add $NS
ip -n $NS link set lo up
out=$("${NSX[@]}" "$TLC_DIR/tlc_churn" -n 20 -w 1)
echo "# 20 connections closed, TIME_WAIT at the clients: $out"
# hold: start a holder in the namespace, wait for its "holding" line
hold() { # fifo, tlc_churn args...
	local fifo=$1 line
	shift
	mkfifo "$fifo"
	"${NSX[@]}" "$TLC_DIR/tlc_churn" "$@" -d 0 >"$fifo" &
	pids+=($!)
	read -r -t 60 line <"$fifo"
	echo "# tlc_churn $*: $line"
	[[ $line == holding* ]]
}
tmp=$(mktemp -d)
hold "$tmp/est" -H 3 || skip_all "tlc_churn -H failed"
est_pid=${pids[-1]}
cw_t0=$(date +%s.%N)
hold "$tmp/cw" -H 4 -C || skip_all "tlc_churn -H -C failed"
cw_t1=$(date +%s.%N)
cw_pid=${pids[-1]}
# ip netns exec execs tlc_churn: the pid stays
[[ $(cat /proc/$cw_pid/comm) == tlc_churn ]] || echo "# pid $cw_pid is $(cat /proc/$cw_pid/comm)"
# something different in init_net, to tell the namespaces apart
"$TLC_DIR/tlc_churn" -H 1 -d 0 >"$tmp/init" &
pids+=($!)
sleep 1

# 2. every view, JSON, against the raw files
"${NSX[@]}" python3 "$TLC_DIR/tlc_tcplc.py" views "$TCPLC" >"$tmp/views" 2>&1
while read -r res view rest; do
	case $res in
	ok | fail)
		view=${view%:}
		[[ $rest == --raw* ]] && view=transitions_raw
		echo "# $res $view $rest"
		ktap_result $([[ $res == ok ]] && echo 0 || echo 1) "views_$view"
		;;
	*) echo "$res $view $rest" ;;
	esac
done <"$tmp/views"
while ((tlc_n < 11)); do
	ktap_result 1 "views_missing_$tlc_n"
	sed 's/^/# /' "$tmp/views"
done

# 3. sockets --state close-wait against ss: the same address pairs, the
#    holder's pid and comm, ages within when they were made
ok=0
t2=$(date +%s.%N)
"$TCPLC" -N $NS -j sockets --state close-wait >"$tmp/cw.json"
st=$?
t3=$(date +%s.%N)
ss -N $NS -tanH state close-wait | awk '{ print $3, $4 }' | sort >"$tmp/cw.ss"
python3 - "$tmp/cw.json" "$cw_pid" "$cw_t0" "$cw_t1" "$t2" "$t3" >"$tmp/cw.check" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
pid = int(sys.argv[2])
t0, t1, t2, t3 = map(float, sys.argv[3:7])
for s in sorted(j, key=lambda s: (s["local"], s["remote"])):
    print("pair", s["local"], s["remote"])
    if s["state"] != "CLOSE_WAIT":
        print("bad state", s["state"])
    if (s["pid"], s["comm"]) != (pid, "tlc_churn"):
        print("bad owner", s["pid"], s["comm"], "want", pid, "tlc_churn")
    # made between t0 and t1, listed between t2 and t3 (0.2 s: clocks, TCG)
    lo, hi = (t2 - t1 - 0.2) * 1e9, (t3 - t0 + 0.2) * 1e9
    if not lo <= s["age_ns"] <= hi:
        print("bad age", s["age_ns"], "not in", int(lo), int(hi))
    else:
        print("age", s["age_ns"], "in", int(lo), int(hi))
PY
sed 's/^/# /' "$tmp/cw.check"
[[ $st == 0 ]] || { echo "# tcplc sockets: status $st"; ok=1; }
sed -n 's/^pair //p' "$tmp/cw.check" >"$tmp/cw.tcplc"   # (no /dev/fd in vm-run's VM)
if [[ $(wc -l <"$tmp/cw.ss") != 4 ]] || ! diff "$tmp/cw.tcplc" "$tmp/cw.ss"; then
	echo "# tcplc and ss list different CLOSE_WAIT sockets:"; sed 's/^/#  ss: /' "$tmp/cw.ss"; ok=1
fi
ktap_result $ok close_wait_vs_ss
ok=0
grep -q '^bad owner' "$tmp/cw.check" && ok=1
grep -q '^pair' "$tmp/cw.check" || ok=1
ktap_result $ok close_wait_owner
ok=0
grep -q '^bad age' "$tmp/cw.check" && ok=1
grep -q '^age' "$tmp/cw.check" || ok=1
ktap_result $ok close_wait_age
# the table: same pairs, the owner in the PID and COMM columns
ok=0
"${NSX[@]}" "$TCPLC" sockets --state close-wait >"$tmp/cw.txt"
sed 's/^/# /' "$tmp/cw.txt"
head -1 "$tmp/cw.txt" | grep -q 'STATE.*LOCAL.*REMOTE.*AGE.*PID.*COMM' || { echo "# no header"; ok=1; }
awk 'NR > 1 { print $2, $3 }' "$tmp/cw.txt" | sort | diff - "$tmp/cw.ss" >/dev/null || { echo "# pairs differ from ss"; ok=1; }
[[ $(awk -v p="$cw_pid" 'NR > 1 && $1 == "CLOSE_WAIT" && $(NF - 1) == p && $NF == "tlc_churn"' "$tmp/cw.txt" | wc -l) == 4 ]] ||
	{ echo "# owner columns"; ok=1; }
ktap_result $ok close_wait_text

# 4. -N NAME: that namespace's numbers, as ss -N sees its sockets, not
#    init_net's.  ss runs before and after tcplc; a sample in which ss saw a
#    change (the 20 TIME_WAIT sockets expiring) is taken again.
ok=1
for attempt in 1 2 3 4 5; do
	ss -N $NS -tanH >"$tmp/ss.ns.a"
	ss -tanH >"$tmp/ss.init.a"
	"$TCPLC" -N $NS -j states >"$tmp/ns.json"
	"$TCPLC" -j states >"$tmp/init.json"
	ss -N $NS -tanH >"$tmp/ss.ns.b"
	ss -tanH >"$tmp/ss.init.b"
	cmp -s "$tmp/ss.ns.a" "$tmp/ss.ns.b" && cmp -s "$tmp/ss.init.a" "$tmp/ss.init.b" || continue
	compared=1
	python3 - "$tmp" $NS <<'PY' && ok=0
import collections, json, sys
tmp, ns = sys.argv[1], sys.argv[2]
names = {"ESTAB": "ESTABLISHED", "CLOSE-WAIT": "CLOSE_WAIT", "FIN-WAIT-2": "FIN_WAIT2",
         "LISTEN": "LISTEN", "TIME-WAIT": "TIME_WAIT"}
bad = 0
now = {}
for which in ("ns", "init"):
    ss = collections.Counter(names.get(l.split()[0], l.split()[0]) for l in open(f"{tmp}/ss.{which}.a"))
    j = {s["state"]: s["now"] for s in json.load(open(f"{tmp}/{which}.json"))["states"]}
    now[which] = j
    for st in names.values():
        print(f"# {ns if which == 'ns' else 'init_net'} {st}: tcplc {j[st]}, ss {ss[st]}")
        bad |= j[st] != ss[st]
# ESTABLISHED 6 + 0 vs 2 in init_net: a tcplc that read init_net cannot pass
if now["ns"]["ESTABLISHED"] == now["init"]["ESTABLISHED"]:
    print("# same ESTABLISHED count in both namespaces")
    bad = 1
sys.exit(bad)
PY
	break
done
[[ $compared ]] || echo "# ss never stood still"
# and -N NAME equals ip netns exec NAME tcplc (again if a count moved)
for attempt in 1 2 3 4; do
	"${NSX[@]}" "$TCPLC" -j counters >"$tmp/nsx.json"
	"$TCPLC" -N $NS -j counters | python3 -c '
import json, sys
a = json.load(sys.stdin); b = json.load(open(sys.argv[1]))
if a.pop("netns", None) != sys.argv[2]:
    print("# no netns member"); sys.exit(1)
sys.exit(a != b)' "$tmp/nsx.json" $NS && { same=1; break; }
done
[[ $same ]] || { echo "# -N counters differ from ip netns exec"; ok=1; }
ktap_result $ok netns

# 5. watch mode: the deltas of the intervals in which 10 connections are
#    made, against /proc/net/snmp's ActiveOpens and PassiveOpens.  The
#    connections are made once the first report is out (so after the
#    sample it ended with, from which snmp is read too, nothing else
#    moving), well before the last sample; the deltas of the reports after
#    the first add up to the snmp difference.
ok=0
snmp() { # field
	"${NSX[@]}" awk -v f="$1" '/^Tcp:/ { if (!n++) for (i = 1; i <= NF; i++) c[$i] = i; else print $c[f] }' /proc/net/snmp
}
"${NSX[@]}" "$TCPLC" -i 3 -c 8 -j >"$tmp/watch.json" &
wpid=$!
for ((i = 0; i < 300; i++)); do
	[[ -s $tmp/watch.json ]] && break
	sleep 0.1
done
a1=$(snmp ActiveOpens) p1=$(snmp PassiveOpens)
out=$("${NSX[@]}" "$TLC_DIR/tlc_churn" -n 10 -w 1)
wait $wpid || ok=1
a2=$(snmp ActiveOpens) p2=$(snmp PassiveOpens)
echo "# tlc_churn: $out; snmp ActiveOpens +$((a2 - a1)), PassiveOpens +$((p2 - p1))"
python3 - "$tmp/watch.json" $((a2 - a1)) $((p2 - p1)) <<'PY' || ok=1
import json, sys
ls = open(sys.argv[1]).read().splitlines()
active, passive = int(sys.argv[2]), int(sys.argv[3])
assert len(ls) == 8, f"{len(ls)} lines"
got = dict(syn_sent_entered=0, established_entered=0, synrecv_created=0, synrecv_completed=0,
           passive_children=0)
for line in ls[1:]:
    j = json.loads(line)
    st = {s["state"]: s for s in j["states"]}
    c = j["counters"]
    got["syn_sent_entered"] += st["SYN_SENT"]["entered"]
    got["established_entered"] += st["ESTABLISHED"]["entered"]
    got["synrecv_created"] += c["synrecv_created"]
    got["synrecv_completed"] += c["synrecv_completed"]
    got["passive_children"] += sum(c["passive_children_" + p] for p in ("reqsk", "syncookie", "fastopen"))
    print("# report", j["time"], "interval", j["interval_s"], "SYN_SENT entered", st["SYN_SENT"]["entered"])
    assert 1 < j["interval_s"] < 10 and j["reset"] is False, "interval or reset"
# On loopback every connect() makes one request socket, which one child
# completes.  PassiveOpens counts every child, also the loser when two
# CPUs build one from the same request at once (the kernel destroys it;
# Documentation/tcp_lifecycle.rst, synrecv_completed): the
# passive_children_* follow PassiveOpens, the rest ActiveOpens (once the
# debug kernel's PassiveOpens was +12 for 10 requests).
want = dict(syn_sent_entered=active, established_entered=2 * active,
            synrecv_created=active, synrecv_completed=active,
            passive_children=passive)
print("# watch deltas", got, "; from snmp", want)
assert active == 10 and 10 <= passive <= 12, "snmp saw other traffic"
assert got == want
PY
ktap_result $ok watch_delta
# text: a timestamp header line per report, deltas in between
ok=0
"${NSX[@]}" "$TCPLC" -i 1 -c 2 >"$tmp/watch.txt" || ok=1
sed 's/^/# /' "$tmp/watch.txt" | head -12
[[ $(grep -cE '^--- [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9:]{5}  interval [0-9.]+s ---' "$tmp/watch.txt") == 2 ]] ||
	{ echo "# want 2 header lines"; ok=1; }
ktap_result $ok watch_text

# 6. sockets as an unprivileged user: exit status 4 and why; the
#    statistics still readable
ok=0
out=$("${NOBODY[@]}" "$TCPLC" sockets 2>&1)
st=$?
echo "# tcplc sockets as nobody: status $st: $out"
[[ $st == 4 ]] || ok=1
grep -qi 'permission' <<<"$out" && grep -qi 'root' <<<"$out" || { echo "# the message does not say why"; ok=1; }
"${NOBODY[@]}" "$TCPLC" states >/dev/null || { echo "# nobody cannot read the states"; ok=1; }
ktap_result $ok sockets_unprivileged

# 7. the conservation laws in the namespace of the traffic
tlc_conserve_result $NS tcplc "$status0"
rm -rf "$tmp" "$status0"
ktap_finish
