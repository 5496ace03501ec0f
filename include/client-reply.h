/* client-reply.h - the client's strict reply reader (OpenSMTPD's manner):
 * bytes in, one complete reply out at a time, with explicit outcomes for
 * malformed lines, over-long lines and replies over the documented bounds.
 * Pure: no I/O; the client reads from its transport into rr_space(), and the
 * fuzzer feeds it hostile bytes directly (tests/fuzz/fuzz_reply.c). */
#ifndef SMTPTRACE_CLIENT_REPLY_H
#define SMTPTRACE_CLIENT_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include "smtp_line.h"

#define RR_LINE_MAX    2048     /* longest reply line accepted (RFC 5321: 512 with CRLF) */
#define RR_REPLY_LINES 1000     /* most lines in one reply */
#define RR_REPLY_BYTES 65536    /* most bytes in one reply */
#define RR_TEXT_MAX    4096     /* reply text kept for messages */

enum rr_status {
	RR_NEED,        /* no complete reply in what was received: read more */
	RR_REPLY,       /* rr->ra.r holds a complete reply */
	RR_MALFORMED,   /* a line that is not a reply line (rr->bad) */
	RR_LONG_LINE,   /* a line longer than RR_LINE_MAX */
	RR_TOO_LONG,    /* a reply of more than RR_REPLY_LINES lines or RR_REPLY_BYTES */
};

/* Called for every complete line received (for the transcript); code is the
 * line's reply code, 0 if it is not a reply line. */
typedef void (*rr_line_fn)(void *ctx, const char *line, size_t len, int code);

struct reply_reader {
	struct line_asm la;
	struct reply_asm ra;
	uint8_t in[4096];           /* received, not yet split into lines */
	size_t in_pos, in_len;
	size_t lines, bytes;        /* of the reply being read */
	int other_code;             /* first continuation code unlike the first line's (0: none) */
	enum rr_status st;
	char bad[200];              /* the offending line, terminal-safe */
	rr_line_fn on_line;
	void *ctx;
};

void rr_init(struct reply_reader *rr, rr_line_fn fn, void *ctx);
void rr_free(struct reply_reader *rr);
/* Split what is buffered until a reply completes or an error shows.  After
 * RR_REPLY the next call starts the next reply; error statuses stick. */
enum rr_status rr_next(struct reply_reader *rr);
/* Where to put newly read bytes; *n gets the room (the whole buffer after
 * rr_next returned RR_NEED, which leaves the input empty; otherwise what is
 * left after the unread bytes). */
uint8_t *rr_space(struct reply_reader *rr, size_t *n);
void rr_filled(struct reply_reader *rr, size_t n);
/* Bytes received after the last complete reply (unsplit + partial line). */
size_t rr_buffered(const struct reply_reader *rr);
/* Forget those bytes (after a STARTTLS 220); returns how many there were. */
size_t rr_discard(struct reply_reader *rr);
/* The first buffered bytes (up to a line end, at most 60), terminal-safe. */
void rr_peek(const struct reply_reader *rr, char *out, size_t cap);

#endif
