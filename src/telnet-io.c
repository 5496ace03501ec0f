/* telnet-io.c - the typed SMTP dialogue: poll on the input and the socket;
 * a line typed is sent with CRLF and shown " -> "; each reply line is shown
 * "<-  " (terminal-safe); outside DATA mode the next line waits for the
 * reply to the last one (as a person at telnet would), so a piped script
 * never races the server.  The sent lines are recorded for the timeline. */
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "exitcodes.h"
#include "telnet.h"
#include "util-mem.h"
#include "util-text.h"

#define FIN_WAIT 2.0

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show(struct telnet_io *t, const char *prefix, const char *p, size_t n)
{
	char buf[TELNET_LINE_MAX * 4 + 8];

	if (!t->tr)
		return;
	text_safe(buf, sizeof buf, p, n, NULL);
	fprintf(t->tr, "%s%s\n", prefix, buf);
}

static void info(struct telnet_io *t, const char *msg)
{
	if (t->tr)
		fprintf(t->tr, "=== %s\n", msg);
}

/* A record of what was written: one per command, one for the whole body. */
static void record(struct telnet_io *t, const char *line, size_t n, uint64_t off, uint64_t end)
{
	if (t->data_mode && t->body_rec >= 0) {
		t->sent[t->body_rec].end = end;
		return;
	}
	if (t->nsent == t->cap)
		xgrow(&t->sent, &t->cap, t->nsent + 1, sizeof *t->sent, 16);
	struct sent_rec *r = &t->sent[t->nsent];
	memset(r, 0, sizeof *r);
	r->off = off;
	r->end = end;
	r->is_body = t->data_mode;
	for (size_t i = 0; !r->is_body && i < n && i < sizeof r->verb - 1 && line[i] != ' '; i++)
		r->verb[i] = (char)toupper((unsigned char)line[i]);
	if (t->data_mode)
		t->body_rec = (int)t->nsent;
	t->nsent++;
}

static int send_all(struct telnet_io *t, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(t->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR && !*t->interrupted)
			continue;
		if (w < 0) {
			snprintf(t->error, sizeof t->error, "sending: %s", strerror(errno));
			return -1;
		}
		p += w, n -= (size_t)w;
		t->bytes_out += (uint64_t)w;
	}
	return 0;
}

/* One typed line (without its line end; line has room for 2 more bytes):
 * sent with CRLF, shown, recorded. */
static int typed_line(struct telnet_io *t, char *line, size_t n)
{
	uint64_t off = t->bytes_out;
	int dot = t->data_mode && n == 1 && line[0] == '.';

	show(t, " -> ", line, n);
	memcpy(line + n, "\r\n", 2);  /* one write: one segment, as telnet sends it */
	if (send_all(t, line, n + 2))
		return -1;
	record(t, line, n, off, t->bytes_out);
	if (dot) {
		info(t, "end of data (the lone \".\"): the server now judges the message");
		t->data_mode = 0;
	}
	if (!t->data_mode) {            /* a command: wait for its reply */
		t->waiting = 1;
		t->deadline = mono() + t->reply_wait;
		if (n == 4 && !strncasecmp(line, "QUIT", 4))
			t->quit_sent = 1;
	}
	return 0;
}

/* The typed lines buffered so far, as far as the dialogue allows. */
static int typed(struct telnet_io *t)
{
	while (!t->waiting && t->ilen > 0) {
		char *nl = memchr(t->ibuf, '\n', t->ilen);
		size_t n = nl ? (size_t)(nl - t->ibuf) : t->ilen;
		if (!nl && !t->in_eof && t->ilen < TELNET_LINE_MAX)
			break;                  /* the rest of the line is still coming */
		size_t used = nl ? n + 1 : n;
		if (n > 0 && t->ibuf[n - 1] == '\r')
			n--;
		char line[TELNET_LINE_MAX + 2];
		memcpy(line, t->ibuf, n);
		memmove(t->ibuf, t->ibuf + used, t->ilen - used);
		t->ilen -= used;
		if (typed_line(t, line, n))
			return -1;
	}
	return 0;
}

/* A complete reply: the wait is over; after DATA, 354 starts DATA mode. */
static void reply_done(struct telnet_io *t, int code)
{
	struct sent_rec *last = t->nsent ? &t->sent[t->nsent - 1] : NULL;

	t->last_code = code;
	if (!t->waiting)
		return;                 /* unsolicited (or the greeting's extra lines) */
	t->waiting = 0;
	if (last && !last->reply_code)
		last->reply_code = code;
	if (last && !last->is_body && !strcmp(last->verb, "DATA") && code == 354) {
		t->data_mode = 1;
		t->body_rec = -1;
		info(t, "DATA mode: the lines you type are the message, until a lone \".\"");
	}
}

/* Server bytes: shown line by line; a line "NNN " or "NNN" ends a reply. */
static void server_bytes(struct telnet_io *t, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n' && t->rlen < sizeof t->rbuf - 1) {
			t->rbuf[t->rlen++] = p[i];
			continue;
		}
		if (p[i] != '\n')      /* an overlong line: shown in pieces */
			i--;
		size_t len = t->rlen;
		if (len && t->rbuf[len - 1] == '\r')
			len--;
		show(t, "<-  ", t->rbuf, len);
		const char *b = t->rbuf;
		if (len >= 3 && isdigit((unsigned char)b[0]) && isdigit((unsigned char)b[1]) &&
		    isdigit((unsigned char)b[2]) && (len == 3 || b[3] == ' '))
			reply_done(t, (b[0] - '0') * 100 + (b[1] - '0') * 10 + (b[2] - '0'));
		t->rlen = 0;
	}
}

static int from_server(struct telnet_io *t)
{
	char buf[4096];
	ssize_t n = recv(t->fd, buf, sizeof buf, 0);

	if (n > 0) {
		t->bytes_in += (uint64_t)n;
		server_bytes(t, buf, (size_t)n);
		return 0;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (t->rlen)
		server_bytes(t, "\n", 1);
	t->closed = 1;
	if (*t->interrupted)            /* our own shutdown (Ctrl-C), not the server's */
		return 0;
	if (n == 0)
		info(t, "connection closed by the server");
	else
		snprintf(t->error, sizeof t->error, "connection %s by the server",
		         errno == ECONNRESET ? "reset" : strerror(errno));
	return n == 0 ? 0 : -1;
}

static int from_input(struct telnet_io *t)
{
	if (t->ilen >= TELNET_LINE_MAX)
		return typed(t);
	ssize_t n = read(t->in, t->ibuf + t->ilen, TELNET_LINE_MAX - t->ilen);

	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0) {
		snprintf(t->error, sizeof t->error, "reading the input: %s", strerror(errno));
		return -1;
	}
	if (n == 0)
		t->in_eof = 1;
	t->ilen += (size_t)n;
	return typed(t);
}

/* Half-close and read until the server's FIN (the capture shows the close). */
static void await_close(struct telnet_io *t)
{
	double end = mono() + FIN_WAIT;
	struct pollfd p = { .fd = t->fd, .events = POLLIN };

	shutdown(t->fd, SHUT_WR);
	while (!t->closed && mono() < end && poll(&p, 1, 100) >= 0)
		if (p.revents && from_server(t) < 0)
			break;
}

/* The wait for a reply ran out: say so, read on. */
static void no_reply(struct telnet_io *t)
{
	char msg[96];

	snprintf(msg, sizeof msg, "no reply within %g s", t->reply_wait);
	info(t, msg);
	t->waiting = 0;
}

int telnet_io_run(struct telnet_io *t)
{
	int rc = 0;

	t->waiting = 1;                 /* the greeting first */
	t->deadline = mono() + t->reply_wait;
	t->body_rec = -1;
	while (!rc && !t->closed && !*t->interrupted) {
		if (!t->waiting && (t->quit_sent || (t->in_eof && t->ilen == 0)))
			break;
		struct pollfd p[2] = { { .fd = t->fd, .events = POLLIN },
		                       { .fd = t->waiting || t->in_eof ? -1 : t->in, .events = POLLIN } };
		if (poll(p, 2, 200) < 0 && errno != EINTR) {
			rc = -1;
			break;
		}
		if (p[0].revents)
			rc = from_server(t);
		if (!rc && p[1].revents)
			rc = from_input(t);
		if (!rc && t->waiting && mono() > t->deadline)
			no_reply(t);
		if (!rc && !t->waiting)
			rc = typed(t);  /* lines read while waiting */
	}
	if (!t->closed && !*t->interrupted)
		await_close(t);
	close(t->fd);
	if (*t->interrupted)
		return EX_INTERRUPTED;
	return rc ? EX_LOST : 0;
}
