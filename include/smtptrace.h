/* smtptrace.h - the two commands and what they share: the command line
 * (cli-opts.c), `analyze` (analyze.c), `send` (cmd-send.c and its
 * send-*.c helpers), privileges (privs.c). */
#ifndef SMTPTRACE_H
#define SMTPTRACE_H

#include <stddef.h>
#include <sys/types.h>
#include "client.h"
#include "engine.h"
#include "out.h"

#define SEND_MAX_RCPTS 64
#define SEND_MAX_FILES 32       /* --attach and --inline, each */

struct send_args {
	const char *server;            /* HOST[:PORT] */
	const char *from;
	const char *to[SEND_MAX_RCPTS];
	int nto;
	const char *subject;
	const char *body;              /* --body */
	const char *body_file;         /* --body-file; neither: stdin */
	const char *html_file;         /* --html-file */
	const char *attach[SEND_MAX_FILES];      /* --attach FILE */
	const char *attach_type[SEND_MAX_FILES]; /* --attach-type before it; NULL: libmagic */
	int nattach;
	const char *attach_type_next;  /* --attach-type waiting for its --attach */
	const char *inl[SEND_MAX_FILES];         /* --inline FILE */
	int ninl;
	int pipeline;                  /* --pipeline */
	int quit_after;                /* --quit-after: enum client_quit_after */
	const char *helo;
	double timeout;                /* 0: RFC 5321 defaults */
	const char *iface;             /* -i */
	int fresh_arp;
	const char *out_file;          /* -w */
	int no_capture;
	int quiet;
	const char *user;              /* -Z, --relinquish-privileges */
	struct client_tls_opts tls;    /* --starttls, --smtps, --cafile, ... */
	const char *keylog;            /* send: --keylog FILE or $SSLKEYLOGFILE (written);
	                                * analyze: --keylog FILE (read) */
	struct client_auth_opts auth;  /* --auth, --auth-user, --allow-plaintext-auth */
	const char *password_file;     /* --auth-password-file */
	int embed_secrets;             /* --embed-secrets: TLS secrets in the pcapng even after AUTH */
	struct engine_opts eo;
	struct out_opts oo;              /* how the result is written */
};

enum cli_command { CMD_NONE, CMD_SEND, CMD_ANALYZE, CMD_TELNET, CMD_ANNOTATE };

struct cli {
	enum cli_command cmd;
	const char *file;              /* analyze FILE */
	struct send_args a;
};

/* Parse the command line into *cl.  -1: go on and run cl->cmd; otherwise
 * the exit code (0 after --help / --version, 2 after a usage error, which
 * was printed). */
int cli_parse(int argc, char **argv, struct cli *cl);
/* The command line as given ("smtptrace send --server ..."), cut at 511 bytes. */
const char *cli_cmdline(void);

/* "smtptrace: " + the message + newline on stderr; returns code. */
__attribute__((format(printf, 2, 3)))
int st_fail(int code, const char *fmt, ...);

/* Run a saved capture through the engine; returns an exit code. */
/* keylog: --keylog FILE to read TLS secrets from (NULL: none). */
int analyze_file(const char *path, const char *keylog, const struct engine_opts *eo,
                 const struct out_opts *oo);

int send_mail(struct send_args *a);
/* `smtptrace telnet HOST[:PORT]`: a->server is the argument (cmd-telnet.c). */
int telnet_run(struct send_args *a);

/* `annotate FILE -w OUT`: FILE copied to pcapng with packet comments
 * (cmd-annotate.c); returns an exit code. */
int annotate_file(const char *path, const struct send_args *a);

/* Whom to become when root: USER (-Z), else the user who ran sudo
 * (SUDO_UID/SUDO_GID, validated), else "nobody" (or 65534 when there is
 * none); -Z root stays root.  0 with *t filled, -1 with a reason in err. */
struct privs_target {
	int change;                    /* 1: become uid/gid; 0: stay who we are */
	uid_t uid;
	gid_t gid;
	char name[64];                 /* "" when from sudo or no passwd entry */
	int from_sudo;
	int chown_files;               /* files we create go to uid/gid (sudo, -Z) */
};
int privs_target(const char *user, struct privs_target *t, char *err, size_t errlen);

/* Become t's user (when t->change), then clear CAP_NET_RAW and
 * CAP_NET_ADMIN (root or setcap) and set PR_SET_NO_NEW_PRIVS.  Call it
 * before starting any thread.  0, or -1 with a one-line reason in err. */
int privs_apply(const struct privs_target *t, char *err, size_t errlen);

/* privs_target() + privs_apply(). */
int drop_privileges(const char *user, char *err, size_t errlen);

#endif
