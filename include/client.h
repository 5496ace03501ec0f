/* client.h - our SMTP client: a state machine over a transport (transport.h:
 * a plain socket, client-io.c, or TLS, client-tls.c) in curl's smtp_state
 * style: one state table, one setter that traces transitions, one function
 * per command sent and per reply judged; a strict reply reader
 * (client-reply.h); STARTTLS and implicit TLS (client_tls_opts). */
#ifndef SMTPTRACE_CLIENT_H
#define SMTPTRACE_CLIENT_H

#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include "exitcodes.h"
#include "sendrec.h"
#include "smtp_line.h"

struct transport;

struct client_timeouts {        /* seconds; RFC 5321 4.5.3.2 defaults */
	double connect;         /* 30 (not in the RFC; curl's default is 300, swaks 30) */
	double greeting;        /* 300 (5 min) */
	double mail;            /* 300 */
	double rcpt;            /* 300 */
	double data;            /* 120 (DATA initiation, 2 min) */
	double block;           /* 180 (data block, 3 min) */
	double final;           /* 600 (DATA termination, 10 min) */
	double other;           /* 300: EHLO/HELO/QUIT */
};
void client_default_timeouts(struct client_timeouts *t);
void client_set_all_timeouts(struct client_timeouts *t, double seconds);  /* --timeout */

enum client_tls_mode {
	CLIENT_TLS_AUTO = 0,    /* implicit TLS when the port is 465, else as MAY */
	CLIENT_TLS_NO,          /* --no-starttls: plaintext even when STARTTLS is offered */
	CLIENT_TLS_MAY,         /* STARTTLS when offered (RFC 7435 opportunistic): an
	                           unverified certificate is reported, not fatal */
	CLIENT_TLS_STARTTLS,    /* --starttls: required, certificate verified */
	CLIENT_TLS_SMTPS,       /* --smtps: TLS from the first byte (RFC 8314) */
};

struct client_tls_opts {
	enum client_tls_mode mode;
	const char *name;       /* --tls-name: name checked and sent as SNI (default:
	                           client_opts.server_name, else the address) */
	const char *cafile;     /* --cafile; NULL: the system's CA store */
	int insecure;           /* --insecure: go on when the certificate does not verify */
	FILE *keylog;           /* NSS key log lines appended here too (NULL: none) */
};

/* AUTH (RFC 4954, client-auth.c): asked for when user is set. */
struct client_auth_opts {
	const char *mech;       /* --auth MECH; NULL: the first of PLAIN, LOGIN,
	                           CRAM-MD5, XOAUTH2 that the server offers */
	const char *user;       /* --auth-user; NULL: no AUTH */
	const char *secret;     /* the password (or, for XOAUTH2, the token) */
	int allow_plaintext;    /* --allow-plaintext-auth: AUTH without TLS */
};

/* --quit-after: where the dialogue stops and QUITs (as swaks' --quit-after). */
enum client_quit_after {
	QUIT_AFTER_NONE, QUIT_AFTER_CONNECT, QUIT_AFTER_GREETING, QUIT_AFTER_EHLO,
	QUIT_AFTER_TLS, QUIT_AFTER_AUTH, QUIT_AFTER_MAIL, QUIT_AFTER_RCPT, QUIT_AFTER_DATA,
};
/* "rcpt" -> QUIT_AFTER_RCPT; -1 when unknown. */
int client_quit_after_parse(const char *s);
const char *client_quit_after_name(int q);

struct client_opts {
	const char *helo;              /* EHLO/HELO argument */
	const char *from;
	const char *const *to;
	int nto;
	const char *msg;               /* built message (CRLF, not stuffed) */
	size_t msg_len;
	const char *msg8;              /* the same with 8bit parts: sent, with BODY=8BITMIME,
	                                  when the server offers 8BITMIME (NULL: none) */
	size_t msg8_len;
	int pipeline;                  /* --pipeline: MAIL, RCPTs, DATA in one write (RFC 2920) */
	int quit_after;                /* enum client_quit_after */
	struct client_timeouts to_s;
	FILE *transcript;              /* swaks style " -> " / "<-  "; NULL = quiet */
	int color;                     /* colour the transcript */
	volatile sig_atomic_t *interrupted; /* set by a signal handler that shut the socket */
	const char *server_name;       /* the host as the user gave it (for TLS); may be NULL */
	struct client_tls_opts tls;
	struct client_auth_opts auth;
};

struct client_tls_info {
	int active;                    /* the dialogue went on inside TLS */
	int implicit;                  /* TLS from the first byte (SMTPS) */
	char version[16];              /* "TLSv1.3" */
	char cipher[64];               /* "TLS_AES_256_GCM_SHA384" */
	char subject[256], issuer[256];/* the server certificate's, RFC 2253 */
	char expires[32];              /* "2027-01-31 12:00:00 UTC" */
	int verified;                  /* chain and name verified */
	char verify_error[128];        /* why not ("" when verified) */
	char name[256];                /* the name checked */
	char warning[200];             /* "encrypted, server NOT authenticated: ..." when the
	                                  dialogue went on unverified (opportunistic or
	                                  --insecure), else "" */
	uint64_t discarded;            /* bytes after the STARTTLS 220, before the handshake */
	char *keylog;                  /* the session's NSS key log lines (malloc'd) */
	size_t keylog_len;
};

struct client_result {
	int exit_code;                 /* EX_* */
	enum smtp_stage stage;         /* where it stopped (STAGE_DONE on success) */
	char error[512];               /* one line, empty on success */
	int last_code;                 /* last reply code received */
	int rcpt_accepted, rcpt_rejected;
	int used_helo;                 /* EHLO was refused, HELO used */
	struct sent_rec *sent;         /* malloc'd, in stream order */
	size_t nsent;
	uint64_t bytes_out, bytes_in;
	double t_connected, t_quit;    /* CLOCK_REALTIME seconds: connect done, QUIT sent */
	int got_ehlo;                  /* the server answered EHLO with 2xx: caps is valid */
	struct smtp_caps caps;         /* the extensions that EHLO reply announced (after
	                                  STARTTLS: only those of the EHLO inside TLS) */
	struct client_tls_info tls;
	char starttls_note[80];        /* what was done about STARTTLS, as the transcript
	                                  said ("STARTTLS offered, not used (--no-starttls)") */
	int auth_sent;                 /* credentials were sent (whatever the outcome) */
	int auth_ok;                   /* 235: authenticated */
	char auth_mech[16];            /* the mechanism used ("" none) */
};

/* Connect `fd` (already created and bound) to `sa` within the connect
 * timeout, then run the dialogue.  Fills *res; returns res->exit_code.
 * The socket is shut down and closed when this returns (the client waits
 * for the server's FIN after QUIT, up to 2 s, so the close is captured).
 * sa == NULL: `fd` is already connected (tests use a socketpair).
 * With TLS the caller must ignore SIGPIPE (OpenSSL writes with write(2)). */
int client_run(int fd, const struct sockaddr *sa, socklen_t salen,
               const struct client_opts *o, struct client_result *res);
void client_result_free(struct client_result *res);

/* The same dialogue over a transport that is already connected (tests, the
 * fuzzer's in-memory server).  The transport is closed when this returns. */
int client_run_on(struct transport *t, const struct client_opts *o,
                  struct client_result *res);

/* Open (create 0600, append, no symlink followed) a key log file for
 * client_tls_opts.keylog; NULL with the reason in err. */
FILE *client_keylog_open(const char *path, char *err, size_t errlen);

/* RFC 5321 4.5.3.1 limits and line breaks, checked before connecting:
 * local-part 64 octets, domain 255, path 256 (with the angle brackets),
 * command line 512 (with CRLF); --from, each --to and --helo.  Returns 0, or
 * EX_USAGE_ with a one-line reason in err ("--to: ..."). */
int client_check_args(const struct client_opts *o, char *err, size_t errlen);

#endif
