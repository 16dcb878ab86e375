// SPDX-License-Identifier: GPL-2.0
/*
 * tlc_failnth: make the Nth fault-injection point this thread passes fail
 * (/proc/thread-self/fail-nth; CONFIG_FAULT_INJECTION with FAILSLAB and
 * FAIL_PAGE_ALLOC set up by the caller), during one operation:
 *
 *   tlc_failnth N load KO [PARAMS]    finit_module(KO, PARAMS)
 *   tlc_failnth N netns               unshare(CLONE_NEWNET); prints whether
 *                                     /proc/net/tcp_lifecycle exists in it
 *   tlc_failnth N read FILE           open and read FILE to its end; the
 *                                     content goes to stdout.  The walk
 *                                     to FILE's directory is not injected
 *   tlc_failnth N filter FILE TEXT    open FILE (not injected), write TEXT
 *                                     (injected), then read it to its end
 *                                     (not injected); content to stdout
 *
 * N = 0 injects nothing.  Only the operation itself runs armed: the
 * program's own start-up and output are outside.  Last line of stdout:
 *   failnth ret=<0|errno name> injected=<0|1>[ procdir=<0|1>][ points=P]
 * injected=1: the Nth point was reached, and failed, within the operation;
 * injected=0: the operation passed fewer than N points, P of them (so a
 * caller counting N up has covered them all).  Exit status 0 (1 on usage or
 * set-up errors).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int nth_fd = -1;

static void die(const char *what)
{
	fprintf(stderr, "tlc_failnth: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	if (!n)
		return;
	if (pwrite(nth_fd, buf, len, 0) != len)
		die("write fail-nth");
}

/* Points the operation passed, when it did not reach the armed one. */
static unsigned int points;

/* Disarms; returns 1 if the armed point was reached (the count hit 0). */
static int disarm(unsigned int n)
{
	char buf[16] = "";
	ssize_t len;
	unsigned int left;

	if (!n)
		return 0;
	len = pread(nth_fd, buf, sizeof(buf) - 1, 0);
	if (len <= 0)
		die("read fail-nth");
	left = strtoul(buf, NULL, 10);
	if (left && pwrite(nth_fd, "0", 1, 0) != 1)
		die("reset fail-nth");
	points = n - left;
	return left == 0;
}

static const char *err_name(int err)
{
	static char other[16];

	switch (err) {
	case 0: return "0";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case EEXIST: return "EEXIST";
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case ENOSPC: return "ENOSPC";
	case EPERM: return "EPERM";
	case EAGAIN: return "EAGAIN";
	case EIO: return "EIO";
	case EFBIG: return "EFBIG";
	case ENODEV: return "ENODEV";
	case ENOEXEC: return "ENOEXEC";
	}
	snprintf(other, sizeof(other), "E%d", err);
	return other;
}

/*
 * What drain() read.  Touched before arming: a page fault of ours must not
 * be the allocation that fails.
 */
static char content[1 << 20];
static size_t content_len;

/* Reads fd to its end into content[]; 0 or an errno. */
static int drain(int fd)
{
	ssize_t n;

	content_len = 0;
	while ((n = read(fd, content + content_len,
			 sizeof(content) - content_len)) > 0) {
		content_len += n;
		if (content_len == sizeof(content))
			return EFBIG;
	}
	return n < 0 ? errno : 0;
}

int main(int argc, char **argv)
{
	unsigned int n;
	int err = 0, injected, fd, procdir = -1;
	const char *op;
	char *end;

	if (argc < 3)
		goto usage;
	n = strtoul(argv[1], &end, 10);
	if (*end || !*argv[1])
		goto usage;
	op = argv[2];
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0)
		die("/proc/thread-self/fail-nth");
	memset(content, 0, sizeof(content));

	if (!strcmp(op, "load") && (argc == 4 || argc == 5)) {
		fd = open(argv[3], O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			die(argv[3]);
		arm(n);
		if (syscall(SYS_finit_module, fd, argc == 5 ? argv[4] : "", 0))
			err = errno;
		injected = disarm(n);
		close(fd);
	} else if (!strcmp(op, "netns") && argc == 3) {
		struct stat st;

		arm(n);
		if (unshare(CLONE_NEWNET))
			err = errno;
		injected = disarm(n);
		/* /proc/net follows the reading thread's namespace. */
		if (!err)
			procdir = !stat("/proc/net/tcp_lifecycle", &st);
	} else if (!strcmp(op, "read") && argc == 4) {
		char *slash = strrchr(argv[3], '/');
		const char *base = argv[3];
		int dirfd = AT_FDCWD;

		/*
		 * The walk to FILE's directory runs unarmed: /proc/<pid>
		 * itself answers ENOENT when its inode cannot be allocated,
		 * and that lookup is the kernel's, not the file's.
		 */
		if (slash) {
			*slash = '\0';
			dirfd = open(slash == argv[3] ? "/" : argv[3],
				     O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (dirfd < 0)
				die(argv[3]);
			base = slash + 1;
		}
		arm(n);
		fd = openat(dirfd, base, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			err = errno;
		else
			err = drain(fd);
		injected = disarm(n);
		if (fd >= 0)
			close(fd);
		if (dirfd >= 0)
			close(dirfd);
	} else if (!strcmp(op, "filter") && argc == 5) {
		size_t len = strlen(argv[4]);

		fd = open(argv[3], O_RDWR | O_CLOEXEC);
		if (fd < 0)
			die(argv[3]);
		arm(n);
		if (write(fd, argv[4], len) != (ssize_t)len)
			err = errno;
		injected = disarm(n);
		if (lseek(fd, 0, SEEK_SET) < 0)
			die("lseek");
		if (drain(fd))
			die("read after the filter write");
		close(fd);
	} else {
		goto usage;
	}
	fwrite(content, 1, content_len, stdout);
	printf("failnth ret=%s injected=%d", err_name(err), injected);
	if (procdir >= 0)
		printf(" procdir=%d", procdir);
	if (n && !injected)
		printf(" points=%u", points);
	printf("\n");
	return 0;
usage:
	fprintf(stderr, "usage: tlc_failnth N load KO [PARAMS] | netns | read FILE | filter FILE TEXT\n");
	return 1;
}
