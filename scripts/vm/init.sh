#!/bin/sh
# scripts/vm/init.sh - PID 1 of the scripts/vm-run guest (busybox sh).
# Not for running by hand: vm-run puts it in the initramfs as /init, with
# /tlc/run.conf (tlc_release, tlc_moddir) and /tlc/cmd.sh from the host.
#
# Builds /newroot = overlay(host root read-only over 9p or virtiofs, tmpfs
# upper) and switch_root's into it (a chroot would do, but the kernel
# refuses unprivileged user namespaces to a chrooted process, and the
# selftests need them for containers); then, as PID 1 of the new root
# ("stage2" below, this same script copied to /run/tlc), runs /tlc/cmd.sh
# with stdout/stderr on virtio port tlc.out, writes "TLC-EXIT <status>" to
# port tlc.status and the kernel log to port tlc.dmesg, and powers off.
# Console messages are prefixed "tlc-init:".

PATH=/sbin:/bin
export PATH

# Stage 2, after switch_root: PID 1 in the host's root (overlay), with a
# copy of busybox at /run/tlc/busybox.  Arguments: the three port devices.
if [ "$1" = stage2 ]; then
	bb=/run/tlc/busybox
	out=$2 status=$3 kmsg=$4
	echo "tlc-init: [$($bb cut -d" " -f1 /proc/uptime)] running command"
	$bb env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root USER=root LOGNAME=root TLC_IN_VM=1 \
		/bin/sh /run/tlc/cmd.sh </dev/null >"$out" 2>&1
	rc=$?
	echo "tlc-init: [$($bb cut -d" " -f1 /proc/uptime)] command exited with status $rc"
	echo "TLC-EXIT $rc" >"$status"
	$bb dmesg -s 16777216 >"$kmsg"
	$bb poweroff -f
	$bb sleep 60
	exit 1
fi

say() { echo "tlc-init: [$(cut -d" " -f1 /proc/uptime 2>/dev/null)] $*"; }
# Something is broken: power off without an exit marker (vm-run reports it).
fail() {
	say "FAILED: $*"
	poweroff -f
	sleep 60
}
must() { "$@" || fail "$*"; }

must mount -t proc proc /proc
must mount -t sysfs sysfs /sys
must mount -t devtmpfs devtmpfs /dev
exec </dev/null
# shellcheck disable=SC1091 # sets tlc_release, tlc_moddir
. /tlc/run.conf
: "${tlc_release:?}" "${tlc_moddir:?}"

say "loading modules"
for m in /tlc/modules/*.ko; do
	[ -e "$m" ] || break
	must insmod "$m"
done
say "mounting host root"
# Module autoloading by the kernel runs /sbin/modprobe here in the
# initramfs; the wrapper there runs the real one in /newroot.
echo /sbin/modprobe >/proc/sys/kernel/modprobe

if [ "${tlc_hostfs:-9p}" = virtiofs ]; then
	must mount -t virtiofs -o ro hostroot /hostroot
else
	must mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /hostroot
fi
must mount -t tmpfs -o mode=0755 tlc-overlay /ovl
mkdir -p /ovl/upper /ovl/work
must mount -t overlay -o lowerdir=/hostroot,upperdir=/ovl/upper,workdir=/ovl/work overlay /newroot

n=/newroot
say "setting up /newroot"
must mount -t proc proc $n/proc
must mount -t sysfs sysfs $n/sys
must mount -t devtmpfs devtmpfs $n/dev
# What udev makes on any system: bash's <(...) needs /dev/fd.
ln -s /proc/self/fd $n/dev/fd
ln -s /proc/self/fd/0 $n/dev/stdin
ln -s /proc/self/fd/1 $n/dev/stdout
ln -s /proc/self/fd/2 $n/dev/stderr
mkdir -p $n/dev/pts $n/dev/shm
must mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts $n/dev/pts
must mount -t tmpfs -o mode=1777 tmpfs $n/dev/shm
[ -n "$tlc_keep_tmp" ] || must mount -t tmpfs -o mode=1777 tmpfs $n/tmp
must mount -t tmpfs -o mode=0755 tmpfs $n/run
must mount -t tracefs tracefs $n/sys/kernel/tracing
must mount -t debugfs debugfs $n/sys/kernel/debug
mount -t cgroup2 cgroup2 $n/sys/fs/cgroup 2>/dev/null || true

# The fetched kernel's modules at /lib/modules/<release>.  /lib may be a
# symlink (merged /usr, "usr/lib"): resolve it inside the new root.
lib=/lib
if l=$(readlink $n/lib); then
	case $l in /*) lib=$l ;; *) lib=/$l ;; esac
fi
must mkdir -p "$n$lib/modules/$tlc_release"
must mount --bind "/hostroot$tlc_moddir" "$n$lib/modules/$tlc_release"

hostname tlc-vm
ip link set lo up || fail "lo up"

# virtio-serial ports come up asynchronously; find them by name.
port() {
	for p in /sys/class/virtio-ports/*; do
		[ "$(cat "$p/name" 2>/dev/null)" = "$1" ] && { echo "/dev/${p##*/}"; return 0; }
	done
	return 1
}
i=0
until out=$(port tlc.out) && status=$(port tlc.status) && kmsg=$(port tlc.dmesg); do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "virtio ports tlc.out/tlc.status/tlc.dmesg not found"
	sleep 0.05
done

mkdir -p $n/run/tlc
must cp /tlc/cmd.sh $n/run/tlc/cmd.sh
must cp /init $n/run/tlc/init.sh
must cp /bin/busybox $n/run/tlc/busybox
# From now on the kernel's module autoloading finds the real modprobe at
# /sbin/modprobe: PID 1 shares its root with the kernel's threads.
say "switching root"
exec switch_root $n /run/tlc/busybox sh /run/tlc/init.sh stage2 "$out" "$status" "$kmsg"
fail "switch_root"
