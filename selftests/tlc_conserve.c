// SPDX-License-Identifier: GPL-2.0
/*
 * tlc_conserve [-n NETNS] [-s STATUS] [LABEL]: the conservation laws of
 * lib/conserve.c for the shell selftests, in the current namespace or in
 * NETNS (a name of `ip netns`, or a path such as /proc/PID/ns/net); STATUS
 * is a copy of the debugfs status taken when the test began (without it,
 * every loss since the module's load counts).  Prints one
 * "# ok 0 conservation LABEL: LAW" line per law (not ok, or # SKIP), with
 * the figures of a failure; exits 1 if any law failed, 4 if the module is
 * not loaded.
 */
#include "tlc_lib.h"

int main(int argc, char **argv)
{
	const char *ns = NULL, *label = "netns", *status = NULL;
	char path[256];
	int opt, fd = -1, failed;

	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n') {
			ns = optarg;
		} else if (opt == 's') {
			status = optarg;
		} else {
			fprintf(stderr, "usage: %s [-n NETNS] [-s STATUS] [LABEL]\n",
				argv[0]);
			return 2;
		}
	}
	tlc_conserve_baseline(status);
	if (optind < argc)
		label = argv[optind];
	if (ns) {
		if (strchr(ns, '/'))
			snprintf(path, sizeof(path), "%s", ns);
		else
			snprintf(path, sizeof(path), "/run/netns/%s", ns);
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			perror(path);
			return 2;
		}
	}
	if (!tlc_module_loaded()) {
		printf("# SKIP tcp_lifecycle not loaded\n");
		return 4;
	}
	failed = tlc_check_conservation(fd, label);
	if (fd >= 0)
		close(fd);
	return failed ? 1 : 0;
}
