// SPDX-License-Identifier: GPL-2.0
/* netns.c - setns() into /run/netns/NAME; list every network namespace. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

	snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	return netns_enter_path(path, name, e);
}

int netns_enter_path(const char *path, const char *name, struct err *e)
{
	int fd;

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

/* Is @d a pid directory name ("1", "4242")? */
static int is_pid(const char *d)
{
	if (!*d)
		return 0;
	for (; *d; d++)
		if (*d < '0' || *d > '9')
			return 0;
	return 1;
}

/* The directory of names for @proc_root: /run/netns, or ROOT/../run/netns. */
static void run_dir(char *buf, size_t size, const char *proc_root)
{
	if (!strcmp(proc_root, "/proc"))
		snprintf(buf, size, "%s", NETNS_RUN_DIR);
	else
		snprintf(buf, size, "%s/..%s", proc_root, NETNS_RUN_DIR);
}

/* Room for one more in *@ns; -1 when out of memory. */
static int grow(struct netns_ent **ns, size_t n, size_t *cap)
{
	struct netns_ent *m;

	if (n < *cap)
		return 0;
	*cap = *cap ? 2 * *cap : 16;
	m = realloc(*ns, *cap * sizeof(**ns));
	if (!m)
		return -1;
	*ns = m;
	return 0;
}

/*
 * Give each of @ns the name in @dir that is the same namespace (the
 * smallest, when several are), and add the named ones no process is in
 * (pid 0: read by entering them).
 */
static int name_them(struct netns_ent **ns, size_t *n, size_t *cap,
		     const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		size_t i;

		if (!netns_name_ok(de->d_name) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
			    sizeof(path) || stat(path, &st))
			continue;
		for (i = 0; i < *n; i++)
			if ((*ns)[i].dev == st.st_dev && (*ns)[i].ino == st.st_ino)
				break;
		if (i == *n) {
			if (grow(ns, *n, cap)) {
				closedir(d);
				return -1;
			}
			(*ns)[(*n)++] = (struct netns_ent){ .dev = st.st_dev,
							    .ino = st.st_ino };
		} else if ((*ns)[i].named && strcmp(de->d_name, (*ns)[i].label) > 0) {
			continue;
		}
		snprintf((*ns)[i].label, sizeof((*ns)[i].label), "%s", de->d_name);
		snprintf((*ns)[i].path, sizeof((*ns)[i].path), "%s", path);
		(*ns)[i].named = true;
	}
	closedir(d);
	return 0;
}

static int by_label(const void *a, const void *b)
{
	const struct netns_ent *x = a, *y = b;

	if (x->named != y->named)
		return x->named ? -1 : 1;
	if (x->named)
		return strcmp(x->label, y->label);
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

int netns_list(const char *proc_root, struct netns_ent **out, size_t *count,
	       struct err *e)
{
	struct netns_ent *ns = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char dir[PATH_MAX];
	DIR *d;

	d = opendir(proc_root);
	if (!d) {
		snprintf(e->path, sizeof(e->path), "%s", proc_root);
		return err_set(e, ERR_IO, "%s", strerror(errno));
	}
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;
		size_t i;

		/* a process we may not inspect, or one that just exited */
		if (!is_pid(de->d_name) ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s/ns/net", proc_root,
				     de->d_name) >= sizeof(path) || stat(path, &st))
			continue;
		for (i = 0; i < n; i++)
			if (ns[i].dev == st.st_dev && ns[i].ino == st.st_ino)
				break;
		if (i < n) {
			/* the lowest pid reads it: the most likely to stay */
			if (strtoul(de->d_name, NULL, 10) < ns[i].pid)
				ns[i].pid = strtoul(de->d_name, NULL, 10);
			continue;
		}
		if (grow(&ns, n, &cap)) {
			free(ns);
			closedir(d);
			return err_set(e, ERR_IO, "out of memory");
		}
		ns[n] = (struct netns_ent){ .dev = st.st_dev, .ino = st.st_ino,
					    .pid = strtoul(de->d_name, NULL, 10) };
		snprintf(ns[n].label, sizeof(ns[n].label), "net:[%llu]",
			 (unsigned long long)st.st_ino);
		n++;
	}
	closedir(d);
	run_dir(dir, sizeof(dir), proc_root);
	if (name_them(&ns, &n, &cap, dir)) {
		free(ns);
		return err_set(e, ERR_IO, "out of memory");
	}
	if (!n) {
		free(ns);
		snprintf(e->path, sizeof(e->path), "%s", proc_root);
		err_set(e, ERR_NETNS, "no network namespace found");
		err_hint(e, "namespaces are found through <proc>/PID/ns/net and %s: "
			 "is this a proc file system?", dir);
		return e->code;
	}
	qsort(ns, n, sizeof(*ns), by_label);
	*out = ns;
	*count = n;
	return 0;
}
