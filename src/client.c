/* client.c - our SMTP client (RFC 5321): runs the state machine of
 * client-cmd.c over a transport (transport.h).  state_set() is the only
 * place the state changes; client_fail() records the first failure.
 *
 * Every wait is bounded by the deadline of the current stage (RFC 5321
 * 4.5.3.2 timeouts).  Replies come from the strict reader (client-reply.c):
 * a reply split across reads, bare "250" lines and multi-line replies work;
 * bytes after a complete reply that no command asked for end the dialogue
 * (EX_PROTOCOL) instead of shifting every later reply. */
#include "client-int.h"
#include "util-addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUIT_WAIT   10.0        /* longest wait for the reply to a QUIT after an error */
#define FIN_WAIT    2.0         /* wait for the server's FIN after our QUIT */

/* ---- clocks, state, failure ------------------------------------------- */

double client_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

double client_now_real(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void state_set(struct smtp *c, enum smtp_state s)
{
	if (c->debug && c->state != s)
		fprintf(stderr, "smtptrace: SMTP state %s -> %s\n",
		        state_info(c->state)->name, state_info(s)->name);
	c->state = s;
}

double state_timeout(const struct smtp *c)
{
	const struct state_info *si = state_info(c->state);
	double t;       /* the field at the table's offsetof() */
	memcpy(&t, (const char *)&c->o->to_s + si->timeout, sizeof t);
	if (c->state == SMTP_QUIT && c->quitting && t > QUIT_WAIT)
		t = QUIT_WAIT;
	return t;
}

/* Record the first failure and stop the dialogue. */
void client_fail(struct smtp *c, int code, const char *fmt, ...)
{
	struct client_result *res = c->res;
	if (res->exit_code == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(res->error, sizeof res->error, fmt, ap);
		va_end(ap);
		res->exit_code = code;
		res->stage = state_info(c->state)->stage;
		tr_line(c, TR_FAIL, res->error, strlen(res->error));
	}
	state_set(c, SMTP_STOP);
}

/* What the reader found wrong, as the error of the stage. */
static void reader_fail(struct smtp *c, const char *doing)
{
	switch (c->rr.st) {
	case RR_LONG_LINE:
		client_fail(c, EX_PROTOCOL, "reply line longer than %d bytes while %s",
		            RR_LINE_MAX, doing);
		break;
	case RR_TOO_LONG:
		client_fail(c, EX_PROTOCOL, "reply longer than %s while %s",
		            c->rr.lines >= RR_REPLY_LINES ? "1000 lines" : "65536 bytes", doing);
		break;
	default:
		client_fail(c, state_info(c->state)->exit_code,
		            "malformed reply while %s: \"%s\"", doing, c->rr.bad);
	}
}

static void quit_failed(struct smtp *c, enum io io)
{
	static const char *const why[] = {
		"", "timeout", "connection closed", "connection error", "malformed reply",
	};
	/* The dialogue's outcome is known already; say what happened. */
	if (!c->quitting)
		tr_printf(c, TR_INFO, "no reply to QUIT (%s)", why[io]);
	state_set(c, SMTP_STOP);
}

void client_io_fail(struct smtp *c, enum io io, double timeout, const char *doing)
{
	if (c->state == SMTP_QUIT) {
		quit_failed(c, io);
		return;
	}
	if (c->o->interrupted && *c->o->interrupted && io != IO_TIMEOUT) {
		client_fail(c, EX_INTERRUPTED, "interrupted while %s", doing);
		return;
	}
	switch (io) {
	case IO_TIMEOUT:
		client_fail(c, EX_TIMEOUT, "timeout after %g s %s", timeout, doing);
		break;
	case IO_CLOSED:
		client_fail(c, EX_LOST, "connection closed by the server while %s", doing);
		break;
	case IO_BAD:
		reader_fail(c, doing);
		break;
	default:
		if (c->err == ECONNRESET || c->err == EPIPE)
			client_fail(c, EX_LOST, "connection reset by the server while %s", doing);
		else
			client_fail(c, EX_LOST, "%s while %s", strerror(c->err), doing);
	}
}

/* ---- I/O over the transport --------------------------------------------- */

/* 1 when the transport is ready for `ev`, 0 at the deadline, -1 on error. */
int client_wait(struct smtp *c, short ev, double deadline)
{
	for (;;) {
		double left = deadline - client_mono();
		if (left <= 0)
			return 0;
		int r = c->tp->ops->wait(c->tp, ev, (int)(left * 1000) + 1);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR) {
			c->err = errno;
			return -1;
		}
	}
}

static int would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

enum io client_write_all(struct smtp *c, const char *p, size_t n, double timeout)
{
	double deadline = client_mono() + timeout;
	while (n) {
		ssize_t w = c->tp->ops->write(c->tp, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			c->res->bytes_out += (uint64_t)w;
			continue;
		}
		if (w < 0 && !would_block()) {
			c->err = errno;
			return IO_ERROR;
		}
		int r = client_wait(c, c->tp->want ? c->tp->want : POLLOUT, deadline);
		if (r <= 0)
			return r == 0 ? IO_TIMEOUT : IO_ERROR;
	}
	return IO_OK;
}

/* One read into the reply reader; with deadline 0, only what is there now. */
static enum io fill(struct smtp *c, double deadline)
{
	for (;;) {
		size_t room;
		uint8_t *p = rr_space(&c->rr, &room);
		if (room == 0)
			return IO_OK;   /* full: the caller splits it first */
		ssize_t n = c->tp->ops->read(c->tp, p, room);
		if (n > 0) {
			rr_filled(&c->rr, (size_t)n);
			c->res->bytes_in += (uint64_t)n;
			return IO_OK;
		}
		if (n == 0) {
			c->eof = 1;
			return IO_CLOSED;
		}
		if (!would_block()) {
			c->err = errno;
			return IO_ERROR;
		}
		if (deadline == 0)
			return IO_TIMEOUT;
		int w = client_wait(c, c->tp->want ? c->tp->want : POLLIN, deadline);
		if (w <= 0)
			return w == 0 ? IO_TIMEOUT : IO_ERROR;
	}
}

static enum io read_reply(struct smtp *c, double timeout)
{
	double deadline = client_mono() + timeout;
	for (;;) {
		enum rr_status st = rr_next(&c->rr);
		if (st == RR_REPLY)
			return IO_OK;
		if (st != RR_NEED)
			return IO_BAD;
		if (c->eof)
			return IO_CLOSED;
		enum io io = fill(c, deadline);
		if (io != IO_OK)
			return io;
	}
}

/* Without pipelining nothing may follow a reply before our next command:
 * a server that talks early or adds a line would shift every later reply
 * onto the wrong command.  Looks at what is buffered and what has arrived. */
static int unsolicited(struct smtp *c)
{
	if (c->pipelining || c->state == SMTP_QUIT || c->state == SMTP_STARTTLS)
		return 0;       /* after a STARTTLS 220 they are discarded by on_starttls */
	if (rr_buffered(&c->rr) == 0 && !c->eof &&
	    c->tp->ops->pending(c->tp) == 0 && c->tp->ops->wait(c->tp, POLLIN, 0) <= 0)
		return 0;
	if (rr_buffered(&c->rr) == 0 && !c->eof)
		fill(c, 0);
	if (rr_buffered(&c->rr) == 0)
		return 0;
	char peek[256];
	rr_peek(&c->rr, peek, sizeof peek);
	client_fail(c, EX_PROTOCOL, "unexpected data after %s, before our next command: \"%s\"",
	            state_info(c->state)->what, peek);
	return 1;
}

size_t client_drain(struct smtp *c, char *peek, size_t cap)
{
	while (!c->eof && fill(c, 0) == IO_OK && rr_buffered(&c->rr) < sizeof c->rr.in / 2)
		;
	rr_peek(&c->rr, peek, cap);
	return rr_discard(&c->rr);
}

static void statemach(struct smtp *c)
{
	state_set(c, SMTP_GREETING);
	while (c->state != SMTP_STOP) {
		const struct state_info *si = state_info(c->state);
		double t = state_timeout(c);
		enum io io = read_reply(c, t);
		if (io != IO_OK) {
			char doing[80];
			snprintf(doing, sizeof doing, "waiting for %s", si->what);
			client_io_fail(c, io, t, doing);
			break;
		}
		const struct smtp_reply *r = &c->rr.ra.r;
		c->res->last_code = r->code;
		if (unsolicited(c))
			break;
		struct client_result *res = c->res;
		int code = c->rr.other_code > r->code ? c->rr.other_code : r->code;
		if (c->pipe_left > 0 && c->pipe_rec < res->nsent) {
			res->sent[c->pipe_rec++].reply_code = code;   /* replies in order */
			c->pipe_left--;
		} else if (res->nsent > 0 && c->state != SMTP_GREETING) {
			res->sent[res->nsent - 1].reply_code = code;
		}
		si->judge(c, r);
	}
}

/* ---- connecting and closing --------------------------------------------- */

static void name_peer(struct smtp *c, const struct sockaddr *sa)
{
	char ip[ADDR_IP_MAX];
	unsigned port = 0;
	if (!sa || addr_sockaddr(sa, ip, sizeof ip, &port) < 0) {
		snprintf(c->peer, sizeof c->peer, "the server");
		snprintf(c->host, sizeof c->host, "the server");
		return;
	}
	c->port = port;
	snprintf(c->peer, sizeof c->peer, sa->sa_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, port);
	snprintf(c->host, sizeof c->host, "%s", ip);
}

/* Non-blocking connect, then wait for writability within the timeout. */
static int do_connect(struct smtp *c, const struct sockaddr *sa, socklen_t salen)
{
	double t = c->o->to_s.connect;
	tr_printf(c, TR_INFO, "Trying %s...", c->peer);
	int err = 0;
	if (connect(c->tp->fd, sa, salen) != 0) {
		err = errno;
		if (err == EINPROGRESS || err == EINTR) {
			int w = client_wait(c, POLLOUT, client_mono() + t);
			socklen_t len = sizeof err;
			if (w == 0)
				err = ETIMEDOUT;
			else if (w < 0)
				err = c->err;
			else if (getsockopt(c->tp->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
				err = errno;
		}
	}
	if (err == ETIMEDOUT)
		client_fail(c, EX_TIMEOUT, "timeout after %g s connecting to %s", t, c->peer);
	else if (err == ECONNREFUSED)
		client_fail(c, EX_CONNECT, "connection refused by %s", c->peer);
	else if (err)
		client_fail(c, EX_CONNECT, "cannot connect to %s: %s", c->peer, strerror(err));
	return err ? -1 : 0;
}

/* Half-close and read until the server's FIN, so the capture shows an
 * orderly teardown. */
static void await_fin(struct smtp *c)
{
	c->tp->ops->shutdown(c->tp);
	double deadline = client_mono() + FIN_WAIT;
	char buf[512];
	while (client_wait(c, POLLIN, deadline) > 0) {
		ssize_t n = c->tp->ops->read(c->tp, buf, sizeof buf);
		if (n > 0)
			c->res->bytes_in += (uint64_t)n;
		else if (n == 0 || !would_block())
			break;
	}
}

static int smtp_init(struct smtp *c, struct transport *tp, const struct client_opts *o,
                     struct client_result *res)
{
	memset(res, 0, sizeof *res);
	memset(c, 0, sizeof *c);
	c->tp = tp;
	c->o = o;
	c->res = res;
	c->state = SMTP_CONNECT;    /* so early failures name the connect stage */
	const char *dbg = getenv("SMTPTRACE_DEBUG");
	c->debug = dbg && *dbg;
	rr_init(&c->rr, tr_reply_line, c);
	char err[sizeof res->error];
	int code = client_check_args(o, err, sizeof err);
	if (code) {
		client_fail(c, code, "%s", err);
		return -1;
	}
	/* EHLO or HELO, MAIL, each RCPT, DATA, the body, QUIT. */
	c->rec_cap = (size_t)o->nto + 12;    /* + STARTTLS, EHLO again, AUTH and 3 responses */
	res->sent = calloc(c->rec_cap, sizeof *res->sent);
	if (!res->sent) {
		client_fail(c, EX_INTERNAL, "out of memory");
		return -1;
	}
	return 0;
}

/* The dialogue from the greeting on, then the orderly close. */
static int finish(struct smtp *c, int run)
{
	struct client_result *res = c->res;
	if (run) {
		res->t_connected = client_now_real();
		tr_printf(c, TR_INFO, "Connected to %s.", c->host);
		enum client_tls_mode m = c->o->tls.mode;
		res->tls.implicit = m == CLIENT_TLS_SMTPS || (m == CLIENT_TLS_AUTO && c->port == 465);
		if (!res->tls.implicit || client_tls_start(c) == 0)
			statemach(c);
	}
	if (res->exit_code == 0)
		res->stage = STAGE_DONE;    /* the dialogue ran to its end */
	if (res->exit_code == 0 && res->rcpt_rejected > 0) {
		snprintf(res->error, sizeof res->error,
		         "%d of %d recipients rejected: %s; message sent to the others",
		         res->rcpt_rejected, c->o->nto, c->rcpt_err);
		res->exit_code = EX_RCPT;
		tr_line(c, TR_FAIL, res->error, strlen(res->error));
	}
	if (c->quit_sent)
		await_fin(c);
	c->tp->ops->close(c->tp);
	rr_free(&c->rr);
	return res->exit_code;
}

int client_run_on(struct transport *t, const struct client_opts *o,
                  struct client_result *res)
{
	struct smtp c;
	int ok = smtp_init(&c, t, o, res) == 0;
	if (ok)
		name_peer(&c, NULL);
	return finish(&c, ok);
}

int client_run(int fd, const struct sockaddr *sa, socklen_t salen,
               const struct client_opts *o, struct client_result *res)
{
	struct smtp c;
	struct transport tp;
	int ok = transport_plain(&tp, fd) == 0;
	int err = errno;
	ok = smtp_init(&c, &tp, o, res) == 0 && ok;
	if (res->exit_code == 0 && !ok)
		client_fail(&c, EX_INTERNAL, "cannot make the socket non-blocking: %s", strerror(err));
	if (ok && sa) {
		name_peer(&c, sa);
		ok = do_connect(&c, sa, salen) == 0;
	} else if (ok) {
		struct sockaddr_storage ss = { .ss_family = AF_UNSPEC };
		socklen_t sl = sizeof ss;
		if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
			ss.ss_family = AF_UNSPEC;
		name_peer(&c, (struct sockaddr *)&ss);
	}
	return finish(&c, ok);
}

void client_result_free(struct client_result *res)
{
	free(res->sent);
	res->sent = NULL;
	res->nsent = 0;
	free(res->tls.keylog);
	res->tls.keylog = NULL;
	res->tls.keylog_len = 0;
}

void client_default_timeouts(struct client_timeouts *t)
{
	*t = (struct client_timeouts){
		.connect = 30, .greeting = 300, .mail = 300, .rcpt = 300,
		.data = 120, .block = 180, .final = 600, .other = 300,
	};
}

void client_set_all_timeouts(struct client_timeouts *t, double seconds)
{
	*t = (struct client_timeouts){
		.connect = seconds, .greeting = seconds, .mail = seconds, .rcpt = seconds,
		.data = seconds, .block = seconds, .final = seconds, .other = seconds,
	};
}
