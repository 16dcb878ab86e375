# shellcheck shell=bash disable=SC2034 # variables are for the sourcing scripts
# scripts/vm/lib.sh - helpers shared by scripts/deps.sh, scripts/kernel-fetch
# and scripts/vm-run.  Source it; do not execute it.
#
#   . "$(dirname "$0")/vm/lib.sh"
#
# Provides: TLC_REPO, TLC_CACHE_DIR, tlc_log, tlc_die, tlc_missing_packages,
# tlc_ensure_packages, tlc_apt_update_once.

TLC_SCRIPTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TLC_REPO=$(cd "$TLC_SCRIPTS_DIR/.." && pwd)
# shellcheck source=scripts/lib/cache.sh
. "$TLC_SCRIPTS_DIR/lib/cache.sh"
TLC_CACHE_DIR=$TLC_CACHE
TLC_PROG=${TLC_PROG:-$(basename "$0")}

tlc_log() { printf '%s: %s\n' "$TLC_PROG" "$*" >&2; }
tlc_die() { tlc_log "$*"; exit 1; }

# Print the packages among "$@" that are not fully installed.
tlc_missing_packages() {
	local pkg status
	for pkg in "$@"; do
		status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
		[[ $status == "install ok installed" ]] || printf '%s\n' "$pkg"
	done
}

# apt-get update at most once per process (a fresh machine has stale or no
# package lists).
_tlc_apt_updated=
tlc_apt_update_once() {
	[[ -n $_tlc_apt_updated ]] && return 0
	_tlc_apt_updated=1
	tlc_log "apt-get update"
	DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=600 >&2 ||
		tlc_log "warning: apt-get update failed; carrying on with the lists we have"
}

# Install the packages among "$@" that are missing.  Not root: print the
# exact command and fail.
tlc_ensure_packages() {
	local -a missing
	mapfile -t missing < <(tlc_missing_packages "$@")
	((${#missing[@]})) || return 0
	local cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
	if ((EUID != 0)); then
		tlc_log "missing packages: ${missing[*]}; as root run:"
		printf 'apt-get update && %s\n' "$cmd" >&2
		exit 1
	fi
	tlc_apt_update_once
	tlc_log "installing: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=600 \
		"${missing[@]}" >&2
}
