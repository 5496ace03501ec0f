/* client-int.h - what the client's files (client*.c) share; nothing else
 * includes it.  client.c runs the dialogue and owns the I/O over the
 * transport, client-cmd.c holds the state table with one function per
 * command sent and per reply judged, client-tr.c the transcript,
 * client-args.c the checks before connecting, client-tls.c the TLS
 * transport. */
#ifndef SMTPTRACE_CLIENT_INT_H
#define SMTPTRACE_CLIENT_INT_H

#include "client.h"
#include "client-reply.h"
#include "transport.h"

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
	SMTP_STARTTLS,  /* waiting for the reply to STARTTLS */
	SMTP_TLS,       /* the TLS handshake */
	SMTP_AUTH,      /* waiting for a reply to AUTH or to a response (334/235) */
	SMTP_LAST
};

struct smtp;
typedef void (*judge_fn)(struct smtp *, const struct smtp_reply *);

/* One row per state: everything the client knows about it. */
struct state_info {
	const char *name;       /* for the SMTPTRACE_DEBUG trace */
	enum smtp_stage stage;  /* reported where the dialogue stopped */
	size_t timeout;         /* offsetof(struct client_timeouts, ...) */
	int exit_code;          /* a malformed reply in this state */
	const char *what;       /* "the reply to EHLO": what we wait for */
	judge_fn judge;         /* judges the reply that completes the state */
};
const struct state_info *state_info(enum smtp_state s);

enum io { IO_OK, IO_TIMEOUT, IO_CLOSED, IO_ERROR, IO_BAD };

#define CMD_MAX 512             /* RFC 5321 4.5.3.1.4: command line with CRLF */

struct smtp {
	struct transport *tp;
	const struct client_opts *o;
	struct client_result *res;
	enum smtp_state state;
	int debug;
	char peer[64];              /* "HOST:PORT" */
	char host[56];
	unsigned port;              /* the server's port (0: unknown) */
	struct reply_reader rr;
	int pipelining;             /* replies may be queued behind the one read */
	int eof;                    /* the server closed its direction */
	int err;                    /* errno of the last I/O failure */
	size_t rec_cap;
	char cmd[CMD_MAX + 1];      /* last command line sent, for messages */
	int rcpt_i;
	char rcpt_err[300];         /* the first recipient rejection */
	int quitting;               /* QUIT sent after an error: ignore its fate */
	const char *msg;            /* the message variant chosen at MAIL (8bit or not) */
	size_t msg_len;
	int pipelined;              /* MAIL, RCPTs, DATA went in one write: judges only read */
	size_t pipe_rec;            /* the sent record the next reply of the group answers */
	int pipe_left;              /* replies of the group still to come */
	int quit_sent;
	const char *auth_mech;      /* the AUTH mechanism under way (client-auth.c) */
	int auth_step;              /* responses sent after the AUTH line */
};

/* client.c */
void state_set(struct smtp *c, enum smtp_state s);
void client_fail(struct smtp *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void client_io_fail(struct smtp *c, enum io io, double timeout, const char *doing);
double state_timeout(const struct smtp *c);
enum io client_write_all(struct smtp *c, const char *p, size_t n, double timeout);
double client_now_real(void);
double client_mono(void);
/* 1 when the transport is ready for `ev`, 0 at the deadline, -1 (c->err). */
int client_wait(struct smtp *c, short ev, double deadline);
/* Read what has arrived and forget every byte buffered; returns how many,
 * the first of them (terminal-safe) in peek. */
size_t client_drain(struct smtp *c, char *peek, size_t cap);

/* client-tls.c: TLS over the connection (STARTTLS or implicit); 0, or -1
 * after client_fail() (EX_TLS, EX_TLS_VERIFY). */
int client_tls_start(struct smtp *c);

/* client-cmd.c */
void perform_ehlo(struct smtp *c);
void perform_mail(struct smtp *c);
void perform_quit(struct smtp *c);
/* After a refusal: record the error (with a hint for 530), then QUIT. */
void reply_fail(struct smtp *c, const struct smtp_reply *r, int code, const char *what);
/* Send an AUTH line (the command or a response) that carries credentials:
 * written as `line` (n bytes, no CRLF), shown in the transcript and in
 * messages as `shown`, recorded with verb "AUTH" and marked secret; then
 * wait in SMTP_AUTH.  `line` has 2 spare bytes for the CRLF. */
void send_auth_line(struct smtp *c, char *line, size_t n, const char *shown);

/* client-auth.c: AUTH (RFC 4954) after the EHLO (inside TLS unless
 * --allow-plaintext-auth), then MAIL; on_auth judges each reply. */
void perform_auth(struct smtp *c);
void on_auth(struct smtp *c, const struct smtp_reply *r);

/* client-tr.c: the transcript, in swaks' conventions */
enum tr_kind { TR_INFO, TR_SENT, TR_RECV, TR_ERR, TR_FAIL };
void tr_line(struct smtp *c, enum tr_kind k, const char *p, size_t n);
void tr_printf(struct smtp *c, enum tr_kind k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tr_body(struct smtp *c, const char *p, size_t n);
void tr_reply_line(void *ctx, const char *line, size_t len, int code);
/* "550 5.1.1 user unknown" (lines joined by spaces; "250/550 ... (mixed
 * reply codes)" for a reply whose lines disagree), terminal-safe. */
void reply_str(const struct smtp *c, const struct smtp_reply *r, char *buf, size_t len);

#endif
