/* client-cmd.c - the client's state table (name, stage, timeout, exit code,
 * judge per state) and one function per command sent (perform_*) and per
 * reply judged (on_*), in the manner of curl's lib/smtp.c. */
#include "client-int.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE  65536       /* message written in blocks of this size */

/* ---- sending ----------------------------------------------------------- */

static struct sent_rec *add_rec(struct smtp *c)
{
	struct client_result *res = c->res;
	if (res->nsent == c->rec_cap)   /* cannot happen: rec_cap covers every command */
		return NULL;
	struct sent_rec *r = &res->sent[res->nsent++];
	memset(r, 0, sizeof *r);
	r->off = r->end = res->bytes_out;
	r->tls = res->tls.active;
	return r;
}

/* Write one line (CRLF added in buf's 2 spare bytes) recorded in r, shown
 * in the transcript as `shown`. */
static void write_line(struct smtp *c, struct sent_rec *r, char *buf, size_t n,
                       const char *shown)
{
	tr_line(c, TR_SENT, shown, strlen(shown));
	memcpy(buf + n, "\r\n", 2);
	enum io io = client_write_all(c, buf, n + 2, state_timeout(c));
	buf[n] = '\0';
	r->end = c->res->bytes_out;
	if (io != IO_OK) {
		char doing[CMD_MAX + 16];
		snprintf(doing, sizeof doing, "sending %s", shown);
		client_io_fail(c, io, state_timeout(c), doing);
	}
}

/* Send one command line and wait in state `next` for its reply. */
static void send_cmd(struct smtp *c, enum smtp_state next, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(c->cmd, sizeof c->cmd, fmt, ap);
	va_end(ap);
	state_set(c, next);
	if (n < 0 || (size_t)n + 2 > CMD_MAX) {
		client_fail(c, EX_USAGE_, "command longer than %d octets: %.40s...", CMD_MAX, c->cmd);
		return;
	}
	struct sent_rec *r = add_rec(c);
	if (!r) {
		client_fail(c, EX_INTERNAL, "internal error: too many commands");
		return;
	}
	smtp_command_verb(c->cmd, (size_t)n, r->verb);
	write_line(c, r, c->cmd, (size_t)n, c->cmd);
}

/* `line` has room for 2 more bytes (CRLF). */
void send_auth_line(struct smtp *c, char *line, size_t n, const char *shown)
{
	state_set(c, SMTP_AUTH);
	snprintf(c->cmd, sizeof c->cmd, "%s", shown);
	struct sent_rec *r = add_rec(c);
	if (!r) {
		client_fail(c, EX_INTERNAL, "internal error: too many commands");
		return;
	}
	memcpy(r->verb, "AUTH", 5);
	r->secret = 1;
	write_line(c, r, line, n, shown);
}

void perform_ehlo(struct smtp *c) { send_cmd(c, SMTP_EHLO, "EHLO %s", c->o->helo); }
static void perform_helo(struct smtp *c) { send_cmd(c, SMTP_HELO, "HELO %s", c->o->helo); }
static void perform_data(struct smtp *c) { send_cmd(c, SMTP_DATA, "DATA"); }
static void perform_starttls(struct smtp *c) { send_cmd(c, SMTP_STARTTLS, "STARTTLS"); }

/* --quit-after: QUIT here when this is the point asked for. */
static int quit_at(struct smtp *c, int point)
{
	if (c->o->quit_after != point)
		return 0;
	tr_printf(c, TR_INFO, "--quit-after %s: stopping here", client_quit_after_name(point));
	perform_quit(c);
	return 1;
}

/* A reason found before sending a command: recorded, then QUIT. */
static void refuse(struct smtp *c, int code, const char *why)
{
	state_set(c, SMTP_MAIL);        /* the stage it stopped: MAIL FROM, unsent */
	client_fail(c, code, "%s", why);
	c->quitting = 1;
	perform_quit(c);
}

static int ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* The message variant (8bit only with 8BITMIME, RFC 6152) and the MAIL
 * parameters SIZE (RFC 1870), BODY, SMTPUTF8 (RFC 6531); 0, or -1 after
 * refuse() when the server lacks what the mail needs. */
static int mail_params(struct smtp *c, char *p, size_t n)
{
	const struct smtp_caps *k = &c->res->caps;
	const struct client_opts *o = c->o;
	int use8 = o->msg8 && (k->flags & SMTP_CAP_8BITMIME), utf8 = !ascii(o->from);
	for (int i = 0; i < o->nto; i++)
		utf8 |= !ascii(o->to[i]);
	c->msg = use8 ? o->msg8 : o->msg;
	c->msg_len = use8 ? o->msg8_len : o->msg_len;
	char why[200] = "";
	if (utf8 && !(k->flags & SMTP_CAP_SMTPUTF8))
		snprintf(why, sizeof why, "an address is not ASCII and the server does not offer "
		         "SMTPUTF8 (RFC 6531)");
	else if ((k->flags & SMTP_CAP_SIZE) && k->size && c->msg_len > k->size)
		snprintf(why, sizeof why, "the message is %zu octets; the server takes at most "
		         "%llu (SIZE, RFC 1870)", c->msg_len, (unsigned long long)k->size);
	else if (o->pipeline && !(k->flags & SMTP_CAP_PIPELINING))
		snprintf(why, sizeof why, "--pipeline: the server does not offer PIPELINING");
	if (*why) {
		refuse(c, EX_EXTENSION, why);
		return -1;
	}
	char size[32] = "";
	if (k->flags & SMTP_CAP_SIZE)
		snprintf(size, sizeof size, " SIZE=%zu", c->msg_len);
	snprintf(p, n, "%s%s%s", size, use8 ? " BODY=8BITMIME" : "", utf8 ? " SMTPUTF8" : "");
	return 0;
}

/* RFC 2920: MAIL, every RCPT and DATA in one write; the replies are then
 * judged in order, each by its state's judge. */
static void perform_group(struct smtp *c, const char *params)
{
	const struct client_opts *o = c->o;
	char *buf = malloc((size_t)(o->nto + 2) * CMD_MAX);
	size_t n = 0;
	c->pipe_rec = c->res->nsent;
	for (int i = -1; buf && i <= o->nto; i++) {
		char *line = buf + n;
		int k = i < 0 ? snprintf(line, CMD_MAX, "MAIL FROM:<%s>%s", o->from, params) :
		        i < o->nto ? snprintf(line, CMD_MAX, "RCPT TO:<%s>", o->to[i]) :
		        snprintf(line, CMD_MAX, "DATA");
		struct sent_rec *r = k > 0 && k + 2 <= CMD_MAX ? add_rec(c) : NULL;
		if (!r) {
			client_fail(c, EX_USAGE_, "command too long or too many: %.40s...", line);
			free(buf);
			return;
		}
		smtp_command_verb(line, (size_t)k, r->verb);
		tr_line(c, TR_SENT, line, (size_t)k);
		r->off = c->res->bytes_out + n;
		r->end = r->off + (size_t)k + 2;
		memcpy(line + k, "\r\n", 2);
		n += (size_t)k + 2;
	}
	snprintf(c->cmd, sizeof c->cmd, "MAIL FROM:<%s>", o->from);
	c->pipelined = c->pipelining = 1;
	c->pipe_left = o->nto + 2;
	c->rcpt_i = 0;
	state_set(c, SMTP_MAIL);
	enum io io = buf ? client_write_all(c, buf, n, state_timeout(c)) : IO_ERROR;
	free(buf);
	if (io != IO_OK)
		client_io_fail(c, io, state_timeout(c), "sending MAIL, RCPT and DATA");
}

void perform_mail(struct smtp *c)
{
	char params[96];
	/* --quit-after auth: here after AUTH (or where AUTH would have been) */
	if (quit_at(c, QUIT_AFTER_AUTH) || mail_params(c, params, sizeof params))
		return;
	if (c->o->pipeline)
		perform_group(c, params);
	else
		send_cmd(c, SMTP_MAIL, "MAIL FROM:<%s>%s", c->o->from, params);
}

/* In a pipelined group: wait for the next reply in state `s`, with the
 * command it answers in c->cmd for messages. */
static void pipe_next(struct smtp *c, enum smtp_state s)
{
	if (s == SMTP_RCPT)
		snprintf(c->cmd, sizeof c->cmd, "RCPT TO:<%s>", c->o->to[c->rcpt_i]);
	else
		snprintf(c->cmd, sizeof c->cmd, "DATA");
	state_set(c, s);
}

static void perform_rcpt(struct smtp *c)
{
	send_cmd(c, SMTP_RCPT, "RCPT TO:<%s>", c->o->to[c->rcpt_i]);
}

void perform_quit(struct smtp *c)
{
	c->res->t_quit = client_now_real();
	send_cmd(c, SMTP_QUIT, "QUIT");
	if (c->state == SMTP_QUIT)
		c->quit_sent = 1;
}

/* What a 530 (RFC 3207 / 4954: "must issue STARTTLS first", "authentication
 * required") asks for, as a hint. */
static const char *hint_530(const struct smtp *c, const struct smtp_reply *r)
{
	if (r->code != 530)
		return "";
	if (!c->res->tls.active)
		return c->o->tls.mode == CLIENT_TLS_NO
		       ? " (the server wants TLS first: drop --no-starttls)"
		       : " (the server wants TLS first: try --starttls, or --smtps on port 465)";
	if (!c->o->auth.user)
		return " (the server wants AUTH first: give --auth-user USER)";
	return "";
}

/* After a 4xx/5xx (or any unexpected reply): record the error, then say
 * QUIT politely, as swaks does, before closing. */
void reply_fail(struct smtp *c, const struct smtp_reply *r, int code, const char *what)
{
	char rs[400];
	reply_str(c, r, rs, sizeof rs);
	client_fail(c, code, "%s: %s%s", what, rs, hint_530(c, r));
	c->quitting = 1;
	perform_quit(c);
}

/* The dot-stuffed message, in blocks, each under the block timeout. */
static void perform_body(struct smtp *c)
{
	size_t n;
	const char *msg = c->msg ? c->msg : c->o->msg;
	size_t len = c->msg ? c->msg_len : c->o->msg_len;
	char *wire = smtp_dot_stuff(msg ? msg : "", len, &n);
	state_set(c, SMTP_POSTDATA);
	struct sent_rec *r = wire ? add_rec(c) : NULL;
	if (!r) {
		free(wire);
		client_fail(c, EX_INTERNAL, "out of memory preparing the message");
		return;
	}
	r->is_body = 1;
	if (c->o->transcript)
		tr_body(c, wire, n);
	enum io io = IO_OK;
	for (size_t i = 0; i < n && io == IO_OK; i += BLOCK_SIZE)
		io = client_write_all(c, wire + i, n - i < BLOCK_SIZE ? n - i : BLOCK_SIZE,
		                      c->o->to_s.block);
	r->end = c->res->bytes_out;
	free(wire);
	if (io != IO_OK)
		client_io_fail(c, io, c->o->to_s.block, "sending the message");
}

/* ---- judging replies ---------------------------------------------------- */

/* A reply whose lines carry different codes is never a success (RFC 5321
 * 4.2.1: every line of a reply carries the same code). */
static int reply_is(const struct smtp *c, const struct smtp_reply *r, int code)
{
	return r->code == code && !c->rr.other_code;
}

static int positive(const struct smtp *c, const struct smtp_reply *r)
{
	return r->code / 100 == 2 && !c->rr.other_code;
}

static void on_greeting(struct smtp *c, const struct smtp_reply *r)
{
	if (quit_at(c, QUIT_AFTER_CONNECT))
		return;                 /* whatever the greeting said */
	if (reply_is(c, r, 220)) {
		if (!quit_at(c, QUIT_AFTER_GREETING))
			perform_ehlo(c);
	} else {
		reply_fail(c, r, EX_GREETING, "greeting was not 220");
	}
}

/* AUTH when asked for, else MAIL (--quit-after ehlo/tls: QUIT before either). */
static void proceed(struct smtp *c)
{
	int q = c->o->quit_after;
	if (q >= QUIT_AFTER_EHLO && q <= QUIT_AFTER_TLS && quit_at(c, q))
		return;
	if (c->o->auth.user)
		perform_auth(c);
	else
		perform_mail(c);
}

static void starttls_note(struct smtp *c, const char *note)
{
	snprintf(c->res->starttls_note, sizeof c->res->starttls_note, "%s", note);
	tr_printf(c, TR_INFO, "%s", note);
}

/* After a 2xx to EHLO: STARTTLS as asked or offered (RFC 7435: used when
 * offered unless --no-starttls), else on. */
static void after_ehlo(struct smtp *c, const struct smtp_reply *r)
{
	enum client_tls_mode m = c->o->tls.mode;
	int offered = (c->res->caps.flags & SMTP_CAP_STARTTLS) != 0;
	if (c->res->tls.active) {
		proceed(c);
	} else if (m == CLIENT_TLS_STARTTLS && !offered) {
		reply_fail(c, r, EX_TLS, "--starttls: the server does not offer STARTTLS");
	} else if (offered && m != CLIENT_TLS_NO) {
		snprintf(c->res->starttls_note, sizeof c->res->starttls_note, "%s",
		         m == CLIENT_TLS_STARTTLS ? "STARTTLS required (--starttls)"
		                                  : "STARTTLS offered: used (opportunistic)");
		if (m != CLIENT_TLS_STARTTLS)
			tr_printf(c, TR_INFO, "%s", c->res->starttls_note);
		perform_starttls(c);
	} else {
		starttls_note(c, !offered ? "STARTTLS not offered: going on without TLS" :
		              "STARTTLS offered, not used (--no-starttls)");
		proceed(c);
	}
}

static void on_ehlo(struct smtp *c, const struct smtp_reply *r)
{
	char what[CMD_MAX + 32];
	if (positive(c, r)) {
		c->res->got_ehlo = 1;
		smtp_caps_parse(&c->res->caps, r->text, r->text_len);
		if (!c->res->tls.active && quit_at(c, QUIT_AFTER_EHLO))
			return;         /* before STARTTLS; inside TLS: perform_mail */
		after_ehlo(c, r);
	} else if (r->code / 100 == 5 && !c->rr.other_code) {
		/* RFC 5321 3.2: an old server may not know EHLO; try HELO. */
		c->res->used_helo = 1;
		perform_helo(c);
	} else {
		snprintf(what, sizeof what, "%s rejected", c->cmd);
		reply_fail(c, r, EX_HELO, what);
	}
}

/* 220: bytes the server sent after it are not replies (CVE-2011-0411):
 * discarded and reported; then TLS, and EHLO again (RFC 3207 4.2). */
static void on_starttls(struct smtp *c, const struct smtp_reply *r)
{
	if (reply_is(c, r, 220)) {
		char peek[256];
		size_t n = client_drain(c, peek, sizeof peek);
		c->res->tls.discarded = n;
		if (n)
			tr_printf(c, TR_FAIL, "discarded %zu bytes the server sent after its 220 to "
			          "STARTTLS, before TLS (an injection attempt or a broken server): "
			          "\"%s\"", n, peek);
		if (client_tls_start(c) == 0) {
			c->res->got_ehlo = 0;
			memset(&c->res->caps, 0, sizeof c->res->caps);
			perform_ehlo(c);
		}
	} else if (c->o->tls.mode == CLIENT_TLS_STARTTLS) {
		reply_fail(c, r, EX_TLS, "STARTTLS rejected");
	} else {
		starttls_note(c, "STARTTLS refused: going on without TLS");
		proceed(c);
	}
}

static void on_helo(struct smtp *c, const struct smtp_reply *r)
{
	char what[CMD_MAX + 32];
	if (positive(c, r)) {
		proceed(c);
	} else {
		snprintf(what, sizeof what, "EHLO and %s rejected", c->cmd);
		reply_fail(c, r, EX_HELO, what);
	}
}

static void on_mail(struct smtp *c, const struct smtp_reply *r)
{
	char what[CMD_MAX + 32];
	snprintf(what, sizeof what, "%s rejected", c->cmd);
	c->rcpt_i = 0;
	if (c->pipelined) {             /* the RCPT and DATA replies follow anyway */
		if (!positive(c, r)) {
			char rs[400];
			reply_str(c, r, rs, sizeof rs);
			client_fail(c, EX_MAIL, "%s: %s", what, rs);
		}
		pipe_next(c, SMTP_RCPT);
	} else if (positive(c, r)) {
		if (!quit_at(c, QUIT_AFTER_MAIL))
			perform_rcpt(c);
	} else {
		reply_fail(c, r, EX_MAIL, what);
	}
}

static void rcpt_refused(struct smtp *c, const struct smtp_reply *r)
{
	if (c->res->rcpt_rejected++ == 0) {
		char rs[200];
		reply_str(c, r, rs, sizeof rs);
		snprintf(c->rcpt_err, sizeof c->rcpt_err, "%.80s rejected: %s", c->cmd, rs);
	}
}

static void no_rcpt(struct smtp *c)
{
	if (c->o->nto == 1)
		client_fail(c, EX_RCPT, "%s", c->rcpt_err);
	else
		client_fail(c, EX_RCPT, "%d of %d recipients rejected: %s",
		            c->res->rcpt_rejected, c->o->nto, c->rcpt_err);
}

/* A rejected recipient does not end the dialogue while others may be
 * accepted (RFC 5321 3.3); the mail goes to those that were. */
static void on_rcpt(struct smtp *c, const struct smtp_reply *r)
{
	struct client_result *res = c->res;
	if (positive(c, r)) {
		res->rcpt_accepted++;
	} else {
		rcpt_refused(c, r);
		if (r->code == 421 || c->rr.other_code == 421) {   /* the server is closing */
			reply_fail(c, r, EX_RCPT, "server closing during RCPT TO");
			return;
		}
	}
	if (++c->rcpt_i < c->o->nto) {
		if (c->pipelined)
			pipe_next(c, SMTP_RCPT);
		else
			perform_rcpt(c);
	} else if (c->pipelined) {
		pipe_next(c, SMTP_DATA);
	} else if (res->rcpt_accepted > 0) {
		if (!quit_at(c, QUIT_AFTER_RCPT))
			perform_data(c);
	} else {
		no_rcpt(c);
		c->quitting = 1;
		perform_quit(c);
	}
}

/* The end of a pipelined group whose MAIL or every RCPT failed: the
 * server should refuse DATA (RFC 2920 3.1); a 354 leaves no clean way on. */
static void pipe_failed_data(struct smtp *c, const struct smtp_reply *r)
{
	if (reply_is(c, r, 354)) {
		client_fail(c, EX_PROTOCOL, "354 to a pipelined DATA with no recipient accepted");
		return;
	}
	if (!c->res->exit_code)
		no_rcpt(c);
	c->quitting = 1;
	perform_quit(c);
}

static void on_data(struct smtp *c, const struct smtp_reply *r)
{
	int failed = c->pipelined && (c->res->exit_code || c->res->rcpt_accepted == 0);
	c->pipelined = c->pipelining = 0;
	if (failed)
		pipe_failed_data(c, r);
	else if (reply_is(c, r, 354))
		perform_body(c);
	else
		reply_fail(c, r, EX_DATA, "DATA rejected");
}

static void on_postdata(struct smtp *c, const struct smtp_reply *r)
{
	if (positive(c, r))
		perform_quit(c);
	else
		reply_fail(c, r, EX_MESSAGE, "message rejected after end of data");
}

static void on_quit(struct smtp *c, const struct smtp_reply *r)
{
	if (!reply_is(c, r, 221) && !c->quitting)
		tr_printf(c, TR_INFO, "QUIT answered with %d, not 221", r->code);
	state_set(c, SMTP_STOP);
}

/* ---- the state table ------------------------------------------------------ */

#define T(f) offsetof(struct client_timeouts, f)

static const struct state_info states[SMTP_LAST] = {
	[SMTP_STOP] = { "STOP", STAGE_DONE, T(other), EX_INTERNAL, "", NULL },
	[SMTP_CONNECT] = { "CONNECT", STAGE_CONNECT, T(connect), EX_CONNECT,
	                   "the connection", NULL },
	[SMTP_GREETING] = { "GREETING", STAGE_GREETING, T(greeting), EX_GREETING,
	                    "the greeting", on_greeting },
	[SMTP_EHLO] = { "EHLO", STAGE_EHLO, T(other), EX_HELO, "the reply to EHLO", on_ehlo },
	[SMTP_HELO] = { "HELO", STAGE_HELO, T(other), EX_HELO, "the reply to HELO", on_helo },
	[SMTP_MAIL] = { "MAIL", STAGE_MAIL, T(mail), EX_MAIL, "the reply to MAIL FROM", on_mail },
	[SMTP_RCPT] = { "RCPT", STAGE_RCPT, T(rcpt), EX_RCPT, "the reply to RCPT TO", on_rcpt },
	[SMTP_DATA] = { "DATA", STAGE_DATA, T(data), EX_DATA, "the reply to DATA", on_data },
	[SMTP_POSTDATA] = { "POSTDATA", STAGE_BODY, T(final), EX_MESSAGE,
	                    "the reply to the end of data", on_postdata },
	[SMTP_QUIT] = { "QUIT", STAGE_QUIT, T(other), EX_LOST, "the reply to QUIT", on_quit },
	[SMTP_STARTTLS] = { "STARTTLS", STAGE_TLS, T(other), EX_TLS, "the reply to STARTTLS",
	                    on_starttls },
	[SMTP_TLS] = { "TLS", STAGE_TLS, T(other), EX_TLS, "the TLS handshake", NULL },
	[SMTP_AUTH] = { "AUTH", STAGE_AUTH, T(other), EX_AUTH, "the reply to AUTH", on_auth },
};

const struct state_info *state_info(enum smtp_state s)
{
	return &states[s < SMTP_LAST ? s : SMTP_STOP];
}
