/* send-int.h - what the pieces of `smtptrace send` share: cmd-send.c runs
 * the steps, send-input.c turns the options into a message, capfile.c
 * creates the capture file.  Internal to send. */
#ifndef SMTPTRACE_SEND_INT_H
#define SMTPTRACE_SEND_INT_H

#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <signal.h>
#include "capture.h"
#include "client.h"
#include "dns.h"
#include "netroute.h"
#include "smtptrace.h"

/* The message and where it goes, from the options (no network yet). */
struct send_input {
	char host[256], port[16];      /* --server split; without it the
	                                  recipients' domain (or address literal) */
	int by_mx;                     /* host is a mail domain: look up its MX */
	char helo_buf[256];            /* this host's name when --helo is absent */
	char *msg;                     /* the built message (CRLF), owned */
	size_t msg_len;
	char *msg8;                    /* its 8bit variant (MIME only; NULL: none), owned */
	size_t msg8_len;
};

/* Split --server, check --helo (defaulting it to this host's name), read
 * the body and build the message.  0 or an exit code (the error printed). */
int send_input_load(struct send_args *a, struct send_input *in);
void send_input_free(struct send_input *in);
/* telnet: only the -Z user and HOST[:PORT] (no message).  0 or 2. */
int send_input_server(const struct send_args *a, struct send_input *in);

/* Read a whole stream (NUL-terminated too); NULL on a read error. */
char *send_read_all(FILE *f, size_t *len);

/* send-mime.c: whether --attach/--html-file/--inline ask for MIME; then
 * read the files and build in->msg (and in->msg8) from mo and them.  0 or
 * an exit code (the error printed). */
struct msg_opts;
int send_mime_wanted(const struct send_args *a);
int send_mime_build(const struct send_args *a, struct msg_opts *mo, struct send_input *in);

/* Create the capture file: -w FILE, or captures/smtptrace-DATE-TIME-HOST.pcapng
 * (the captures/ directory is created or checked: a real directory, ours,
 * not writable by group or others).  0600 whatever the umask, no symlink
 * followed; owned by t's user when t->chown_files (sudo, -Z).  The path goes to
 * path.  NULL with the reason in err. */
/* send-secret.c: the AUTH secret (--auth-password-file, $SMTPTRACE_PASSWORD,
 * else a prompt without echo on the terminal); NULL with the reason
 * in err.  send_secret_free() wipes it. */
char *send_secret_load(const struct send_args *a, char *err, size_t errlen);
void send_secret_free(char *s);

FILE *capfile_open(const struct send_args *a, const struct privs_target *t,
                   const char *host, char *path, size_t pathlen, char *err, size_t errlen);

/* One run of `send` or `telnet`: the steps before the dialogue
 * (send-steps.c) and after it (send-finish.c) are shared; the dialogue is
 * the command's own (cmd-send.c: the client; cmd-telnet.c: what is typed). */
struct send_run {
	struct send_args *a;
	struct send_input in;
	struct dns_target tg;          /* the addresses to try, in order */
	struct sockaddr_storage resolver;
	int late_dns;                  /* names are looked up once capturing */
	int wide;                      /* several addresses, or not known yet:
	                                  the capture takes SMTP to any host */
	struct route_info ri;
	int have_route;
	char nh[INET6_ADDRSTRLEN];     /* the next hop, printable ("" unknown) */
	int fd;
	struct sockaddr_storage local;
	struct sockaddr_storage local2;  /* wide: our address in the other family */
	unsigned conn_port;            /* our port on the connection made (0 unknown) */
	struct capture *cap;
	FILE *out;
	char path[PATH_MAX];
	int saved;                     /* the capture file is complete */
	char file_err[PATH_MAX + 128]; /* why it is not */
	int neigh_cached, fresh_arp;
	struct privs_target who;       /* whom to become once capturing */
	struct client_result res;
	char *secret;                  /* the AUTH password or token (wiped when freed) */
};

/* Set by the SIGINT/SIGTERM handler (run_catch_signals): the socket being
 * used (shut down on a signal), whether a signal came, whether the capture
 * or the dialogue runs (before that a signal exits at once). */
extern volatile sig_atomic_t run_fd, run_interrupted, run_started;

/* The steps; each returns 0 or an exit code (its message printed). */
void run_catch_signals(void);
FILE *run_transcript(const struct send_run *r);       /* NULL: quiet */
int run_plan_privileges(struct send_run *r);
int run_resolve(struct send_run *r);       /* or decide to look up once capturing */
int run_lookup(struct send_run *r, FILE *log, char *err, size_t errlen);
int run_find_route(struct send_run *r);
int run_make_socket(struct send_run *r);
int run_setup(struct send_run *r);         /* capture, privileges, thread */
/* The dialogue did not start (a lookup or every connect failed): r->res
 * says so, the transcript too.  Returns code. */
int run_not_started(struct send_run *r, int code, enum smtp_stage stage, const char *err);
/* The names looked up now if not yet (captured), then every address
 * tried in turn (the first on r->fd when it is already made and bound).
 * 0 with r->fd connected, else an exit code (r->res filled). */
int run_connect(struct send_run *r, double timeout, FILE *log);
/* After the dialogue: the capture saved, the exit code settled, the
 * timeline printed; the exit code. */
int run_finish(struct send_run *r);
void run_cleanup(struct send_run *r);
/* A whole command: the steps in order (each 0 or an exit code, its
 * message printed), then the dialogue, then run_finish; cleans up.  The
 * exit code. */
int run_command(struct send_run *r, struct send_args *a, int (*const *steps)(struct send_run *),
                size_t nsteps, int (*dialogue)(struct send_run *));

#endif
