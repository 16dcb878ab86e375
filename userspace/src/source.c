// SPDX-License-Identifier: GPL-2.0
/* source.c - reading files safely (bounded, regular files only, no blocking). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"
#include "source.h"

/* e->path = ROOT/net/tcp_lifecycle[/NAME] */
static int set_path(struct err *e, const char *root, const char *name)
{
	int n = snprintf(e->path, sizeof(e->path), "%s/%s%s%s", root, SOURCE_DIR,
			 name ? "/" : "", name ? name : "");

	if (n < 0 || (size_t)n >= sizeof(e->path)) {
		e->path[0] = '\0';
		return err_set(e, ERR_USAGE, "proc root path too long");
	}
	return 0;
}

/* Classify a failure to read e->path. */
static int io_error(struct err *e, const char *root, int errnum)
{
	char file[PATH_MAX];
	struct stat st;

	if (errnum == EACCES || errnum == EPERM) {
		err_set(e, ERR_PERM, "permission denied");
		err_hint(e, "reading tcp_lifecycle statistics needs root here: run as root (e.g. with sudo)");
		return e->code;
	}
	if (errnum != ENOENT && errnum != ENOTDIR)
		return err_set(e, ERR_IO, "%s", strerror(errnum));
	memcpy(file, e->path, sizeof(file));
	if (set_path(e, root, NULL) == 0 && stat(e->path, &st) == 0 &&
	    S_ISDIR(st.st_mode)) {
		memcpy(e->path, file, sizeof(file));
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

static int read_fd(int fd, char **out, size_t *outlen, struct err *e)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	if (!buf)
		return err_set(e, ERR_IO, "out of memory");
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = cap < SOURCE_MAX_FILE ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				free(buf);
				if (cap >= SOURCE_MAX_FILE)
					return err_set(e, ERR_MALFORMED,
						       "file larger than %u bytes",
						       SOURCE_MAX_FILE);
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

/* Whole file into a malloc'ed buffer (not NUL-terminated); sets e->path. */
static int read_file(const char *root, const char *name, char **out,
		     size_t *outlen, struct err *e)
{
	struct stat st;
	int fd, r;

	if (set_path(e, root, name))
		return e->code;
	/* O_NONBLOCK: a FIFO planted in a fixture dir must not hang us. */
	fd = open(e->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return io_error(e, root, errno);
	if (fstat(fd, &st)) {
		r = io_error(e, root, errno);
	} else if (!S_ISREG(st.st_mode)) {
		r = err_set(e, ERR_IO, "not a regular file");
	} else {
		r = read_fd(fd, out, outlen, e);
		if (r < 0)
			r = io_error(e, root, errno);
	}
	close(fd);
	return r;
}

int source_load(const char *proc_root, unsigned files, struct snapshot *s,
		struct err *e)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < file_table_len; i++) {
		const struct file_desc *fd = &file_table[i];
		size_t len = 0;
		char *buf = NULL;
		int r;

		if (!(files & fd->bit))
			continue;
		if (read_file(proc_root, fd->name, &buf, &len, e))
			return e->code;
		r = fd->parse(buf, len, s, e);
		free(buf);
		if (r == ERR_VERSION)
			err_hint(e, "upgrade tcplc to match the loaded tcp_lifecycle module");
		if (r)
			return r;
	}
	clock_gettime(CLOCK_REALTIME, &s->wall);
	clock_gettime(CLOCK_MONOTONIC, &s->mono);
	return 0;
}
