/* mime.h - writing MIME messages (RFC 2045-2049, 2047, 2231, 2392) and
 * listing the parts of messages seen on the wire.  Pure functions: the
 * caller reads files and talks to the server; these only format bytes.
 *
 * Writer guarantees: CRLF line endings, no line over 998 octets (text that
 * would break that is quoted-printable; files are base64 in 76-column
 * lines), boundaries that occur in no identity-encoded part, header text
 * outside ASCII as RFC 2047 encoded-words, file names outside ASCII (or
 * long) as RFC 2231 parameters. */
#ifndef SMTPTRACE_MIME_H
#define SMTPTRACE_MIME_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A file to attach or show inline, already read into memory. */
struct mime_file {
	const char *name;              /* base name: filename parameter; Content-ID stem */
	const unsigned char *data;
	size_t len;
	const char *type;              /* "type/subtype"; NULL = application/octet-stream */
};

struct mime_opts {
	const char *text;              /* the text/plain body, any line endings */
	size_t text_len;
	const char *html;              /* NULL: no multipart/alternative */
	size_t html_len;
	const struct mime_file *inl;   /* --inline images (need html) */
	size_t ninl;
	const struct mime_file *att;   /* --attach files */
	size_t natt;
	int eightbit;                  /* the server advertises 8BITMIME */
	uint64_t seed;                 /* boundary seed (tests); 0 = random */
};

/* Write the MIME entity: "MIME-Version: 1.0", the Content-* fields, an
 * empty line and the body.  Structure: mixed( alternative( text,
 * related( html, inline... ) ), attachment... ), each level only when
 * needed.  0, or -1 with a one-line reason in err. */
int mime_write(FILE *f, const struct mime_opts *o, char *err, size_t errlen);

/* Whether the entity needs 8BITMIME (some part is sent as 8bit). */
int mime_needs_8bit(const struct mime_opts *o);

/* "Field: text\r\n": as is when ASCII, else RFC 2047 B encoded-words of at
 * most 75 characters on folded lines, never splitting a UTF-8 character. */
void mime_put_text_field(FILE *f, const char *field, const char *text);

/* "Field: addr\r\n" for one mailbox "Display Name <a@b>" or "a@b": a
 * non-ASCII display name becomes encoded-words; the address is kept. */
void mime_put_mailbox_field(FILE *f, const char *field, const char *mailbox);

/* Content type of a file's bytes by libmagic ("image/png"), into buf;
 * "application/octet-stream" when libmagic cannot tell. */
const char *mime_guess_type(const unsigned char *data, size_t len, char *buf, size_t n);

/* --- the encoders (mime-enc.c), exported for the scanner's tests --- */
/* Base64 in lines of 76 characters, each ending CRLF. */
void mime_put_base64(FILE *f, const unsigned char *p, size_t n);
/* Quoted-printable (RFC 2045 6.7) of text: its line endings (CRLF, LF, CR)
 * become hard CRLF breaks, lines are soft-broken at 76 characters. */
void mime_put_qp(FILE *f, const unsigned char *p, size_t n);
/* Text with every line ending written as CRLF. */
void mime_put_crlf(FILE *f, const unsigned char *p, size_t n);
/* "; name=value" on a folded line: quoted when short printable ASCII, else
 * RFC 2231 name*0*=utf-8''%XX.. continuations. */
void mime_put_param(FILE *f, const char *name, const char *value);
/* Longest line in octets (line endings CRLF/LF/CR excluded). */
size_t mime_longest_line(const unsigned char *p, size_t n);
int mime_is_ascii(const unsigned char *p, size_t n);

/* --- listing the parts of a message seen on the wire (mime-scan.c) --- */
#define MIME_SCAN_DEPTH 8      /* nested multiparts followed */
#define MIME_SCAN_PARTS 64     /* parts recorded; more are counted in `dropped` */
#define MIME_SCAN_FIELD 1024   /* a header field kept for parsing (longer: cut) */

/* Content-Transfer-Encoding as given (MIME_TE_NONE: no field). */
enum { MIME_TE_NONE, MIME_TE_7BIT, MIME_TE_8BIT, MIME_TE_BINARY, MIME_TE_BASE64, MIME_TE_QP,
       MIME_TE_OTHER };
/* Content-Disposition's type. */
enum { MIME_DISP_NONE, MIME_DISP_INLINE, MIME_DISP_ATTACHMENT, MIME_DISP_OTHER };

struct mime_part_info {
	char type[64];             /* "image/png", lower case; "text/plain" by default */
	char charset[32];          /* the charset parameter, "" when none */
	char name[128];            /* filename (Content-Disposition) or name (Content-Type),
	                            * RFC 2231 / RFC 2047 decoded; raw bytes (make safe to show) */
	char content_id[96];       /* Content-ID without its <>, "" when none */
	uint64_t size;             /* decoded octets (base64, QP) or octets with CRLF */
	uint64_t wire;             /* octets of the body as sent (CRLF line ends, unstuffed) */
	uint8_t depth;             /* 0 = the message itself is the single part */
	uint8_t name_cut;          /* name longer than the field: cut */
	uint8_t encoding;          /* MIME_TE_* */
	uint8_t disposition;       /* MIME_DISP_* */
	uint8_t multipart;         /* a multipart whose parts follow (at depth + 1); no size */
};

struct mime_scan {
	struct mime_part_info part[MIME_SCAN_PARTS];
	unsigned nparts;           /* recorded */
	unsigned dropped;          /* parts beyond MIME_SCAN_PARTS */
	unsigned too_deep;         /* multiparts nested past MIME_SCAN_DEPTH (bodies not split) */
	/* internal state */
	char bnd[MIME_SCAN_DEPTH][72];
	uint8_t bnd_len[MIME_SCAN_DEPTH];
	unsigned nbnd;
	int in_header;             /* reading a header block */
	int cur;                   /* part receiving body lines, -1 none */
	int cur_enc;               /* 0 identity, 1 base64, 2 quoted-printable */
	uint64_t count;            /* base64 characters of the current part */
	int pending_crlf;          /* the previous body line's ending, if content */
	int had_line;              /* the current part has a body line (its CRLF is on the wire) */
	char field[MIME_SCAN_FIELD];
	size_t field_len;
	struct mime_part_info hdr; /* what the current header block says */
	char hdr_bnd[72];
	uint8_t hdr_bnd_len;
	int hdr_enc;
	int hdr_name_prio;         /* 2 filename, 1 name, 0 none yet */
};

/* Start scanning a message (its header block comes first). */
void mime_scan_init(struct mime_scan *s);
/* One line of the message, without its line ending and already
 * dot-unstuffed.  Any bytes; any length (only the first bytes of an over-
 * long header field are kept).  Constant memory. */
void mime_scan_line(struct mime_scan *s, const char *line, size_t len);
/* More bytes of the line given last (it was longer than the caller keeps;
 * such a line is never a boundary).  Header fields stay cut. */
void mime_scan_more(struct mime_scan *s, const char *p, size_t n);
/* The message ended (the final "."): finish the open header or part. */
void mime_scan_end(struct mime_scan *s);

/* --- RFC 2047 encoded-words (mime-words.c) --- */
/* in (NUL-terminated) with its encoded-words decoded into out[cap] (UTF-8;
 * Latin-1 converted); 1 when cut to fit. */
int mime_words_decode(const char *in, char *out, size_t cap);

#endif
