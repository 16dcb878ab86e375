#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: the owner of an accepted socket is known however many
# processes wait in accept() at once.  A prefork server blocks thousands of
# threads in accept(); a return probe on inet_csk_accept() holds one of its
# maxactive slots per blocked thread, and the accepts beyond them are
# missed: their sockets show no owner.  2000 threads block in accept() on
# one listener, then 2000 connections come: every accepted socket must be
# listed with the server's pid, and no owner probe may have missed a call
# (debugfs status).

source "$(dirname "$0")/tlc_lib.sh"
STATUS=/sys/kernel/debug/tcp_lifecycle/status
N=${TLC_ACCEPT_WAITERS:-2000}

tlc_require_root
ktap_header 1
if ! tlc_loaded && ! insmod "$TLC_KO"; then
	ktap_result 4 accept_many_waiters "module not loadable"
	ktap_finish
fi
if ! grep -q '^feature owner available' $STATUS; then
	ktap_result 4 accept_many_waiters "owner feature not available"
	ktap_finish
fi

# missed, summed over the owner feature's probes
owner_missed() {
	awk '$1 == "probe" && $3 == "owner" { m += $6 } END { print m + 0 }' $STATUS
}

ip netns add tlc-owner
ip -n tlc-owner link set lo up
trap 'ip netns del tlc-owner 2>/dev/null' EXIT
missed0=$(owner_missed)
out=$(ip netns exec tlc-owner python3 - "$N" <<'PY'
import os, resource, socket, sys, threading, time
n = int(sys.argv[1])
lim = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (lim, lim))
threading.stack_size(64 * 1024)
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(n)
port = l.getsockname()[1]
accepted = []
lock = threading.Lock()
def waiter():
    s, _ = l.accept()
    with lock:
        accepted.append(s)
threads = [threading.Thread(target=waiter) for i in range(n)]
for t in threads:
    t.start()
# all of them in accept(): each thread sleeps in inet_csk_wait_for_connect
for i in range(600):
    blocked = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open("/proc/self/task/%s/wchan" % tid) as f:
                w = f.read()
            blocked += "accept" in w or "wait_for_connect" in w
        except OSError:
            pass
    if blocked >= n:
        break
    time.sleep(0.1)
clients = [socket.create_connection(("127.0.0.1", port)) for i in range(n)]
for t in threads:
    t.join()
me = os.getpid()
lines = open("/proc/net/tcp_lifecycle/sockets").read().splitlines()[2:]
server = [x.split() for x in lines if x.split()[0] == "ESTABLISHED"
          and x.split()[1].endswith(":%d" % port)]
owned = sum(1 for f in server if f[5] == str(me))
print("# blocked %d accepted %d listed %d owned_by_server %d" %
      (blocked, len(accepted), len(server), owned))
print("owners", "ok" if len(server) == n and owned == n else "FAILED")
PY
)
echo "$out" | grep -v '^owners'
missed=$(($(owner_missed) - missed0))
echo "# owner probes missed $missed"
ok=0
grep -qx 'owners ok' <<<"$out" || ok=1
((missed == 0)) || ok=1
ktap_result $ok accept_many_waiters
ktap_finish
