/* client.c - our SMTP client (RFC 5321), a state machine in the manner of
 * curl's lib/smtp.c: each state is "waiting for the reply to X"; one
 * function sends each command (perform_*), one judges each reply (on_*),
 * and state_set() is the only place the state changes.
 *
 * The socket is non-blocking throughout; every wait is a poll() against the
 * deadline of the current stage (RFC 5321 4.5.3.2 timeouts).  Replies go
 * through smtp_line's line and reply assemblers, so a reply split across
 * reads, several replies in one read and bare "250" lines all work. */
#include "client.h"
#include "msg.h"
#include "smtp_line.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum smtp_state {
	SMTP_STOP,      /* dialogue over */
	SMTP_CONNECT,   /* TCP connect under way */
	SMTP_GREETING,  /* waiting for the 220 */
	SMTP_EHLO,      /* waiting for the reply to EHLO */
	SMTP_HELO,
	SMTP_MAIL,
	SMTP_RCPT,
	SMTP_DATA,      /* waiting for the 354 */
	SMTP_POSTDATA,  /* message sent, waiting for the end-of-data reply */
	SMTP_QUIT,
	SMTP_LAST
};

static const char *const state_names[SMTP_LAST] = {
	"STOP", "CONNECT", "GREETING", "EHLO", "HELO", "MAIL", "RCPT", "DATA",
	"POSTDATA", "QUIT",
};

static const enum smtp_stage state_stage[SMTP_LAST] = {
	STAGE_DONE, STAGE_CONNECT, STAGE_GREETING, STAGE_EHLO, STAGE_HELO,
	STAGE_MAIL, STAGE_RCPT, STAGE_DATA, STAGE_BODY, STAGE_QUIT,
};

/* What we are waiting for in each state, for error messages. */
static const char *const state_wait[SMTP_LAST] = {
	"", "connecting", "waiting for the greeting", "waiting for the reply to EHLO",
	"waiting for the reply to HELO", "waiting for the reply to MAIL FROM",
	"waiting for the reply to RCPT TO", "waiting for the reply to DATA",
	"waiting for the reply to the end of data", "waiting for the reply to QUIT",
};

/* Exit code for a malformed reply in each state. */
static const int state_exit[SMTP_LAST] = {
	EX_INTERNAL, EX_CONNECT, EX_GREETING, EX_HELO, EX_HELO, EX_MAIL, EX_RCPT,
	EX_DATA, EX_MESSAGE, EX_LOST,
};

enum io { IO_OK, IO_TIMEOUT, IO_CLOSED, IO_ERROR, IO_BAD };

#define LINE_LIMIT  2048        /* replies: RFC 5321 allows 512 octets */
#define TEXT_LIMIT  4096
#define BLOCK_SIZE  65536       /* message written in blocks of this size */
#define BODY_SHOWN  20          /* a longer body is abbreviated in the transcript */
#define BODY_HEAD   10          /* lines shown of an abbreviated body */
#define QUIT_WAIT   10.0        /* longest wait for the reply to a QUIT after an error */
#define FIN_WAIT    2.0         /* wait for the server's FIN after our QUIT */

struct smtp {
	int fd;
	const struct client_opts *o;
	struct client_result *res;
	enum smtp_state state;
	int debug;
	char peer[64];              /* "HOST:PORT" */
	char host[56];
	struct line_asm la;
	struct reply_asm ra;
	int got_reply, bad_line;    /* set by on_line() */
	char bad[128];              /* the malformed line, escaped */
	uint8_t in[4096];           /* read but not yet fed to the assembler */
	size_t in_pos, in_len;
	int err;                    /* errno of the last I/O failure */
	size_t rec_cap;
	char cmd[1024];             /* last command line sent, for messages */
	int rcpt_i;
	char rcpt_err[300];         /* the first recipient rejection */
	int quitting;               /* QUIT sent after an error: ignore its fate */
	int quit_sent;
};

/* ---- small helpers ----------------------------------------------------- */

static double mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double real_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Copy server bytes for a terminal: control characters become \xNN so a
 * hostile server cannot drive the user's terminal. */
static void escape(char *dst, size_t dstlen, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 5 < dstlen; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x20 || ch == 0x7f)
			o += (size_t)snprintf(dst + o, dstlen - o, "\\x%02x", ch);
		else
			dst[o++] = (char)ch;
	}
	dst[o] = '\0';
}

/* "550 5.1.1 user unknown" (a multi-line reply's lines joined by spaces). */
static void reply_str(const struct smtp_reply *r, char *buf, size_t len)
{
	char text[TEXT_LIMIT + 1];
	memcpy(text, r->text, r->text_len);
	for (size_t i = 0; i < r->text_len; i++)
		if (text[i] == '\n')
			text[i] = ' ';
	int n = snprintf(buf, len, "%d%s", r->code, r->text_len ? " " : "");
	if (n > 0 && (size_t)n < len)
		escape(buf + n, len - (size_t)n, text, r->text_len);
}

/* ---- transcript (swaks' conventions) ----------------------------------- */

enum tr_kind { TR_INFO, TR_SENT, TR_RECV, TR_ERR, TR_FAIL };

static void tr_line(struct smtp *c, enum tr_kind k, const char *p, size_t n)
{
	static const char *const prefix[] = { "=== ", " -> ", "<-  ", "<** ", "*** " };
	static const char *const colour[] = { "", "\033[32m", "\033[36m", "\033[31m", "\033[31m" };
	FILE *f = c->o->transcript;
	if (!f)
		return;
	char buf[LINE_LIMIT * 4 + 8];
	escape(buf, sizeof buf, p, n);
	int col = c->o->color && k != TR_INFO;
	fprintf(f, "%s%s%s%s\n", col ? colour[k] : "", prefix[k], buf, col ? "\033[0m" : "");
}

static void tr_printf(struct smtp *c, enum tr_kind k, const char *fmt, ...)
{
	if (!c->o->transcript)
		return;
	char buf[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	tr_line(c, k, buf, strlen(buf));
}

/* ---- state and failure -------------------------------------------------- */

static void state_set(struct smtp *c, enum smtp_state s)
{
	if (c->debug && c->state != s)
		fprintf(stderr, "smtptrace: SMTP state %s -> %s\n",
		        state_names[c->state], state_names[s]);
	c->state = s;
}

/* Record the first failure and stop the dialogue. */
static void fail(struct smtp *c, int code, const char *fmt, ...)
{
	struct client_result *res = c->res;
	if (res->exit_code == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(res->error, sizeof res->error, fmt, ap);
		va_end(ap);
		res->exit_code = code;
		res->stage = state_stage[c->state];
		tr_line(c, TR_FAIL, res->error, strlen(res->error));
	}
	state_set(c, SMTP_STOP);
}

static void io_fail(struct smtp *c, enum io io, double timeout, const char *doing)
{
	if (c->state == SMTP_QUIT) {
		/* The dialogue's outcome is known already; say what happened. */
		if (!c->quitting)
			tr_printf(c, TR_INFO, "no reply to QUIT (%s)",
			          io == IO_TIMEOUT ? "timeout" : "connection closed");
		state_set(c, SMTP_STOP);
		return;
	}
	if (c->o->interrupted && *c->o->interrupted && io != IO_TIMEOUT) {
		fail(c, EX_INTERRUPTED, "interrupted while %s", doing);
		return;
	}
	switch (io) {
	case IO_TIMEOUT:
		fail(c, EX_TIMEOUT, "timeout after %g s %s", timeout, doing);
		break;
	case IO_CLOSED:
		fail(c, EX_LOST, "connection closed by the server while %s", doing);
		break;
	case IO_BAD:
		fail(c, state_exit[c->state], "malformed reply while %s: \"%s\"", doing, c->bad);
		break;
	default:
		if (c->err == ECONNRESET || c->err == EPIPE)
			fail(c, EX_LOST, "connection reset by the server while %s", doing);
		else
			fail(c, EX_LOST, "%s while %s", strerror(c->err), doing);
	}
}

/* ---- I/O ------------------------------------------------------------------ */

/* 1 when fd is ready for `ev`, 0 at the deadline, -1 on error (c->err). */
static int wait_fd(struct smtp *c, short ev, double deadline)
{
	for (;;) {
		double left = deadline - mono_now();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = c->fd, .events = ev };
		int r = poll(&p, 1, (int)(left * 1000) + 1);
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR) {
			c->err = errno;
			return -1;
		}
	}
}

static enum io write_all(struct smtp *c, const char *p, size_t n, double timeout)
{
	double deadline = mono_now() + timeout;
	while (n) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			c->res->bytes_out += (uint64_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			c->err = errno;
			return IO_ERROR;
		}
		int r = wait_fd(c, POLLOUT, deadline);
		if (r <= 0)
			return r == 0 ? IO_TIMEOUT : IO_ERROR;
	}
	return IO_OK;
}

/* Line callback: show the line, feed the reply assembler, stop the
 * assembler after a complete reply so the rest stays for the next one. */
static int on_line(void *ctx, const char *line, size_t len, uint64_t a, uint64_t b,
                   size_t overlong)
{
	struct smtp *c = ctx;
	(void)a, (void)b, (void)overlong;
	struct reply_line rl;
	int ok = smtp_parse_reply_line(line, len, &rl);
	tr_line(c, ok && rl.code < 400 ? TR_RECV : TR_ERR, line, len);
	int r = reply_asm_line(&c->ra, line, len);
	if (r == 1) {
		c->got_reply = 1;
		c->res->last_code = c->ra.r.code;
		return 1;
	}
	if (r < 0) {
		c->bad_line = 1;
		escape(c->bad, sizeof c->bad, line, len < 60 ? len : 60);
		return 1;
	}
	return 0;
}

static enum io read_reply(struct smtp *c, double timeout)
{
	double deadline = mono_now() + timeout;
	c->got_reply = c->bad_line = 0;
	for (;;) {
		if (c->in_pos < c->in_len)
			c->in_pos += line_asm_feed(&c->la, c->in + c->in_pos,
			                           c->in_len - c->in_pos, on_line, c);
		if (c->got_reply)
			return IO_OK;
		if (c->bad_line)
			return IO_BAD;
		int w = wait_fd(c, POLLIN, deadline);
		if (w <= 0)
			return w == 0 ? IO_TIMEOUT : IO_ERROR;
		ssize_t n = recv(c->fd, c->in, sizeof c->in, 0);
		if (n == 0)
			return IO_CLOSED;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			c->err = errno;
			return IO_ERROR;
		}
		c->in_pos = 0;
		c->in_len = (size_t)n;
		c->res->bytes_in += (uint64_t)n;
	}
}

/* ---- sending ----------------------------------------------------------- */

static double state_timeout(const struct smtp *c)
{
	const struct client_timeouts *t = &c->o->to_s;
	switch (c->state) {
	case SMTP_GREETING: return t->greeting;
	case SMTP_MAIL:     return t->mail;
	case SMTP_RCPT:     return t->rcpt;
	case SMTP_DATA:     return t->data;
	case SMTP_POSTDATA: return t->final;
	case SMTP_QUIT:     return c->quitting && t->other > QUIT_WAIT ? QUIT_WAIT : t->other;
	default:            return t->other;
	}
}

static struct sent_rec *add_rec(struct smtp *c)
{
	struct client_result *res = c->res;
	if (res->nsent == c->rec_cap)   /* cannot happen: rec_cap covers every command */
		return NULL;
	struct sent_rec *r = &res->sent[res->nsent++];
	memset(r, 0, sizeof *r);
	r->off = r->end = res->bytes_out;
	return r;
}

/* Send one command line and wait in state `next` for its reply. */
static void send_cmd(struct smtp *c, enum smtp_state next, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->cmd, sizeof c->cmd - 2, fmt, ap);
	va_end(ap);
	state_set(c, next);
	if (n < 0 || (size_t)n >= sizeof c->cmd - 2) {
		fail(c, EX_USAGE_, "command too long: %.40s...", c->cmd);
		return;
	}
	struct sent_rec *r = add_rec(c);
	if (!r) {
		fail(c, EX_INTERNAL, "internal error: too many commands");
		return;
	}
	smtp_command_verb(c->cmd, (size_t)n, r->verb);
	tr_line(c, TR_SENT, c->cmd, (size_t)n);
	memcpy(c->cmd + n, "\r\n", 2);
	enum io io = write_all(c, c->cmd, (size_t)n + 2, state_timeout(c));
	c->cmd[n] = '\0';
	r->end = c->res->bytes_out;
	if (io != IO_OK) {
		char doing[1100];
		snprintf(doing, sizeof doing, "sending %s", c->cmd);
		io_fail(c, io, state_timeout(c), doing);
	}
}

static void perform_ehlo(struct smtp *c) { send_cmd(c, SMTP_EHLO, "EHLO %s", c->o->helo); }
static void perform_helo(struct smtp *c) { send_cmd(c, SMTP_HELO, "HELO %s", c->o->helo); }
static void perform_mail(struct smtp *c)
{
	send_cmd(c, SMTP_MAIL, "MAIL FROM:<%s>", c->o->from);
}
static void perform_data(struct smtp *c) { send_cmd(c, SMTP_DATA, "DATA"); }

static void perform_rcpt(struct smtp *c)
{
	send_cmd(c, SMTP_RCPT, "RCPT TO:<%s>", c->o->to[c->rcpt_i]);
}

static void perform_quit(struct smtp *c)
{
	c->res->t_quit = real_now();
	send_cmd(c, SMTP_QUIT, "QUIT");
	if (c->state == SMTP_QUIT)
		c->quit_sent = 1;
}

/* After a 4xx/5xx (or any unexpected reply): record the error, then say
 * QUIT politely, as swaks does, before closing. */
static void reply_fail(struct smtp *c, const struct smtp_reply *r, int code,
                       const char *what)
{
	char rs[400];
	reply_str(r, rs, sizeof rs);
	fail(c, code, "%s: %s", what, rs);
	c->quitting = 1;
	perform_quit(c);
}

static void show_body(struct smtp *c, const char *p, size_t n)
{
	size_t lines = 0;
	for (const char *q = p; (q = memchr(q, '\n', (size_t)(p + n - q))); q++)
		lines++;
	size_t body_lines = lines - 1;   /* the final "." is always shown */
	size_t shown = body_lines > BODY_SHOWN ? BODY_HEAD : body_lines;
	size_t i = 0;
	for (size_t l = 0; l < lines; l++) {
		const char *e = memchr(p + i, '\n', n - i);
		size_t len = (size_t)(e - (p + i)) - 1;   /* stuffed lines end in CRLF */
		if (l < shown || l == lines - 1)
			tr_line(c, TR_SENT, p + i, len);
		if (l == shown && shown < body_lines) {
			tr_printf(c, TR_SENT, "[... %zu more lines, %zu bytes ...]",
			          body_lines - shown, n - 3 - i);
		}
		i = (size_t)(e - p) + 1;
	}
}

/* The dot-stuffed message, in blocks, each under the block timeout. */
static void perform_body(struct smtp *c)
{
	size_t n;
	char *wire = smtp_dot_stuff(c->o->msg ? c->o->msg : "", c->o->msg_len, &n);
	state_set(c, SMTP_POSTDATA);
	struct sent_rec *r = wire ? add_rec(c) : NULL;
	if (!r) {
		free(wire);
		fail(c, EX_INTERNAL, "out of memory preparing the message");
		return;
	}
	r->is_body = 1;
	if (c->o->transcript)
		show_body(c, wire, n);
	enum io io = IO_OK;
	for (size_t i = 0; i < n && io == IO_OK; i += BLOCK_SIZE)
		io = write_all(c, wire + i, n - i < BLOCK_SIZE ? n - i : BLOCK_SIZE,
		               c->o->to_s.block);
	r->end = c->res->bytes_out;
	free(wire);
	if (io != IO_OK)
		io_fail(c, io, c->o->to_s.block, "sending the message");
}

/* ---- judging replies ---------------------------------------------------- */

static int positive(const struct smtp_reply *r) { return r->code / 100 == 2; }

static void on_greeting(struct smtp *c, const struct smtp_reply *r)
{
	if (r->code == 220)
		perform_ehlo(c);
	else
		reply_fail(c, r, EX_GREETING, "greeting was not 220");
}

static void on_ehlo(struct smtp *c, const struct smtp_reply *r)
{
	char what[1100];
	if (positive(r)) {
		perform_mail(c);
	} else if (r->code / 100 == 5) {
		/* RFC 5321 3.2: an old server may not know EHLO; try HELO. */
		c->res->used_helo = 1;
		perform_helo(c);
	} else {
		snprintf(what, sizeof what, "%s rejected", c->cmd);
		reply_fail(c, r, EX_HELO, what);
	}
}

static void on_helo(struct smtp *c, const struct smtp_reply *r)
{
	char what[1100];
	if (positive(r)) {
		perform_mail(c);
	} else {
		snprintf(what, sizeof what, "EHLO and %s rejected", c->cmd);
		reply_fail(c, r, EX_HELO, what);
	}
}

static void on_mail(struct smtp *c, const struct smtp_reply *r)
{
	char what[1100];
	if (positive(r)) {
		c->rcpt_i = 0;
		perform_rcpt(c);
	} else {
		snprintf(what, sizeof what, "%s rejected", c->cmd);
		reply_fail(c, r, EX_MAIL, what);
	}
}

/* A rejected recipient does not end the dialogue while others may be
 * accepted (RFC 5321 3.3); the mail goes to those that were. */
static void on_rcpt(struct smtp *c, const struct smtp_reply *r)
{
	struct client_result *res = c->res;
	if (positive(r)) {
		res->rcpt_accepted++;
	} else {
		if (res->rcpt_rejected++ == 0) {
			char rs[200];
			reply_str(r, rs, sizeof rs);
			snprintf(c->rcpt_err, sizeof c->rcpt_err, "%.80s rejected: %s", c->cmd, rs);
		}
		if (r->code == 421) {   /* the server is closing the channel */
			reply_fail(c, r, EX_RCPT, "server closing during RCPT TO");
			return;
		}
	}
	if (++c->rcpt_i < c->o->nto) {
		perform_rcpt(c);
	} else if (res->rcpt_accepted > 0) {
		perform_data(c);
	} else {
		if (c->o->nto == 1)
			fail(c, EX_RCPT, "%s", c->rcpt_err);
		else
			fail(c, EX_RCPT, "%d of %d recipients rejected: %s", res->rcpt_rejected,
			     c->o->nto, c->rcpt_err);
		c->quitting = 1;
		perform_quit(c);
	}
}

static void on_data(struct smtp *c, const struct smtp_reply *r)
{
	if (r->code == 354)
		perform_body(c);
	else
		reply_fail(c, r, EX_DATA, "DATA rejected");
}

static void on_postdata(struct smtp *c, const struct smtp_reply *r)
{
	if (positive(r))
		perform_quit(c);
	else
		reply_fail(c, r, EX_MESSAGE, "message rejected after end of data");
}

static void on_quit(struct smtp *c, const struct smtp_reply *r)
{
	if (r->code != 221 && !c->quitting)
		tr_printf(c, TR_INFO, "QUIT answered with %d, not 221", r->code);
	state_set(c, SMTP_STOP);
}

typedef void (*judge_fn)(struct smtp *, const struct smtp_reply *);

static const judge_fn judges[SMTP_LAST] = {
	[SMTP_GREETING] = on_greeting, [SMTP_EHLO] = on_ehlo, [SMTP_HELO] = on_helo,
	[SMTP_MAIL] = on_mail, [SMTP_RCPT] = on_rcpt, [SMTP_DATA] = on_data,
	[SMTP_POSTDATA] = on_postdata, [SMTP_QUIT] = on_quit,
};

static void statemach(struct smtp *c)
{
	state_set(c, SMTP_GREETING);
	while (c->state != SMTP_STOP) {
		double t = state_timeout(c);
		enum io io = read_reply(c, t);
		if (io != IO_OK) {
			io_fail(c, io, t, state_wait[c->state]);
			break;
		}
		struct client_result *res = c->res;
		if (res->nsent > 0 && c->state != SMTP_GREETING)
			res->sent[res->nsent - 1].reply_code = c->ra.r.code;
		judges[c->state](c, &c->ra.r);
	}
}

/* ---- connecting and closing --------------------------------------------- */

static void name_peer(struct smtp *c, const struct sockaddr *sa)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
		port = ntohs(s4->sin_port);
		snprintf(c->peer, sizeof c->peer, "%s:%u", ip, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
		port = ntohs(s6->sin6_port);
		snprintf(c->peer, sizeof c->peer, "[%s]:%u", ip, port);
	} else {
		snprintf(c->peer, sizeof c->peer, "the server");
		snprintf(c->host, sizeof c->host, "the server");
		return;
	}
	snprintf(c->host, sizeof c->host, "%s", ip);
}

/* Non-blocking connect, then poll for writability within the timeout. */
static int do_connect(struct smtp *c, const struct sockaddr *sa, socklen_t salen)
{
	double t = c->o->to_s.connect;
	tr_printf(c, TR_INFO, "Trying %s...", c->peer);
	int err = 0;
	if (connect(c->fd, sa, salen) != 0) {
		err = errno;
		if (err == EINPROGRESS || err == EINTR) {
			int w = wait_fd(c, POLLOUT, mono_now() + t);
			socklen_t len = sizeof err;
			if (w == 0)
				err = ETIMEDOUT;
			else if (w < 0)
				err = c->err;
			else if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
				err = errno;
		}
	}
	if (err == ETIMEDOUT)
		fail(c, EX_TIMEOUT, "timeout after %g s connecting to %s", t, c->peer);
	else if (err == ECONNREFUSED)
		fail(c, EX_CONNECT, "connection refused by %s", c->peer);
	else if (err)
		fail(c, EX_CONNECT, "cannot connect to %s: %s", c->peer, strerror(err));
	return err ? -1 : 0;
}

/* Half-close and read until the server's FIN, so the capture shows an
 * orderly teardown. */
static void await_fin(struct smtp *c)
{
	shutdown(c->fd, SHUT_WR);
	double deadline = mono_now() + FIN_WAIT;
	char buf[512];
	while (wait_fd(c, POLLIN, deadline) > 0) {
		ssize_t n = recv(c->fd, buf, sizeof buf, 0);
		if (n > 0)
			c->res->bytes_in += (uint64_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
	}
}

static int check_opts(struct smtp *c)
{
	const struct client_opts *o = c->o;
	if (!o->from || msg_header_value_ok(o->from))
		fail(c, EX_USAGE_, "--from: address contains a line break");
	else if (!o->helo || msg_header_value_ok(o->helo))
		fail(c, EX_USAGE_, "--helo: name contains a line break");
	else if (o->nto < 1 || !o->to)
		fail(c, EX_USAGE_, "no recipients");
	for (int i = 0; c->res->exit_code == 0 && i < o->nto; i++)
		if (msg_header_value_ok(o->to[i]))
			fail(c, EX_USAGE_, "--to: address contains a line break");
	return c->res->exit_code ? -1 : 0;
}

static int smtp_init(struct smtp *c, int fd, const struct client_opts *o,
                     struct client_result *res)
{
	memset(res, 0, sizeof *res);
	memset(c, 0, sizeof *c);
	c->fd = fd;
	c->o = o;
	c->res = res;
	c->state = SMTP_CONNECT;    /* so early failures name the connect stage */
	const char *dbg = getenv("SMTPTRACE_DEBUG");
	c->debug = dbg && *dbg;
	line_asm_init(&c->la, LINE_LIMIT, 0);
	reply_asm_init(&c->ra, TEXT_LIMIT);
	if (check_opts(c))
		return -1;
	/* EHLO or HELO, MAIL, each RCPT, DATA, the body, QUIT. */
	c->rec_cap = (size_t)o->nto + 6;
	res->sent = calloc(c->rec_cap, sizeof *res->sent);
	if (!res->sent) {
		fail(c, EX_INTERNAL, "out of memory");
		return -1;
	}
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		fail(c, EX_INTERNAL, "cannot make the socket non-blocking: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int client_run(int fd, const struct sockaddr *sa, socklen_t salen,
               const struct client_opts *o, struct client_result *res)
{
	struct smtp c;
	if (smtp_init(&c, fd, o, res) == 0) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		if (sa) {
			name_peer(&c, sa);
		} else {
			ss.ss_family = AF_UNSPEC;
			if (getpeername(fd, (struct sockaddr *)&ss, &sl) != 0)
				ss.ss_family = AF_UNSPEC;
			name_peer(&c, (struct sockaddr *)&ss);
		}
		if (!sa || do_connect(&c, sa, salen) == 0) {
			res->t_connected = real_now();
			tr_printf(&c, TR_INFO, "Connected to %s.", c.host);
			statemach(&c);
		}
	}
	if (res->exit_code == 0)
		res->stage = STAGE_DONE;    /* the dialogue ran to its end */
	if (res->exit_code == 0 && res->rcpt_rejected > 0) {
		snprintf(res->error, sizeof res->error,
		         "%d of %d recipients rejected: %s; message sent to the others",
		         res->rcpt_rejected, o->nto, c.rcpt_err);
		res->exit_code = EX_RCPT;
		tr_line(&c, TR_FAIL, res->error, strlen(res->error));
	}
	if (c.quit_sent)
		await_fin(&c);
	close(fd);
	line_asm_free(&c.la);
	reply_asm_free(&c.ra);
	return res->exit_code;
}

void client_result_free(struct client_result *res)
{
	free(res->sent);
	res->sent = NULL;
	res->nsent = 0;
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
