/* exitcodes.h - the process's exit codes and the stages of a send, shared
 * by every command (docs/exit-codes.md).  Included by the analysis side
 * too, which must not include the client. */
#ifndef SMTPTRACE_EXITCODES_H
#define SMTPTRACE_EXITCODES_H

/* Stages, for error messages and exit codes (docs/exit-codes.md). */
enum smtp_stage {
	STAGE_RESOLVE, STAGE_CONNECT, STAGE_GREETING, STAGE_EHLO, STAGE_HELO,
	STAGE_MAIL, STAGE_RCPT, STAGE_DATA, STAGE_BODY, STAGE_QUIT, STAGE_DONE,
	STAGE_TLS,              /* STARTTLS or the TLS handshake */
	STAGE_AUTH,             /* AUTH (RFC 4954) */
};
const char *smtp_stage_name(enum smtp_stage s);   /* "greeting", "EHLO", "end of data", ... */

/* Exit codes, documented in docs/exit-codes.md. */
enum {
	EX_OK_ = 0,
	EX_USAGE_ = 2,          /* bad option or argument */
	EX_RESOLVE = 3,         /* server name not found */
	EX_CONNECT = 4,         /* connection refused / unreachable */
	EX_TIMEOUT = 5,         /* a stage timed out */
	EX_LOST = 6,            /* server closed or reset the connection mid-dialogue */
	EX_CAPTURE = 7,         /* capture could not start (privileges, interface) */
	EX_INPUT = 8,           /* analyze: file unreadable or not a capture */
	EX_CUT = 9,             /* analyze: capture cut short; what was read is shown */
	EX_GREETING = 10,       /* greeting not 220 */
	EX_HELO = 11,           /* EHLO and HELO rejected */
	EX_MAIL = 12,           /* MAIL FROM rejected */
	EX_RCPT = 13,           /* a recipient rejected (mail still sent to the accepted ones) */
	EX_DATA = 14,           /* DATA rejected */
	EX_MESSAGE = 15,        /* message rejected after end of data */
	EX_PROTOCOL = 16,       /* the server broke the protocol: data not asked for, reply too long */
	EX_TLS = 17,            /* TLS required but not offered or refused; the handshake failed */
	EX_TLS_VERIFY = 18,     /* TLS required and the certificate did not verify */
	EX_AUTH = 19,           /* AUTH failed, not offered, or refused over plaintext */
	EX_EXTENSION = 20,      /* the mail needs what the server lacks: SMTPUTF8, PIPELINING
	                           (--pipeline), a SIZE limit the message fits in */
	EX_INTERNAL = 70,       /* out of memory and the like */
	EX_INTERRUPTED = 130,   /* Ctrl-C / SIGTERM: what was captured is still saved and shown */
};

#endif
