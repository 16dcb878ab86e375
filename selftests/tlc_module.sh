#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: the module loads and unloads cleanly, repeatedly, while
# connections churn and its files are read, and gives its memory back.
# Leaks are measured with the kernel's own accounting (VmallocUsed, Percpu in
# /proc/meminfo); console reports are caught by the VM runner.

source "$(dirname "$0")/tlc_lib.sh"
CYCLES=${TLC_CYCLES:-50}
NS=tlc-churn-$$

cleanup() {
	[[ -n ${churn_pid:-} ]] && kill "$churn_pid" 2>/dev/null
	[[ -n ${reader_pid:-} ]] && kill "$reader_pid" 2>/dev/null
	wait 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

tlc_require_root
ktap_header 2
if [[ ! -f $TLC_KO ]]; then
	ktap_result 4 load_unload_under_churn "no module at $TLC_KO"
	ktap_result 4 memory_returned "no module at $TLC_KO"
	ktap_finish
fi

tlc_loaded && rmmod tcp_lifecycle
sleep 1
vm0=$(meminfo VmallocUsed)
pc0=$(meminfo Percpu)
insmod "$TLC_KO" && vm_loaded=$(meminfo VmallocUsed) && rmmod tcp_lifecycle
table_kb=$((vm_loaded - vm0))
echo "# VmallocUsed grows by $table_kb kB while the module is loaded"

pp ip netns add "$NS"
ip -n "$NS" link set lo up
# Niced: the churn must not starve the loads and unloads it runs beside.
ip netns exec "$NS" nice -n 19 "$TLC_DIR/tlc_churn" -d 0 -w 1 >/tmp/tlc_churn.$$ &
churn_pid=$!
(
	while :; do
		cat /proc/net/tcp_lifecycle/* /sys/kernel/debug/tcp_lifecycle/status
		ip netns exec "$NS" cat /proc/net/tcp_lifecycle/states
	done >/dev/null 2>&1
) &
reader_pid=$!

ok=0
for ((i = 1; i <= CYCLES; i++)); do
	if ! insmod "$TLC_KO"; then
		echo "# cycle $i: insmod failed"; ok=1; break
	fi
	sleep 0.$((RANDOM % 3))
	if ! ip netns exec "$NS" grep -q '^ESTABLISHED ' /proc/net/tcp_lifecycle/states; then
		echo "# cycle $i: no states file in the churn namespace"; ok=1
	fi
	# An open debugfs file pins the module (EBUSY): retry, as anyone would.
	for ((try = 0; try < 50; try++)); do
		rmmod tcp_lifecycle 2>/dev/null && break
		sleep 0.1
	done
	if tlc_loaded; then
		echo "# cycle $i: rmmod failed"; rmmod tcp_lifecycle; ok=1; break
	fi
done
kill "$reader_pid"; wait "$reader_pid" 2>/dev/null; reader_pid=
kill "$churn_pid"; wait "$churn_pid"; churn_rc=$?; churn_pid=
echo "# churn: $(cat /tmp/tlc_churn.$$) (exit $churn_rc)"
rm -f /tmp/tlc_churn.$$
((churn_rc == 0)) || ok=1
echo "# $((i - 1)) load/unload cycles"
ktap_result $ok load_unload_under_churn

sleep 1
vm1=$(meminfo VmallocUsed)
pc1=$(meminfo Percpu)
echo "# VmallocUsed ${vm0} -> ${vm1} kB, Percpu ${pc0} -> ${pc1} kB after $CYCLES cycles"
ok=0
# The check must be able to see one cycle's table: it has to be large.
((table_kb >= 1024)) || { echo "# table of $table_kb kB too small to measure"; ok=1; }
((vm1 - vm0 < table_kb / 2)) || { echo "# vmalloc memory not returned"; ok=1; }
((pc1 - pc0 < 256)) || { echo "# percpu memory not returned"; ok=1; }
tlc_loaded && { echo "# module still loaded"; ok=1; }
ktap_result $ok memory_returned
ktap_finish
