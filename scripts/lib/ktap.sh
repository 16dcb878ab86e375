# shellcheck shell=bash
# scripts/lib/ktap.sh - KTAP bookkeeping for the runners made of shell
# stages (scripts/run-tests, scripts/test-debug, scripts/test-matrix).
# Source it, do not execute it.
#
#   ktap_init NAME LOGDIR   start a run: NAME for the summary ("make test"),
#                           LOGDIR (existing) for each stage's log, every
#                           result line (LOGDIR/all.ktap) and per-stage
#                           times (LOGDIR/times)
#   stage NAME CMD...       run CMD, show and log its output, keep its
#                           result lines; a stage that fails without
#                           reporting a failed test counts as one failed
#                           test of its own; returns CMD's status
#   result STATUS NAME      a test of the runner's own (STATUS 0: passed)
#   summary                 the closing "N passed, N failed, N skipped" line
#                           over everything, then exit: 0 only if nothing
#                           failed and something passed
#   ktap_line STATUS NAME   print "ok 0 NAME" (STATUS 0) or "not ok 0 NAME"
#   ktap_results FILE       FILE's result lines ("ok N ...", "not ok N ..."),
#                           but none from before a "results above are void"
#                           comment (scripts/vm-run writes one when it boots
#                           again after an emulator fault)
#   ktap_count FILE         print "PASSED FAILED SKIPPED" of FILE's results
#   ktap_voided FILE        how many runs FILE's void comments discarded
#   ktap_after_void FILE    FILE's lines after its last void comment
#   ktap_replay FILE RC     for stage: print FILE, return the status in RC

# Summary-shaped lines of the stages must not be taken for ours.
ktap_summary_re='^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed'
ktap_void_re='^# vm-run: results above are void'

ktap_init() {
	ktap_name=$1
	ktap_logs=$2
	ktap_all=$ktap_logs/all.ktap
	: >"$ktap_all"
	ktap_start=$SECONDS
}

ktap_line() {
	if (($1 == 0)); then
		echo "ok 0 $2"
	else
		echo "not ok 0 $2"
	fi
}

ktap_after_void() {
	awk -v void="$ktap_void_re" '
		$0 ~ void { n = 0; next }
		{ l[n++] = $0 }
		END { for (i = 0; i < n; i++) print l[i] }' "$1"
}

ktap_results() {
	ktap_after_void "$1" | grep -E '^(not )?ok [0-9]+ ' || true
}

# ktap_replay FILE RCFILE (through stage): what a background run printed,
# and its status.
ktap_replay() {
	cat "$1"
	return "$(cat "$2" 2>/dev/null || echo 1)"
}

ktap_voided() {
	grep -cE "$ktap_void_re" "$1" || true
}

ktap_count() {
	ktap_results "$1" | awk '
		/^ok [0-9]+ .*# SKIP/ { skip++; next }
		/^ok / { pass++; next }
		{ fail++ }
		END { printf "%d %d %d\n", pass, fail, skip }'
}

stage() {
	local name=$1 out=$ktap_logs/$1.log st t0=$SECONDS
	shift
	echo "# ==== $name: $*"
	"$@" 2>&1 | tee "$out" | grep -Ev "$ktap_summary_re"
	st=${PIPESTATUS[0]}
	echo "# ==== $name: $((SECONDS - t0)) s, status $st" | tee -a "$ktap_logs/times"
	ktap_results "$out" >>"$ktap_all"
	if (($(ktap_voided "$out"))); then
		echo "# ==== $name: $(ktap_voided "$out") boot(s) voided by an emulator fault (see above)" |
			tee -a "$ktap_logs/times"
	fi
	if ((st != 0)) && ! ktap_results "$out" | grep -E '^not ok ' >/dev/null; then
		ktap_line 1 "$name: exited with status $st" | tee -a "$ktap_all"
	fi
	return "$st"
}

result() {
	ktap_line "$1" "$2" | tee -a "$ktap_all"
}

summary() {
	local pass fail skip
	read -r pass fail skip < <(ktap_count "$ktap_all")
	echo "# $ktap_name: $((SECONDS - ktap_start)) s, logs in $ktap_logs"
	grep -h ' voided by an emulator fault' "$ktap_logs/times" 2>/dev/null
	echo "$pass passed, $fail failed, $skip skipped"
	((fail == 0 && pass > 0))
	exit
}
