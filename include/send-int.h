/* send-int.h - what the pieces of `smtptrace send` share: cmd-send.c runs
 * the steps, send-input.c turns the options into a message, capfile.c
 * creates the capture file.  Internal to send. */
#ifndef SMTPTRACE_SEND_INT_H
#define SMTPTRACE_SEND_INT_H

#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include "smtptrace.h"

/* The message and where it goes, from the options (no network yet). */
struct send_input {
	char host[256], port[16];      /* --server split */
	char helo_buf[256];            /* this host's name when --helo is absent */
	char *msg;                     /* the built message (CRLF), owned */
	size_t msg_len;
};

/* Split --server, check --helo (defaulting it to this host's name), read
 * the body and build the message.  0 or an exit code (the error printed). */
int send_input_load(struct send_args *a, struct send_input *in);
void send_input_free(struct send_input *in);

/* Create the capture file: -w FILE, or captures/smtptrace-DATE-TIME-HOST.pcapng
 * (the captures/ directory is created or checked: a real directory, ours,
 * not writable by group or others).  0600 whatever the umask, no symlink
 * followed; owned by t's user when t->chown_files (sudo, -Z).  The path goes to
 * path.  NULL with the reason in err. */
FILE *capfile_open(const struct send_args *a, const struct privs_target *t,
                   const char *host, char *path, size_t pathlen, char *err, size_t errlen);

/* send-secret.c: the AUTH secret (--auth-password-file, $SMTPTRACE_PASSWORD,
 * or asked on the terminal without echo): malloc'd, or NULL with the reason
 * in err.  send_secret_free() wipes it. */
char *send_secret_load(const struct send_args *a, char *err, size_t errlen);
void send_secret_free(char *s);

#endif
