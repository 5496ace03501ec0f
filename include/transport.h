/* transport.h - the byte stream under the SMTP client: a plain socket now,
 * TLS next (one new file implementing these operations).  The client never
 * calls send/recv/shutdown itself.
 *
 * read/write follow read(2)/write(2): > 0 bytes moved, 0 from read at the
 * end of the stream, -1 with errno set (EAGAIN: nothing can move now, wait
 * for the events in `want`).  pending: bytes the transport already holds
 * (decrypted TLS records) that a read returns without waiting. */
#ifndef SMTPTRACE_TRANSPORT_H
#define SMTPTRACE_TRANSPORT_H

#include <stddef.h>
#include <sys/types.h>

struct transport;

struct transport_ops {
	const char *name;                                   /* "plain", "TLS" */
	ssize_t (*read)(struct transport *t, void *buf, size_t n);
	ssize_t (*write)(struct transport *t, const void *buf, size_t n);
	size_t (*pending)(const struct transport *t);
	/* 1 ready for `events` (POLLIN/POLLOUT), 0 after timeout_ms, -1 errno */
	int (*wait)(struct transport *t, short events, int timeout_ms);
	int (*shutdown)(struct transport *t);               /* end our direction */
	void (*close)(struct transport *t);                 /* release; closes fd */
};

struct transport {
	const struct transport_ops *ops;
	int fd;                 /* the socket (-1 for in-memory transports) */
	short want;             /* events the last EAGAIN waits for */
	void *impl;             /* the implementation's state */
};

/* A plain TCP (or any stream) socket; sets O_NONBLOCK.  0, or -1 with errno. */
int transport_plain(struct transport *t, int fd);

#endif
