#!/bin/sh
# scripts/vm/modprobe.sh - /sbin/modprobe in the vm-run initramfs.
# The kernel runs /sbin/modprobe to autoload modules (veth, nf_tables...)
# in the initramfs root before init.sh switches root; run the real one in
# /newroot instead (afterwards the kernel finds it directly).
exec chroot /newroot /sbin/modprobe "$@"
