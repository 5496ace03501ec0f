/* timeline-mistakes-words.c - the English for the client's mistakes
 * (timeline-mistakes.c): a name per kind for JSON, a sentence per mistake
 * (JSON "text", --answers), a short note on the frame that shows it, and
 * the session's "Client mistakes:" fact line. */
#include <stdio.h>
#include <stdlib.h>
#include "timeline.h"
#include "util-fmt.h"

const char *tlw_mistake_kind(int kind)
{
	static const char *const n[TLM_KINDS] = {
		"bare_lf", "message_before_354", "command_before_reply_end", "pipelining_not_announced",
		"pipelining_group", "unstuffed_dot", "no_quit", "server_timeout",
	};
	return kind >= 0 && kind < TLM_KINDS ? n[kind] : "?";
}

static const char *label(const struct timeline *t, uint32_t ex, char *buf, size_t cap)
{
	return ex == TL_NO_EX ? "-" : tlw_ex_label(&t->s->ex[ex], buf, cap);
}

/* As the object of "the reply to ...": "EHLO", "the message". */
static const char *object(const struct timeline *t, uint32_t ex, char *buf, size_t cap)
{
	return ex != TL_NO_EX && t->s->ex[ex].kind == EXK_BODY ? "the message" : label(t, ex, buf, cap);
}

static void frames_words(const struct tl_mistake *m, uint8_t k, struct sbuf *b)
{
	sb_str(b, "frame");
	if (k < m->nfr)
		sb_u(b, " ", m->fr[k]);
}

static void bare_lf_text(const struct timeline *t, const struct tl_mistake *m, struct sbuf *b)
{
	char vb[24];
	const struct exchange *x = &t->s->ex[m->ex];
	if (x->bi && x->bi->bare_lf) {
		sb_add(b, "the message (frame %u) had %u line%s ending with LF alone", m->note, m->count,
		       m->count == 1 ? "" : "s");
		sb_str(b, " (its header section and end-of-data line were checked)");
	} else {
		sb_add(b, "%s (frame %u) ended its line with LF alone", label(t, m->ex, vb, sizeof vb), m->note);
	}
	sb_str(b, ": SMTP lines end with CR LF, \"\\r\\n\" (RFC 5321 2.3.8)");
}

static void early_text(const struct timeline *t, const struct tl_mistake *m, struct sbuf *b)
{
	char vb[24], pb[24];
	sb_add(b, "%s (frame %u) was sent before the ", label(t, m->ex, vb, sizeof vb), m->note);
	if (m->kind == TLM_BEFORE_REPLY_END) {
		sb_add(b, "multi-line reply to %s had ended (its last line is in ", label(t, m->other, pb, sizeof pb));
		frames_words(m, 1, b);
		sb_str(b, "): read reply lines until one has a space after the code, \"250 \" (RFC 5321 4.2.1)");
	} else if (m->kind == TLM_PIPELINING_UNANNOUNCED) {
		sb_add(b, "reply to %s (", object(t, m->other, pb, sizeof pb));
		frames_words(m, 1, b);
		sb_str(b, ") and the server did not announce PIPELINING: wait for each reply (RFC 2920)");
	} else {
		sb_add(b, "reply to %s (", object(t, m->other, pb, sizeof pb));
		frames_words(m, 1, b);
		sb_add(b, "): even with PIPELINING, %s must be the last command of a group; only MAIL, RCPT "
		       "and RSET may be followed by more (RFC 2920 3.1)", label(t, m->other, pb, sizeof pb));
	}
}

static void stall_text(const struct timeline *t, const struct tl_mistake *m, struct sbuf *b)
{
	char vb[24];
	int replied = m->ex != TL_NO_EX;   /* a 421, not a FIN */
	double s = (double)m->wait_ns / 1e9;
	if (replied && t->s->ex[m->ex].kind == EXK_BODY)
		sb_add(b, "the message (last frame %u) never ended with \"\\r\\n.\\r\\n\" and the server "
		       "gave up after %.3f s with 421 in frame %u", m->fr[0], s, m->note);
	else {
		sb_add(b, "the client sent nothing for %.3f s after frame %u", s, m->fr[0]);
		if (m->other != TL_NO_EX)
			sb_add(b, " (%s %s)", t->s->ex[m->other].kind == EXK_GREETING ? "the" : "the reply to",
			       label(t, m->other, vb, sizeof vb));
		if (replied)
			sb_add(b, " and the server gave up with 421 in frame %u", m->note);
		else
			sb_add(b, " and the server closed the connection (FIN in frame %u)", m->note);
	}
	sb_str(b, ": a server timeout, the client stalled (waiting for a reply it had already read, "
	       "or for one that was not coming)");
}

void tlw_mistake(const struct timeline *t, const struct tl_mistake *m, struct sbuf *b)
{
	switch (m->kind) {
	case TLM_BARE_LF:
		bare_lf_text(t, m, b);
		break;
	case TLM_BEFORE_354:
		sb_add(b, "the message (frame %u) was sent before the 354 to DATA (frame %u): wait for the 354 "
		       "before sending the message (RFC 5321 3.3)", m->fr[0], m->nfr > 1 ? m->fr[1] : 0);
		break;
	case TLM_BEFORE_REPLY_END:
	case TLM_PIPELINING_UNANNOUNCED:
	case TLM_PIPELINING_GROUP:
		early_text(t, m, b);
		break;
	case TLM_UNSTUFFED_DOT:
		sb_add(b, "the message (frame %u) held a line with a lone \".\" that was not dot-stuffed: the "
		       "server took it for the end of data and read the %u line%s after it as commands",
		       m->fr[0], m->count, m->count == 1 ? "" : "s");
		if (m->other != TL_NO_EX && t->ex[m->other].nrep)
			sb_add(b, " (reply %d in frame %u)", t->s->ex[m->other].reply_code, t->ex[m->other].rep[0]);
		sb_str(b, "; send such a line as \"..\" (RFC 5321 4.5.2)");
		break;
	case TLM_NO_QUIT:
		sb_add(b, "the client closed the connection (frame %u) without QUIT (RFC 5321 4.1.1.10)", m->note);
		break;
	case TLM_SERVER_TIMEOUT:
		stall_text(t, m, b);
		break;
	default:
		break;
	}
}

static int cmd_bare_lf(const struct timeline *t, const struct tl_mistake *m)
{
	return m->kind == TLM_BARE_LF && !t->s->ex[m->ex].bi;
}

size_t tlw_mistake_item(const struct timeline *t, size_t k, struct sbuf *b)
{
	const struct tl_mistake *m = &t->mistakes[k];
	char vb[24];
	size_t n = 0;
	if (!cmd_bare_lf(t, m)) {
		tlw_mistake(t, m, b);
		return 1;
	}
	for (size_t j = k; j < t->nmistakes; j++) {
		if (!cmd_bare_lf(t, &t->mistakes[j]))
			continue;
		if (n < 8)
			sb_add(b, "%s%s (frame %u)", n ? ", " : "", label(t, t->mistakes[j].ex, vb, sizeof vb),
			       t->mistakes[j].note);
		n++;
	}
	if (n > 8)
		sb_add(b, " and %zu more", n - 8);
	sb_add(b, " ended %s line%s with LF alone: SMTP lines end with CR LF, \"\\r\\n\" (RFC 5321 2.3.8)",
	       n == 1 ? "its" : "their", n == 1 ? "" : "s");
	return n;
}

static const char *short_words(int kind)
{
	switch (kind) {
	case TLM_BARE_LF:                return "bare LF line ending";
	case TLM_BEFORE_354:             return "message sent before the 354";
	case TLM_BEFORE_REPLY_END:       return "sent before the multi-line reply ended";
	case TLM_PIPELINING_UNANNOUNCED: return "sent before the reply, no PIPELINING announced";
	case TLM_PIPELINING_GROUP:       return "pipelined after a command that must end a group";
	case TLM_UNSTUFFED_DOT:          return "a lone \".\" in the message not dot-stuffed";
	case TLM_NO_QUIT:                return "closed without QUIT";
	case TLM_SERVER_TIMEOUT:         return "server timeout, the client stalled";
	default:                         return "?";
	}
}

void tlw_mistake_notes(const struct timeline *t, size_t i, struct sbuf *b)
{
	uint32_t no = t->frames[i].no;
	size_t lo = 0, hi = t->nmistake_notes;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->mistakes[t->mistake_by_note[mid]].note < no) lo = mid + 1;
		else hi = mid;
	}
	unsigned said = 0;
	for (; lo < t->nmistake_notes && t->mistakes[t->mistake_by_note[lo]].note == no; lo++) {
		const struct tl_mistake *m = &t->mistakes[t->mistake_by_note[lo]];
		if (said & (1u << m->kind))
			continue;          /* RCPT and DATA in one frame: said once */
		said |= 1u << m->kind;
		sb_add(b, " [client mistake: %s%s]", short_words(m->kind),
		       m->kind == TLM_BARE_LF && m->count > 1 ? "s" : "");
	}
}

/* Does the fact line name the command ("MAIL in frame 7") or only the frame? */
static int names_command(int kind)
{
	return kind == TLM_BARE_LF || kind == TLM_BEFORE_REPLY_END || kind == TLM_PIPELINING_UNANNOUNCED ||
	       kind == TLM_PIPELINING_GROUP;
}

/* The n-th mistake of its kind in the fact line (the first six said). */
static void fact_item(const struct timeline *t, const struct tl_mistake *m, size_t n, struct sbuf *b)
{
	char vb[24];
	if (n >= 6)
		return;
	if (n)
		sb_str(b, ", ");
	else
		sb_add(b, "%s%s%s (", b->n > 16 ? "; " : " ", short_words(m->kind), m->kind == TLM_BARE_LF ? "s" : "");
	if (names_command(m->kind))
		sb_add(b, "%s in %s", label(t, m->ex, vb, sizeof vb), n ? "" : "frame ");
	else if (!n)
		sb_str(b, "frame ");
	sb_u(b, "", m->note);
}

/* "Client mistakes: bare LF line endings (EHLO in frame 5, message in 13); closed without QUIT (frame 20)" */
void tlw_mistakes(const struct timeline *t, struct sbuf *b)
{
	if (!t->nmistakes)
		return;
	sb_str(b, "Client mistakes:");
	for (int kind = 0; kind < TLM_KINDS; kind++) {
		size_t n = 0;
		for (size_t k = 0; k < t->nmistakes; k++)
			if (t->mistakes[k].kind == kind)
				fact_item(t, &t->mistakes[k], n++, b);
		if (n > 6)
			sb_add(b, " and %zu more", n - 6);
		if (n)
			sb_str(b, ")");
	}
}
