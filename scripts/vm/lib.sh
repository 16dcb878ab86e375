# shellcheck shell=bash disable=SC2034 # variables are for the sourcing scripts
# scripts/vm/lib.sh - helpers shared by scripts/deps.sh, scripts/kernel-fetch
# and scripts/vm-run.  Source it; do not execute it.
#
#   . "$(dirname "$0")/vm/lib.sh"
#
# Provides: TLC_REPO, TLC_CACHE_DIR, tlc_log, tlc_die, tlc_missing_packages,
# tlc_ensure_packages, tlc_apt_update_once; for Debian suites other than
# the host's: TLC_HOST_SUITE, TLC_SUITES, tlc_suite_apt, tlc_suite_update.

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

# The suites kernels come from, searched in this order for a series: the
# host's own (its apt sources, as they are), then newer ones through a
# private apt state of our own under $TLC_CACHE_DIR/apt/<suite> (sources
# list, package lists, downloads: nothing in the host's /etc or /var).
# shellcheck disable=SC1091 # the host's
TLC_HOST_SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
TLC_SUITES=("$TLC_HOST_SUITE" trixie sid)

# The archive (and security archive) the host's apt takes its own suite
# from: the private states use the same, unless TLC_MIRROR or
# TLC_SECURITY_MIRROR say otherwise.  $1 is "" or "-security".
tlc_host_mirror() {
	apt-cache policy 2>/dev/null |
		awk -v s="$TLC_HOST_SUITE$1/main" '$3 == s { print $2; exit }'
}

# The sources of suite $1, one-line style.  sid has no -updates or
# -security; a stable suite's kernels move in both.
tlc_suite_sources() {
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	: "${TLC_MIRROR:=$(tlc_host_mirror "")}"
	: "${TLC_SECURITY_MIRROR:=$(tlc_host_mirror -security)}"
	if [[ -z $TLC_MIRROR || -z $TLC_SECURITY_MIRROR ]]; then
		tlc_die "no Debian archive in the host's apt sources for $TLC_HOST_SUITE: set TLC_MIRROR and TLC_SECURITY_MIRROR"
	fi
	echo "deb [signed-by=$key] $TLC_MIRROR $1 main"
	case $1 in
	sid | unstable | experimental) ;;
	*)
		echo "deb [signed-by=$key] $TLC_MIRROR $1-updates main"
		echo "deb [signed-by=$key] $TLC_SECURITY_MIRROR $1-security main"
		;;
	esac
}

# apt options for the private state of suite $1.  The archive's copy of
# sid can be older than this machine's clock: apt would refuse its Release
# file as expired, hence Check-Valid-Until off (the signature is still
# checked).
tlc_suite_aptopts() {
	local d=$TLC_CACHE_DIR/apt/$1
	printf '%s\n' -o "Dir::Etc::SourceList=$d/sources.list" \
		-o "Dir::Etc::SourceParts=$d/empty" \
		-o "Dir::Etc::Preferences=$d/empty/none" \
		-o "Dir::Etc::PreferencesParts=$d/empty" \
		-o "Dir::State=$d/state" -o "Dir::State::status=$d/status" \
		-o "Dir::Cache=$d/cache" -o Acquire::Check-Valid-Until=false \
		-o Acquire::Languages=none -o APT::Architecture=amd64 \
		-o APT::Architectures=amd64 -o Debug::NoLocking=1
	# As root apt drops to user _apt, which cannot write into our cache.
	((EUID == 0)) && printf '%s\n' -o APT::Sandbox::User=root
	return 0
}

# tlc_suite_apt SUITE apt-get|apt-cache ARGS...: that apt command on the
# host's state for the host's suite, on our private one for any other.
tlc_suite_apt() {
	local suite=$1 cmd=$2
	shift 2
	if [[ $suite == "$TLC_HOST_SUITE" ]]; then
		"$cmd" "$@"
		return
	fi
	local -a opts
	mapfile -t opts < <(tlc_suite_aptopts "$suite")
	"$cmd" "${opts[@]}" "$@"
}

# Fetch (again) the package lists of suite $1 when missing, older than
# TLC_SUITE_MAX_AGE seconds (default a day), or when $2 is "force".  The
# host's own suite: apt-get update once, as root, only if forced.
tlc_suite_update() {
	local suite=$1 d=$TLC_CACHE_DIR/apt/$1 age
	if [[ $suite == "$TLC_HOST_SUITE" ]]; then
		[[ ${2:-} == force ]] && ((EUID == 0)) && tlc_apt_update_once
		return 0
	fi
	if [[ -e $d/.updated && ${2:-} != force ]]; then
		age=$(($(date +%s) - $(stat -c %Y "$d/.updated")))
		((age < ${TLC_SUITE_MAX_AGE:-86400})) && return 0
	fi
	mkdir -p "$d/empty" "$d/state/lists/partial" "$d/cache/archives/partial"
	[[ -e $d/status ]] || : >"$d/status"
	tlc_suite_sources "$suite" >"$d/sources.list"
	tlc_log "apt-get update ($suite, in $d)"
	if tlc_suite_apt "$suite" apt-get -q update >&2; then
		touch "$d/.updated"
	else
		tlc_log "warning: apt-get update of $suite failed; carrying on with the lists we have"
	fi
}
