# shellcheck shell=bash disable=SC2154 # run, rel, timeout, qemu_rc, accel: scripts/vm-run
# scripts/vm/verdict.sh - what a vm-run boot's kernel log and exit marker
# say: the patterns that fail a run, the scan, the early-crash test and the
# verdict.  Sourced by scripts/vm-run (after scripts/vm/lib.sh).
#
# Provides: scan_log FILE, boot_crashed_early, emulator_int3 (reads accel),
# verdict (reads run, rel, timeout, qemu_rc).

# Kernel log lines that fail a run (extended regexps).
BAD_PATTERNS=(
	'BUG:'
	'^(\[[ 0-9.]+\] )?BUG [^ ]+ \(' # slub: "BUG kmalloc-64 (Tainted: ...): ..."
	'WARNING:'
	'RIP:'
	'Call Trace:'
	'KFENCE'
	'Kernel panic'
	'Oops'
	'scheduling while atomic'
	'sleeping function called from invalid context'
	'general protection fault'
	'INFO: task .* blocked'
	'Object padding overwritten'
	'Poison overwritten'
	'Redzone overwritten'
	'kmemleak: .* new suspected'
	# Debug kernels (scripts/debug-kernel): sanitizers, lockdep, debugobjects.
	'UBSAN:'
	'ODEBUG:'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'suspicious RCU usage'
	'detected stalls'
)

# selftests/tlc_faults.sh makes allocations fail on purpose.  Between its
# kernel log markers, the kernel's reports of such a failure (header, then
# a stack dump up to </TASK>; sysctl's for a namespace's table it could not
# allocate too) are expected and left out of the scan;
# anything else there still counts.
FAULTS_BEGIN='tlc_faults: injecting allocation failures'
FAULTS_END='tlc_faults: injection over'
ALLOC_FAILURE='page allocation failure|vmalloc error|percpu: allocation failed|FAULT_INJECTION: forcing a failure|sysctl could not get directory: .* -12[[:space:]]*$'
without_injected_failures() {
	awk -v b="$FAULTS_BEGIN" -v e="$FAULTS_END" -v a="$ALLOC_FAILURE" '
		index($0, b) { inj = 1 }
		index($0, e) { inj = 0 }
		inj && $0 ~ a { skip = 1 }
		skip { if ($0 ~ /<\/TASK>/) skip = 0; next }
		{ print }' "$1"
}

# Print the offending lines of kernel log $1 with context; fail if none.
scan_log() {
	local re
	re=$(IFS='|'; echo "${BAD_PATTERNS[*]}")
	without_injected_failures "$1" | grep -Eq "$re" || return 1
	without_injected_failures "$1" | grep -En -B3 -A12 "$re" |
		head -n 150 | sed "s|^|vm-run: |" >&2
}

# QEMU 7.2's multi-threaded TCG sometimes runs a stale int3 while the
# kernel patches its own text during boot (static keys, alternatives):
# an "Oops: int3" before init has even started.  Under a loaded host the
# KASAN kernel of scripts/debug-kernel once took an interrupt in
# start_kernel before its interrupt descriptors were set up (KASAN
# wild-memory-access in handle_edge_irq, panic at 0.005 s).  Nothing of
# ours has run yet in either case, so boot again (at most twice) rather
# than report a bug; the console of each failed boot is kept.
boot_crashed_early() {
	! grep -q '^tlc-init: ' "$run/console.log" &&
		grep -Eq 'Oops: int3|^\[ *[0-9.]+\]  start_kernel\+' "$run/console.log"
}

# The same stale int3 can strike after init, while the module's probes or
# a test's tracepoints are being armed: "Oops: int3" where the byte before
# the one at RIP (the int3 that trapped) is no longer 0xcc in memory, as
# the oops's "Code:" line shows it.  A real breakpoint left behind (one
# of ours not removed, say) still reads 0xcc there and is not taken for
# this.  So that nothing else is hidden, it counts only when that oops is
# the first thing the scan finds.  Under KVM it is always a bug.  Prints
# what it found ("ip_local_deliver+0x61/0x1a0, 66 <90>").
emulator_int3() {
	local re first code
	[[ $accel == tcg ]] || return 1
	re=$(IFS='|'; echo "${BAD_PATTERNS[*]}")
	first=$(without_injected_failures "$run/console.log" | grep -Em1 "$re") || return 1
	[[ $first == *'Oops: int3'* ]] || return 1
	code=$(awk '/Oops: int3/ { o = 1 } o && /Code: / { print; exit }' "$run/console.log")
	[[ $code =~ \ ([0-9a-f]{2})\ \<([0-9a-f]{2})\> ]] || return 1
	[[ ${BASH_REMATCH[1]} != cc ]] || return 1
	echo "$(awk '/Oops: int3/ { o = 1 } o && /RIP: / { sub(/.*RIP: [0-9a-f]+:/, ""); print; exit }' \
		"$run/console.log"), ${BASH_REMATCH[1]} <${BASH_REMATCH[2]}>"
}

# The run's exit status: 125 for a kernel log showing a bug (checked
# first), 124 for a timeout, 125 for a VM that ended without an exit
# marker, else CMD's status from the marker.
verdict() {
	local marker
	if scan_log "$run/console.log" || scan_log "$run/dmesg.log"; then
		tlc_log "kernel log shows a problem (kernel $rel)"
		return 125
	fi
	if ((qemu_rc == 124 || qemu_rc == 137)); then
		tlc_log "VM timed out after ${timeout}s (kernel $rel); console tail:"
		tail -n 20 "$run/console.log" | sed 's/^/vm-run: /' >&2
		return 124
	fi
	marker=$(sed -n 's/^TLC-EXIT \([0-9]\{1,3\}\)$/\1/p' "$run/status" | tail -n 1)
	if [[ -z $marker ]]; then
		tlc_log "VM ended without reporting an exit status (kernel $rel, QEMU status $qemu_rc); console tail:"
		tail -n 40 "$run/console.log" | sed 's/^/vm-run: /' >&2
		[[ -s $run/qemu.log ]] && sed 's/^/vm-run: qemu: /' "$run/qemu.log" >&2
		return 125
	fi
	return "$marker"
}
