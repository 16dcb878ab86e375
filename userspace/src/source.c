// SPDX-License-Identifier: GPL-2.0
/* source.c - reading files safely (bounded, regular files only, no blocking). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "parse.h"
#include "source.h"

#define PROC_SUPER_MAGIC 0x9fa0 /* <linux/magic.h> */
#define SKIPPED (-2)             /* an optional file that does not exist */

/*
 * e->path = ROOT/net/tcp_lifecycle[/NAME]; or ROOT[/NAME] when ROOT is
 * itself the directory (a saved copy of it): it has no net/tcp_lifecycle
 * but one of the files.
 */
static int set_path(struct err *e, const char *root, const char *name)
{
	static const char *const probe[] = { "states", "counters", "sockets",
					     "transitions", "hist" };
	char sub[PATH_MAX];
	bool self = false;
	struct stat st;
	int n;

	if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", root, SOURCE_DIR) < sizeof(sub) &&
	    stat(sub, &st)) {
		for (size_t i = 0; !self && i < sizeof(probe) / sizeof(probe[0]); i++)
			self = (size_t)snprintf(sub, sizeof(sub), "%s/%s", root,
						probe[i]) < sizeof(sub) &&
			       !stat(sub, &st) && S_ISREG(st.st_mode);
	}
	n = snprintf(e->path, sizeof(e->path), "%s%s%s%s%s", root, self ? "" : "/",
		     self ? "" : SOURCE_DIR, name ? "/" : "", name ? name : "");

	if (n < 0 || (size_t)n >= sizeof(e->path)) {
		e->path[0] = '\0';
		return err_set(e, ERR_USAGE, "proc root path too long");
	}
	return 0;
}

static int perm_error(struct err *e, const struct file_desc *d)
{
	err_set(e, ERR_PERM, "permission denied");
	if (d && d->privileged)
		err_hint(e, "the %s file tells about other users' connections: "
			 "reading it needs root, or CAP_NET_ADMIN in the user "
			 "namespace that owns this network namespace", d->name);
	else
		err_hint(e, "reading tcp_lifecycle statistics needs root here: run as root (e.g. with sudo)");
	return e->code;
}

/* Classify a failure to read e->path (the file @d, or NULL: the directory). */
static int io_error(struct err *e, const char *root, int errnum,
		    const struct file_desc *d)
{
	char file[PATH_MAX];
	struct stat st;

	if (errnum == EACCES || errnum == EPERM)
		return perm_error(e, d);
	if (errnum != ENOENT && errnum != ENOTDIR)
		return err_set(e, ERR_IO, "%s", strerror(errnum));
	memcpy(file, e->path, sizeof(file));
	if (set_path(e, root, NULL) == 0 && stat(e->path, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		memcpy(e->path, file, sizeof(file));
		if (d && (d->bit & (FILE_LISTENERS | FILE_CGROUPS)))
			return err_set(e, ERR_IO, "no such file: the loaded "
				       "tcp_lifecycle module has no per-listener and "
				       "per-cgroup tables (an older module: upgrade it)");
		return err_set(e, ERR_IO, "no such file: tcp_lifecycle module "
			       "version not supported by this tcplc?");
	}
	err_set(e, ERR_NOMODULE,
		"tcp_lifecycle module not loaded (%s/%s does not exist)", root,
		SOURCE_DIR);
	e->path[0] = '\0';
	err_hint(e, "load it with: insmod module/tcp_lifecycle.ko  (or: modprobe tcp_lifecycle)");
	return e->code;
}

static int read_fd(int fd, size_t max, char **out, size_t *outlen,
		   struct err *e)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	if (!buf)
		return err_set(e, ERR_IO, "out of memory");
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = cap < max ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				if (cap >= max)
					return err_set(e, ERR_MALFORMED,
						       "file larger than %zu bytes", max);
				return err_set(e, ERR_IO, "out of memory");
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errnum = errno;

			free(buf);
			errno = errnum;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* "state=NAME min_age_ms=N\n" for the module; "" when @f filters nothing. */
static void filter_text(const struct sock_filter *f, char *buf, size_t size)
{
	int n = 0;

	buf[0] = '\0';
	if (f->has_state && f->state < TS_COUNT)
		n = snprintf(buf, size, "state=%s", state_names[f->state]);
	if (f->has_min_age && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%smin_age_ms=%" PRIu64,
			      n ? " " : "", f->min_age_ns / 1000000);
	if (n > 0 && (size_t)n + 1 < size)
		strcat(buf, "\n");
}

/*
 * The sockets file filters what one open file lists when the filter is
 * written to it first.  Only the real (procfs) file is written to: a copy
 * elsewhere (--proc-root) is a plain file, filtered by the parser alone.
 */
static int open_sockets(const char *path, const struct sock_filter *f,
			int *fd, struct err *e)
{
	char text[64];
	struct statfs sfs;
	ssize_t n;

	filter_text(f, text, sizeof(text));
	if (!text[0] || statfs(path, &sfs) || sfs.f_type != PROC_SUPER_MAGIC) {
		*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		return *fd < 0 ? -1 : 0;
	}
	*fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (*fd < 0)
		return -1;
	do
		n = write(*fd, text, strlen(text));
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)strlen(text))
		return 0;
	if (n < 0 && (errno == EPERM || errno == EACCES)) {
		close(*fd);
		*fd = -1;
		errno = EPERM;
		return -1;
	}
	err_set(e, ERR_IO, "the module refused the filter \"%.*s\": %s",
		(int)strlen(text) - 1, text, n < 0 ? strerror(errno) : "short write");
	close(*fd);
	*fd = -1;
	return ERR_IO;
}

/* Whole file into a malloc'ed buffer (not NUL-terminated); sets e->path. */
static int read_file(const char *root, const struct file_desc *d, bool optional,
		     const struct sock_filter *filter, char **out,
		     size_t *outlen, struct err *e)
{
	bool sockets = d->bit == FILE_SOCKETS;
	int errnum;
	size_t max = sockets ? SOURCE_MAX_SOCKETS_FILE : SOURCE_MAX_FILE;
	struct stat st;
	int fd, r;

	if (set_path(e, root, d->name))
		return e->code;
	if (sockets) {
		r = open_sockets(e->path, filter, &fd, e);
		if (r > 0)
			return r;
	} else {
		/* O_NONBLOCK: a FIFO planted in a fixture dir must not hang us. */
		fd = open(e->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0) {
		errnum = errno;
		/* a file only root may read is left out for others */
		if (optional && d->privileged && (errnum == EACCES || errnum == EPERM))
			return SKIPPED;
		if (optional && errnum == ENOENT) {
			set_path(e, root, NULL);
			if (stat(e->path, &st) == 0 && S_ISDIR(st.st_mode))
				return SKIPPED;
			set_path(e, root, d->name);
		}
		return io_error(e, root, errnum, d);
	}
	if (fstat(fd, &st)) {
		r = io_error(e, root, errno, d);
	} else if (!S_ISREG(st.st_mode)) {
		r = err_set(e, ERR_IO, "not a regular file");
	} else {
		r = read_fd(fd, max, out, outlen, e);
		if (r < 0)
			r = io_error(e, root, errno, d);
	}
	close(fd);
	return r;
}

int source_load(const char *proc_root, unsigned files, unsigned optional,
		const struct sock_filter *filter, bool partial,
		struct snapshot *s, struct err *e)
{
	struct snapshot *tmp = partial ? malloc(sizeof(*tmp)) : NULL;
	struct err first = { 0 };

	if (partial && !tmp)
		return err_set(e, ERR_IO, "out of memory");
	memset(s, 0, sizeof(*s));
	if (filter)
		s->filter = *filter;
	for (size_t i = 0; i < file_table_len; i++) {
		const struct file_desc *fd = &file_table[i];
		size_t len = 0;
		char *buf = NULL;
		int r;

		if (!((files | optional) & fd->bit))
			continue;
		r = read_file(proc_root, fd, !(files & fd->bit), &s->filter, &buf,
			      &len, e);
		if (r == SKIPPED)
			continue;
		if (!r) {
			/* partial: parse a copy, so a damaged file leaves nothing */
			if (tmp)
				*tmp = *s;
			r = fd->parse(buf, len, tmp ? tmp : s, e);
			free(buf);
			if (!r && tmp)
				*s = *tmp;
			if (r == ERR_VERSION)
				err_hint(e, "upgrade tcplc to match the loaded tcp_lifecycle module");
		}
		if (r && (!tmp || r == ERR_NOMODULE || r == ERR_USAGE || r == ERR_VERSION))
			goto fail;
		if (r) {
			err_warn(e, stderr);
			if (!first.code)
				first = *e;
			s->left_out |= fd->bit;
		}
	}
	if (tmp && !(s->have & files)) { /* nothing that was needed */
		*e = first;
		goto fail;
	}
	free(tmp);
	if (s->have & FILE_CGROUPS)
		cgroups_resolve(&s->cgroups, cgroup_root);
	clock_gettime(CLOCK_REALTIME, &s->wall);
	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	return 0;
fail:
	free(tmp);
	snapshot_free(s);
	return e->code;
}
