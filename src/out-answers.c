/* out-answers.c - `--answers`: per session, in Markdown, the lab checklist a
 * TA grades the Wireshark demo by (ARP, handshake, every command with its
 * reply, the message and its end, QUIT and 221, the teardown: each ✔ or ✘
 * with its frames), the mistakes a hand-written client made, then the
 * questions and their answers (answers-q.c). */
#include <string.h>
#include "answers-int.h"
#include "decode.h"
#include "out.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-text.h"

void md_code(FILE *o, const char *text)
{
	char safe[4096];
	text_safe(safe, sizeof safe, text, strlen(text), NULL);
	for (char *p = safe; *p; p++)
		if (*p == '`')
			*p = '\'';
	fprintf(o, "`%s`", safe);
}

long ans_find_verb(const struct session *s, const char *verb)
{
	for (size_t i = 0; i < s->nex; i++)
		if (s->ex[i].kind == EXK_COMMAND && !strcmp(s->ex[i].verb, verb))
			return (long)i;
	return -1;
}

long ans_find_body(const struct session *s)
{
	for (size_t i = 0; i < s->nex; i++)
		if (s->ex[i].kind == EXK_BODY)
			return (long)i;
	return -1;
}

void ans_frames(const uint32_t *v, uint32_t n, char *out, size_t cap)
{
	if (!n)
		snprintf(out, cap, "-");
	else if (n == 1)
		snprintf(out, cap, "%u", v[0]);
	else
		snprintf(out, cap, "%u–%u", v[0], v[n - 1]);
}

int ans_bare_lf(const struct exchange *x)
{
	if (x->kind != EXK_COMMAND || !x->line || !x->has_req_end || strstr(x->line, "[cut"))
		return -1;
	uint64_t n = x->req_end - x->req_off, l = strlen(x->line);
	return n == l + 1 ? 1 : n == l + 2 ? 0 : -1;
}

static void item(FILE *o, int ok, const char *what, const char *frames)
{
	fprintf(o, "- %s %s%s%s\n", ok ? "✔" : "✘", what, frames[0] ? ": " : "", frames);
}

static void check_link(FILE *o, const struct timeline *t)
{
	char fr[200] = "";
	size_t n = 0;
	for (size_t i = 0; i < t->nframes; i++)
		if (t->frames[i].proto == FP_ARP || t->frames[i].proto == FP_ND)
			n += (size_t)snprintf(fr + n, n < sizeof fr ? sizeof fr - n : 0, "%s%u", n ? ", " : "frames ",
			                      t->frames[i].no);
	if (n)
		item(o, 1, "ARP (or ND) for the next hop", fr);
	else {
		struct sbuf b;
		sb_init(&b);
		tlw_noarp(t, &b);
		item(o, t->noarp == TLA_LOOPBACK, "ARP for the next hop", b.n > 5 ? b.b + 5 : b.b);
	}
	snprintf(fr, sizeof fr, "frames %u, %u, %u", t->hs[0], t->hs[1], t->hs[2]);
	item(o, t->hs[0] && t->hs[1] && t->hs[2], "the three handshake frames (SYN, SYN/ACK, ACK)",
	     t->hs[0] && t->hs[1] && t->hs[2] ? fr : "not all in the capture");
}

static void check_commands(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	char fr[300] = "";
	size_t n = 0, missing = 0, cmds = 0;
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		if (x->kind != EXK_COMMAND && x->kind != EXK_AUTH)
			continue;
		cmds++;
		if (!x->reply_code || !t->ex[i].nrep) {
			char vb[24];
			missing++;
			n += (size_t)snprintf(fr + n, n < sizeof fr ? sizeof fr - n : 0, "%s%s", n ? ", " : "no reply to ",
			                      tlw_ex_label(x, vb, sizeof vb));
		}
	}
	if (!missing)
		snprintf(fr, sizeof fr, "%zu command%s, each with its reply (table below)%s", cmds,
		         cmds == 1 ? "" : "s", s->starttls || s->tls_implicit ? "; the rest is inside TLS" : "");
	item(o, cmds && !missing, "every command with its reply", cmds ? fr : "no commands captured");
}

static void check_message(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	char fr[160], f1[40], f2[40];
	long b = ans_find_body(s), q = ans_find_verb(s, "QUIT");
	const char *in_tls = s->starttls || s->tls_implicit ? "inside TLS: not visible without the key log" : NULL;
	if (b >= 0) {
		const struct tl_exchange *tx = &t->ex[b];
		ans_frames(tx->req, tx->nreq, f1, sizeof f1);
		snprintf(fr, sizeof fr, "frames %s, end of data in frame %u, reply %d in frame %s", f1,
		         tx->nreq ? tx->req[tx->nreq - 1] : 0, s->ex[b].reply_code, tx->nrep ? (snprintf(f2,
		         sizeof f2, "%u", tx->rep[0]), f2) : "-");
		item(o, s->ex[b].bi && s->ex[b].bi->complete, "the message and its end", fr);
	} else
		item(o, 0, "the message and its end", in_tls ? in_tls : "no message in the capture");
	if (q >= 0) {
		const struct tl_exchange *tx = &t->ex[q];
		snprintf(fr, sizeof fr, "QUIT in frame %u, %d in frame %u", tx->nreq ? tx->req[0] : 0,
		         s->ex[q].reply_code, tx->nrep ? tx->rep[0] : 0);
		item(o, s->ex[q].reply_code == 221, "QUIT and 221", fr);
	} else
		item(o, 0, "QUIT and 221", in_tls ? in_tls : "no QUIT");
}

static void check_teardown(FILE *o, const struct timeline *t)
{
	char fr[200] = "";
	size_t n = 0;
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->dir <= 1 && ((f->flags & (TH_FIN | TH_RST)) || t->s->close_frame == f->no))
			n += (size_t)snprintf(fr + n, n < sizeof fr ? sizeof fr - n : 0, "%s%u %s", n ? ", " : "frames ",
			                      f->no, (f->flags & TH_RST) ? "RST" : (f->flags & TH_FIN) ? "FIN" : "ACK");
	}
	item(o, t->s->closed, t->s->d[0].rst || t->s->d[1].rst ? "the teardown (reset)" :
	     "the teardown (FIN each way, last ACK)", n ? fr : "not in the capture");
}

/* ---- the mistakes of a hand-written client ---- */

static int mistakes_order(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	long b = ans_find_body(s), d = ans_find_verb(s, "DATA");
	int n = 0;
	if (b >= 0 && d >= 0 && t->ex[b].nreq && t->ex[d].nrep && t->ex[b].req[0] < t->ex[d].rep[0]) {
		fprintf(o, "- ✘ the message (frame %u) was sent before the 354 (frame %u): a client must wait "
		        "for the 354 before sending the message\n", t->ex[b].req[0], t->ex[d].rep[0]);
		n++;
	}
	for (size_t i = 1; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i], *p = &s->ex[i - 1];
		if (x->kind == EXK_COMMAND && x->pipelined && p->reply_lines > 1 && t->ex[i].nreq &&
		    t->ex[i - 1].nrep) {
			char vb[24], pb[24];
			fprintf(o, "- ✘ %s (frame %u) was sent before the multi-line reply to %s had ended "
			        "(its last line is in frame %u): read until the line \"NNN \" with a space\n",
			        tlw_ex_label(x, vb, sizeof vb), t->ex[i].req[0], tlw_ex_label(p, pb, sizeof pb),
			        t->ex[i - 1].rep[t->ex[i - 1].nrep - 1]);
			n++;
		}
	}
	return n;
}

static int mistakes_lines(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	char names[200] = "";
	size_t k = 0;
	int n = 0;
	for (size_t i = 0; i < s->nex; i++)
		if (ans_bare_lf(&s->ex[i]) == 1) {
			char vb[24];
			k += (size_t)snprintf(names + k, k < sizeof names ? sizeof names - k : 0, "%s%s (frame %u)",
			                      k ? ", " : "", tlw_ex_label(&s->ex[i], vb, sizeof vb),
			                      t->ex[i].nreq ? t->ex[i].req[0] : 0);
		}
	long b = ans_find_body(s);
	const struct body_info *bi = b >= 0 ? s->ex[b].bi : NULL;
	if (bi && bi->complete && !bi->gap && s->ex[b].has_req_end &&
	    s->ex[b].req_end - s->ex[b].req_off == bi->size + bi->stuffed + 2)
		k += (size_t)snprintf(names + k, k < sizeof names ? sizeof names - k : 0, "%send of data (frame %u)",
		                      k ? ", " : "", t->ex[b].req[t->ex[b].nreq - 1]);
	if (k) {
		fprintf(o, "- ✘ bare LF line endings: ");
		md_code(o, names);
		fprintf(o, " ended with \\n only; SMTP lines end with \\r\\n (RFC 5321 2.3.8)\n");
		n++;
	}
	if (b >= 0) {
		for (size_t i = (size_t)b + 1; i < s->nex; i++)
			if (s->ex[i].kind == EXK_COMMAND && s->ex[i].reply_code >= 500 && s->ex[i].reply_code < 503) {
				fprintf(o, "- ✘ after the end of data the server got an unknown command (frame %u, reply %d): "
				        "the message probably held a line with a lone \".\" that was not dot-stuffed "
				        "(send it as \"..\")\n", t->ex[i].nreq ? t->ex[i].req[0] : 0, s->ex[i].reply_code);
				n++;
				break;
			}
	}
	return n;
}

static int mistakes_end(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	int n = 0;
	long q = ans_find_verb(s, "QUIT");
	if (q < 0 && s->nex > 1 && !s->starttls && !s->tls_implicit) {
		fprintf(o, "- ✘ no QUIT: the client closed (or stopped) without QUIT\n");
		n++;
	}
	for (size_t i = 0; i < s->nex; i++)
		if (s->ex[i].reply_code == 421 && t->ex[i].nrep) {
			fprintf(o, "- ✘ the server gave up with 421 in frame %u (", t->ex[i].rep[0]);
			md_code(o, s->ex[i].reply_text ? s->ex[i].reply_text : "");
			fprintf(o, "): if it is a timeout, the client stalled (waiting for a reply it had "
			        "already read, or not sending the next command)\n");
			return n + 1;
		}
	if (q < 0 && s->first_closer == DIR_S2C)
		fprintf(o, "- ✘ the server closed first without a QUIT: a server timeout, the client stalled\n"), n++;
	return n;
}

static void answers_checklist(FILE *o, const struct timeline *t)
{
	fputs("\n### Lab checklist\n\n", o);
	check_link(o, t);
	check_commands(o, t);
	check_message(o, t);
	check_teardown(o, t);
	fputs("\n### Client mistakes\n\n", o);
	if (!mistakes_order(o, t) + !mistakes_lines(o, t) + !mistakes_end(o, t) == 3)
		fputs("- none found (message after the 354, CRLF line endings, one reply read before the "
		      "next command, QUIT sent, no server timeout, dot-stuffing)\n", o);
}

void answers_session(void *ctx, const struct session *s, const struct timeline *t)
{
	struct out_ctx *c = ctx;
	FILE *o = c->o.out;
	char cl[ADDR_EP_MAX], sv[ADDR_EP_MAX];
	addr_ep(s->family, s->cip, s->cport, cl, sizeof cl);
	addr_ep(s->family, s->sip, s->sport, sv, sizeof sv);
	fprintf(o, "%s## Session %u: client %s → server %s\n", c->first_session_out ? "\n" : "", s->index, cl, sv);
	c->first_session_out = 1;
	answers_checklist(o, t);
	ans_questions(o, t);
}

void answers_end(void *ctx, const struct engine_stats *st)
{
	struct out_ctx *c = ctx;
	if (!st->nsessions)
		fprintf(c->o.out, "No SMTP session in %llu frames.\n", (unsigned long long)st->nframes);
}
