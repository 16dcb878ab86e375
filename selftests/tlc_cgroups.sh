#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: /proc/net/tcp_lifecycle/cgroups against ss.  A server in
# one cgroup the test makes and a client in another (cgroup v2, mounted if
# need be) hold connections in a fresh namespace, in different states;
# after each scenario:
#   - every cgroup's "now" equals `ss -tan --cgroup` grouped by cgroup
#     (sockets of cgroups without a row are the "other" row's);
#   - opened, ended and the close reasons are what the scenario did:
#     connect()s and refused connect()s in the client's, passive children
#     in the server's (its listener's cgroup), a connection closed by the
#     client ending as a FIN_WAIT2 timewait socket in the client's;
#   - the reasons summed over the rows equal the namespace's reasons file
#     (every end counted once, and in one row);
#   - the conservation laws (lib/conserve.c).
# Then the file is 0600 and root without CAP_NET_ADMIN reads EPERM; last,
# loaded with disable_features=cgroups, the table counts nothing of
# connections the namespace's ActiveOpens counts, and debugfs says so.

source "$(dirname "$0")/tlc_lib.sh"
STATUS=/sys/kernel/debug/tcp_lifecycle/status
NS=tlc-cg
NTESTS=11

skip_all() {
	local t
	for t in established conservation close_wait conservation \
		close_wait_oldest resets conservation all_closed conservation \
		needs_cap_net_admin disabled; do
		ktap_result 4 "$t" "$1"
	done
	ktap_finish
}

tlc_require_root
ktap_header $NTESTS
if ! tlc_loaded && ! insmod "$TLC_KO"; then
	skip_all "module not loadable"
fi
grep -q '^feature cgroups available' $STATUS ||
	skip_all "cgroups feature not available"
ss -tan --cgroup >/dev/null 2>&1 || skip_all "ss has no --cgroup"

# A cgroup2 mount: the system's, or one of our own (ss finds it in
# /proc/mounts either way).
cgroot=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
mounted=
if [[ -z $cgroot ]]; then
	if [[ -d /sys/fs/cgroup ]] && ! mountpoint -q /sys/fs/cgroup; then
		cgroot=/sys/fs/cgroup
	else
		cgroot=$(mktemp -d /tmp/tlc-cgroup2.XXXXXX)
	fi
	mount -t cgroup2 none "$cgroot" 2>/dev/null || skip_all "no cgroup v2"
	mounted=$cgroot
fi
cga=$cgroot/tlc-cg-server.$$
cgb=$cgroot/tlc-cg-client.$$
mkdir "$cga" "$cgb" || skip_all "cannot make cgroups under $cgroot"

status0=$(mktemp)
cat $STATUS >"$status0"
cleanup() {
	ip netns del $NS 2>/dev/null
	# The processes have gone: the cgroups are empty.
	rmdir "$cga" "$cgb" 2>/dev/null
	[[ -n $mounted ]] && umount "$mounted"
	rm -f "$status0"
}
trap cleanup EXIT
ip netns add $NS
ip -n $NS link set lo up
# An orphan in FIN_WAIT2 becomes a timewait socket that ends in ~1 s.
ip netns exec $NS sysctl -qw net.ipv4.tcp_fin_timeout=1

out=$(python3 - "$NS" "$cga" "$cgb" "$TLC_DIR/tlc_conserve" "$status0" <<'PY'
import collections, os, re, subprocess, sys, time

ns, cga, cgb, conserve, status0 = sys.argv[1:]
P = "/proc/net/tcp_lifecycle"
ida, idb = os.stat(cga).st_ino, os.stat(cgb).st_ino
print("# server cgroup %s id %d, client cgroup %s id %d" % (cga, ida, cgb, idb))

CHILD = r'''
import socket, struct, sys, time
role = sys.argv[1]
conns = []
def say(*a):
    print(*a, flush=True)
TCP_FIN_WAIT2 = 5       # tcpi_state, the first byte of TCP_INFO
def fin_close(c):
    """FIN first, close() once it is acknowledged (FIN_WAIT2): step 2."""
    c.shutdown(socket.SHUT_WR)
    end = time.monotonic() + 10
    while c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 1)[0] != TCP_FIN_WAIT2:
        if time.monotonic() > end:
            return False
        time.sleep(0.001)
    c.close()
    return True
if role == "server":
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(16)
    say(l.getsockname()[1])
else:
    say("ready")
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "accept":
        for i in range(int(cmd[1])):
            conns.append(l.accept()[0])
    elif cmd[0] == "connect":
        for i in range(int(cmd[2])):
            conns.append(socket.create_connection(("127.0.0.1", int(cmd[1]))))
    elif cmd[0] == "refuse":
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", int(cmd[1])))
            say("connected?"); continue
        except ConnectionRefusedError:
            pass
        s.close()
    elif cmd[0] == "close":
        for i in cmd[1:]:
            conns[int(i)].close()
    elif cmd[0] == "fin":
        late = [i for i in cmd[1:] if not fin_close(conns[int(i)])]
        if late:
            say("fin %s: no FIN_WAIT2 after 10 s" % " ".join(late)); continue
    elif cmd[0] == "rst":
        for i in cmd[1:]:
            conns[int(i)].setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                     struct.pack("ii", 1, 0))
            conns[int(i)].close()
    elif cmd[0] == "exit":
        break
    say("ok")
'''

def spawn(cg, role):
    def enter():
        with open(cg + "/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))
    return subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-c",
                             CHILD, role], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True,
                            preexec_fn=enter)

def ask(p, cmd):
    p.stdin.write(cmd + "\n"); p.stdin.flush()
    r = p.stdout.readline().strip()
    if r != "ok":
        raise SystemExit("# %s: %r" % (cmd, r))

def netns(*cmd):
    return subprocess.run(["ip", "netns", "exec", ns] + list(cmd),
                          capture_output=True, text=True, check=True).stdout

def pairs(field):
    return {} if field == "-" else \
        {k: int(v) for k, v in (p.split(":") for p in field.split(","))}

def module():
    lines = netns("cat", P + "/cgroups").splitlines()
    assert lines[0] == "version 1", lines[0]
    head = lines[1].split()
    assert head == ["cgroup", "opened", "ended", "now",
                    "close_wait_oldest", "reasons"], head
    rows = {}
    for line in lines[2:]:
        f = dict(zip(head, line.split()))
        rows[f["cgroup"]] = {"opened": int(f["opened"]),
                             "ended": int(f["ended"]),
                             "now": pairs(f["now"]),
                             "cwo": f["close_wait_oldest"],
                             "reasons": pairs(f["reasons"])}
    return rows

SS = {"ESTAB": "ESTABLISHED", "UNCONN": "CLOSE", "FIN-WAIT-1": "FIN_WAIT1",
      "FIN-WAIT-2": "FIN_WAIT2"}
mounts = [l.split()[1] for l in open("/proc/mounts") if l.split()[2] == "cgroup2"]

def cg_id(path):
    m = re.match(r"unreachable:([0-9a-f]+)$", path)
    if m:
        return int(m.group(1), 16)
    for root in mounts:
        try:
            return os.stat(root + path).st_ino
        except OSError:
            pass
    return None

def ss():
    """Full sockets by cgroup id and state, as ss -tan --cgroup shows them."""
    by = collections.defaultdict(collections.Counter)
    for line in netns("ss", "-tanH", "--cgroup").splitlines():
        m = re.search(r"cgroup:(\S+)", line)
        if not m:
            continue        # timewait and request sockets have none
        st = line.split()[0]
        by[cg_id(m.group(1))][SS.get(st, st.replace("-", "_"))] += 1
    return by

def reasons_file():
    tot = collections.Counter()
    lines = netns("cat", P + "/reasons").splitlines()
    head = lines[2].split()
    for line in lines[3:]:
        f = dict(zip(head, line.split()))
        n = int(f["count"]) + int(f["unknown"])
        if n:
            tot[f["reason"]] = n
    return tot

fails = []
def check(cond, what):
    if not cond:
        fails.append(what)
        print("# FAIL: " + what)

def wait_for(cond, secs=15):
    end = time.monotonic() + secs
    while not cond() and time.monotonic() < end:
        time.sleep(0.2)

def scenario(name, want):
    """want: {id: (opened, ended, now, reasons or None)}."""
    global fails
    fails = []
    # ss and the file are read at different instants: retry while settling
    for attempt in range(25):
        rows = module()
        by = ss()
        if all(rows.get(str(i), {}).get("now") == dict(by.get(i, {}))
               for i in (ida, idb)):
            break
        time.sleep(0.2)
    print("# %s: file:" % name)
    for k, v in rows.items():
        print("#   %s %s" % (k, v))
    print("# %s: ss: %s" % (name, {k: dict(v) for k, v in by.items()}))
    other = collections.Counter()
    for i, c in by.items():
        if str(i) not in rows:
            other += c
    check(rows.get("other", {}).get("now") == dict(other),
          "%s: other now %s, ss %s" % (name, rows.get("other"), dict(other)))
    for i, r in rows.items():
        if i != "other":
            check(r["now"] == dict(by.get(int(i), {})),
                  "%s: cgroup %s now %s, ss %s" % (name, i, r["now"],
                                                   dict(by.get(int(i), {}))))
    for i, (opened, ended, now, reasons) in want.items():
        r = rows.get(str(i))
        if not r:
            check(False, "%s: no row for cgroup %d" % (name, i))
            continue
        check(r["opened"] == opened, "%s: cgroup %d opened %d, want %d" %
              (name, i, r["opened"], opened))
        check(r["ended"] == ended, "%s: cgroup %d ended %d, want %d" %
              (name, i, r["ended"], ended))
        check(sum(r["reasons"].values()) == r["ended"],
              "%s: cgroup %d: reasons %s do not sum to ended" %
              (name, i, r["reasons"]))
        check(r["now"] == now, "%s: cgroup %d now %s, want %s" %
              (name, i, r["now"], now))
        if reasons is not None:
            check(r["reasons"] == reasons, "%s: cgroup %d reasons %s, want %s"
                  % (name, i, r["reasons"], reasons))
    # every end of the namespace in exactly one row
    tot = collections.Counter()
    for r in rows.values():
        tot.update(r["reasons"])
    ns_reasons = reasons_file()
    check(tot == ns_reasons, "%s: reasons over rows %s, namespace %s" %
          (name, dict(tot), dict(ns_reasons)))
    check(rows["other"]["opened"] == 0 and rows["other"]["ended"] == 0,
          "%s: other %s" % (name, rows["other"]))
    print("RESULT %s %d" % (name, 1 if fails else 0))
    st = subprocess.run([conserve, "-n", ns, "-s", status0, name],
                        capture_output=True, text=True)
    sys.stdout.write(st.stdout)
    print("RESULT conservation %d" % (0 if st.returncode == 0 else 1))
    return rows

srv = spawn(cga, "server")
port = int(srv.stdout.readline())
cli = spawn(cgb, "client")
assert cli.stdout.readline().strip() == "ready"

# 1. four connections, two refused connect()s
ask(cli, "connect %d 4" % port)
ask(srv, "accept 4")
ask(cli, "refuse 1")
ask(cli, "refuse 1")
scenario("established", {
    ida: (4, 0, {"ESTABLISHED": 4, "LISTEN": 1}, {}),
    idb: (6, 2, {"ESTABLISHED": 4}, {"refused": 2})})

# 2. the client closes two: CLOSE_WAIT at the server, and the client's
#    orphans end as FIN_WAIT2 timewait sockets, in the client's cgroup.
#    Each is closed once its FIN is acknowledged: a plain close() leaves
#    the ACK a window (from __tcp_close()'s bh_unlock_sock() to
#    tcp_close()'s release_sock()) in which it lands in the backlog of a
#    dead, owned socket; tcp_rcv_state_process() then arms the keepalive
#    timer instead of making a timewait socket, and with tcp_fin_timeout
#    below TCP_TIMEWAIT_LEN that timer resets the peer
#    (tcp_keepalive_timer()).  The server would see CLOSE_WAIT 1 and one
#    rst_received, rightly; on 6.12 under TCG 3 closes in 1850 did.
t0 = time.monotonic()
ask(cli, "fin 0 1")
wait_for(lambda: module()[str(idb)]["ended"] >= 4)
t1 = time.monotonic()
rows = scenario("close_wait", {
    ida: (4, 0, {"ESTABLISHED": 2, "CLOSE_WAIT": 2, "LISTEN": 1}, {}),
    idb: (6, 4, {"ESTABLISHED": 2}, {"refused": 2, "fin_wait2_timeout": 2})})
t2 = time.monotonic()
cwo = rows.get(str(ida), {}).get("cwo", "-")
ok = cwo != "-" and (t1 - t0 - 1) * 1e9 <= int(cwo) <= (t2 - t0) * 1e9
print("# close_wait_oldest %s ns, %.3f to %.3f s after the close" %
      (cwo, t1 - t0, t2 - t0))
print("RESULT close_wait_oldest %d" % (0 if ok else 1))

# 3. the client resets one (linger 0); the server closes a CLOSE_WAIT one
#    (its FIN finds the peer gone: a reset back)
ask(cli, "rst 2")
ask(srv, "close 0")
wait_for(lambda: module()[str(ida)]["ended"] >= 2)
scenario("resets", {
    ida: (4, 2, {"ESTABLISHED": 1, "CLOSE_WAIT": 1, "LISTEN": 1}, None),
    idb: (6, 5, {"ESTABLISHED": 1},
          {"refused": 2, "fin_wait2_timeout": 2, "rst_sent_linger0": 1})})

# 4. the client closes its last (a timewait socket, as in 2.) and exits,
#    then the server
ask(cli, "fin 3")
cli.stdin.write("exit\n"); cli.stdin.flush(); cli.wait()
wait_for(lambda: module()[str(idb)]["ended"] >= 6)
srv.stdin.write("exit\n"); srv.stdin.flush(); srv.wait()
wait_for(lambda: module()[str(ida)]["ended"] >= 4)
scenario("all_closed", {
    ida: (4, 4, {}, None),
    idb: (6, 6, {}, {"refused": 2, "fin_wait2_timeout": 3,
                     "rst_sent_linger0": 1})})
PY
)
st=$?
echo "$out" | grep -v '^RESULT '
while read -r _ name res; do
	ktap_result "$res" "$name"
done < <(grep '^RESULT ' <<<"$out")
((st == 0)) || { echo "# the driver failed ($st)"; ktap_result 1 driver; }

# 5. 0600, and root without CAP_NET_ADMIN in the namespace gets EPERM
ok=0
mode=$(ip netns exec $NS stat -c %a /proc/net/tcp_lifecycle/cgroups)
[[ $mode == 600 ]] || { echo "# cgroups: mode $mode, want 600"; ok=1; }
err=$(ip netns exec $NS setpriv --inh-caps=-net_admin --bounding-set=-net_admin \
	python3 -c '
import errno
try:
    open("/proc/net/tcp_lifecycle/cgroups").read()
    print("read")
except OSError as e:
    print(errno.errorcode[e.errno])')
[[ $err == EPERM ]] || { echo "# root without CAP_NET_ADMIN: $err, want EPERM"; ok=1; }
ktap_result $ok needs_cap_net_admin

# 6. disable_features=cgroups: nothing counted in the table, the rest
#    counted as ever, and debugfs says so
ok=0
[[ -f $TLC_KO ]] || { ktap_result 4 disabled "no $TLC_KO to reload"; ktap_finish; }
snmp_active() {
	# shellcheck disable=SC2016 # awk's fields
	ip netns exec $NS awk '$1 == "Tcp:" && ++n == 2 { print $6 }' /proc/net/snmp
}
if rmmod tcp_lifecycle && insmod "$TLC_KO" disable_features=cgroups; then
	line=$(grep '^feature cgroups' $STATUS)
	[[ $line == "feature cgroups disabled" ]] || { echo "# status: '$line'"; ok=1; }
	act0=$(snmp_active)
	ip netns exec $NS python3 -c '
import socket
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen()
for i in range(3):
    c = socket.create_connection(l.getsockname()); s, _ = l.accept()
    c.close(); s.recv(1); s.close()' || { echo "# the connections failed"; ok=1; }
	sleep 0.5
	act=$(($(snmp_active) - act0))
	# shellcheck disable=SC2016 # awk's fields
	read -r opened ended < <(ip netns exec $NS awk \
		'NR > 2 { o += $2; e += $3 } END { print o + 0, e + 0 }' \
		/proc/net/tcp_lifecycle/cgroups)
	# The servers' children ended (the clients wait in TIME_WAIT).
	# shellcheck disable=SC2016 # awk's fields
	ends=$(ip netns exec $NS awk 'NR > 3 { s += $2 + $3 } END { print s + 0 }' \
		/proc/net/tcp_lifecycle/reasons)
	echo "# disabled: ActiveOpens +$act; cgroups opened $opened ended $ended; reasons file $ends ends"
	((act == 3 && opened == 0 && ended == 0 && ends >= 3)) || ok=1
else
	echo "# cannot load with disable_features=cgroups"
	ok=1
fi
rmmod tcp_lifecycle 2>/dev/null
insmod "$TLC_KO" || { echo "# cannot load the module again"; ok=1; }
ktap_result $ok disabled
ktap_finish
