/* msg.h - building the RFC 5322 message the client sends. Pure functions. */
#ifndef SMTPTRACE_MSG_H
#define SMTPTRACE_MSG_H

#include <stddef.h>
#include <time.h>

struct mime_opts;

struct msg_opts {
	const char *from;          /* envelope and header From (address only) */
	const char *const *to;     /* recipients */
	int nto;
	const char *subject;       /* may be NULL: no Subject header */
	const char *body;          /* raw body bytes, any line endings */
	size_t body_len;
	const char *helo;          /* used for the Message-ID's right-hand side when from has no domain */
	time_t date;               /* Date header value (tests fix it); 0 = now */
	const char *message_id;    /* NULL = generated "<time.pid.rand@domain>" */
	/* If the body already starts with a header block (a line "Name: value"
	 * followed eventually by an empty line) and `raw` is set, send it as is:
	 * headers the user gave are not duplicated. */
	int raw;
	/* MIME parts (--attach, --html-file, --inline): when set, the headers
	 * above are followed by mime_write()'s entity, built from mime->text
	 * (the body) and the files; `raw` is ignored. */
	const struct mime_opts *mime;
};

/* 0 when `s` holds no CR or LF (and no NUL before its end); else -1. */
int msg_header_value_ok(const char *s);

/* Build headers (Date, From, To, Subject, Message-ID, MIME-Version,
 * Content-Type text/plain; charset=utf-8) + empty line + body, with CRLF line
 * endings throughout.  Not dot-stuffed.  Returns a malloc'd buffer and its
 * length, or NULL with a one-line reason in err (e.g. "--to: address
 * contains a line break"). */
char *msg_build(const struct msg_opts *o, size_t *out_len, char *err, size_t errlen);
/* Does the body begin with its own header block (a From or Subject field)?
 * Then it is sent as written, only Date and Message-ID added. */
int msg_has_headers(const char *body, size_t len);

#endif
