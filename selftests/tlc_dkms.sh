#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: DKMS builds, installs and removes the module for the
# running kernel: the sources staged with `make dkms-src` in
# /usr/src/tcp_lifecycle-VERSION, dkms add/build/install, modprobe finds the
# installed module and it works, modprobe -r, dkms remove.
# Skips (exit 4) without dkms, without the repository around this directory
# (dkms.conf, Kbuild), or without a build tree for `uname -r`.
#
# Meant for a throwaway machine or VM: it installs into
# /lib/modules/$(uname -r).  When that directory is read-only (the
# scripts/vm-run guest bind-mounts the fetched kernel's modules read-only),
# an overlay (upper layer in a temporary directory) is mounted over it for
# the test's duration (see below).

source "$(dirname "$0")/tlc_lib.sh"
REPO=$(cd "$TLC_DIR/.." && pwd)
REL=$(uname -r)
MODDIR=/lib/modules/$REL
TMP=
overlay=
added=
ver=

cleanup() {
	tlc_loaded && modprobe -r tcp_lifecycle 2>/dev/null
	[[ -n $added ]] && dkms remove "tcp_lifecycle/$ver" --all >/dev/null 2>&1
	[[ -n $ver ]] && rm -rf "/usr/src/tcp_lifecycle-$ver"
	[[ -n $overlay ]] && umount "$MODDIR"
	[[ -n $TMP ]] && rm -rf "$TMP"
}
trap cleanup EXIT

skip_all() {
	echo "# SKIP: $1"
	exit "$KSFT_SKIP"
}

tlc_require_root
command -v dkms >/dev/null || skip_all "dkms is not installed (scripts/deps.sh installs it)"
[[ -f $REPO/dkms.conf && -f $REPO/Kbuild && -f $REPO/Makefile &&
	-f $REPO/scripts/lib/cache.sh ]] ||
	skip_all "no tcp_lifecycle tree with dkms.conf at $REPO"
[[ -d $MODDIR ]] || skip_all "no $MODDIR"
# A build tree for the running kernel: what /lib/modules/$REL/build points
# to (scripts/kernel-fetch links it to the tree it unpacks), else an
# installed linux-headers package.
# shellcheck source=scripts/lib/cache.sh
. "$REPO/scripts/lib/cache.sh"
kdir=
for d in "$MODDIR/build" "/usr/src/linux-headers-$REL" \
	"$TLC_CACHE/kernels/$REL/build"; do
	if [[ -f $d/Makefile && -f $d/.config ]]; then
		kdir=$(cd "$d" && pwd -P)
		break
	fi
done
[[ -n $kdir ]] || skip_all "no build tree for $REL (scripts/kernel-fetch --headers $REL, or linux-headers-$REL)"

TMP=$(mktemp -d)
if ! touch "$MODDIR/.tlc-dkms-w" 2>/dev/null; then
	# Writes go to a temporary upper layer.  The lower layer is a thin
	# copy (modules.order, modules.builtin*) unless TLC_DKMS_FULL_TREE=1:
	# dkms install and remove each run depmod -a, which reads all of the
	# kernel's ~4000 modules, minutes over 9p in an emulated VM.  The
	# kernel's own modules cannot be modprobed meanwhile.
	lower=$MODDIR
	if [[ -z ${TLC_DKMS_FULL_TREE:-} ]]; then
		lower=$TMP/lower
		mkdir -p "$lower"
		for f in modules.order modules.builtin modules.builtin.modinfo; do
			[[ -f $MODDIR/$f ]] && cp "$MODDIR/$f" "$lower/"
		done
	fi
	echo "# $MODDIR is read-only: an overlay over it for the test (lower: $lower)"
	mkdir -p "$TMP/upper" "$TMP/work"
	mount -t overlay overlay \
		-o "lowerdir=$lower,upperdir=$TMP/upper,workdir=$TMP/work" "$MODDIR" ||
		skip_all "cannot make $MODDIR writable (overlay)"
	overlay=1
else
	rm -f "$MODDIR/.tlc-dkms-w"
fi
if [[ $(readlink -f "$MODDIR/build") != "$kdir" ]]; then
	pp ln -sfn "$kdir" "$MODDIR/build"
fi
echo "# build tree: $MODDIR/build -> $kdir"

ver=$(make -s --no-print-directory -C "$REPO" version)
[[ -n $ver ]] || { echo "# make version printed nothing"; exit 1; }
tlc_loaded && rmmod tcp_lifecycle
dkms remove "tcp_lifecycle/$ver" --all >/dev/null 2>&1

ktap_header 7
run() { # name, command...: one test, its output as diagnostics
	local name=$1 out rc
	shift
	echo "# + $*"
	out=$("$@" 2>&1)
	rc=$?
	sed 's/^/#   /' <<<"$out" | tail -n 25
	ktap_result $((rc != 0)) "$name"
	return $rc
}

make -s --no-print-directory -C "$REPO" dkms-src DKMS_SRC="/usr/src/tcp_lifecycle-$ver" TLC_VERSION="$ver" ||
	{ echo "# make dkms-src failed"; exit 1; }
t0=$SECONDS
run dkms_add dkms add "tcp_lifecycle/$ver" && added=1
run dkms_build dkms build "tcp_lifecycle/$ver" -k "$REL"
echo "# dkms build took $((SECONDS - t0)) s"
run dkms_install dkms install "tcp_lifecycle/$ver" -k "$REL"

ok=1
if path=$(modinfo -n tcp_lifecycle 2>&1) && [[ $path == "$MODDIR"/updates/* ]] &&
	pp modprobe tcp_lifecycle && tlc_loaded &&
	[[ $(cat /sys/module/tcp_lifecycle/version 2>/dev/null) == "$ver" ]]; then
	ok=0
fi
echo "# modinfo -n: $path; version: $(cat /sys/module/tcp_lifecycle/version 2>/dev/null)"
ktap_result $ok modprobe_loads_the_dkms_module

ok=1
[[ -r /proc/net/tcp_lifecycle/states ]] && grep -q '^ESTABLISHED ' /proc/net/tcp_lifecycle/states && ok=0
ktap_result $ok states_file_exists

ok=1
pp modprobe -r tcp_lifecycle && ! tlc_loaded && ok=0
ktap_result $ok modprobe_r_unloads

ok=1
if run_out=$(dkms remove "tcp_lifecycle/$ver" --all 2>&1); then
	added=
	left=$(find "$MODDIR" -name 'tcp_lifecycle.ko*' 2>/dev/null)
	[[ -z $left ]] && ! modinfo tcp_lifecycle >/dev/null 2>&1 && ok=0
	[[ -n $left ]] && echo "# left behind: $left"
else
	sed 's/^/#   /' <<<"$run_out" | tail -n 10
fi
ktap_result $ok dkms_remove_uninstalls
ktap_finish
