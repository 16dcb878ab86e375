#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the tcp_lifecycle selftests in order, as root, KTAP output on stdout.
# A program that dies without reporting its results is reported as a failed
# test of its own, so that a crash can never read as a pass.
#   TLC_KO   the module to load (default ../module/tcp_lifecycle.ko)
#   TLC_ONLY run only these programs (space separated): program names or
#            group names of ./programs (default: the group "default")
#   TLC_PROG_TIMEOUT  seconds one program may take (default 900)
# run.sh --list [NAME...] prints the programs NAME... (as for TLC_ONLY)
# stand for, one a line, and runs nothing.

cd "$(dirname "$0")" || exit 1
[[ -r programs ]] || { echo "not ok 0 run.sh: no $PWD/programs"; exit 1; }

# expand NAME...: the programs of each group NAME, in ./programs' order,
# or NAME itself when no group has that name.
expand() {
	local name progs
	for name in "$@"; do
		progs=$(awk -v g="$name" '/^[a-z]/ {
			for (i = 2; i <= NF; i++) if ($i == g) { print $1; break } }' programs)
		echo "${progs:-$name}"
	done
}

if [[ ${1:-} == --list ]]; then
	shift
	expand "${@:-default}"
	exit
fi

export TLC_KO=${TLC_KO:-$(cd .. && pwd)/module/tcp_lifecycle.ko}
# shellcheck disable=SC2086 # word splitting is the point
progs=$(expand ${TLC_ONLY:-default})
rc=0

for p in $progs; do
	echo "# ---- $p"
	out=$(mktemp)
	t0=$SECONDS
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
	echo "# ---- $p took $((SECONDS - t0)) s"
done
# Leave the kernel as we found it.
[[ -d /sys/module/tcp_lifecycle ]] && rmmod tcp_lifecycle
exit $rc
