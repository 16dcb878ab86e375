# shellcheck shell=bash disable=SC2034,SC2154 # variables shared with scripts/vm-run
# scripts/vm/initramfs.sh - what a vm-run boot boots: the host file
# system's transport, the initramfs (busybox, scripts/vm/init.sh, the
# modules that reach the host root) and the kernel image, both cached per
# release in $bdir.  Sourced by scripts/vm-run (after scripts/vm/lib.sh).
#
# Provides: vm_pick_hostfs (sets hostfs, INITRAMFS_MODULES),
# build_initramfs, extract_vmlinux, vm_boot_files (sets initramfs,
# kernel_image).  Reads rel, kroot, bdir, VIRTIOFSD.

# The host root reaches the guest over 9p; kernels built without it
# (Debian's cloud flavour) get virtiofs instead, served by QEMU 7.2's
# virtiofsd.  Read-only either way: 9p by QEMU, virtiofs by the guest's
# ro mount (this virtiofsd has no read-only mode).  The initramfs loads
# the modules needed to reach it (9p or virtiofs over virtio, overlay,
# virtio console) unless they are built in.
vm_pick_hostfs() {
	hostfs=9p
	if ! modprobe -C /dev/null -d "$kroot" -S "$rel" --show-depends 9pnet_virtio >/dev/null 2>&1; then
		modprobe -C /dev/null -d "$kroot" -S "$rel" --show-depends virtiofs >/dev/null 2>&1 ||
			tlc_die "$rel has neither 9p nor virtiofs"
		[[ -x $VIRTIOFSD ]] || tlc_die "$rel has no 9p; virtiofs needs $VIRTIOFSD (qemu-system-common)"
		hostfs=virtiofs
	fi
	if [[ $hostfs == 9p ]]; then
		INITRAMFS_MODULES=(virtio_pci virtio_console 9pnet_virtio 9p overlay)
	else
		INITRAMFS_MODULES=(virtio_pci virtio_console virtiofs overlay)
	fi
}

# Build the initramfs into $1: static busybox, the init scripts, and the
# modules of INITRAMFS_MODULES with their dependencies, decompressed (sid's
# are .ko.xz; busybox's insmod reads plain .ko only).
build_initramfs() {
	local out=$1 stage m i=0 path
	rm -rf "$bdir"/.stage.* # left by an interrupted build
	stage=$(mktemp -d "$bdir/.stage.XXXXXX")
	mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,hostroot,ovl,newroot,tlc/modules}
	cp /bin/busybox "$stage/bin/busybox"
	for m in $(/bin/busybox --list); do
		case $m in busybox | init | linuxrc | modprobe) continue ;; esac
		ln -s busybox "$stage/bin/$m"
	done
	install -m 0755 "$TLC_SCRIPTS_DIR/vm/init.sh" "$stage/init"
	install -m 0755 "$TLC_SCRIPTS_DIR/vm/modprobe.sh" "$stage/sbin/modprobe"
	# modprobe --show-depends lists, in load order, "insmod PATH" for each
	# module and its dependencies, or "builtin NAME".
	local deps
	deps=$(for m in "${INITRAMFS_MODULES[@]}"; do
		modprobe -C /dev/null -d "$kroot" -S "$rel" --show-depends "$m" || exit 1
	done) || tlc_die "$rel: cannot resolve modules ${INITRAMFS_MODULES[*]}"
	while IFS= read -r path; do
		i=$((i + 1))
		m=$(printf '%s/tlc/modules/%02d-%s' "$stage" "$i" "$(basename "${path%%.ko*}")")
		case $path in
		*.ko) cp "$path" "$m.ko" ;;
		*.ko.xz) xz -dc "$path" >"$m.ko" ;;
		*.ko.gz) gzip -dc "$path" >"$m.ko" ;;
		*.ko.zst) zstd -qdc "$path" >"$m.ko" ;;
		*) tlc_die "unknown module file $path" ;;
		esac
	done < <(sed -n 's/^insmod \(.*\.ko[.a-z]*\) *$/\1/p' <<<"$deps" | awk '!seen[$0]++')
	(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) >"$out.tmp"
	mv -f "$out.tmp" "$out"
	rm -rf "$stage"
}
# Debian's bzImage spends seconds decompressing itself under TCG.  QEMU can
# boot the uncompressed ELF vmlinux directly through its PVH entry point
# (CONFIG_PVH=y): unpack the payload ourselves (the bzImage header gives
# its offset and length).  Kbuild appends the uncompressed size to an xz
# or zstd stream, not to gzip's, whose own trailer ends with it.
extract_vmlinux() {
	local bz=$1 out=$2 sects off len start magic trailer=4
	sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
	((sects)) || sects=4
	read -r off len < <(od -An -tu4 -j $((0x248)) -N8 "$bz")
	start=$(((sects + 1) * 512 + off))
	payload() { dd if="$bz" bs=1M iflag=skip_bytes,count_bytes skip="$start" count="$1" status=none; }
	magic=$(payload 4 | od -An -tx1 | tr -d ' \n')
	local -a dec
	case $magic in
	fd377a58) dec=(xz -dc) ;;
	28b52ffd) dec=(zstd -qdc) ;;
	1f8b*) dec=(gzip -dc) trailer=0 ;;
	*) return 1 ;;
	esac
	payload $((len - trailer)) | "${dec[@]}" >"$out.tmp" || return 1
	[[ $(od -An -tx1 -N4 "$out.tmp" | tr -d ' \n') == 7f454c46 ]] || return 1
	mv -f "$out.tmp" "$out"
}

# The initramfs (keyed by everything that goes into it) and the kernel
# image for $rel, built once; sets initramfs and kernel_image.
vm_boot_files() {
	local ikey
	ikey=$({
		cat "$TLC_SCRIPTS_DIR/vm/init.sh" "$TLC_SCRIPTS_DIR/vm/modprobe.sh"
		declare -f build_initramfs
		echo "${INITRAMFS_MODULES[*]}"
		dpkg-query -W -f='${Version}' busybox-static
	} | sha256sum | cut -c1-16)
	initramfs=$bdir/initramfs-$ikey.cpio
	kernel_image=$bdir/vmlinux
	if [[ ! -f $initramfs || ! -e $bdir/.vmlinux-done ]]; then
		mkdir -p "$bdir"
		exec {lock}>"$bdir/.lock"
		flock "$lock"
		if [[ ! -f $initramfs ]]; then
			tlc_log "building initramfs for $rel"
			build_initramfs "$initramfs"
			find "$bdir" -name 'initramfs-*.cpio' ! -name "initramfs-$ikey.cpio" -delete
		fi
		if [[ ! -e $bdir/.vmlinux-done ]]; then
			# The debug tier's KASAN kernel booted that way prints
			# nothing, ever (QEMU 7.2, TCG); its bzImage boots.
			local cfg=$kroot/boot/config-$rel why=
			if ! grep -qx 'CONFIG_PVH=y' "$cfg"; then
				why="no PVH entry point"
			elif grep -qx 'CONFIG_KASAN=y' "$cfg"; then
				why="KASAN does not boot through PVH"
			elif ! extract_vmlinux "$kroot/boot/vmlinuz-$rel" "$kernel_image"; then
				why="cannot unpack its vmlinux"
			fi
			if [[ $why ]]; then
				rm -f "$kernel_image" "$kernel_image.tmp"
				tlc_log "$rel: $why, booting the bzImage (slower)"
			fi
			touch "$bdir/.vmlinux-done"
		fi
		exec {lock}>&-
	fi
	[[ -f $kernel_image ]] || kernel_image=$kroot/boot/vmlinuz-$rel
}
