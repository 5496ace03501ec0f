/* smtp-int.h - the SMTP dissector's internals, shared by its modules:
 *   smtp-diss.c   lifecycle, entry points, pending replies, gap routing
 *   smtp-cmd.c    client direction: command lines, hold/release
 *   smtp-reply.c  server direction: replies, pairing, judging
 *   smtp-body.c   the message: headers, dot-stuffing counts, end of data, BDAT
 *   smtp-auth.c   AUTH decoding and redaction
 *   smtp-detect.c is it SMTP at all (pure)
 * Not included outside these files. */
#ifndef SMTPTRACE_SMTP_INT_H
#define SMTPTRACE_SMTP_INT_H

#include <stddef.h>
#include <stdint.h>
#include "app.h"
#include "session.h"

#define LINE_LIMIT   4096      /* bytes kept of one line */
#define TEXT_LIMIT   160       /* bytes kept of a command or reply text */
#define FIELD_LIMIT  200       /* bytes kept of a message header field */
#define HOLD_LIMIT   (256u << 10)
#define HEADER_LIMIT (256u << 10) /* header section scanned line by line */

enum cmode {
	CM_CMD,          /* commands */
	CM_HOLD,         /* after DATA / STARTTLS: waiting for the reply */
	CM_BODY_HDR,     /* message header section, line by line */
	CM_BODY,         /* message body, fast scan */
	CM_BDAT,         /* BDAT chunk octets */
	CM_TLS,          /* encrypted: nothing more to read */
};

enum bscan { BS_BOL, BS_MID, BS_DOT, BS_DOTCR };

struct hgap {
	size_t at;               /* position among the held bytes */
	uint64_t n;              /* octets not captured there */
};

struct dissector {
	/* what a body segment touches comes first */
	enum cmode cmode;
	enum bscan bs;
	size_t body_ex;          /* exchange index + 1 of the message being read */
	struct body_info *bi;    /* that exchange's message (stable: ex[] may move) */
	uint64_t c2s_end;        /* end of the client bytes (and gaps) seen so far */
	struct session *s;       /* the session this parser writes into */
	struct app_stack *stack; /* the stack it is a layer of (hands off through it) */
	int inner;               /* over TLS plaintext: offsets are plaintext offsets */
	struct line_asm la[2];
	struct reply_asm ra;
	int show_secrets;
	/* client bytes held while DATA or STARTTLS waits for its reply */
	uint8_t *held;
	size_t nheld, capheld;
	uint64_t held_off;
	int hold_for;            /* index of the exchange whose reply decides */
	int hold_s2c_gap;        /* server bytes were lost while holding */
	/* replies owed, oldest first (exchange indices) */
	size_t *pend;
	size_t npend, cappend, pend_head;
	int greeted;
	uint64_t bdat_left;
	size_t bdat_ex;          /* exchange index of the BDAT whose chunk is read */
	int bdat_last;           /* that BDAT said LAST */
	int auth_cont;           /* the next client line answers a 334 */
	char auth_mech[16];
	int auth_step;
	int resync[2];           /* after a gap: skip to a line that parses */
	int started;             /* bytes seen (the start-of-capture check done) */
	int wait_reply;          /* mid-stream: client lines wait for a server reply */
	uint64_t replies;        /* complete replies seen */
	size_t after_eod;        /* exchange index + 1 of a message just ended, reply owed */
	size_t unexp_from;       /* exchange index + 1 of the first reply waiting for a name */
	uint64_t rep_start;      /* s2c offset of the reply being assembled */
	int rep_open;
	char **hdr_cur;          /* header field being continued, NULL if none */
	uint64_t server_bytes;
	int tls_s2c;             /* server bytes from tls_off[1] on are TLS */
	/* gaps inside the held bytes: [at held position] n bytes not captured */
	struct hgap hgap[16];
	size_t nhgap;
	size_t early_ex;         /* exchange index + 1 of a command answered before its LF */
	int auth_open;           /* AUTH sent: with no server side seen, responses may follow */
	int eod_check;           /* the message was answered and then a gap came: */
	uint64_t eod_check_off;  /* do the bytes at this offset begin a command? */
	struct rl_acc {          /* the lines of the reply being assembled (smtp-rlines.c) */
		char *buf;
		size_t len, cap;
		uint16_t n, cut;
		uint32_t lost;
	} rl;
	struct mime_feed *mf;    /* the open message's MIME part lister (smtp-mime.c) */
	size_t keep_data;        /* --show-data: octets of a message kept (0: none) */
};

/* smtp-diss.c */
char *dup_text(const char *p, size_t n, size_t limit);
struct exchange *new_ex(struct dissector *d, int kind);
/* SMTP_MAX_EXCHANGES reached: 1, and the one not kept is counted. */
int ex_full(struct dissector *d);
void push_pending(struct dissector *d, size_t idx);
long pop_pending(struct dissector *d);
size_t owed(const struct dissector *d);
int is_verb(const char *v, const char *w);
int known_verb(const char *v);

/* smtp-cmd.c */
void client_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n);
void client_gap_cmd(struct dissector *d, uint64_t off, uint64_t n);
void hold_gap(struct dissector *d, uint64_t off, uint64_t n);
void release_held(struct dissector *d);
int early_ok(const char *verb);
void finish_early(struct dissector *d, const char *line, size_t len, uint64_t o1, int cut);

/* smtp-body.c */
struct body_info *cur_body(struct dissector *d);
void start_body(struct dissector *d, uint64_t off, struct exchange *owner);
void end_body(struct dissector *d, uint64_t end);
int body_line(void *ctx, const char *line, size_t len, uint64_t o0, uint64_t o1,
              size_t overlong);
size_t body_scan(struct dissector *d, uint64_t off, const uint8_t *p, size_t n);
size_t bdat_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n);
void body_gap(struct dissector *d, uint64_t off, uint64_t n);
void bdat_gap(struct dissector *d, uint64_t off, uint64_t n);
void bdat_command(struct dissector *d, struct exchange *x, const char *line, size_t len,
                  uint64_t o1);
void eod_check(struct dissector *d, uint64_t off, const uint8_t *p, size_t n);

/* smtp-mime.c: the parts of the message being read (b: where they go) */
void mfeed_start(struct dissector *d, struct body_info *b, int stuffed);
void mfeed_line(struct dissector *d, const char *line, size_t len);   /* unstuffed */
void mfeed_bytes(struct dissector *d, const uint8_t *p, size_t n);
void mfeed_gap(struct dissector *d);
void mfeed_finish(struct dissector *d);
void mfeed_drop(struct dissector *d);

/* smtp-data.c: --show-data's copy of the message as sent */
void data_keep(struct dissector *d, struct body_info *b, uint64_t off, const uint8_t *p,
               size_t n);
void data_gap(struct dissector *d, struct body_info *b, uint64_t n);

/* smtp-reply.c */
/* DATA waits, the server side lost bytes, the client goes on with what is
 * not a command: the 354 was in the gap.  Returns 1 when inferred. */
int infer_354(struct dissector *d);
void server_bytes(struct dissector *d, uint64_t off, const uint8_t *p, size_t n);
void server_gap(struct dissector *d, uint64_t off, uint64_t n);

/* smtp-rlines.c: every line of a reply, bounded (session.h) */
/* A reply line (code included, as read) for the reply being assembled. */
void rl_add(struct dissector *d, const char *line, size_t len, size_t overlong);
/* The reply is complete: its lines go to x (within the session's budget). */
void rl_give(struct dissector *d, struct exchange *x);
/* Forget the lines gathered (not a reply after all, or a gap). */
void rl_drop(struct dissector *d);
void rl_free(struct dissector *d);

/* smtp-auth.c */
void auth_line(struct dissector *d, struct exchange *x, const char *mech,
               const char *resp, size_t rlen, int step);
void auth_command(struct dissector *d, struct exchange *x, const char *line, size_t len);

#endif
