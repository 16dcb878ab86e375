// SPDX-License-Identifier: GPL-2.0
/*
 * tlc_churn: TCP connection churn on loopback, for the selftests and the
 * benchmark.  Client threads loop connect / 1-byte request / 1-byte reply /
 * close against server threads sharing one listener, for a fixed time.
 *
 * Usage: tlc_churn [-d SECONDS] [-n TRANSACTIONS] [-w WORKERS] [-6] [-S]
 *        tlc_churn -H CONNECTIONS [-K SECONDS] [-C] [-d SECONDS] [-6]
 *   -d  duration (default 5; 0 = until killed)
 *   -n  stop after this many transactions instead (selftests that need a
 *       known number of connections)
 *   -w  client threads, and as many server threads (default 2)
 *   -6  IPv6 loopback instead of IPv4
 *   -S  the server closes first (TIME_WAIT on the server side)
 *   -H  hold mode (scripts/bench): open CONNECTIONS connections, keep both
 *       ends open for the duration (-d 0: until killed), then exit
 *   -K  hold mode: SO_KEEPALIVE on both ends, idle and interval SECONDS
 *   -C  hold mode: once all are open, shut down the clients' sending side
 *       (shutdown(SHUT_WR)): the server ends sit in CLOSE_WAIT, the client
 *       ends in FIN_WAIT2, both held open by this process
 * Prints one line: transactions, seconds, per-second rate, and the CPU time
 * (user + system of the whole process) per transaction in microseconds.
 * Hold mode prints "holding N connections" once they are all open (the
 * ports needed may call for a wider net.ipv4.ip_local_port_range).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int family = AF_INET;
static int hold, keepalive;
static int server_first, close_wait;
static unsigned long max_transactions;
static unsigned short port;
static int lfd;
static atomic_bool stop, server_stop;
static atomic_ulong transactions, failures, started;

static socklen_t addr_of(struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		a->sin6_port = htons(port);
		return sizeof(*a);
	}
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->sin_port = htons(port);
	return sizeof(*a);
}

static void *server(void *arg)
{
	char b;

	(void)arg;
	while (!atomic_load(&server_stop)) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0)
			continue;
		if (read(fd, &b, 1) == 1 && write(fd, &b, 1) == 1 &&
		    !server_first)
			(void)read(fd, &b, 1);	/* wait for the client's FIN */
		close(fd);
	}
	return NULL;
}

static void *client(void *arg)
{
	struct sockaddr_storage ss;
	socklen_t len = addr_of(&ss);
	char b = 'x';

	(void)arg;
	while (!atomic_load(&stop)) {
		int fd;

		if (max_transactions &&
		    atomic_fetch_add(&started, 1) >= max_transactions)
			break;
		fd = socket(family, SOCK_STREAM, 0);

		if (fd < 0) {
			atomic_fetch_add(&failures, 1);
			continue;
		}
		if (!connect(fd, (struct sockaddr *)&ss, len) &&
		    write(fd, &b, 1) == 1 && read(fd, &b, 1) == 1) {
			if (server_first)
				(void)read(fd, &b, 1);
			atomic_fetch_add(&transactions, 1);
		} else {
			atomic_fetch_add(&failures, 1);
		}
		close(fd);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, true);
}

static int set_keepalive(int fd)
{
	int one = 1;

	if (!keepalive)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) ||
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive,
			  sizeof(keepalive)) ||
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive,
			  sizeof(keepalive));
}

/* Hold mode: @hold connections, both ends open, until stopped. */
static int hold_connections(int duration)
{
	struct rlimit rl = { .rlim_cur = 2 * hold + 64, .rlim_max = 2 * hold + 64 };
	struct sockaddr_storage ss;
	socklen_t len = addr_of(&ss);
	double t0;
	int i, *cfd;

	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("tlc_churn: RLIMIT_NOFILE");
		return 1;
	}
	cfd = calloc(hold, sizeof(*cfd));
	if (!cfd)
		return 1;
	for (i = 0; i < hold; i++) {
		int c = socket(family, SOCK_STREAM, 0), a;

		if (c < 0 || set_keepalive(c) ||
		    connect(c, (struct sockaddr *)&ss, len)) {
			fprintf(stderr, "tlc_churn: connection %d: %s\n", i,
				strerror(errno));
			return 1;
		}
		cfd[i] = c;
		a = accept(lfd, NULL, NULL);
		if (a < 0 || set_keepalive(a)) {
			fprintf(stderr, "tlc_churn: accept %d: %s\n", i,
				strerror(errno));
			return 1;
		}
	}
	for (i = 0; close_wait && i < hold; i++) {
		if (shutdown(cfd[i], SHUT_WR)) {
			perror("tlc_churn: shutdown");
			return 1;
		}
	}
	printf("holding %d connections%s\n", hold,
	       close_wait ? " in CLOSE_WAIT" : "");
	fflush(stdout);
	t0 = now_s();
	while (!atomic_load(&stop) && (!duration || now_s() - t0 < duration))
		usleep(100000);
	free(cfd);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	int duration = 5, workers = 2, opt, i, one = 1;
	pthread_t *th;
	struct rusage ru;
	double t0, t1, cpu;
	socklen_t len;

	while ((opt = getopt(argc, argv, "d:n:w:6SH:K:C")) != -1) {
		switch (opt) {
		case 'd': duration = atoi(optarg); break;
		case 'w': workers = atoi(optarg); break;
		case '6': family = AF_INET6; break;
		case 'S': server_first = 1; break;
		case 'H': hold = atoi(optarg); break;
		case 'K': keepalive = atoi(optarg); break;
		case 'C': close_wait = 1; break;
		case 'n': max_transactions = strtoul(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: %s [-d SECONDS] [-n TRANSACTIONS] [-w WORKERS] [-6] [-S]\n"
				"       %s -H CONNECTIONS [-K SECONDS] [-C] [-d SECONDS] [-6]\n",
				argv[0], argv[0]);
			return 2;
		}
	}
	if (workers < 1 || workers > 256 || duration < 0 || hold < 0 ||
	    hold > 500000 || keepalive < 0) {
		fprintf(stderr, "tlc_churn: bad -w, -d, -H or -K\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	lfd = socket(family, SOCK_STREAM, 0);
	len = addr_of(&ss);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, len) ||
	    listen(lfd, 1024) || getsockname(lfd, (struct sockaddr *)&ss, &len)) {
		perror("tlc_churn: listen");
		return 1;
	}
	port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
					 : ((struct sockaddr_in *)&ss)->sin_port);
	/* accept() must not block past the end: wake it with a timeout. */
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };

	setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (hold)
		return hold_connections(duration);

	th = calloc(2 * workers, sizeof(*th));
	if (!th)
		return 1;
	t0 = now_s();
	for (i = 0; i < workers; i++) {
		pthread_create(&th[i], NULL, server, NULL);
		pthread_create(&th[workers + i], NULL, client, NULL);
	}
	if (max_transactions) {
		/* the clients stop by themselves (or on a signal) */
		for (i = 0; i < workers; i++)
			pthread_join(th[workers + i], NULL);
	} else if (duration) {
		while (!atomic_load(&stop) && now_s() - t0 < duration)
			usleep(10000);
		atomic_store(&stop, true);
	} else {
		while (!atomic_load(&stop))
			pause();
	}
	t1 = now_s();
	/* Clients finish their transaction, then servers (accept wakes every 200 ms). */
	atomic_store(&stop, true);
	for (i = 0; i < workers && !max_transactions; i++)
		pthread_join(th[workers + i], NULL);
	atomic_store(&server_stop, true);
	for (i = 0; i < workers; i++)
		pthread_join(th[i], NULL);
	getrusage(RUSAGE_SELF, &ru);
	cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	      ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	printf("transactions %lu failures %lu seconds %.3f per_second %.1f cpu_us_per_transaction %.2f\n",
	       atomic_load(&transactions), atomic_load(&failures), t1 - t0,
	       atomic_load(&transactions) / (t1 - t0),
	       atomic_load(&transactions) ?
		       cpu * 1e6 / atomic_load(&transactions) : 0.0);
	free(th);
	close(lfd);
	return atomic_load(&transactions) ? 0 : 1;
}
