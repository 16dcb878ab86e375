// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces, loopback sockets and nft rules.
 */
#include "tlc_lib.h"

int tlc_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	if (fd < 0)
		return -1;
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

int tlc_netns_new(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return tlc_lo_up();
}

socklen_t tlc_loopback(int family, unsigned short port, union tlc_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6) {
		a->v6.sin6_family = AF_INET6;
		a->v6.sin6_addr = in6addr_loopback;
		a->v6.sin6_port = htons(port);
		return sizeof(a->v6);
	}
	a->v4.sin_family = AF_INET;
	a->v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->v4.sin_port = htons(port);
	return sizeof(a->v4);
}

int tlc_listen(int family, unsigned short *port, int backlog)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(family, 0, &a);
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &a.sa, len) || listen(fd, backlog) ||
	    getsockname(fd, &a.sa, &len)) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET6 ? a.v6.sin6_port : a.v4.sin_port);
	return fd;
}

int tlc_connect(int family, unsigned short port)
{
	union tlc_addr a;
	socklen_t len = tlc_loopback(family, port, &a);
	int fd = socket(family, SOCK_STREAM, 0), err;

	if (fd < 0)
		return -1;
	if (connect(fd, &a.sa, len)) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

int tlc_wait_eof(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[256];
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, ms) <= 0)
			return -1;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return 0;
	}
}

void tlc_linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

unsigned short tlc_local_port(int fd)
{
	union tlc_addr a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, &a.sa, &len))
		return 0;
	return ntohs(a.v4.sin_port);
}

int tlc_pair(int lfd, unsigned short port, int *c, int *s)
{
	*c = tlc_connect(AF_INET, port);
	*s = *c < 0 ? -1 : accept(lfd, NULL, NULL);
	return *c < 0 || *s < 0 ? -1 : 0;
}

int tlc_pair_linger0(int lfd, unsigned short port)
{
	int c, s, err;

	if (tlc_pair(lfd, port, &c, &s))
		return -1;
	tlc_linger0(c);
	close(c);
	err = tlc_wait_eof(s, 5000);
	close(s);
	return err;
}

int tlc_pair_unread(int lfd, unsigned short port)
{
	char data[10] = "unread";
	int c, s, err = -1;

	if (tlc_pair(lfd, port, &c, &s))
		return -1;
	if (write(c, data, sizeof(data)) == sizeof(data)) {
		tlc_sleep_ms(100);
		close(s);
		s = -1;
		err = tlc_wait_eof(c, 5000);
	}
	if (s >= 0)
		close(s);
	close(c);
	return err;
}

int tlc_nft_drop(const char *match)
{
	if (tlc_sh("nft list table inet tlc >/dev/null 2>&1") &&
	    tlc_sh("nft add table inet tlc && nft add chain inet tlc in "
		   "'{ type filter hook input priority 0; }'"))
		return -1;
	return tlc_sh("nft add rule inet tlc in %s drop", match);
}
