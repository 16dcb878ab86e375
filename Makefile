# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: out-of-tree module, its userspace reader and its tests.
#
#   make                  module/tcp_lifecycle.ko and userspace/tcplc
#   make demo             the module on real traffic in a VM
#   make bench            overhead benchmark in a VM (Documentation/benchmark.txt)
#   make test             every test (host and VM); last line "N passed, N failed"
#   make check            W=1, sparse, checkpatch --strict, kernel-doc
#   make test-matrix      build and VM-test every Debian kernel, one table
#   make test-debug       the VM selftests on a KASAN/lockdep/kmemleak kernel
#                         built from linux-source-6.1, with allocation failures
#   make deps             install the Debian packages and kernel headers needed
#   make install          module (modules_install + depmod), tcplc, man page,
#                         systemd units for the node exporter (not enabled)
#   make uninstall        remove what install put there
#   make dkms-src         stage the sources for DKMS in /usr/src/tcp_lifecycle-V
#
# KERNEL selects the Debian kernel the VM boots and the module is built for:
# 6.1 (default), 6.1-rt, 6.1-cloud, 6.12, 6.12-rt, 6.12-cloud (bookworm),
# 6.12-trixie, 6.12-rt-trixie, 6.12-cloud-trixie, 7.2, 7.2-rt, 7.2-cloud
# (sid), or an exact release.  Its build tree is unpacked, not installed,
# under $(TLC_CACHE)/kernels (scripts/kernel-fetch --headers-only); trixie's
# and sid's are built against in a build root of their suite
# (scripts/build-root).  TLC_CACHE is outside the tree,
# /var/cache/tcp_lifecycle for root, else ~/.cache/tcp_lifecycle
# (scripts/lib/cache.sh).  KVER/KDIR override the build: to build and
# install for the running kernel,
#   make KDIR=/lib/modules/$(uname -r)/build KVER=$(uname -r) all install
# install honours DESTDIR, PREFIX (tcplc, default /usr/local) and
# INSTALL_MOD_DIR (default extra: /lib/modules/KVER/extra/tcp_lifecycle.ko).

KERNEL ?= 6.1
# A VERSION file stands in for git in copies of the tree (make dkms-src).
TLC_VERSION ?= $(shell cat VERSION 2>/dev/null || git describe --always --dirty 2>/dev/null || echo 0.1)
export TLC_CACHE := $(shell . ./scripts/lib/cache.sh && echo "$$TLC_CACHE")

# Resolved once, and only when a target needs it.
KVER ?= $(eval KVER := $(shell scripts/kernel-fetch --print-release $(KERNEL)))$(KVER)
CACHE_KDIR = $(TLC_CACHE)/kernels/$(KVER)/build
KDIR ?= $(CACHE_KDIR)

# M= is module/ (module/Kbuild), not the top: modules_install keeps a
# module's path below M=, and the module goes to INSTALL_MOD_DIR itself.
# The top-level Kbuild (obj-m += module/) is for make -C KDIR M=$PWD and
# DKMS.  On the host, or in a build root of KDIR's suite when its toolchain
# does not run here (trixie's and sid's: scripts/build-root).
KMAKE = scripts/build-root $(KDIR) -- $(MAKE) -C $(KDIR) M=$(CURDIR)/module TLC_VERSION=$(TLC_VERSION)

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL_MOD_DIR ?= extra
DEPMOD ?= /sbin/depmod
MODINFO ?= /sbin/modinfo

.PHONY: all module tcplc deps headers check test test-matrix test-debug demo bench bench-profile \
	clean selftests install uninstall dkms-src version

all: module tcplc

module: headers-present
	$(KMAKE) modules

# The default build tree is fetched on demand (no root needed).
.PHONY: headers-present
headers-present:
	@test -f "$(KDIR)/Makefile" || \
	{ test "$(KDIR)" = "$(CACHE_KDIR)" && \
	  scripts/kernel-fetch --headers-only $(KVER) >/dev/null; } || { \
	  echo "error: no kernel build tree at $(KDIR)" >&2; \
	  echo "  set KDIR= to one (e.g. /lib/modules/\$$(uname -r)/build)" >&2; \
	  exit 1; }

tcplc:
	$(MAKE) -C userspace VERSION=$(TLC_VERSION)

# kselftest.h and kselftest_harness.h from linux-source (scripts/ksrc-fetch,
# under TLC_CACHE); if it fails, say so rather than build against "/tools".
selftests:
	ksrc=$$(scripts/ksrc-fetch) && \
	$(MAKE) -C selftests KSFT_DIR=$$ksrc/tools/testing/selftests

deps:
	scripts/deps.sh all
	scripts/kernel-fetch --headers $(KERNEL) >/dev/null

check: headers-present
	scripts/check $(KDIR)

test:
	scripts/run-tests --kernel $(KERNEL)

test-matrix:
	scripts/test-matrix

test-debug:
	scripts/test-debug

# The module into /lib/modules/KVER/INSTALL_MOD_DIR/ with kbuild
# (signed only if the build tree has a signing key: Debian's have none),
# then depmod (kbuild skips it: Debian's build trees have no System.map);
# tcplc, its man page and bash completion under PREFIX.  All under DESTDIR
# if set (depmod -b DESTDIR then warns about the files a kernel package
# would bring).
MOD_DEST = $(DESTDIR)/lib/modules/$(KVER)/$(INSTALL_MOD_DIR)
SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"$$/\1/p' $(KDIR)/.config 2>/dev/null)
SIG_KEY_PATH = $(if $(SIG_KEY),$(if $(filter /%,$(SIG_KEY)),,$(KDIR)/)$(SIG_KEY))
install: all
	@rel=$$($(MODINFO) -F vermagic module/tcp_lifecycle.ko | cut -d' ' -f1); \
	test "$$rel" = "$(KVER)" || { \
	  echo "error: module/tcp_lifecycle.ko is built for $$rel, not KVER=$(KVER)" >&2; \
	  exit 1; }
	$(KMAKE) INSTALL_MOD_PATH=$(DESTDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) \
		$(if $(wildcard $(SIG_KEY_PATH)),,CONFIG_MODULE_SIG_ALL=) \
		modules_install
	$(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	$(MAKE) -C userspace install VERSION=$(TLC_VERSION) DESTDIR=$(DESTDIR) \
		BINDIR=$(BINDIR) MANDIR=$(MANDIR) BASHCOMPDIR=$(BASHCOMPDIR) \
		SYSTEMDUNITDIR=$(SYSTEMDUNITDIR)

uninstall:
	rm -f $(MOD_DEST)/tcp_lifecycle.ko $(MOD_DEST)/tcp_lifecycle.ko.*
	-rmdir $(MOD_DEST) 2>/dev/null
	test ! -f $(DESTDIR)/lib/modules/$(KVER)/modules.dep || \
		$(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)
	rm -f $(DESTDIR)$(BINDIR)/tcplc $(DESTDIR)$(MANDIR)/man8/tcplc.8 \
		$(DESTDIR)$(BASHCOMPDIR)/tcplc \
		$(DESTDIR)$(SYSTEMDUNITDIR)/tcplc-textfile.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/tcplc-textfile.timer

# What DKMS builds from: the module's sources, Kbuild, dkms.conf and a
# VERSION file (dkms.conf reads it), in DKMS_SRC; then, as root,
# dkms install tcp_lifecycle/VERSION (see README.md).
DKMS_SRC ?= $(DESTDIR)/usr/src/tcp_lifecycle-$(TLC_VERSION)
dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)/module
	install -m 0644 Kbuild dkms.conf $(DKMS_SRC)/
	install -m 0644 module/Kbuild $(filter-out %.mod.c,$(wildcard module/*.c)) \
		$(wildcard module/*.h) $(DKMS_SRC)/module/
	echo '$(TLC_VERSION)' >$(DKMS_SRC)/VERSION

# The version modinfo, tcplc --version and dkms show.
version:
	@echo '$(TLC_VERSION)'

demo:
	scripts/demo --kernel $(KERNEL)

# Overhead benchmark, in a VM (not part of test): Documentation/benchmark.txt.
# VMARGS go to scripts/vm-run (e.g. '--accel kvm'), BENCHARGS to
# scripts/bench-guest (e.g. '--rounds 7').
bench:
	scripts/bench --kernel $(KERNEL) $(VMARGS) -- $(BENCHARGS)

# Where the instructions go: each handler's cost, from a profiling build
# (PROFILE_RUNS churn runs; scripts/bench --profile).
PROFILE_RUNS ?= 3
bench-profile:
	scripts/bench --kernel $(KERNEL) --profile $(PROFILE_RUNS) $(VMARGS) -- $(BENCHARGS)

# kbuild's own clean, over what KMAKE built.  Any kernel build tree will
# do; without one nothing can have been built.
clean:
	@if test -f "$(KDIR)/Makefile"; then \
	  $(KMAKE) clean; \
	else \
	  echo "make clean: no kernel build tree at $(KDIR): module/ left as is" >&2; \
	fi
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
