/* smtptrace.h - the two commands, called from main.c. */
#ifndef SMTPTRACE_H
#define SMTPTRACE_H

#include "client.h"
#include "engine.h"

/* Run a saved capture through the engine; returns an exit code. */
int analyze_file(const char *path, const struct engine_opts *eo);

struct send_args {
	const char *server;            /* HOST[:PORT] */
	const char *from;
	const char *to[64];
	int nto;
	const char *subject;
	const char *body;              /* --body */
	const char *body_file;         /* --body-file; neither: stdin */
	const char *helo;
	double timeout;                /* 0: RFC 5321 defaults */
	const char *iface;             /* -i */
	int fresh_arp;
	const char *out_file;          /* -w */
	int no_capture;
	int quiet;
	const char *user;              /* -Z */
	struct client_tls_opts tls;    /* --starttls, --smtps, --cafile, ... */
	const char *keylog;            /* --keylog FILE or $SSLKEYLOGFILE */
	struct engine_opts eo;
};

int send_mail(struct send_args *a);

/* When root: become USER (-Z), else the user who ran sudo, else "nobody";
 * "root" stays root.  0, or -1 with a one-line reason in err. */
int drop_privileges(const char *user, char *err, size_t errlen);

#endif
