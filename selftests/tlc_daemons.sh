#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle against real third-party daemons and load generators from
# Debian's archive (scripts/deps.sh vm installs them), not the project's own
# programs, in a fresh network namespace:
#   nginx         HTTP with keep-alive and a 1 s idle timeout, driven by wrk
#                 (keep-alive), curl (a connection a request) and clients
#                 that go idle until the server closes on them
#   redis-server  driven by redis-benchmark (kept connections, and a
#                 connection a request), then a 1 s client idle timeout
#                 that closes on idle clients
#   iperf3        bulk transfer, both directions
#   hping3        a SYN flood; every SYN-ACK is answered by a reset
# Then transitions_raw must equal the sock:inet_sock_set_state tracepoint
# pair by pair, the kernel's counters must agree with the module's, and
# every conservation law (tlc_conserve) must hold.  A missing package skips
# the whole program (exit 4).

source "$(dirname "$0")/tlc_lib.sh"

tlc_require_root
for bin in nginx redis-server redis-benchmark redis-cli iperf3 hping3 wrk \
	curl ss; do
	if ! command -v "$bin" >/dev/null; then
		echo "# SKIP $bin not installed (scripts/deps.sh vm)"
		exit "$KSFT_SKIP"
	fi
done
if ! tlc_loaded && ! insmod "$TLC_KO"; then
	echo "# SKIP tcp_lifecycle not loaded and $TLC_KO not loadable"
	exit "$KSFT_SKIP"
fi
[[ -x $TLC_DIR/tlc_conserve ]] || {
	echo "# SKIP $TLC_DIR/tlc_conserve not built"
	exit "$KSFT_SKIP"
}

ns=tlcd$$
dir=$(mktemp -d)
chmod 755 "$dir"
tracefs=/sys/kernel/tracing
[[ -e $tracefs/trace ]] || tracefs=/sys/kernel/debug/tracing
event=$tracefs/events/sock/inet_sock_set_state
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	echo 0 >"$event/enable" 2>/dev/null
	echo 0 >"$event/filter" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

in_ns() { ip netns exec "$ns" "$@"; }

# netns_key FILE KEY: a "name value" line of /proc/net/tcp_lifecycle/FILE.
netns_key() {
	in_ns awk -v k="$2" '$1 == k { print $2 }' "/proc/net/tcp_lifecycle/$1"
}

# snmp FILE PREFIX NAME: a counter of /proc/net/snmp or netstat.
snmp() {
	in_ns awk -v p="$2:" -v n="$3" '$1 == p && !h { for (i = 2; i <= NF; i++)
		col[i] = $i; h = 1; next }
		$1 == p && h { for (i = 2; i <= NF; i++) if (col[i] == n) print $i; exit }' \
		"/proc/net/$1"
}

# wait_port PORT: until something listens on PORT in the namespace.
wait_port() {
	local i
	for ((i = 0; i < 100; i++)); do
		in_ns ss -Htln "sport = :$1" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# wait_drained MS: until every TCP socket of the namespace is in
# TIME-WAIT or gone.
wait_drained() {
	local i
	for ((i = 0; i < $1 / 100; i++)); do
		in_ns ss -Htan | grep -vq '^TIME-WAIT' || return 0
		sleep 0.1
	done
	in_ns ss -tan | sed 's/^/# /'
	return 1
}

echo "TAP version 13"

# What earlier programs lost (debugfs, module-wide) is theirs.
cat /sys/kernel/debug/tcp_lifecycle/status >"$dir/status0"
ip netns add "$ns" && in_ns ip link set lo up
ktap_result $? "a fresh namespace"

# The tracepoint, every namespace (this is the only TCP traffic).  No
# comm recording: it would patch __schedule() at each enable (lib/trace.c).
echo 0 >"$tracefs/options/record-cmd" 2>/dev/null || true
echo 0 >"$tracefs/tracing_on"
echo 8192 >"$tracefs/buffer_size_kb"
: >"$tracefs/trace"
echo "protocol == 6" >"$event/filter"
echo 1 >"$event/enable"
echo 1 >"$tracefs/tracing_on"

mkdir -p "$dir/www" "$dir/tmp"
head -c 20000 /dev/zero | tr '\0' x >"$dir/www/index.html"
cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/nginx.err warn;
events { worker_connections 256; }
http {
	access_log off;
	keepalive_timeout 1s;
	keepalive_requests 20;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	server {
		listen 127.0.0.1:8080 backlog=64;
		root $dir/www;
	}
}
EOF
cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port 6379
timeout 0
save ""
appendonly no
daemonize no
dir $dir
logfile $dir/redis.log
EOF

# Not through in_ns: $! must be the daemon (ip netns exec execs it).
ip netns exec "$ns" nginx -p "$dir" -e "$dir/nginx.err" -c "$dir/nginx.conf" &
pids+=($!)
ip netns exec "$ns" redis-server "$dir/redis.conf" &
pids+=($!)
wait_port 8080 && wait_port 6379
ktap_result $? "nginx and redis-server listen"

# HTTP: keep-alive connections (wrk closes them at its end), a connection
# a request (curl), and idle clients the server's keep-alive timeout ends.
in_ns wrk -t2 -c8 -d3s http://127.0.0.1:8080/ | sed 's/^/# wrk: /'
st=${PIPESTATUS[0]}
in_ns bash -c 'for ((i = 0; i < 10; i++)); do
	curl -sf -o /dev/null http://127.0.0.1:8080/ || exit 1; done' || st=1
# One request each, then idle past keepalive_timeout: nginx closes first.
in_ns bash -c 'for ((i = 0; i < 5; i++)); do
	(exec 3<>/dev/tcp/127.0.0.1/8080 &&
	printf "GET / HTTP/1.1\r\nHost: t\r\n\r\n" >&3 &&
	timeout 10 cat <&3 >/dev/null) & done; wait' || st=1
ktap_result "$st" "HTTP: wrk keep-alive, curl, idle clients closed by nginx"

# Redis: kept connections, then a connection a request; then idle clients
# that the server's timeout closes.
in_ns redis-benchmark -h 127.0.0.1 -p 6379 -q -n 400 -c 8 -t set,get 2>&1 |
	tr '\r' '\n' | grep -v '^$' | tail -2 | sed 's/^/# redis-benchmark: /'
st=${PIPESTATUS[0]}
in_ns redis-benchmark -h 127.0.0.1 -p 6379 -q -n 100 -c 4 -k 0 -t ping 2>&1 |
	tr '\r' '\n' | grep -v '^$' | tail -2 | sed 's/^/# redis-benchmark -k 0: /'
((st |= PIPESTATUS[0]))
# The idle timeout only now: under TCG the benchmark's own clients can
# wait for a second.
in_ns redis-cli -h 127.0.0.1 -p 6379 config set timeout 1 >/dev/null || st=1
in_ns bash -c 'for ((i = 0; i < 3; i++)); do
	(exec 3<>/dev/tcp/127.0.0.1/6379 && printf "PING\r\n" >&3 &&
	timeout 10 cat <&3 >/dev/null) & done; wait' || st=1
ktap_result "$st" "redis: redis-benchmark, idle clients closed by the server"

# Bulk transfer both ways.
ip netns exec "$ns" iperf3 -s -1 -B 127.0.0.1 -p 5201 >/dev/null &
srv=$!
wait_port 5201
in_ns iperf3 -c 127.0.0.1 -p 5201 -t 1 | tail -3 | sed 's/^/# iperf3: /'
st=${PIPESTATUS[0]}
wait "$srv" || st=1
ip netns exec "$ns" iperf3 -s -1 -B 127.0.0.1 -p 5201 >/dev/null &
srv=$!
wait_port 5201
in_ns iperf3 -c 127.0.0.1 -p 5201 -t 1 -R -P 2 | tail -3 |
	sed 's/^/# iperf3 -R: /'
((st |= PIPESTATUS[0]))
wait "$srv" || st=1
ktap_result "$st" "iperf3: bulk transfer, both directions"

# SYN flood: hping3's SYNs come from ports with no socket, so the kernel
# answers every SYN-ACK with a reset.
emb0=$(snmp netstat TcpExt EmbryonicRsts)
rst0=$(netns_key counters synrecv_rst)
# (hping3's own exit status says whether replies came, not whether it ran.)
in_ns hping3 -q -I lo -S -p 8080 -c 300 -i u3000 127.0.0.1 2>&1 |
	tail -2 | sed 's/^/# hping3: /'
sleep 1
emb=$(($(snmp netstat TcpExt EmbryonicRsts) - emb0))
rst=$(($(netns_key counters synrecv_rst) - rst0))
echo "# EmbryonicRsts $emb, synrecv_rst $rst"
((emb > 0))
ktap_result $? "hping3: SYN flood answered by resets"
((emb == rst))
ktap_result $? "EmbryonicRsts == synrecv_rst"

# Stop the daemons (their listeners and connections end), then drain.
for p in "${pids[@]}"; do
	kill "$p" && wait "$p"
done
pids=()
wait_drained 20000
ktap_result $? "every connection closed (TIME-WAIT aside)"
sleep 1

echo 0 >"$event/enable"
echo 0 >"$tracefs/tracing_on"
awk '/entries-in-buffer\/entries-written:/ {
		split($3, a, "/"); if (a[1] != a[2]) lost = 1 }
	/inet_sock_set_state:/ {
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^oldstate=/) o = substr($i, 10)
			if ($i ~ /^newstate=/) n = substr($i, 10)
		}
		sub(/^TCP_/, "", o); sub(/^TCP_/, "", n); c[o " " n]++
	}
	END { for (k in c) print k, c[k]; if (lost) print "LOST" }' \
	"$tracefs/trace" | sort >"$dir/trace"
echo 0 >"$event/filter"
: >"$tracefs/trace"
in_ns tail -n +3 /proc/net/tcp_lifecycle/transitions_raw | sort >"$dir/raw"
if grep -q LOST "$dir/trace"; then
	echo "# the trace buffer lost events"
	st=1
else
	diff "$dir/raw" "$dir/trace" | sed 's/^/# module < > tracepoint: /'
	st=${PIPESTATUS[0]}
fi
echo "# $(wc -l <"$dir/raw") pairs, $(awk '{ n += $3 } END { print n }' "$dir/raw") changes"
ktap_result "$st" "transitions_raw == tracepoint, pair by pair"

# The kernel's opens against the module's births.
act=$(snmp snmp Tcp ActiveOpens)
pas=$(snmp snmp Tcp PassiveOpens)
syn_sent=$(awk '$1 == "CLOSE" && $2 == "SYN_SENT" { print $3 }' "$dir/raw")
child=$(awk '$1 == "LISTEN" && $2 == "SYN_RECV" { print $3 }' "$dir/raw")
echo "# ActiveOpens $act CLOSE->SYN_SENT ${syn_sent:-0}; PassiveOpens $pas LISTEN->SYN_RECV ${child:-0}"
((act == ${syn_sent:-0} && pas == ${child:-0}))
ktap_result $? "ActiveOpens, PassiveOpens == transitions_raw"

in_ns cat /proc/net/tcp_lifecycle/counters | sed 's/^/# counters: /'

# The conservation laws, one result each (figures of a failure follow it).
"$TLC_DIR/tlc_conserve" -n "$ns" -s "$dir/status0" daemons >"$dir/conserve"
echo "# tlc_conserve: exit $?"
while read -r line; do
	case $line in
	"# ok 0 conservation daemons: "*"# SKIP "*)
		law=${line#\# ok 0 conservation daemons: }
		ktap_result 4 "conservation: ${law%% # SKIP*}" "${law#*# SKIP }" ;;
	"# ok 0 conservation daemons: "*)
		ktap_result 0 "conservation: ${line#\# ok 0 conservation daemons: }" ;;
	"# not ok 0 conservation daemons: "*)
		ktap_result 1 "conservation: ${line#\# not ok 0 conservation daemons: }" ;;
	*) echo "$line" ;;
	esac
done <"$dir/conserve"

echo "# $SECONDS s"
echo "1..$tlc_n"
ktap_finish
