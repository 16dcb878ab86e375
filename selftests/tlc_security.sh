#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: what an unprivileged user, a container and bad input can
# and cannot do.  World-readable files carry no kernel pointers, addresses
# or pids; the socket listing needs root (CAP_NET_ADMIN in the namespace);
# a container sees only its own namespace; the write handler rejects
# garbage with EINVAL and never crashes (the VM runner fails the run on any
# kernel report).

source "$(dirname "$0")/tlc_lib.sh"
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
P=/proc/net/tcp_lifecycle

tlc_require_root
ktap_header 6
if ! tlc_loaded && ! insmod "$TLC_KO"; then
	for t in modes no_pointers unprivileged container write_fuzz listing_needs_cap_net_admin; do
		ktap_result 4 "$t" "module not loadable"
	done
	ktap_finish
fi

# Some traffic, so that the files have content.
ip netns add tlc-sec
ip -n tlc-sec link set lo up
ip netns exec tlc-sec "$TLC_DIR/tlc_churn" -d 1 -w 1 >/dev/null
trap 'ip netns del tlc-sec 2>/dev/null' EXIT

# 1. modes: statistics world-readable, nothing writable but sockets (root).
ok=0
for f in $P/*; do
	mode=$(stat -c %a "$f")
	case ${f##*/} in
	sockets) want=600 ;;
	*) want=444 ;;
	esac
	[[ $mode == "$want" ]] || { echo "# $f: mode $mode, want $want"; ok=1; }
done
mode=$(stat -c %a /sys/kernel/debug/tcp_lifecycle/status)
[[ $mode == 400 ]] || { echo "# debugfs status: mode $mode"; ok=1; }
ktap_result $ok modes

# 2. no kernel pointers (or anything like an address) in world-readable files
ok=0
for f in $P/*; do
	[[ ${f##*/} == sockets ]] && continue
	if ip netns exec tlc-sec cat "$f" | grep -Eq 'ffff[0-9a-f]{8,}|[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+'; then
		echo "# $f shows a pointer or an address"; ok=1
	fi
done
ktap_result $ok no_pointers

# 3. an unprivileged user reads the statistics, not the socket listing
ok=0
"${NOBODY[@]}" cat $P/states >/dev/null || { echo "# nobody cannot read states"; ok=1; }
if "${NOBODY[@]}" cat $P/sockets >/dev/null 2>&1; then
	echo "# nobody can read sockets"; ok=1
fi
if "${NOBODY[@]}" sh -c "echo all > $P/sockets" 2>/dev/null; then
	echo "# nobody can write sockets"; ok=1
fi
ktap_result $ok unprivileged

# 4. a container (user + network namespace, no real root) sees its own
#    namespace: its own sockets, none of tlc-sec's; it cannot touch others.
ok=0
if ! unshare -U true 2>/dev/null; then
	# e.g. in scripts/vm-run's chroot: the kernel refuses CLONE_NEWUSER
	ktap_result 4 container "user namespaces unavailable here (chroot?)"
else
out=$("${NOBODY[@]}" unshare -Urn sh -c "
	ip link set lo up
	python3 -c '
import socket
l = socket.socket(); l.bind((\"127.0.0.1\", 0)); l.listen(1)
c = socket.create_connection(l.getsockname())
print(open(\"$P/sockets\").read())
print(open(\"$P/states\").read())
'" 2>&1)
grep -q '^ESTABLISHED 127.0.0.1' <<<"$out" || { echo "# container does not see its sockets"; ok=1; }
grep -q '^LISTEN 127.0.0.1' <<<"$out" || { echo "# container does not see its listener"; ok=1; }
[[ $(grep -c '^ESTABLISHED 127' <<<"$out") == 2 ]] || { echo "# container sees other sockets"; ok=1; }
grep -q '^TIME_WAIT ' <<<"$out" && { echo "# container sees tlc-sec's TIME_WAIT"; ok=1; }
((ok)) && sed 's/^/# /' <<<"$out" | head -20
ktap_result $ok container
fi

# 5. the write handler: random and crafted input, EINVAL, never a crash
out=$(ip netns exec tlc-sec python3 - "$P/sockets" <<'PY'
import errno, os, random, sys
path = sys.argv[1]
random.seed(1)
crafted = [b"", b" ", b"state=", b"state=NOPE", b"min_age_ms=-1", b"min_age_ms=",
           b"min_age_ms=18446744073709551616", b"min_age_ms=99999999999999999999",
           b"state=LISTEN junk", b"all=1", b"\0state=LISTEN", b"state=listen",
           b"x" * 5000, b"state=CLOSE_WAIT" * 300, bytes(range(256))]
inputs = crafted + [os.urandom(random.randint(1, 300)) for _ in range(1000)]
accepted = 0
for data in inputs:
    fd = os.open(path, os.O_RDWR)
    try:
        os.write(fd, data)
        if data in crafted:
            print("# crafted input accepted:", data[:40])
        accepted += 1
    except OSError as e:
        if e.errno != errno.EINVAL:
            print("# unexpected error", e.errno, "for", data[:40])
            accepted += 1000
    os.close(fd)
for good in [b"all", b"state=CLOSE_WAIT", b"min_age_ms=1000", b"state=LISTEN min_age_ms=0\n"]:
    fd = os.open(path, os.O_RDWR)
    try:
        os.write(fd, good)
    except OSError:
        print("# valid input rejected:", good)
        accepted += 1000
    os.close(fd)
print("accepted", accepted, "of", len(inputs))
PY
)
echo "$out" | sed 's/^accepted/# accepted/'
acc=$(awk '/^accepted/ { print $2 }' <<<"$out")
ok=0
# A random input may happen to be valid ("all"); crafted ones never are.
[[ -n $acc ]] && ((acc <= 3)) || ok=1
grep -q '^# crafted' <<<"$out" && ok=1
ktap_result $ok write_fuzz

# 6. root without CAP_NET_ADMIN cannot read the listing either
ok=0
if setpriv --inh-caps=-net_admin --bounding-set=-net_admin cat $P/sockets >/dev/null 2>&1; then
	echo "# root without CAP_NET_ADMIN reads sockets"; ok=1
fi
ktap_result $ok listing_needs_cap_net_admin
ktap_finish
