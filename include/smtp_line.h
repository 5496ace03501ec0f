/* smtp_line.h - the line and reply layer shared by the client and the
 * dissector (in the manner of curl's pingpong.c): split a byte stream on LF,
 * keep the leftover bytes of a partial line, parse reply lines (a bare "250"
 * is a whole reply line), assemble multi-line replies, dot-stuff/unstuff.
 * All functions are pure or operate only on the state passed in. */
#ifndef SMTPTRACE_SMTP_LINE_H
#define SMTPTRACE_SMTP_LINE_H

#include <stddef.h>
#include <stdint.h>

/* ---- line assembler ------------------------------------------------- */

struct line_asm {
	char *buf;          /* bytes of the current partial line (at most `limit`) */
	size_t len, cap;
	size_t limit;       /* longest line kept; the rest of a longer line is counted, not kept */
	size_t dropped;     /* bytes of the current line beyond `limit` */
	uint64_t off;       /* stream offset of the first byte of the current line */
};

/* Called once per complete line.  `line` excludes the terminating LF and a CR
 * right before it; `len` is what was kept (<= limit).  [off_start, off_end)
 * is the line's byte range in the stream, LF included.  `overlong` is the
 * number of bytes dropped past the limit.  Return 0 to go on, nonzero to make
 * line_asm_feed() return right after this line (the caller switches mode). */
typedef int (*line_cb)(void *ctx, const char *line, size_t len,
                       uint64_t off_start, uint64_t off_end, size_t overlong);

void line_asm_init(struct line_asm *la, size_t limit, uint64_t start_off);
void line_asm_free(struct line_asm *la);
/* Feed n bytes.  Returns the number of bytes consumed: n, or fewer when a
 * callback returned nonzero (the bytes after that line are not consumed). */
size_t line_asm_feed(struct line_asm *la, const uint8_t *data, size_t n,
                     line_cb cb, void *ctx);
/* A line the callback got ended with LF alone, no CR before it (RFC 5321
 * 2.3.8 wants CRLF): its byte range is its content plus the LF. */
int line_bare_lf(size_t len, size_t overlong, uint64_t off_start, uint64_t off_end);
/* Bytes of a partial line waiting for its LF (0 if none). */
size_t line_asm_pending(const struct line_asm *la);
/* Forget the partial line and restart at stream offset `off` (after a gap). */
void line_asm_reset(struct line_asm *la, uint64_t off);

/* ---- replies ----------------------------------------------------------- */

struct reply_line {
	int code;           /* 100..599 */
	int more;           /* 1 for "250-", 0 for "250 " or a bare "250" */
	const char *text;   /* after the separator (points into the line) */
	size_t text_len;
};

/* Parse one reply line (without CRLF).  Returns 1 and fills *out when the line
 * starts with three digits 2..5/0..9/0..9 followed by '-', ' ', or the end of
 * the line; else 0. */
int smtp_parse_reply_line(const char *line, size_t len, struct reply_line *out);

struct smtp_reply {
	int code;
	int nlines;
	char *text;         /* the lines' texts joined with '\n' (NUL-terminated), capped */
	size_t text_len;
	int inconsistent;   /* continuation lines carried a different code */
};

struct reply_asm {
	struct smtp_reply r;
	size_t text_cap;
	size_t text_limit;  /* longest text kept */
	int active;         /* a multi-line reply is open */
};

void reply_asm_init(struct reply_asm *ra, size_t text_limit);
void reply_asm_free(struct reply_asm *ra);
/* Feed one line.  Returns 1 when the line completes a reply (valid in
 * ra->r until the next call), 0 when the reply continues, -1 when the line is
 * not a reply line (ra is reset). */
int reply_asm_line(struct reply_asm *ra, const char *line, size_t len);

/* "Service ready", "Requested action okay, completed", ... ; a class meaning
 * ("positive completion") for unknown codes; never NULL. */
const char *smtp_code_meaning(int code);

/* ---- commands ---------------------------------------------------------- */

/* Copy the command verb (first word, upper-cased, at most 15 chars) into
 * verb[16]; returns its length, 0 if the line is empty or starts with a space. */
size_t smtp_command_verb(const char *line, size_t len, char verb[16]);

/* ---- EHLO extensions (RFC 5321 4.1.1.1 and the extensions' RFCs) ------- */

enum smtp_cap {
	SMTP_CAP_PIPELINING = 1u << 0,  /* RFC 2920 */
	SMTP_CAP_SIZE = 1u << 1,        /* RFC 1870 */
	SMTP_CAP_8BITMIME = 1u << 2,    /* RFC 6152 */
	SMTP_CAP_SMTPUTF8 = 1u << 3,    /* RFC 6531 */
	SMTP_CAP_STARTTLS = 1u << 4,    /* RFC 3207 */
	SMTP_CAP_AUTH = 1u << 5,        /* RFC 4954 */
	SMTP_CAP_CHUNKING = 1u << 6,    /* RFC 3030 */
	SMTP_CAP_DSN = 1u << 7,         /* RFC 3461 */
	SMTP_CAP_ENHANCEDSTATUSCODES = 1u << 8, /* RFC 2034 */
};

struct smtp_caps {
	unsigned flags;         /* SMTP_CAP_* */
	uint64_t size;          /* SIZE's number (0: none given, or no limit) */
	char auth[128];         /* AUTH mechanisms, upper-case, space-separated */
};

/* Parse the text of an EHLO reply (lines joined by '\n', as struct
 * smtp_reply holds it; the first line is the server's name) into *caps.
 * Unknown keywords are ignored; so are malformed SIZE numbers and mechanism
 * names that are not [A-Z0-9_-] (RFC 4954 4). */
void smtp_caps_parse(struct smtp_caps *caps, const char *text, size_t len);
/* "PIPELINING SIZE=10240000 8BITMIME STARTTLS AUTH=PLAIN,LOGIN"; returns
 * the length written (NUL-terminated, cut at cap). */
size_t smtp_caps_format(const struct smtp_caps *caps, char *buf, size_t cap);

/* An extension line ("SIZE 10240000", "AUTH=LOGIN") split into its keyword
 * (line[0..*kwlen)) and its parameters (*params, *plen; trailing spaces
 * and CR dropped). */
void smtp_ext_split(const char *line, size_t n, size_t *kwlen, const char **params,
                    size_t *plen);
/* What an extension line offers, for people, into buf: "commands may be
 * sent in groups (RFC 2920)", "largest message accepted: 10,240,000 bytes
 * (RFC 1870)", "(not known to smtptrace)".  Returns buf. */
const char *smtp_ext_meaning(const char *line, size_t n, char *buf, size_t cap);

/* ---- dot-stuffing (RFC 5321 4.5.2) ------------------------------------- */

/* Wire form of a message: every line ending made CRLF (bare LF and bare CR
 * alike), a '.' at the start of a line doubled, a final CRLF added when
 * missing, then ".\r\n".  Returns a malloc'd buffer (length in *out_len), or
 * NULL on allocation failure. */
char *smtp_dot_stuff(const char *in, size_t n, size_t *out_len);

/* One body line as received (without CRLF): returns 1 if it is the
 * end-of-data line ".", else 0 and sets *out and *out_len to the unstuffed line
 * (a leading '.' removed). */
int smtp_dot_unstuff_line(const char *line, size_t len,
                          const char **out, size_t *out_len);

#endif
