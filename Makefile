# SPDX-License-Identifier: GPL-2.0
#
# tcp_lifecycle: out-of-tree module, its userspace reader and its tests.
#
#   make                  module/tcp_lifecycle.ko and userspace/tcplc
#   make demo             the module on real traffic in a VM
#   make test             every test (host and VM); last line "N passed, N failed"
#   make check            W=1, sparse, checkpatch --strict, kernel-doc
#   make deps             install the Debian packages and kernel headers needed
#
# KERNEL selects the Debian kernel the VM boots and the module is built for:
# 6.1 (default), 6.1-rt, 6.1-cloud, 6.12, 6.12-rt, 6.12-cloud, or an exact
# release.  KVER/KDIR override the build: to build for the running kernel,
#   make KDIR=/lib/modules/$(uname -r)/build

KERNEL ?= 6.1
TLC_VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

# Resolved once, and only when a target needs it.
KVER ?= $(eval KVER := $(shell scripts/kernel-fetch --print-release $(KERNEL)))$(KVER)
KDIR ?= /usr/src/linux-headers-$(KVER)

KMAKE = $(MAKE) -C $(KDIR) M=$(CURDIR) TLC_VERSION=$(TLC_VERSION)

.PHONY: all module tcplc deps headers check test demo bench clean \
	selftests

all: module tcplc

module: headers-present
	$(KMAKE) modules

.PHONY: headers-present
headers-present:
	@test -d "$(KDIR)" || { \
	  echo "error: no kernel build tree at $(KDIR)" >&2; \
	  echo "  run 'make deps' (installs linux-headers-$(KVER)), or set KDIR=" >&2; \
	  exit 1; }

tcplc:
	$(MAKE) -C userspace VERSION=$(TLC_VERSION)

selftests:
	$(MAKE) -C selftests KSFT_DIR=$$(scripts/ksrc-fetch)/tools/testing/selftests

deps:
	scripts/deps.sh all
	scripts/kernel-fetch --headers $(KERNEL) >/dev/null

check: headers-present
	scripts/check $(KDIR)

test:
	scripts/run-tests --kernel $(KERNEL)

demo:
	scripts/demo --kernel $(KERNEL)

# Not kbuild's clean: with M= at the top it would also delete the kernels
# cached under .cache/.
clean:
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c \
		module/.*.cmd module/*.o.d .*.cmd Module.symvers modules.order
	$(MAKE) -C userspace clean
	$(MAKE) -C selftests clean
