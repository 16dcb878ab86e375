#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle under allocation failure.  With /proc/self/fail-nth
# (CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC: the `make test-debug`
# kernel; no Debian kernel has it, and there the whole program skips),
# makes the 1st, 2nd, ... allocation fail, in turn, until an attempt passes
# without reaching the armed one, of:
#   - loading the module (the kernel's module loader and our init);
#   - creating a network namespace while the module is loaded;
#   - opening and reading each /proc/net/tcp_lifecycle file;
#   - writing a filter to the sockets file.
# What Documentation/tcp_lifecycle.rst promises: a load either fails with
# nothing left behind (no module, no /proc files) or works completely, with
# a namespace it could not equip counted in nets_uncounted and without
# /proc files; a namespace is never refused because of the module; a read
# or a write fails with an error or gives exactly what it gives without
# the failure.  Oopses and leaks are caught by the VM runner (console scan)
# and scripts/test-debug (kmemleak).
#   TLC_FAULTS_STRIDE=K  inject at every Kth point only (default 1: all)
#   TLC_FAULTS_LOAD_STRIDE=K  of a load, every Kth of the loader's points
#                        (default 32); then ours, by site (see load below)
#   TLC_FAULTS_LOAD_MAX_STEP=K  the longest step through a run of one
#                        allocation site of ours (default 32)
#   TLC_FAULTS_NETNS_STRIDE=K  the same for the kernel's own points of
#                        namespace creation (default TLC_FAULTS_STRIDE)
#   TLC_FAULTS_LOAD_FROM=N, TLC_FAULTS_LOAD_TO=N  the load walk starts
#                        at point N (default: where ours start), ends
#                        past point N (default: at the end)
#   TLC_FAULTS_LOAD_PART=K/N  the Kth of N ranges of the load walk, each
#                        64 points into the one before it (make
#                        test-debug: 1/2 and 2/2, side by side)
#   TLC_FAULTS_ONLY="WALK..."  only these of load, netns_create,
#                        proc_read, sockets_filter (the others skip), so
#                        that the walks can be split over two VMs

source "$(dirname "$0")/tlc_lib.sh"
FAILNTH=$TLC_DIR/tlc_failnth
STRIDE=${TLC_FAULTS_STRIDE:-1}
# A small table: the default one is 1024 vmalloc'ed pages, as many more
# injection points of the same kind, each costing a load.
PARAMS="max_tracked=64"
NS=tlc-faults-$$
FI=/sys/kernel/debug
STATUS=/sys/kernel/debug/tcp_lifecycle/status
saved=()

cleanup() {
	local s
	for s in "${saved[@]}"; do echo "${s#*=}" >"${s%%=*}"; done
	echo "tlc_faults: injection over" >/dev/kmsg 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	tlc_loaded && rmmod tcp_lifecycle 2>/dev/null
}

tlc_require_root
tests=(load netns_create proc_read sockets_filter)
ktap_header ${#tests[@]}
skip_all() {
	local t
	for t in "${tests[@]}"; do ktap_result 4 "$t" "$1"; done
	ktap_finish
}
fail_all() {
	local t
	for t in "${tests[@]}"; do ktap_result 1 "$t"; done
	ktap_finish
}
[[ -e /proc/self/fail-nth ]] || skip_all "no /proc/self/fail-nth (kernel without CONFIG_FAULT_INJECTION)"
[[ -d $FI/failslab && -d $FI/fail_page_alloc ]] ||
	skip_all "no failslab/fail_page_alloc in debugfs (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)"
[[ -f $TLC_KO ]] || skip_all "no module at $TLC_KO"
[[ -x $FAILNTH ]] || skip_all "no $FAILNTH (make selftests)"
trap cleanup EXIT

# set FILE VALUE: remembered, restored on exit.
set_knob() {
	saved+=("$1=$(cat "$1")")
	echo "$2" >"$1"
}
# fail-nth reaches only the allocations these let through: by default
# both ignore allocations that may sleep (nearly all of ours), and
# fail_page_alloc single pages.  No stack dump per injected failure.
for a in failslab fail_page_alloc; do
	set_knob $FI/$a/ignore-gfp-wait N
	set_knob $FI/$a/verbose 0
done
set_knob $FI/fail_page_alloc/min-order 0
set_knob $FI/fail_page_alloc/ignore-gfp-highmem N
echo "tlc_faults: injecting allocation failures" >/dev/kmsg

# parse_last OUTPUT: sets ret, injected, procdir, points from the last
# line of tlc_failnth's output.
parse_last() {
	local last
	last=$(tail -n 1 <<<"$1")
	ret=$(sed -n 's/.* ret=\([^ ]*\).*/\1/p' <<<"$last")
	injected=$(sed -n 's/.* injected=\([01]\).*/\1/p' <<<"$last")
	procdir=$(sed -n 's/.* procdir=\([01]\).*/\1/p' <<<"$last")
	points=$(sed -n 's/.* points=\([0-9]*\).*/\1/p' <<<"$last")
	[[ -n $ret && -n $injected ]]
}
# failnth N OP ARGS: runs tlc_failnth, then parse_last.
failnth() {
	local out
	out=$("$FAILNTH" "$@") || return 1
	parse_last "$out"
}

status_field() { awk -v k="$1" '$1 == k { print $2 }' "$STATUS"; }
# What must not change with a fault absorbed: everything but the counters
# of sockets and namespaces.
status_shape() { grep -Ev '^(tracked|stale_entries|nets_uncounted) ' "$STATUS"; }
# A status with every feature's and probe's availability blanked out, to
# compare two loads but for which features came up.
feature_blind() { sed -E 's/ (available|unavailable|armed)( |$)/ X\2/'; }

# ---- load ---------------------------------------------------------------
# A load passes some 2200 injection points (6.1 debug kernel): the module
# loader's first, then our init's (and everything it calls), then a few of
# the loader's again.  Where ours start: a load with max_tracked=0, which
# our init refuses before it allocates anything, passes only the loader's.
# Of the loader's, every LOAD_STRIDE-th point is tried.  Most of ours are
# alike: a return probe allocates its maxactive instances one by one.  So
# each injected failure's stack is read
# (verbose=2): its innermost frame of ours, the call of ours that led to
# the allocation, with its offset, is its "site" (the kernel's allocations
# under one call of ours are one run).  Through a run of points of one
# site the step doubles, up to LOAD_MAX_STEP; where the site changes, the
# first point of the new one is found by bisection.  So every site fails
# at least once, unless all its points lie inside one step between two of
# another site.  A failure the kernel does not
# report (an allocation with __GFP_NOWARN) has an unknown site: the next
# point is tried in its place.  On the debug kernel every other point is
# one, kmemleak's record of the allocation before it (its failure is
# absorbed by kmemleak's reserve pool).  Taken as a change of site, they
# made the walk try nearly every point (1760 loads of ours); taken as part
# of the run, a walk with an even step saw only them and missed sites.

# load_attempt N: load with the Nth point failing, check the outcome, and
# unload.  Sets site.  Returns 1 on a problem (reported), 2 when the load
# passed without reaching the Nth point, 0 otherwise.
load_attempt() {
	local n=$1 bad=0 mark="tlc_faults: load attempt $1 of $$" log cur ours
	site=
	echo "$mark" >/dev/kmsg
	failnth "$n" load "$TLC_KO" "$PARAMS" || { echo "# load $n: tlc_failnth failed"; return 1; }
	log=$(dmesg | awk -v m="$mark" 'index($0, m) { on = 1; next } on')
	if ((injected)); then
		site=$(awk '/FAULT_INJECTION: forcing a failure/ { on = 1 } /Call Trace:/ && on { ct = 1; next }
			ct && /<\/TASK>/ { exit } ct && !/\] +\? / { sub(/^\[[^]]*\] +/, ""); print; if (/\[tcp_lifecycle\]/) exit }' <<<"$log" |
			grep -Ev '^(dump_stack|should_fail|should_failslab|<TASK>)' | tr '\n' ' ')
		# The call of ours (our innermost frame) names the site: the
		# kernel's own allocations under it are a run of it.
		ours=$(grep -oE '[^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[tcp_lifecycle\]' <<<"$site" | tail -n 1)
		[[ -n $ours ]] && site=$ours
		[[ -n $site ]] || site="?$n"
	else
		site=END
	fi
	if [[ $ret != 0 ]]; then
		failed=$((failed + 1))
		if ((!injected)); then
			echo "# load $n: failed ($ret) without an injected fault"; return 1
		fi
		if tlc_loaded || [[ -e /proc/net/tcp_lifecycle || -e $FI/tcp_lifecycle ]]; then
			echo "# load $n: failed ($ret) but left the module or its files behind"; return 1
		fi
		return 0
	fi
	# Loaded: completely, or with what the failure hit left out, as
	# documented: an optional feature unavailable (its probe could not be
	# registered: the kernel log says so), the init namespace uncounted
	# (no /proc/net/tcp_lifecycle), or no debugfs (but /proc whole).
	if [[ -f $STATUS ]]; then
		cur=$(status_shape)
		if [[ $cur != "$ref_status" ]]; then
			if ((injected)) && [[ $(feature_blind <<<"$cur") == "$(feature_blind <<<"$ref_status")" ]] &&
				grep -q 'cannot probe .* (-12): .* unavailable' <<<"$log"; then
				unavail=$((unavail + 1))
			else
				echo "# load $n: loaded with a different status:"
				diff <(echo "$ref_status") <(echo "$cur") | sed 's/^/# /'
				bad=1
			fi
		fi
		local unc
		unc=$(status_field nets_uncounted)
		if ((unc > 0)); then
			degraded=$((degraded + 1))
			[[ -e /proc/net/tcp_lifecycle ]] && {
				echo "# load $n: nets_uncounted $unc but /proc/net/tcp_lifecycle exists"; bad=1; }
		elif [[ ! -f /proc/net/tcp_lifecycle/states ]]; then
			echo "# load $n: nets_uncounted 0 but no /proc/net/tcp_lifecycle/states"; bad=1
		fi
	elif ((!injected)); then
		echo "# load $n: no $STATUS without an injected fault"; bad=1
	else
		degraded=$((degraded + 1))
		[[ -f /proc/net/tcp_lifecycle/states ]] || {
			echo "# load $n: no debugfs status and no /proc/net/tcp_lifecycle/states"; bad=1; }
	fi
	if ! rmmod tcp_lifecycle; then
		echo "# load $n: rmmod failed"; return 1
	fi
	((bad)) && return 1
	((injected)) || return 2
	return 0
}

walk_load() {
	LOAD_STRIDE=${TLC_FAULTS_LOAD_STRIDE:-32}
	LOAD_MAX_STEP=${TLC_FAULTS_LOAD_MAX_STEP:-32}
	LOAD_MARGIN=16 LOAD_OVERLAP=64
	# The kernel's dump of an injected failure (fail_dump) is rate limited to
	# 10 per 5 s: more than one attempt makes.
	for a in failslab fail_page_alloc; do set_knob $FI/$a/verbose 2; done
	tlc_loaded && rmmod tcp_lifecycle
	insmod "$TLC_KO" "$PARAMS" || { echo "# the module does not load even without faults"; fail_all; }
	ref_status=$(status_shape)
	rmmod tcp_lifecycle
	failnth 1000000 load "$TLC_KO" "$PARAMS" && total=${points:-0}
	[[ $ret == 0 ]] || echo "# a load without an injected fault failed: $ret"
	tlc_loaded && rmmod tcp_lifecycle
	failnth 1000000 load "$TLC_KO" max_tracked=0 && loader=${points:-0}
	[[ $ret == EINVAL ]] || echo "# a load with max_tracked=0 did not fail with EINVAL: $ret"
	tlc_loaded && rmmod tcp_lifecycle
	echo "# a load passes $total points, $loader of them before our init"
	ok=0 failed=0 degraded=0 unavail=0 tried=0
	declare -gA site_of=()
	# try N: load_attempt N once (remembered); sets site.  Returns 1 on a
	# problem.
	try() {
		if [[ -z ${site_of[$1]:-} ]]; then
			tried=$((tried + 1))
			load_attempt "$1"
			(($? == 1)) && { ok=1; return 1; }
			site_of[$1]=$site
		fi
		site=${site_of[$1]}
		return 0
	}
	# The loader's points, strided.  TLC_FAULTS_LOAD_FROM=N starts the
	# walk of ours at point N instead (the loader's are then left out),
	# TLC_FAULTS_LOAD_TO=N ends it at the first point tried past N: a
	# part of a walk split over VMs.
	tail_from=$((loader - LOAD_MARGIN))
	from=${TLC_FAULTS_LOAD_FROM:-0} to=${TLC_FAULTS_LOAD_TO:-0}
	# TLC_FAULTS_LOAD_PART=K/N: the Kth of N equal ranges of ours (the
	# first with the loader's), for make test-debug's parallel boots.  A
	# boot's count of points differs from another's by a few dozen (1651,
	# 1677 and 1714 in three boots of one kernel): each range after the
	# first starts LOAD_OVERLAP points earlier, so that the seam is walked
	# twice, not missed.
	part=${TLC_FAULTS_LOAD_PART:-}
	if [[ $part =~ ^([1-9][0-9]*)/([1-9][0-9]*)$ ]] && ((BASH_REMATCH[1] <= BASH_REMATCH[2])); then
		k=${BASH_REMATCH[1]} parts=${BASH_REMATCH[2]} span=$((total - tail_from))
		((k > 1)) && from=$((tail_from + span * (k - 1) / parts - LOAD_OVERLAP))
		((k < parts)) && to=$((tail_from + span * k / parts))
		echo "# load: part $k of $parts, points $((from ? from : tail_from)) to $((to ? to : total))"
	elif [[ -n $part ]]; then
		echo "# TLC_FAULTS_LOAD_PART=$part: want K/N, 1 <= K <= N"
		for a in failslab fail_page_alloc; do echo 0 >$FI/$a/verbose; done
		ktap_result 1 load
		return
	fi
	((from > tail_from)) && tail_from=$from
	for ((n = LOAD_STRIDE; n < loader - LOAD_MARGIN && from == 0 && ok == 0; n += LOAD_STRIDE)); do
		try "$n"
	done
	# Ours, by site.  known N: tries N, then the points after it (3 at most)
	# while their site is unknown; sets pt to the last one tried.  Returns 1 on
	# a problem.  same_site: the last point tried is of prev's site (never so
	# for an unknown site).
	known() {
		local k=0
		pt=$1
		try "$pt" || return 1
		while [[ $site == \?* ]] && ((k++ < 3)); do
			pt=$((pt + 1))
			try "$pt" || return 1
		done
		return 0
	}
	same_site() { [[ $site == "$prev" && $prev != \?* ]]; }
	n=$tail_from step=1 sites=0 prev=END
	((n < 1)) && n=1
	known "$n" && n=$pt prev=$site
	while ((ok == 0)) && [[ $prev != END ]]; do
		((to && n >= to)) && break
		known $((n + step)) || break
		m=$pt
		if same_site; then
			n=$m
			((step < LOAD_MAX_STEP)) && step=$((step * 2))
			continue
		fi
		# The first point after n whose site is not prev's.  Where mid up to
		# hi are all unknown, it is before mid or hi itself.
		lo=$n hi=$m
		while ((hi - lo > 1 && ok == 0)); do
			mid=$(((lo + hi) / 2))
			known "$mid" || break
			if ((pt >= hi)); then
				hi=$mid
			elif same_site; then
				lo=$pt
			else
				hi=$pt
			fi
		done
		n=$hi
		[[ ${site_of[$n]:-} == \?* ]] && { known "$n" || break; n=$pt; }
		prev=${site_of[$n]:-END} step=1 sites=$((sites + 1))
	done
	echo "# load: $tried points tried up to $n, $sites changes of site from point $tail_from: $failed loads failed cleanly, $unavail with a feature unavailable, $degraded with a namespace or debugfs left out"
	((total > 1 && loader > 1 && loader < total)) || ok=1
	((ok || n > loader)) || { echo "# load: stopped at $n, before our init"; ok=1; }
	for a in failslab fail_page_alloc; do echo 0 >$FI/$a/verbose; done
	ktap_result $ok load
}

# ---- netns_create ---------------------------------------------------------
# Most of a new namespace's allocations are the kernel's own pernet
# subsystems'; the module's come last (its pernet operations were
# registered after theirs).  The last (module's share + 32) points are all
# tried, the earlier ones every NETNS_STRIDE-th.
walk_netns_create() {
	NETNS_STRIDE=${TLC_FAULTS_NETNS_STRIDE:-$STRIDE}
	tlc_loaded && rmmod tcp_lifecycle
	failnth 1000000 netns && t0=${points:-0}
	insmod "$TLC_KO" "$PARAMS" || echo "# insmod failed"
	failnth 1000000 netns && t1=${points:-0}
	tail_from=$((t0 - 32))
	echo "# a new namespace passes $t0 injection points without the module, $t1 with it"
	ok=0 n=0 failed=0 degraded=0
	while tlc_loaded; do
		if ((n + 1 < tail_from)); then
			n=$((n + NETNS_STRIDE))
		else
			n=$((n + STRIDE))
		fi
		unc0=$(status_field nets_uncounted)
		failnth "$n" netns || { echo "# netns $n: tlc_failnth failed"; ok=1; break; }
		unc1=$(status_field nets_uncounted)
		if [[ $ret != 0 ]]; then
			failed=$((failed + 1))
			((injected)) || { echo "# netns $n: failed ($ret) without an injected fault"; ok=1; break; }
			# Refused by the kernel itself: not counted as ours.
			((unc1 == unc0)) || { echo "# netns $n: refused, yet nets_uncounted went $unc0 -> $unc1"; ok=1; }
		elif ((procdir)); then
			((unc1 == unc0)) || { echo "# netns $n: equipped, yet nets_uncounted went $unc0 -> $unc1"; ok=1; }
		else
			degraded=$((degraded + 1))
			((injected)) || { echo "# netns $n: no /proc/net/tcp_lifecycle without an injected fault"; ok=1; }
			((unc1 == unc0 + 1)) || { echo "# netns $n: left without statistics, nets_uncounted went $unc0 -> $unc1"; ok=1; }
		fi
		((ok == 0 && injected)) || break
	done
	echo "# netns_create: up to point $n tried, $failed namespaces refused by the kernel, $degraded left uncounted"
	((n > 1 && ret == 0 && injected == 0)) || ok=1
	ktap_result $ok netns_create
}

# ---- proc_read ------------------------------------------------------------
# In a namespace of its own without traffic, so that every read of a file
# must give the same bytes.
walk_proc_read() {
	ok=0 total=0 failed=0
	tlc_loaded || insmod "$TLC_KO" "$PARAMS" || { echo "# insmod failed"; ok=1; }
	ip netns add "$NS" || ok=1
	files=$(ip netns exec "$NS" ls /proc/net/tcp_lifecycle 2>/dev/null)
	[[ -n $files ]] || { echo "# no files in /proc/net/tcp_lifecycle of $NS"; ok=1; }
	for f in $files; do
		p=/proc/net/tcp_lifecycle/$f
		ip netns exec "$NS" "$FAILNTH" 0 read "$p" >/tmp/tlc_faults.ref.$$ || { ok=1; continue; }
		ref=$(sed '$d' /tmp/tlc_faults.ref.$$)
		n=0
		while :; do
			n=$((n + STRIDE))
			if ! out=$(ip netns exec "$NS" "$FAILNTH" "$n" read "$p") || ! parse_last "$out"; then
				ok=1; break
			fi
			if [[ $ret != 0 ]]; then
				failed=$((failed + 1))
				((injected)) || { echo "# $f $n: failed ($ret) without an injected fault"; ok=1; break; }
				[[ $ret == ENOMEM ]] || { echo "# $f $n: failed with $ret, not ENOMEM"; ok=1; }
			elif [[ $(sed '$d' <<<"$out") != "$ref" ]]; then
				echo "# $f $n: read differs from the reference:"
				diff <(echo "$ref") <(sed '$d' <<<"$out") | head -n 10 | sed 's/^/# /'
				ok=1
			fi
			((ok == 0 && injected)) || break
		done
		total=$((total + n))
		echo "# $f: $n points"
	done
	rm -f /tmp/tlc_faults.ref.$$
	echo "# proc_read: $total points tried over $(wc -w <<<"$files") files, $failed reads failed with ENOMEM"
	ktap_result $ok proc_read
}

# ---- sockets_filter -------------------------------------------------------
walk_sockets_filter() {
	ok=0 n=0 failed=0
	tlc_loaded || insmod "$TLC_KO" "$PARAMS" || { echo "# insmod failed"; ok=1; }
	ip netns pids "$NS" >/dev/null 2>&1 || ip netns add "$NS" || ok=1
	sock=/proc/net/tcp_lifecycle/sockets
	ref=$(ip netns exec "$NS" "$FAILNTH" 0 filter $sock "state=ESTABLISHED min_age_ms=5" | sed '$d')
	[[ -n $ref ]] || ok=1
	while ((ok == 0)); do
		n=$((n + STRIDE))
		if ! out=$(ip netns exec "$NS" "$FAILNTH" "$n" filter $sock "state=ESTABLISHED min_age_ms=5") ||
			! parse_last "$out"; then
			ok=1; break
		fi
		if [[ $ret != 0 ]]; then
			failed=$((failed + 1))
			((injected)) || { echo "# filter $n: failed ($ret) without an injected fault"; ok=1; break; }
			[[ $ret == ENOMEM ]] || { echo "# filter $n: failed with $ret, not ENOMEM"; ok=1; }
		fi
		[[ $(sed '$d' <<<"$out") == "$ref" ]] || { echo "# filter $n: listing differs after the write"; ok=1; }
		((injected)) || break
	done
	echo "# sockets_filter: $n points tried, $failed writes failed with ENOMEM"
	((n > 1)) || ok=1
	ktap_result $ok sockets_filter
}

for t in "${tests[@]}"; do
	if [[ -z ${TLC_FAULTS_ONLY:-} || " $TLC_FAULTS_ONLY " == *" $t "* ]]; then
		"walk_$t"
	else
		ktap_result 4 "$t" "not in TLC_FAULTS_ONLY"
	fi
done
ktap_finish
