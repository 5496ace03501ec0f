/* client-io.c - the plain-socket transport (transport.h): non-blocking
 * send/recv on a connected stream socket, poll() for waiting. */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

static ssize_t plain_read(struct transport *t, void *buf, size_t n)
{
	ssize_t r = recv(t->fd, buf, n, 0);
	if (r < 0)
		t->want = POLLIN;
	return r;
}

static ssize_t plain_write(struct transport *t, const void *buf, size_t n)
{
	ssize_t w = send(t->fd, buf, n, MSG_NOSIGNAL);
	if (w < 0)
		t->want = POLLOUT;
	return w;
}

static size_t plain_pending(const struct transport *t)
{
	(void)t;
	return 0;       /* the kernel's buffer is seen by poll() */
}

static int plain_wait(struct transport *t, short events, int timeout_ms)
{
	struct pollfd p = { .fd = t->fd, .events = events };
	int r = poll(&p, 1, timeout_ms);
	if (r > 0 && (p.revents & POLLNVAL)) {
		errno = EBADF;
		return -1;
	}
	return r > 0 ? 1 : r;
}

static int plain_shutdown(struct transport *t)
{
	return shutdown(t->fd, SHUT_WR);
}

static void plain_close(struct transport *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static const struct transport_ops plain_ops = {
	.name = "plain", .read = plain_read, .write = plain_write,
	.pending = plain_pending, .wait = plain_wait,
	.shutdown = plain_shutdown, .close = plain_close,
};

int transport_plain(struct transport *t, int fd)
{
	t->ops = &plain_ops;
	t->fd = fd;
	t->want = 0;
	t->impl = NULL;
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return 0;
}
