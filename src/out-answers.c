/* out-answers.c - `--answers`: per session, in Markdown, the lab checklist a
 * TA grades the Wireshark demo by (ARP, handshake, every command with its
 * reply, the message and its end, QUIT and 221, the teardown: each ✔ or ✘
 * with its frames), the mistakes a hand-written client made (the
 * timeline's list, out-mistakes.c), then the questions and their answers
 * (answers-q.c). */
#include <string.h>
#include "answers-int.h"
#include "decode.h"
#include "out.h"
#include "out-mistakes.h"
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

static void answers_checklist(FILE *o, const struct timeline *t)
{
	fputs("\n### Lab checklist\n\n", o);
	check_link(o, t);
	check_commands(o, t);
	check_message(o, t);
	check_teardown(o, t);
	answers_mistakes(o, t);
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
