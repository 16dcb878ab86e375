#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every tcp_lifecycle selftest in order, as root, KTAP output on stdout.
# A program that dies without reporting its results is reported as a failed
# test of its own, so that a crash can never read as a pass.
#   TLC_KO   the module to load (default ../module/tcp_lifecycle.ko)
#   TLC_ONLY run only the programs named (space separated)
#   TLC_PROG_TIMEOUT  seconds one program may take (default 900)

cd "$(dirname "$0")" || exit 1
export TLC_KO=${TLC_KO:-$(cd .. && pwd)/module/tcp_lifecycle.ko}
progs=${TLC_ONLY:-"tlc_transitions tlc_tracking tlc_lifecycle tlc_keepalive tlc_security.sh tlc_tcplc.sh tlc_module.sh tlc_faults.sh"}
rc=0

for p in $progs; do
	echo "# ---- $p"
	out=$(mktemp)
	timeout "${TLC_PROG_TIMEOUT:-900}" "./$p" 2>&1 | tee "$out"
	st=${PIPESTATUS[0]}
	results=$(grep -cE '^(not )?ok [0-9]+ ' "$out")
	if ((st == 4 && results == 0)); then
		echo "ok 0 $p # SKIP whole program skipped"
	elif ((st != 0 && st != 4)); then
		grep -qE '^not ok [0-9]+ ' "$out" ||
			echo "not ok 0 $p exited with status $st before reporting a failure"
		rc=1
	fi
	rm -f "$out"
done
# Leave the kernel as we found it.
[[ -d /sys/module/tcp_lifecycle ]] && rmmod tcp_lifecycle
exit $rc
