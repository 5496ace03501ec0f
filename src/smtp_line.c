/* smtp_line.c - line assembly, reply parsing and dot-stuffing shared by the
 * client and the dissector.  See smtp_line.h for the contracts. */
#include "smtp_line.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- line assembler ------------------------------------------------- */

void line_asm_init(struct line_asm *la, size_t limit, uint64_t start_off)
{
	memset(la, 0, sizeof *la);
	la->limit = limit;
	la->off = start_off;
}

void line_asm_free(struct line_asm *la)
{
	free(la->buf);
	la->buf = NULL;
	la->len = la->cap = la->dropped = 0;
}

int line_bare_lf(size_t len, size_t overlong, uint64_t off_start, uint64_t off_end)
{
	return off_end - off_start == (uint64_t)len + overlong + 1;
}

size_t line_asm_pending(const struct line_asm *la)
{
	return la->len + la->dropped;
}

void line_asm_reset(struct line_asm *la, uint64_t off)
{
	la->len = 0;
	la->dropped = 0;
	la->off = off;
}

/* The buffer holds up to `limit` kept bytes plus one slot, buf[limit], for
 * the latest dropped byte: a CR right before the LF must be recognised even
 * when it falls past the limit. */
static int la_reserve(struct line_asm *la, size_t need)
{
	if (need <= la->cap)
		return 0;
	size_t cap = la->cap ? la->cap : 128;
	while (cap < need)
		cap *= 2;
	if (cap > la->limit + 1)
		cap = la->limit + 1;
	char *p = realloc(la->buf, cap);
	if (!p)
		return -1;
	la->buf = p;
	la->cap = cap;
	return 0;
}

/* Append part of a line that has no LF yet (or the part before its LF). */
static void la_append(struct line_asm *la, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	size_t room = la->limit - la->len;
	size_t take = n < room ? n : room;
	size_t need = la->len + take + (take < n ? 1 : 0);
	if (la_reserve(la, need) != 0) {
		/* Out of memory: count the bytes instead of keeping them. */
		la->dropped += n;
		return;
	}
	memcpy(la->buf + la->len, p, take);
	la->len += take;
	if (take < n) {
		la->dropped += n - take;
		la->buf[la->limit] = (char)p[n - 1];
	}
}

/* The byte right before the LF of the line being completed, or -1. */
static int la_last_byte(const struct line_asm *la)
{
	if (la->dropped && la->cap > la->limit)
		return (unsigned char)la->buf[la->limit];
	if (la->len)
		return (unsigned char)la->buf[la->len - 1];
	return -1;
}

/* Complete the pending line whose final `seg` bytes (before the LF) are at p. */
static int la_finish_pending(struct line_asm *la, const uint8_t *p, size_t seg,
                             line_cb cb, void *ctx)
{
	la_append(la, p, seg);
	size_t total = la->len + la->dropped;
	size_t content = total - (la_last_byte(la) == '\r' ? 1 : 0);
	size_t kept = content < la->len ? content : la->len;
	uint64_t start = la->off, end = start + total + 1;
	la->off = end;
	la->len = 0;
	la->dropped = 0;
	return cb(ctx, la->buf ? la->buf : "", kept, start, end, content - kept);
}

size_t line_asm_feed(struct line_asm *la, const uint8_t *data, size_t n,
                     line_cb cb, void *ctx)
{
	size_t i = 0;
	while (i < n) {
		const uint8_t *nl = memchr(data + i, '\n', n - i);
		if (!nl) {
			la_append(la, data + i, n - i);
			return n;
		}
		size_t seg = (size_t)(nl - (data + i));
		int stop;
		if (la->len == 0 && la->dropped == 0) {
			/* Fast path: the whole line is in the input; no copy. */
			size_t content = seg - (seg && data[i + seg - 1] == '\r');
			size_t kept = content < la->limit ? content : la->limit;
			uint64_t start = la->off;
			la->off += seg + 1;
			stop = cb(ctx, (const char *)data + i, kept, start, la->off,
			          content - kept);
		} else {
			stop = la_finish_pending(la, data + i, seg, cb, ctx);
		}
		i += seg + 1;
		if (stop)
			return i;
	}
	return n;
}

/* ---- replies ----------------------------------------------------------- */

int smtp_parse_reply_line(const char *line, size_t len, struct reply_line *out)
{
	if (len < 3 || line[0] < '2' || line[0] > '5' ||
	    !isdigit((unsigned char)line[1]) || !isdigit((unsigned char)line[2]))
		return 0;
	int more = 0;
	if (len > 3) {
		if (line[3] == '-')
			more = 1;
		else if (line[3] != ' ')
			return 0;
	}
	out->code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	out->more = more;
	out->text = line + (len > 3 ? 4 : 3);
	out->text_len = len > 3 ? len - 4 : 0;
	return 1;
}

/* Used while the text buffer cannot be allocated, so r.text is never NULL. */
static char empty_text[1];

void reply_asm_init(struct reply_asm *ra, size_t text_limit)
{
	memset(ra, 0, sizeof *ra);
	ra->text_limit = text_limit;
	ra->r.text = empty_text;
}

void reply_asm_free(struct reply_asm *ra)
{
	if (ra->text_cap)
		free(ra->r.text);
	ra->r.text = empty_text;
	ra->text_cap = 0;
	ra->r.text_len = 0;
	ra->active = 0;
}

/* Append up to the text limit; the rest of an over-long reply is cut. */
static void ra_append(struct reply_asm *ra, const char *s, size_t n)
{
	size_t room = ra->text_limit - ra->r.text_len;
	if (n > room)
		n = room;
	if (n == 0)
		return;
	size_t need = ra->r.text_len + n + 1;
	if (need > ra->text_cap) {
		size_t cap = ra->text_cap ? ra->text_cap : 128;
		while (cap < need)
			cap *= 2;
		if (cap > ra->text_limit + 1)
			cap = ra->text_limit + 1;
		char *p = realloc(ra->text_cap ? ra->r.text : NULL, cap);
		if (!p)
			return;
		ra->r.text = p;
		ra->text_cap = cap;
	}
	memcpy(ra->r.text + ra->r.text_len, s, n);
	ra->r.text_len += n;
	ra->r.text[ra->r.text_len] = '\0';
}

static void ra_start(struct reply_asm *ra, int code)
{
	ra->r.code = code;
	ra->r.nlines = 0;
	ra->r.text_len = 0;
	ra->r.inconsistent = 0;
	if (ra->text_cap)
		ra->r.text[0] = '\0';
}

int reply_asm_line(struct reply_asm *ra, const char *line, size_t len)
{
	struct reply_line rl;
	if (!smtp_parse_reply_line(line, len, &rl)) {
		ra->active = 0;
		ra_start(ra, 0);
		return -1;
	}
	if (!ra->active)
		ra_start(ra, rl.code);
	else if (rl.code != ra->r.code)
		ra->r.inconsistent = 1;
	if (ra->r.nlines > 0)
		ra_append(ra, "\n", 1);
	ra_append(ra, rl.text, rl.text_len);
	ra->r.nlines++;
	ra->active = rl.more;
	return rl.more ? 0 : 1;
}

struct code_text {
	int code;
	const char *text;
};

/* RFC 5321 4.2.2/4.2.3, RFC 4954 (AUTH) and RFC 3207 (STARTTLS). */
static const struct code_text code_texts[] = {
	{ 211, "system status" },
	{ 214, "help message" },
	{ 220, "service ready" },
	{ 221, "service closing transmission channel" },
	{ 235, "authentication succeeded" },
	{ 250, "requested action okay, completed" },
	{ 251, "user not local; will forward" },
	{ 252, "cannot VRFY user, but will accept message" },
	{ 334, "authentication challenge" },
	{ 354, "start mail input" },
	{ 421, "service not available, closing channel" },
	{ 432, "password transition needed" },
	{ 450, "mailbox unavailable (busy)" },
	{ 451, "local error in processing" },
	{ 452, "insufficient system storage" },
	{ 454, "temporary authentication failure or TLS not available" },
	{ 455, "server unable to accommodate parameters" },
	{ 500, "syntax error, command unrecognized" },
	{ 501, "syntax error in parameters or arguments" },
	{ 502, "command not implemented" },
	{ 503, "bad sequence of commands" },
	{ 504, "command parameter not implemented" },
	{ 530, "authentication required (or STARTTLS first)" },
	{ 534, "authentication mechanism is too weak" },
	{ 535, "authentication credentials invalid" },
	{ 538, "encryption required for authentication mechanism" },
	{ 550, "mailbox unavailable" },
	{ 551, "user not local" },
	{ 552, "exceeded storage allocation" },
	{ 553, "mailbox name not allowed" },
	{ 554, "transaction failed" },
	{ 555, "MAIL FROM/RCPT TO parameters not recognized" },
};

static int code_cmp(const void *key, const void *elem)
{
	int k = *(const int *)key, c = ((const struct code_text *)elem)->code;
	return (k > c) - (k < c);
}

const char *smtp_code_meaning(int code)
{
	const struct code_text *ct = bsearch(&code, code_texts,
	        sizeof code_texts / sizeof code_texts[0], sizeof code_texts[0], code_cmp);
	if (ct)
		return ct->text;
	switch (code / 100) {
	case 2: return "positive completion";
	case 3: return "positive intermediate";
	case 4: return "transient negative completion";
	case 5: return "permanent negative completion";
	default: return "unknown reply code";
	}
}

/* ---- commands ---------------------------------------------------------- */

size_t smtp_command_verb(const char *line, size_t len, char verb[16])
{
	size_t n = 0;
	while (n < len && n < 15 && line[n] > ' ' && line[n] < 0x7f) {
		verb[n] = (char)toupper((unsigned char)line[n]);
		n++;
	}
	verb[n] = '\0';
	return n;
}

/* ---- dot-stuffing (RFC 5321 4.5.2) ------------------------------------- */

/* One pass of stuffing; with out == NULL it only counts. */
static size_t stuff_pass(const char *in, size_t n, char *out)
{
	size_t o = 0;
	int bol = 1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == '\r' || c == '\n') {
			if (c == '\r' && i + 1 < n && in[i + 1] == '\n')
				i++;
			if (out) {
				out[o] = '\r';
				out[o + 1] = '\n';
			}
			o += 2;
			bol = 1;
			continue;
		}
		if (bol && c == '.') {
			if (out)
				out[o] = '.';
			o++;
		}
		if (out)
			out[o] = c;
		o++;
		bol = 0;
	}
	if (!bol) {
		if (out) {
			out[o] = '\r';
			out[o + 1] = '\n';
		}
		o += 2;
	}
	if (out)
		memcpy(out + o, ".\r\n", 3);
	return o + 3;
}

char *smtp_dot_stuff(const char *in, size_t n, size_t *out_len)
{
	size_t len = stuff_pass(in, n, NULL);
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	stuff_pass(in, n, out);
	out[len] = '\0';
	*out_len = len;
	return out;
}

int smtp_dot_unstuff_line(const char *line, size_t len,
                          const char **out, size_t *out_len)
{
	if (len == 1 && line[0] == '.')
		return 1;
	if (len > 0 && line[0] == '.') {
		line++;
		len--;
	}
	*out = line;
	*out_len = len;
	return 0;
}
