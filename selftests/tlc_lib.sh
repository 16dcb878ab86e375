#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Helpers for the tcp_lifecycle shell selftests: KTAP output and the module.

KSFT_SKIP=4
TLC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TLC_KO=${TLC_KO:-$TLC_DIR/../module/tcp_lifecycle.ko}
tlc_n=0
tlc_pass=0
tlc_fail=0
tlc_skip=0

# pp CMD...: echo a command as a KTAP diagnostic, then run it.
pp() {
	echo "# + $*"
	"$@"
}

ktap_header() { # number of tests
	echo "TAP version 13"
	echo "1..$1"
}

ktap_result() { # 0|1|4, name, [skip reason]
	tlc_n=$((tlc_n + 1))
	case $1 in
	0) tlc_pass=$((tlc_pass + 1)); echo "ok $tlc_n $2" ;;
	4) tlc_skip=$((tlc_skip + 1)); echo "ok $tlc_n $2 # SKIP ${3:-}" ;;
	*) tlc_fail=$((tlc_fail + 1)); echo "not ok $tlc_n $2" ;;
	esac
}

ktap_finish() {
	echo "# Totals: pass:$tlc_pass fail:$tlc_fail xfail:0 xpass:0 skip:$tlc_skip error:0"
	((tlc_fail)) && exit 1
	((tlc_pass == 0 && tlc_skip > 0)) && exit "$KSFT_SKIP"
	exit 0
}

# skip_all REASON: every test of TESTS not reported yet skips with REASON;
# then the totals, and exit.
skip_all() {
	local t
	for t in "${TESTS[@]:$tlc_n}"; do
		ktap_result 4 "$t" "$1"
	done
	ktap_finish
}

tlc_require_root() {
	if [[ $(id -u) != 0 ]]; then
		echo "# SKIP: needs root"
		exit "$KSFT_SKIP"
	fi
}

tlc_loaded() {
	[[ -d /sys/module/tcp_lifecycle ]]
}

# meminfo FIELD: the value in kB.
meminfo() {
	awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo
}

# tlc_conserve_result NETNS LABEL [STATUS]: the conservation laws of NETNS
# (tlc_conserve: one "# ok 0 conservation ..." line a law, the figures of
# a failure) as one KTAP result named "conservation"; STATUS is a copy of
# the debugfs status taken when the test began (what earlier programs
# lost is theirs).
tlc_conserve_result() {
	local out st
	out=$("$TLC_DIR/tlc_conserve" -n "$1" ${3:+-s "$3"} "$2")
	st=$?
	echo "$out"
	case $st in
	0) ktap_result 0 conservation ;;
	4) ktap_result 4 conservation "module not loaded" ;;
	*) ktap_result 1 conservation ;;
	esac
}
