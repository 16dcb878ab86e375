// SPDX-License-Identifier: GPL-2.0
/* netns.c - setns() into /run/netns/NAME. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "netns.h"

int netns_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > NAME_MAX || !strcmp(name, ".") || !strcmp(name, ".."))
		return 0;
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p < 0x20 || *p > 0x7e)
			return 0;
	return 1;
}

int netns_enter(const char *name, struct err *e)
{
	char path[sizeof(NETNS_RUN_DIR) + NAME_MAX + 2];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int errnum = errno;

		snprintf(e->path, sizeof(e->path), "%s", path);
		if (errnum == EACCES || errnum == EPERM) {
			err_set(e, ERR_PERM, "permission denied");
			err_hint(e, "entering a network namespace needs root");
			return e->code;
		}
		if (errnum == ENOENT) {
			err_set(e, ERR_NETNS, "network namespace \"%s\" not found", name);
			err_hint(e, "list them with: ip netns list");
			return e->code;
		}
		return err_set(e, ERR_NETNS, "%s", strerror(errnum));
	}
	if (setns(fd, CLONE_NEWNET)) {
		int errnum = errno;

		close(fd);
		snprintf(e->path, sizeof(e->path), "%s", path);
		if (errnum == EPERM) {
			err_set(e, ERR_PERM, "cannot enter network namespace: permission denied");
			err_hint(e, "entering a network namespace needs root (CAP_SYS_ADMIN)");
			return e->code;
		}
		if (errnum == EINVAL)
			return err_set(e, ERR_NETNS, "not a network namespace");
		return err_set(e, ERR_NETNS, "setns: %s", strerror(errnum));
	}
	close(fd);
	return 0;
}
