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
	char *msg8;                    /* its 8bit variant (MIME only; NULL: none), owned */
	size_t msg8_len;
};

/* Split --server, check --helo (defaulting it to this host's name), read
 * the body and build the message.  0 or an exit code (the error printed). */
int send_input_load(struct send_args *a, struct send_input *in);
void send_input_free(struct send_input *in);

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
FILE *capfile_open(const struct send_args *a, const struct privs_target *t,
                   const char *host, char *path, size_t pathlen, char *err, size_t errlen);

#endif
