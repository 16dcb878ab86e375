# shellcheck shell=sh
# scripts/lib/cache.sh - where tcp_lifecycle keeps what it downloads and
# builds: Debian kernel images and build trees, the linux-source extract,
# the debug kernel, test logs, matrix snapshots and benchmark records.
# The one place that says so; source it (sh or bash), do not execute it:
#
#   . "$repo/scripts/lib/cache.sh"     # then $TLC_CACHE, exported
#
# TLC_CACHE as set in the environment, else
#   root        /var/cache/tcp_lifecycle
#   any other   ${XDG_CACHE_HOME:-$HOME/.cache}/tcp_lifecycle
# Outside the source tree on purpose: kbuild's clean (make clean) deletes
# every *.o, *.a, *.ko and modules.order below the tree, which would
# include the modules of the cached kernels.  Exported, so that the
# programs run from here (and scripts/vm-run's guest, which is given every
# TLC_* variable) agree on it.
if [ -z "${TLC_CACHE:-}" ]; then
	if [ "$(id -u)" = 0 ]; then
		TLC_CACHE=/var/cache/tcp_lifecycle
	else
		TLC_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/tcp_lifecycle
	fi
fi
export TLC_CACHE
