#!/usr/bin/env bash
# Usage: scripts/deps.sh [host|vm|bench|debug|all]     (default: all)
#
# Installs the Debian packages the project needs, only those missing
# (apt-get update runs once first when something is missing).
#   host  build the module and run the userspace tools on this machine
#   vm    run scripts/vm-run (QEMU, initramfs tools, and the tools the
#         tests use inside the guest, which shares the host's root fs:
#         also the real daemons and load generators of tlc_daemons.sh)
#   bench what `make bench` adds (bpftrace for tcplife.bt, GNU time)
#   debug what scripts/debug-kernel needs to build the `make test-debug`
#         kernel from linux-source-6.1 (compiler, bc, flex, bison, libelf,
#         libssl headers)
#   all   all of these
# Not root and something missing: prints the apt-get command, exits 1.
# Kernel headers are per kernel: scripts/kernel-fetch --headers unpacks them;
# mmdebstrap makes the build roots of trixie and sid (scripts/build-root).
set -euo pipefail

# The one package list.  "<package> <groups...>"; add lines here.
PACKAGES='
qemu-system-x86   vm
busybox-static    vm
kmod              vm host debug
cpio              vm
xz-utils          vm host debug
zstd              vm
iproute2          vm host
nftables          vm host
procps            vm host
python3           vm host
sparse            host
make              host debug
gcc               host debug
libelf-dev        host debug
pahole            host vm
libssl-dev        debug
bc                host debug
flex              host debug
bison             host debug
linux-source-6.1  host debug
groff             host
python3-prometheus-client host
prometheus        host
prometheus-node-exporter vm
curl              vm
clang             host
libclang-rt-14-dev host
util-linux        host
bpftrace          bench
time              bench
dkms              vm host
mmdebstrap        host
nginx             vm
redis-server      vm
redis-tools       vm
iperf3            vm
hping3            vm
wrk               vm
'

# shellcheck source=scripts/vm/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/vm/lib.sh"

group=${1:-all}
case $group in
host | vm | bench | debug | all) ;;
-h | --help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
*) tlc_die "usage: scripts/deps.sh [host|vm|bench|debug|all]" ;;
esac
(($# <= 1)) || tlc_die "usage: scripts/deps.sh [host|vm|bench|debug|all]"

wanted=()
while read -r pkg groups; do
	[[ -n $pkg ]] || continue
	if [[ $group == all || " $groups " == *" $group "* ]]; then
		wanted+=("$pkg")
	fi
done <<<"$PACKAGES"

tlc_ensure_packages "${wanted[@]}"
