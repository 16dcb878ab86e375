#!/bin/sh
# scripts/vm/modprobe.sh - /sbin/modprobe in the vm-run initramfs.
# The kernel runs /sbin/modprobe to autoload modules (veth, nf_tables...)
# in the initramfs root; run the real modprobe in the chroot instead.
exec chroot /newroot /sbin/modprobe "$@"
