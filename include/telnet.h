/* telnet.h - the typed dialogue of `smtptrace telnet`: lines from standard
 * input go to the server with CRLF appended, replies are shown as they
 * arrive, DATA mode is followed (after DATA and its 354, lines are the
 * message until a lone "."), and what was sent is recorded by stream offset
 * for the timeline.  The I/O is one function over a connected socket and an
 * input descriptor (poll on both), so it can move onto the client's
 * transport later. */
#ifndef SMTPTRACE_TELNET_H
#define SMTPTRACE_TELNET_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "client.h"

#define TELNET_LINE_MAX 4096      /* a typed line longer than this is sent in pieces */

struct telnet_io {
	/* in */
	int fd;                        /* connected socket */
	int in;                        /* what is typed (standard input) */
	FILE *tr;                      /* transcript; NULL: quiet */
	double reply_wait;             /* s to wait for a reply before reading on */
	volatile sig_atomic_t *interrupted;
	/* out */
	struct sent_rec *sent;         /* malloc'd, in stream order */
	size_t nsent, cap;
	uint64_t bytes_out, bytes_in;
	int last_code;
	char error[256];
	/* state */
	int waiting, data_mode, quit_sent, in_eof, closed, body_rec;
	double deadline;
	char ibuf[TELNET_LINE_MAX + 1], rbuf[1024];
	size_t ilen, rlen;
};

/* Run until EOF on t->in, the reply to QUIT, or the server's close.  The
 * socket is half-closed and the server's FIN awaited (2 s) at the end, and
 * closed.  0, or EX_LOST (a socket error; t->error), EX_INTERRUPTED. */
int telnet_io_run(struct telnet_io *t);

#endif
