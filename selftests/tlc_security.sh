#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: what an unprivileged user, a container and bad input can
# and cannot do.  World-readable files carry no kernel pointers, addresses
# or pids; the socket listing needs root (CAP_NET_ADMIN in the namespace);
# a container (an unprivileged user namespace with its own network
# namespace) sees only its own namespace and cannot touch another's; the
# write handler rejects garbage with EINVAL and never crashes (the VM
# runner fails the run on any kernel report).

source "$(dirname "$0")/tlc_lib.sh"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
P=/proc/net/tcp_lifecycle

tlc_require_root
ktap_header 10
if ! tlc_loaded && ! insmod "$TLC_KO"; then
	for t in modes no_pointers unprivileged container write_fuzz \
		listing_needs_cap_net_admin conservation pid_namespace \
		netns_memory_charged stale_entries; do
		ktap_result 4 "$t" "module not loadable"
	done
	ktap_finish
fi

# Some traffic, so that the files have content.
status0=$(mktemp)
cat /sys/kernel/debug/tcp_lifecycle/status >"$status0"
ip netns add tlc-sec
ip -n tlc-sec link set lo up
ip netns exec tlc-sec "$TLC_DIR/tlc_churn" -d 1 -w 1 >/dev/null
trap 'ip netns del tlc-sec 2>/dev/null; rm -f "$status0"' EXIT

# 1. modes: statistics world-readable, nothing writable but sockets (root);
#    sockets and cgroups root's only, keepalive_idle (a walk) root's too.
ok=0
for f in $P/*; do
	mode=$(stat -c %a "$f")
	case ${f##*/} in
	sockets | cgroups) want=600 ;;
	keepalive_idle) want=400 ;;
	*) want=444 ;;
	esac
	[[ $mode == "$want" ]] || { echo "# $f: mode $mode, want $want"; ok=1; }
done
mode=$(stat -c %a /sys/kernel/debug/tcp_lifecycle/status)
[[ $mode == 400 ]] || { echo "# debugfs status: mode $mode"; ok=1; }
ktap_result $ok modes

# 2. what everyone can read: read as nobody, in a namespace where a process
#    with a recognisable name holds sockets.  Every line is names then
#    decimal numbers (or bucket:count): no pointer (hashed %p or not), no
#    address, and neither that process's pid nor its name.
ok=0
ip netns exec tlc-sec python3 -c '
import os, socket, sys, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
os.write(1, b"ready\n"); time.sleep(1000)' >/tmp/tlc-sec-holder.$$ &
holder=$!
for ((i = 0; i < 100; i++)); do
	[[ -s /tmp/tlc-sec-holder.$$ ]] && break
	sleep 0.1
done
# Its name, as /proc shows it: python3 at the command line.
holder_comm=$(cat /proc/$holder/comm)
# listeners names the namespace's listening addresses, as /proc/net/tcp
# does to everyone: its "local" column must be one of ss -lt's, and nothing
# else an address (no peer, no connected socket's port).
listening=$(ip netns exec tlc-sec ss -Hltn | awk '{ print $4 }' | sed 's/^\*:/0.0.0.0:/')
for f in $P/*; do
	case ${f##*/} in
	sockets | cgroups) continue ;;
	# Root's: read as root, held to the same rule.
	keepalive_idle) out=$(ip netns exec tlc-sec cat "$f") || { echo "# root cannot read $f"; ok=1; continue; } ;;
	*)
		if ! out=$(ip netns exec tlc-sec "${NOBODY[@]}" cat "$f"); then
			echo "# nobody cannot read $f"; ok=1; continue
		fi ;;
	esac
	if [[ ${f##*/} == listeners ]]; then
		# A row whose acceptq is "-" is a listener that has closed (kept
		# until read once): not in ss any more.
		while read -r id local acceptq; do
			[[ $id =~ ^[0-9]+$ && $acceptq != - ]] || continue
			grep -qxF -- "$local" <<<"$listening" ||
				{ echo "# listeners: $local is not a listening address of the namespace"; ok=1; }
		done < <(awk 'NR == 2 { for (i = 1; i <= NF; i++) if ($i == "acceptq") c = i }
			NR > 2 { print $1, $2, $c }' <<<"$out")
		# What is left must pass as any other file: id and address out,
		# "-" and name:count,... lists in.
		out=$(awk 'NR > 2 { $2 = ""; if ($1 ~ /^[0-9]+$/) $1 = "row" } { print }' <<<"$out" |
			sed -E 's/ +/ /g; s/ $//; s/ -( |$)/ 0\1/g; s/ -( |$)/ 0\1/g; s/,/ /g; s/ [a-z_]+:([0-9]+)/ \1/g')
	fi
	bad=$(grep -Evx '[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*( [0-9]+| [0-9]+:[0-9]+)*' <<<"$out")
	[[ -z $bad ]] || { echo "# $f: unexpected lines:"; sed 's/^/#   /' <<<"$bad" | head -5; ok=1; }
	if grep -Eqi '0x|ffff[0-9a-f]{8}|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+|\[|::' <<<"$out"; then
		echo "# $f shows a pointer or an address"; ok=1
	fi
	grep -qw -- "$holder_comm" <<<"$out" && { echo "# $f shows a comm"; ok=1; }
done
# The listing, which does name pids, would show the holder: the check above
# looks at what it should.
ip netns exec tlc-sec grep -Eq " $holder $holder_comm " $P/sockets ||
	{ echo "# the sockets listing does not name pid $holder $holder_comm"; ok=1; }
kill "$holder"; wait "$holder" 2>/dev/null; rm -f /tmp/tlc-sec-holder.$$
ktap_result $ok no_pointers

# 3. an unprivileged user reads the statistics, not the socket listing
ok=0
"${NOBODY[@]}" cat $P/states >/dev/null || { echo "# nobody cannot read states"; ok=1; }
if "${NOBODY[@]}" cat $P/sockets >/dev/null 2>&1; then
	echo "# nobody can read sockets"; ok=1
fi
if "${NOBODY[@]}" cat $P/cgroups >/dev/null 2>&1; then
	echo "# nobody can read cgroups"; ok=1
fi
if "${NOBODY[@]}" cat $P/keepalive_idle >/dev/null 2>&1; then
	echo "# nobody can read keepalive_idle"; ok=1
fi
if "${NOBODY[@]}" sh -c "echo all > $P/sockets" 2>/dev/null; then
	echo "# nobody can write sockets"; ok=1
fi
ktap_result $ok unprivileged

# 4. containers: a user namespace with its own network namespace.
#    a) nobody's container (unshare -Urn) sees its own sockets, all of them
#       and nothing else, counted as /proc/net/tcp counts them; it can write
#       no file of tlc-sec's and cannot read its listing;
#    b) real root's container (its root is uid 0, so file modes let it open
#       tlc-sec's listing): without CAP_NET_ADMIN over tlc-sec, reading and
#       writing the filter fail with EPERM, and no statistics file takes a
#       write, so nothing resets another namespace's counters.
ip netns exec tlc-sec sleep 1000 &
secpid=$!
# shellcheck disable=SC2016 # expanded by the inner shell
container_py='
import errno, os, socket, sys
P = "'$P'"
other = "/proc/%s/net/tcp_lifecycle" % sys.argv[1]
fails = []
def check(cond, what):
    if not cond:
        fails.append(what)
def write_err(path):
    # A mode may let root open a file for writing (DAC override where its
    # owner is mapped); the write itself must still fail.
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError as e:
        return e.errno
    try:
        os.write(fd, b"0\n")
        return 0
    except OSError as e:
        return e.errno
    finally:
        os.close(fd)
def err(f):
    try:
        f()
        return 0
    except OSError as e:
        return e.errno
if sys.argv[2] == "own":
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(4)
    pairs = []
    for i in range(3):
        c = socket.create_connection(l.getsockname()); s, _ = l.accept()
        pairs.append((c, s))
    # one pair closed by the client: TIME_WAIT on its side
    pairs[0][0].close(); pairs[0][1].recv(1); pairs[0][1].close()
    import time
    for i in range(50):
        kern = {}
        for line in open("/proc/net/tcp").readlines()[1:]:
            st = int(line.split()[3], 16)
            kern[st] = kern.get(st, 0) + 1
        if kern == {1: 4, 6: 1, 10: 1}:
            break
        time.sleep(0.1)
    check(kern == {1: 4, 6: 1, 10: 1}, "/proc/net/tcp: %s" % kern)
    listing = open(P + "/sockets").read().splitlines()[2:]
    mine = {}
    for line in listing:
        mine[line.split()[0]] = mine.get(line.split()[0], 0) + 1
        check(line.split()[1].startswith("127.0.0.1:"), "foreign socket " + line)
    check(mine == {"ESTABLISHED": 4, "TIME_WAIT": 1, "LISTEN": 1}, "listing: %s" % mine)
    names = {1: "ESTABLISHED", 6: "TIME_WAIT", 10: "LISTEN"}
    now = {}
    for line in open(P + "/states").readlines()[2:]:
        f = line.split()
        if int(f[5]):
            now[f[0]] = int(f[5])
    check(now == {names[k]: v for k, v in kern.items()}, "states now: %s" % now)
    for line in open(P + "/counters"):
        if line.startswith("tracked "):
            check(int(line.split()[1]) == 6, "counters: " + line.strip())
    # tlc-sec from here: opened by uid 65534, whom modes keep out
    for name in os.listdir(other):
        e = write_err(other + "/" + name)
        check(e in (errno.EACCES, errno.EPERM), "%s of tlc-sec written (%d)" % (name, e))
    e = err(lambda: open(other + "/sockets").read())
    check(e in (errno.EACCES, errno.EPERM), "tlc-sec listing read (%d)" % e)
    e = err(lambda: open(other + "/cgroups").read())
    check(e in (errno.EACCES, errno.EPERM), "tlc-sec cgroups read (%d)" % e)
    check(err(lambda: open(P + "/cgroups").read()) == 0, "own cgroups unreadable")
else:
    fd = os.open(other + "/sockets", os.O_RDWR)
    check(err(lambda: os.write(fd, b"all")) == errno.EPERM, "filter written in tlc-sec")
    check(err(lambda: os.read(fd, 4096)) == errno.EPERM, "tlc-sec listing read")
    os.close(fd)
    check(err(lambda: open(other + "/cgroups").read()) == errno.EPERM, "tlc-sec cgroups read")
    for name in os.listdir(other):
        if name == "sockets":
            continue
        e = write_err(other + "/" + name)
        check(e in (errno.EACCES, errno.EPERM, errno.EIO), "%s of tlc-sec written (%d)" % (name, e))
    # its own namespace: CAP_NET_ADMIN there, so its own filter is fine
    fd = os.open(P + "/sockets", os.O_RDWR)
    check(err(lambda: os.write(fd, b"state=LISTEN")) == 0, "own filter refused")
    os.close(fd)
for f in fails:
    print("# " + f)
print("container", sys.argv[2], "ok" if not fails else "FAILED")
'
ok=0
if ! "${NOBODY[@]}" unshare -Urn true 2>/dev/null; then
	echo "# nobody cannot create a user namespace here"
	ok=1
else
	out=$("${NOBODY[@]}" unshare -Urn sh -c 'ip link set lo up && exec python3 -c "$1" "$2" own' \
		sh "$container_py" "$secpid" 2>&1)
	echo "$out"
	grep -qx 'container own ok' <<<"$out" || ok=1
	out=$(unshare -Urn sh -c 'ip link set lo up && exec python3 -c "$1" "$2" other' \
		sh "$container_py" "$secpid" 2>&1)
	echo "$out"
	grep -qx 'container other ok' <<<"$out" || ok=1
fi
kill "$secpid"; wait "$secpid" 2>/dev/null
ktap_result $ok container

# 5. the write handler.  Each write() is one whole command (at most
#    PAGE_SIZE - 1 bytes); anything malformed fails with EINVAL and leaves
#    the filter as it was.  Crafted input (empty, oversized, binary, NUL
#    bytes, out-of-range numbers, a command split over two writes),
#    random bytes, then four processes writing at once, to their own files
#    and to one shared file that a fifth process keeps reading.  The VM
#    runner fails the run on any kernel report.
out=$(ip netns exec tlc-sec python3 - "$P/sockets" <<'PY'
import errno, os, random, socket, sys
path = sys.argv[1]
random.seed(1)
PAGE = os.sysconf("SC_PAGE_SIZE")
problems = []
tried = 0

def write(fd, data):
    global tried
    tried += 1
    try:
        os.write(fd, data)
        return 0
    except OSError as e:
        return e.errno

def listing(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    data = b""
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        data += b
    return [l.split()[0].decode() for l in data.splitlines()[2:]]

# Something to list: a listener and an established pair.
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept()

U64MS = (2**64 - 1) // 10**6      # largest min_age_ms
bad = [b"", b" ", b"\n", b"\t \n", b"state=", b"state=NOPE", b"state=listen",
       b"state=LISTEN junk", b"state=LISTEN state=NOPE", b"all=1", b"=all",
       b"min_age_ms=", b"min_age_ms=-1", b"min_age_ms=0x10", b"min_age_ms=1.5",
       b"min_age_ms=%d" % (U64MS + 1), b"min_age_ms=18446744073709551616",
       b"min_age_ms=99999999999999999999999999",
       b"\0", b"\0state=LISTEN", b"state=LISTEN\0", b"state=LISTEN\0junk",
       b"all\0all", b"\xff\xfe\xfd", bytes(range(256)), b"state=\xc3\xa9",
       b"x" * (PAGE - 1), b"all" + b" " * (PAGE - 3),
       b"state=CLOSE_WAIT " * 300, b"a" * (1 << 20)]
good = [b"all", b"all\n", b"state=CLOSE_WAIT", b"min_age_ms=1000",
        b"state=LISTEN min_age_ms=0\n", b"min_age_ms=%d" % U64MS,
        b"all" + b" " * (PAGE - 4), b"\tstate=ESTABLISHED\t"]

fd = os.open(path, os.O_RDWR)
for data in bad:
    e = write(fd, data)
    if e != errno.EINVAL:
        problems.append("bad input %r...: errno %d" % (data[:30], e))
for data in good:
    if write(fd, data):
        problems.append("good input %r... refused" % data[:30])

# A failed write leaves the filter as it was.
write(fd, b"state=LISTEN")
for data in bad + [b"state=ESTAB", b"LISHED"]:
    write(fd, data)
got = listing(fd)
if got != ["LISTEN"]:
    problems.append("filter changed by failed writes: %s" % got)
# A command split over two writes is two commands: each write replaces the
# whole filter, and half a token is malformed.
for a, b in [(b"state=CLO", b"SE_WAIT"), (b"min_age", b"_ms=5"), (b"sta", b"te=LISTEN")]:
    if write(fd, a) != errno.EINVAL:
        problems.append("first half %r accepted" % a)
    if write(fd, b) not in (errno.EINVAL, 0):
        problems.append("second half %r: unexpected" % b)
write(fd, b"state=LISTEN")
write(fd, b"min_age_ms=0")
got = set(listing(fd))
if not {"ESTABLISHED", "LISTEN"} <= got:
    problems.append("second write did not replace the filter: %s" % got)
os.close(fd)

# Random bytes; one may happen to spell a valid command.
accepted = 0
fd = os.open(path, os.O_RDWR)
for i in range(1000):
    data = os.urandom(random.randint(1, 300))
    e = write(fd, data)
    if e == 0:
        accepted += 1
    elif e != errno.EINVAL:
        problems.append("random input: errno %d" % e)
os.close(fd)
if accepted > 3:
    problems.append("%d random inputs accepted" % accepted)

# Concurrent writers and a reader.
shared = os.open(path, os.O_RDWR)
kids = []
reader = os.fork()
if reader == 0:
    while True:
        try:
            listing(shared)
        except OSError:
            os._exit(3)
for w in range(4):
    pid = os.fork()
    if pid == 0:
        random.seed(w)
        own = os.open(path, os.O_RDWR)
        rc = 0
        for i in range(300):
            f = random.choice((own, shared))
            if random.random() < 0.5:
                data, want = random.choice(good), 0
            else:
                data, want = random.choice(bad[:-1]), errno.EINVAL
            if write(f, data) != want:
                rc = 1
        os._exit(rc)
    kids.append(pid)
tried += 4 * 300
for pid in kids:
    _, st = os.waitpid(pid, 0)
    if st:
        problems.append("a concurrent writer saw a wrong result")
os.kill(reader, 9)
_, st = os.waitpid(reader, 0)
if os.WIFEXITED(st):
    problems.append("the concurrent reader failed")
os.close(shared)
for p in problems:
    print("# " + p)
print("tried", tried, "random_accepted", accepted, "problems", len(problems))
PY
)
echo "$out" | sed 's/^tried/# tried/'
ok=0
grep -q '^tried .* problems 0$' <<<"$out" || ok=1
ktap_result $ok write_fuzz

# 6. root without CAP_NET_ADMIN cannot read the listing nor the cgroups either
ok=0
for f in sockets cgroups; do
	if setpriv --inh-caps=-net_admin --bounding-set=-net_admin cat $P/$f >/dev/null 2>&1; then
		echo "# root without CAP_NET_ADMIN reads $f"; ok=1
	fi
done
ktap_result $ok listing_needs_cap_net_admin

# 7. the conservation laws in the namespace of the traffic
tlc_conserve_result tlc-sec security "$status0"

# 8. pid namespaces: the listing names owners as the reader's /proc does.
#    A process outside a new pid namespace and one inside it hold sockets
#    in one network namespace; read from inside (unshare -p -f
#    --mount-proc), each pid is the one `ss -p` shows there, and the
#    outsider's socket shows "-" for pid and comm.
ok=0
ip netns add tlc-pid
ip -n tlc-pid link set lo up
ip netns exec tlc-pid python3 -c '
import os, socket, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
os.write(1, b"%d\n" % l.getsockname()[1]); time.sleep(1000)' >/tmp/tlc-pid-out.$$ &
outsider=$!
for ((i = 0; i < 100; i++)); do
	[[ -s /tmp/tlc-pid-out.$$ ]] && break
	sleep 0.1
done
out=$(ip netns exec tlc-pid unshare -p -f --mount-proc python3 -c '
import re, socket, subprocess, sys
outside = int(sys.argv[1])
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
c = socket.create_connection(l.getsockname()); s, _ = l.accept()
owners = {}
for line in subprocess.run(["ss", "-tanpH"], capture_output=True,
                           text=True).stdout.splitlines():
    f = line.split()
    m = re.search(r"pid=(\d+)", line)
    owners[(f[3], f[4].replace(":*", ":0"))] = m.group(1) if m else "-"
bad = 0
n = 0
for line in open("/proc/net/tcp_lifecycle/sockets").read().splitlines()[2:]:
    f = line.split()
    n += 1
    if f[1].endswith(":%d" % outside):
        want = ("-", "-")
    else:
        want = (owners.get((f[1], f[2]), "?"), "python3")
    if (f[5], f[6]) != want:
        bad += 1
        print("# %s: pid/comm %s %s, want %s %s" % (" ".join(f[:3]), f[5], f[6], *want))
print("# listed %d wrong_owner %d (ss -p owners %s)" % (n, bad, sorted(set(owners.values()))))
print("pidns", "ok" if n == 4 and not bad else "FAILED")
' "$(cat /tmp/tlc-pid-out.$$)" 2>&1)
echo "$out" | grep -v '^pidns'
grep -qx 'pidns ok' <<<"$out" || ok=1
kill "$outsider"; wait "$outsider" 2>/dev/null
rm -f /tmp/tlc-pid-out.$$
ip netns del tlc-pid
ktap_result $ok pid_namespace

# 9. memory: a namespace's statistics (per CPU, some 15 KiB each) are
#    charged to the memory cgroup of the process that creates it, as the
#    kernel's own per-namespace memory is: any user can make namespaces.
#    20 namespaces made in a fresh cgroup, with the module and without it:
#    the cgroup's percpu memory grows by at least 8 KiB per possible CPU
#    per namespace more with it.
percpu_per_ns() { # cgroup dir: percpu bytes charged per namespace made
	local cg=$1 before after pids=()
	before=$(awk '$1 == "percpu" { print $2 }' "$cg/memory.stat")
	for ((i = 0; i < 20; i++)); do
		sh -c 'echo $$ > "$1/cgroup.procs" && exec unshare -n sleep 1000' sh "$cg" &
		pids+=($!)
	done
	for ((i = 0; i < 100; i++)); do
		(($(wc -l <"$cg/cgroup.procs") == 20)) && break
		sleep 0.1
	done
	sleep 0.5
	after=$(awk '$1 == "percpu" { print $2 }' "$cg/memory.stat")
	kill "${pids[@]}"; wait "${pids[@]}" 2>/dev/null
	echo $(((after - before) / 20))
}
memcg_test() {
	local root=/sys/fs/cgroup cg with without ncpu want
	grep -qw memory $root/cgroup.controllers 2>/dev/null || return 4
	grep -qw memory $root/cgroup.subtree_control ||
		echo +memory >$root/cgroup.subtree_control || return 4
	cg=$root/tlc-memcg.$$
	mkdir "$cg" || return 4
	with=$(percpu_per_ns "$cg")
	rmmod tcp_lifecycle
	without=$(percpu_per_ns "$cg")
	insmod "$TLC_KO"
	rmdir "$cg"
	ncpu=$(($(cut -d- -f2 /sys/devices/system/cpu/possible) + 1))
	want=$((ncpu * 8192))
	echo "# percpu charged per namespace: with the module $with, without $without; want $want more ($ncpu possible CPUs)"
	((with - without >= want))
}
memcg_test
case $? in
0) ktap_result 0 netns_memory_charged ;;
4) ktap_result 4 netns_memory_charged "no memory cgroup controller" ;;
*) ktap_result 1 netns_memory_charged ;;
esac

# 10. stale entries: an end the module misses (a missed kprobe, the arming
#    window at load) leaves an entry whose socket is freed and whose memory
#    is reused.  debugfs fault_keep_entries makes the next N ends miss their
#    entries.  Nobody's container (unshare -Urn) opens 100 connections and
#    resets them all (SO_LINGER 0) while the knob is set; the host then
#    reuses the memory: 1000 sockets bound to 127.0.0.3 that never change
#    state (no birth seen) and 200 connections at 127.0.0.3 (births seen).
#    Every line of the container's listing must be a socket `ss -tan`
#    shows there, and its live listener and pair must be listed.  An entry
#    replaced by a birth, or found belonging to another socket, is counted
#    in stale_entries.
ok=0
knob=/sys/kernel/debug/tcp_lifecycle/fault_keep_entries
status=/sys/kernel/debug/tcp_lifecycle/status
stale_of() { awk '$1 == "stale_entries" { print $2 }' $status; }
if [[ ! -e $knob ]]; then
	ktap_result 4 stale_entries "no fault_keep_entries knob"
	ktap_finish
fi
if ! "${NOBODY[@]}" unshare -Urn true 2>/dev/null; then
	ktap_result 4 stale_entries "nobody cannot create a user namespace here"
	ktap_finish
fi
tmp=$(mktemp -d)
chmod 777 "$tmp"
# shellcheck disable=SC2016 # expanded by the inner shell
stale_py='
import os, socket, struct, subprocess, sys, time
d = sys.argv[1]
def wait_for(name):
    while not os.path.exists(os.path.join(d, name)):
        time.sleep(0.05)
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(128)
live_c = socket.create_connection(l.getsockname()); live_s, _ = l.accept()
pairs = []
for i in range(100):
    c = socket.create_connection(l.getsockname()); s, _ = l.accept()
    pairs.append((c, s))
print("ready", flush=True)
wait_for("go")
for c, s in pairs:
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
time.sleep(0.5)
for c, s in pairs:
    s.close()
del pairs
time.sleep(0.5)
print("closed", flush=True)
wait_for("churned")
names = {"ESTABLISHED": "ESTAB", "SYN_SENT": "SYN-SENT", "SYN_RECV": "SYN-RECV",
         "NEW_SYN_RECV": "SYN-RECV", "FIN_WAIT1": "FIN-WAIT-1",
         "FIN_WAIT2": "FIN-WAIT-2", "TIME_WAIT": "TIME-WAIT",
         "CLOSE_WAIT": "CLOSE-WAIT", "LAST_ACK": "LAST-ACK",
         "LISTEN": "LISTEN", "CLOSING": "CLOSING"}
listing = open("/proc/net/tcp_lifecycle/sockets").read().splitlines()[2:]
ss = set()
for line in subprocess.run(["ss", "-tanH"], capture_output=True,
                           text=True).stdout.splitlines():
    f = line.split()
    ss.add((f[0], f[3], f[4].replace(":*", ":0")))
bad = [x for x in listing if (names.get(x.split()[0], "?"), x.split()[1],
                              x.split()[2]) not in ss]
want = {("LISTEN", "%s:%d" % l.getsockname(), "0.0.0.0:0"),
        ("ESTABLISHED", "%s:%d" % live_c.getsockname(), "%s:%d" % live_c.getpeername()),
        ("ESTABLISHED", "%s:%d" % live_s.getsockname(), "%s:%d" % live_s.getpeername())}
got = {tuple(x.split()[:3]) for x in listing}
foreign = [x for x in listing if "127.0.0.3" in x]
print("# listed %d not_in_ss %d foreign %d live_missing %d ss %d" %
      (len(listing), len(bad), len(foreign), len(want - got), len(ss)))
for x in bad[:5]:
    print("#   not in ss: " + x)
print("stale", "ok" if not bad and not (want - got) else "FAILED")
'
stale0=$(stale_of)
"${NOBODY[@]}" unshare -Urn sh -c 'ip link set lo up && exec python3 -c "$1" "$2"' \
	sh "$stale_py" "$tmp" >"$tmp/out" 2>&1 &
cpid=$!
for ((i = 0; i < 600; i++)); do
	grep -q '^ready' "$tmp/out" && break
	sleep 0.1
done
echo 100000 >$knob
touch "$tmp/go"
for ((i = 0; i < 600; i++)); do
	grep -q '^closed' "$tmp/out" && break
	sleep 0.1
done
echo 0 >$knob
python3 - "$tmp" <<'PY' &
import os, resource, socket, struct, sys, time
n = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
held = []
for i in range(1000):
    s = socket.socket(); s.bind(("127.0.0.3", 0)); held.append(s)
l = socket.socket(); l.bind(("127.0.0.3", 0)); l.listen(256)
for i in range(200):
    c = socket.create_connection(l.getsockname()); a, _ = l.accept()
    # reset at exit: no TIME_WAIT left in init_net for the next programs,
    # which reload the module and compare its counts with ss
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    held += [c, a]
open(os.path.join(sys.argv[1], "churned"), "w").close()
while not os.path.exists(os.path.join(sys.argv[1], "done")):
    time.sleep(0.05)
PY
hpid=$!
wait "$cpid"
touch "$tmp/done"
wait "$hpid"
grep -v '^ready\|^closed' "$tmp/out"
grep -qx 'stale ok' "$tmp/out" || ok=1
echo "# stale_entries $stale0 -> $(stale_of)"
rm -rf "$tmp"
ktap_result $ok stale_entries
ktap_finish
