/* send-connect.c - try each address in order until one connects: a
 * non-blocking connect, poll for the connect timeout, SO_ERROR for why.
 * Every failure is said in the transcript before the next address. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "connect.h"
#include "exitcodes.h"
#include "util-addr.h"

void addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[ADDR_IP_MAX];
	unsigned port = 0;

	if (addr_sockaddr(sa, ip, sizeof ip, &port) < 0)
		snprintf(buf, len, "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", ip, port);
	else
		snprintf(buf, len, "%s:%u", ip, port);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for the connect to finish: 0 connected, else the errno
 * (ETIMEDOUT after `timeout`, EINTR when interrupted). */
static int await(int fd, double timeout, const volatile sig_atomic_t *interrupted)
{
	double end = mono() + timeout;
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t len = sizeof err;

	for (;;) {
		double left = end - mono();
		if (interrupted && *interrupted)
			return EINTR;
		if (left <= 0)
			return ETIMEDOUT;
		int n = poll(&p, 1, left > 1 ? 1000 : (int)(left * 1000) + 1);
		if (n > 0)
			break;
		if (n < 0 && errno != EINTR)
			return errno;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return errno;
	return err;
}

/* One address: 0 with *fd connected, else the errno. */
static int try_one(const struct connect_try *ct, const struct dns_addr *d, int s, int *fd)
{
	int err = 0;

	if (s < 0)
		s = socket(d->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	else if (fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK) < 0) {
		err = errno;
		close(s);
		return err;
	}
	if (s < 0)
		return errno;
	*ct->fd_slot = s;
	if (connect(s, (const struct sockaddr *)&d->sa, d->salen) != 0)
		err = errno == EINPROGRESS ? await(s, ct->timeout, ct->interrupted) : errno;
	*ct->fd_slot = -1;
	if (!err && fcntl(s, F_SETFL, fcntl(s, F_GETFL) & ~O_NONBLOCK) < 0)
		err = errno;
	if (err) {
		close(s);
		return err;
	}
	*fd = s;
	return 0;
}

static void note(FILE *log, const char *prefix, const char *what, const struct dns_addr *d)
{
	char at[INET6_ADDRSTRLEN + 16];

	if (!log)
		return;
	addr_text((const struct sockaddr *)&d->sa, at, sizeof at);
	const char *dots = *prefix == '=' ? "..." : "";
	unsigned char ip[sizeof(struct in6_addr)];
	if (d->pref >= 0)
		fprintf(log, "%s%s %s (%s, MX preference %d)%s\n", prefix,
		         what, at, d->host, d->pref, dots);
	else if (inet_pton(AF_INET, d->host, ip) == 1 || inet_pton(AF_INET6, d->host, ip) == 1)
		fprintf(log, "%s%s %s%s\n", prefix, what, at, dots);     /* the name is the address */
	else
		fprintf(log, "%s%s %s (%s)%s\n", prefix, what, at, d->host, dots);
}

int connect_any(const struct connect_try *ct, int *fd, size_t *which,
                char *err, size_t errlen)
{
	int last = 0;

	if (ct->first_fd >= 0 && ct->t->n == 0)
		close(ct->first_fd);
	for (size_t i = 0; i < ct->t->n; i++) {
		const struct dns_addr *d = &ct->t->a[i];
		char why[128];

		note(ct->log, "=== ", "Trying", d);
		last = try_one(ct, d, i == 0 ? ct->first_fd : -1, fd);
		if (!last) {
			*which = i;
			return 0;
		}
		if (last == EINTR || (ct->interrupted && *ct->interrupted)) {
			snprintf(err, errlen, "interrupted while connecting");
			return EX_INTERRUPTED;
		}
		if (last == ETIMEDOUT)
			snprintf(why, sizeof why, "timeout after %g s connecting to", ct->timeout);
		else if (last == ECONNREFUSED)
			snprintf(why, sizeof why, "connection refused by");
		else
			snprintf(why, sizeof why, "%s: cannot connect to", strerror(last));
		note(ct->log, "*** ", why, d);
		char at[INET6_ADDRSTRLEN + 16];
		addr_text((const struct sockaddr *)&d->sa, at, sizeof at);
		snprintf(err, errlen, "%s%s %s (%s)", ct->t->n > 1 ? "no address answered; last: " : "",
		         why, at, d->host);
	}
	if (!ct->t->n)
		snprintf(err, errlen, "no address to connect to");
	return last == ETIMEDOUT ? EX_TIMEOUT : EX_CONNECT;
}
