#!/bin/bash
# scripts/debug/guest.sh - runs inside the scripts/test-debug VM, in the
# repository: selftests/run.sh (TLC_ONLY as given), then a kmemleak scan
# reported as one more KTAP result.  Exit status: run.sh's, or 1 if
# kmemleak found anything.
kml=/sys/kernel/debug/kmemleak

selftests/run.sh
rc=$?
[[ -d /sys/module/tcp_lifecycle ]] && rmmod tcp_lifecycle
echo "# ---- kmemleak"
if [[ ! -w $kml ]]; then
	echo "not ok 0 kmemleak: no $kml (kernel without CONFIG_DEBUG_KMEMLEAK?)"
	exit 1
fi
# An object is reported only once it is older than 5 s and was found
# unreferenced by a scan; the second scan confirms the first.
sleep 6
t0=$SECONDS
echo scan >$kml
sleep 6
echo scan >$kml
report=$(cat $kml)
echo "# kmemleak: two scans in $((SECONDS - t0)) s"
if [[ -n $report ]]; then
	head -n 200 <<<"$report" | sed 's/^/# /'
	echo "not ok 0 kmemleak: $(grep -c '^unreferenced object' <<<"$report") suspected leaks after the selftests"
	exit 1
fi
echo "ok 0 kmemleak: no suspected leaks after the selftests"
exit $rc
