/* out-text.c - a session as an annotated timeline: one line per frame
 * (role, then TCP details and SMTP text), the exchange table, and the
 * connection's facts.  Wording: timeline-words.c. */
#include <string.h>
#include "decode.h"
#include "flow-table.h"
#include "out.h"
#include "session.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-text.h"
#include "util-wrap.h"

#define SAFE_MAX 4096        /* a 1024-byte line rendered safe: at most 4 bytes per byte */

/* A line of terminal-safe text after `indent`, folded at width (0: never),
 * further lines indented two more columns. */
static void fold_line(FILE *o, const char *indent, const char *safe, int width)
{
	fputs(indent, o);
	wrap_pair(o, strlen(indent), safe, "", "", NULL, width > 0 ? (size_t)width : 0, strlen(indent) + 2);
}

static const char *const class_color[] = {
	[TLC_PLAIN] = NULL, [TLC_LINK] = "\033[35m", [TLC_CONN] = "\033[33m",
	[TLC_REQUEST] = "\033[32m", [TLC_REPLY_OK] = "\033[36m", [TLC_REPLY_ERR] = "\033[31m",
};

/* One line per frame.  With a width (a terminal, or --width) a line that
 * does not fit is folded: the role stays on the first line (folded itself
 * if it must), the details follow on lines indented under the role. */
static void frame_line(FILE *o, const char *head, const char *role, const char *details,
                       const char *color, int width)
{
	fputs(head, o);
	wrap_pair(o, strlen(head), role, "  ", details, color, width > 0 ? (size_t)width : 0, strlen(head));
}

static void fmt_frames(const uint32_t *v, uint32_t n, char *out, size_t cap)
{
	if (!n) {
		snprintf(out, cap, "-");
		return;
	}
	int contiguous = v[n - 1] - v[0] == n - 1;
	if (n == 1)
		snprintf(out, cap, "%u", v[0]);
	else if (n == 2)
		snprintf(out, cap, "%u,%u", v[0], v[1]);
	else if (contiguous)
		snprintf(out, cap, "%u-%u", v[0], v[n - 1]);
	else
		snprintf(out, cap, "%u..%u(%u)", v[0], v[n - 1], n);
}

static void table_label(const struct exchange *x, char *lab, size_t cap)
{
	char vb[24];
	if (x->kind == EXK_BODY) {
		char b[24];
		bytes_h(x->bi ? x->bi->size : 0, b, sizeof b);
		snprintf(lab, cap, "message (%s)", b);
	} else if (x->kind == EXK_COMMAND && (!strcmp(x->verb, "MAIL") || !strcmp(x->verb, "RCPT")))
		snprintf(lab, cap, "%s %s", x->verb, x->verb[0] == 'M' ? "FROM" : "TO");
	else
		snprintf(lab, cap, "%s", tlw_ex_label(x, vb, sizeof vb));
}

/* "Response" and "Server est." cells, each padded to 11 columns (the
 * estimate can be "≈0": pad by characters, not bytes). */
static void timing_cells(const struct timeline *t, size_t i, char *out, size_t cap)
{
	const struct tl_exchange *tx = &t->ex[i];
	struct sbuf r, e;
	sb_init(&r);
	sb_init(&e);
	if (tx->has_resp)
		tlw_ms(tx->resp_ns, &r);
	else if (t->s->ex[i].kind == EXK_GREETING && t->has_greet)
		tlw_ms(t->greet_ns, &r);
	else
		sb_str(&r, "-");
	tlw_est(tx, &e);
	size_t cols = 0;
	for (size_t k = 0; k < e.n; k++)
		cols += ((unsigned char)e.b[k] & 0xc0) != 0x80;
	snprintf(out, cap, "%-11s %s%*s", r.b, e.b, cols < 11 ? (int)(11 - cols) : 0, "");
}

static void timing_legend(const struct out_ctx *c, const struct timeline *t)
{
	for (int k = 0; k < 2; k++) {
		struct sbuf b;
		sb_init(&b);
		tlw_timing_legend(t, k, &b);
		fold_line(c->o.out, "  ", b.b, c->o.width);
	}
}

static void text_table(const struct out_ctx *c, const struct timeline *t)
{
	FILE *o = c->o.out;
	const struct session *s = t->s;
	char rq[40], rp[40], ack[12], tm[40], lab[40], row[512], text[200], safe[4 * sizeof row];
	char tsafe[4 * sizeof text];
	putc('\n', o);
	snprintf(row, sizeof row, "  %-18s %-13s %-13s %-6s %-11s %-11s", "Exchange", "Request", "Reply",
	         "ACK", "Response", "Server est.");
	wrap_pair(o, 0, row, " ", "Reply code and text", NULL, c->o.width > 0 ? (size_t)c->o.width : 0, 21);
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		const struct tl_exchange *tx = &t->ex[i];
		table_label(x, lab, sizeof lab);
		fmt_frames(tx->req, tx->nreq, rq, sizeof rq);
		fmt_frames(tx->rep, tx->nrep, rp, sizeof rp);
		if (tx->ack_frame) snprintf(ack, sizeof ack, "%u", tx->ack_frame);
		else snprintf(ack, sizeof ack, "-");
		timing_cells(t, i, tm, sizeof tm);
		if (x->reply_code)
			snprintf(text, sizeof text, "%d %s%s", x->reply_code, x->reply_text ? x->reply_text : "",
			         x->reply_lines > 1 ? " (+more lines)" : "");
		else
			snprintf(text, sizeof text, "-");
		snprintf(row, sizeof row, "  %-18.18s %-13s %-13s %-6s %s", lab, rq, rp, ack, tm);
		wrap_pair(o, 0, fmt_safe(row, safe, sizeof safe), " ", fmt_safe(text, tsafe, sizeof tsafe), NULL,
		          c->o.width > 0 ? (size_t)c->o.width : 0, 21);
	}
	timing_legend(c, t);
}

static void fact_line(FILE *o, const char *indent, const struct sbuf *b, int width);

static void text_head(struct out_ctx *c, const struct timeline *t)
{
	FILE *o = c->o.out;
	const struct session *s = t->s;
	char cl[ADDR_EP_MAX], sv[ADDR_EP_MAX];
	addr_ep(s->family, s->cip, s->cport, cl, sizeof cl);
	addr_ep(s->family, s->sip, s->sport, sv, sizeof sv);
	fprintf(o, "%sSession %u: client %s -> server %s%s\n", c->first_session_out ? "\n" : "",
	        s->index, cl, sv, s->tls_implicit ? " (SMTPS: implicit TLS)" : "");
	c->first_session_out = 1;
	if (s->has_mac) {
		char m1[ADDR_MAC_MAX], m2[ADDR_MAC_MAX];
		struct sbuf gw;
		sb_init(&gw);
		tlw_gateway(t, &gw);
		addr_mac(s->cmac, m1);
		addr_mac(s->smac, m2);
		char line[200];
		snprintf(line, sizeof line, "  MACs: client side %s, server side %s%s", m1, m2,
		         memcmp(s->cmac, "\0\0\0\0\0\0", 6) ? gw.b : " (loopback)");
		wrap_pair(o, 0, line, "", "", NULL, c->o.width > 0 ? (size_t)c->o.width : 0, 4);
	}
	struct sbuf att;
	sb_init(&att);
	tlw_attempts(t, &att);
	fact_line(o, "  ", &att, c->o.width);
}

#define MORE_SHOWN 10          /* continuation lines shown of a reply that is not EHLO's */
#define LINE_INDENT "                              "

/* One indented line under a frame: wire bytes made safe, then words. */
static void under_line(const struct out_ctx *c, const char *p, size_t n, int pad, const char *words)
{
	char safe[4 * SMTP_RLINE_MAX + 8], row[sizeof safe + 160];
	text_safe(safe, sizeof safe, p, n, NULL);
	if (words)
		snprintf(row, sizeof row, "%-*s  %s", pad, safe, words);
	else
		snprintf(row, sizeof row, "%s", safe);
	fold_line(c->o.out, LINE_INDENT, row, c->o.width);
}

/* Under the frame that ends a reply: an EHLO reply's extensions with their
 * meanings, another reply's continuation lines (the first MORE_SHOWN). */
static void reply_lines_under(const struct out_ctx *c, const struct exchange *x)
{
	FILE *o = c->o.out;
	const char *p;
	size_t n, cur = 0;
	char note[64];
	if (tl_has_extensions(x)) {
		struct tl_ext e;
		while (tl_ext_next(x, &cur, &e))
			under_line(c, e.line, e.len, 20, e.meaning);
	} else {
		int k = 0;
		while (tl_reply_next(x, &cur, &p, &n))
			if (k++ && k <= MORE_SHOWN + 1)
				under_line(c, p, n, 0, NULL);
		if (k > MORE_SHOWN + 1)
			fprintf(o, LINE_INDENT "... %d more line%s\n", k - MORE_SHOWN - 1,
			        k - MORE_SHOWN - 1 == 1 ? "" : "s");
	}
	if (x->rlines_lost) {
		snprintf(note, sizeof note, "(+%u line%s not kept)", x->rlines_lost,
		         x->rlines_lost == 1 ? "" : "s");
		under_line(c, note, strlen(note), 0, NULL);
	}
	if (x->rlines_cut) {
		snprintf(note, sizeof note, "(%u line%s cut at %d bytes)", x->rlines_cut,
		         x->rlines_cut == 1 ? "" : "s", SMTP_RLINE_MAX);
		under_line(c, note, strlen(note), 0, NULL);
	}
}

/* The admin's line under the session head (timeline-verdict.c). */
static void text_verdict(const struct out_ctx *c, const struct timeline *t)
{
	struct sbuf b;
	char safe[SAFE_MAX];
	sb_init(&b);
	tlw_verdict(t, &b);
	fold_line(c->o.out, "  ", fmt_safe(b.b, safe, sizeof safe), c->o.width);
}

static void text_frames(const struct out_ctx *c, const struct timeline *t)
{
	FILE *o = c->o.out;
	char head[64];
	fprintf(o, "\n%7s %10s %-3s %-4s %s\n", "No.", "Time", "Dir", "Prot", "Role, then TCP details and SMTP text");
	if (c->o.width > 0) {
		char note[80];
		snprintf(note, sizeof note, "(folded at %d columns)", c->o.width);
		fprintf(o, "%28s", "");
		wrap_pair(o, 28, note, "", "", NULL, (size_t)c->o.width, 28);
	}
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		struct sbuf role, sum;
		char r_safe[SAFE_MAX], d_safe[SAFE_MAX];
		tlw_frame(t, i, c->o.raw_seq, &role, &sum);
		snprintf(head, sizeof head, "%7u %10.6f %-3s %-4s ", f->no, rel_secs(t->t0, f->ts_ns),
		         f->dir == DIR_C2S ? "C>S" : f->dir == DIR_S2C ? "S>C" : "---",
		         tlw_proto(t->fm[i].proto));
		frame_line(o, head, fmt_safe(role.b, r_safe, sizeof r_safe), fmt_safe(sum.b, d_safe, sizeof d_safe),
		           c->o.color ? class_color[tl_class_of(t, i)] : NULL, c->o.width);
		uint32_t k = 0;
		for (long e; (e = tl_frame_more_lines(t, i, &k)) >= 0;)
			reply_lines_under(c, &t->s->ex[e]);
	}
}

/* One fact line: indent, the words made safe (folded to width, further
 * lines two columns deeper), newline; nothing if empty. */
static void fact_line(FILE *o, const char *indent, const struct sbuf *b, int width)
{
	char safe[SAFE_MAX];
	if (!b->n)
		return;
	fold_line(o, indent, fmt_safe(b->b, safe, sizeof safe), width);
}

typedef void (*fact_fn)(const struct timeline *t, struct sbuf *b);

static void text_facts(FILE *o, const struct timeline *t, int width)
{
	static const fact_fn before[] = { tlw_handshake, tlw_greeting_wait, tlw_unscaled, tlw_traffic_c2s, tlw_traffic_s2c, tlw_trouble_c2s,
	                                  tlw_trouble_s2c, tlw_duration };
	static const fact_fn after[] = { tlw_mistakes, tlw_noarp, tlw_sender_check, tlw_cut_short, tlw_midstream,
	                                 tlw_not_kept, tlw_held_dropped, tlw_tls_note, tlw_dns_not_kept };
	struct sbuf b;
	fputs("\n", o);
	for (size_t k = 0; k < sizeof before / sizeof *before; k++) {
		sb_init(&b);
		before[k](t, &b);
		fact_line(o, "  ", &b, width);
	}
	for (size_t k = 0; k < t->nicmp; k++) {
		sb_init(&b);
		tlw_icmp_fact(t, k, &b);
		fact_line(o, "  ", &b, width);
	}
	for (size_t i = 0; i < t->s->nex; i++) {
		const struct body_info *bi = t->s->ex[i].bi;
		for (int k = 0; bi && k < TLW_MESSAGE_LINES; k++) {
			sb_init(&b);
			tlw_message(bi, k, &b);
			fact_line(o, k ? "    " : "  ", &b, width);
		}
	}
	for (size_t k = 0; k < sizeof after / sizeof *after; k++) {
		sb_init(&b);
		after[k](t, &b);
		fact_line(o, "  ", &b, width);
	}
}

void text_session(void *ctx, const struct session *s, const struct timeline *t)
{
	struct out_ctx *c = ctx;
	text_head(c, t);
	text_verdict(c, t);
	text_frames(c, t);
	if (s->nex)
		text_table(c, t);
	text_facts(c->o.out, t, c->o.width);
	text_show_data(c->o.out, s);
}

void text_end(void *ctx, const struct engine_stats *st)
{
	struct out_ctx *c = ctx;
	FILE *o = c->o.out;
	const struct sender_info *si = st->sender;
	fprintf(o, "\n%zu SMTP session%s in %llu frames (%llu not ARP/ND/TCP)\n", st->nsessions,
	        st->nsessions == 1 ? "" : "s", (unsigned long long)st->nframes, (unsigned long long)st->nother);
	if (st->input_error) {
		fputs("Input error: ", o);
		put_safe(o, st->input_error);
		fputs(" (everything before it is shown above)\n", o);
	}
	if (st->flow && (st->flow->not_analysed || st->flow->records_dropped))
		fprintf(o, "Memory limit reached: %llu frames not analysed, %llu analysed but not shown\n",
		        (unsigned long long)st->flow->not_analysed,
		        (unsigned long long)st->flow->records_dropped);
	if (!si)
		return;
	fprintf(o, "Capture: %llu packets received, %llu dropped by the kernel, %llu by the interface",
	        (unsigned long long)si->ps_recv, (unsigned long long)si->ps_drop,
	        (unsigned long long)si->ps_ifdrop);
	fprintf(o, "%s%s\n", si->loopback ? " (on loopback libpcap sees each packet twice)" : "",
	        si->ps_drop || si->ps_ifdrop ? " -- the timeline may be incomplete" : "");
	if (si->capture_file) {
		fputs("Saved: ", o);
		put_safe(o, si->capture_file);
		fputs(" (open it with: wireshark ", o);
		put_safe(o, si->capture_file);
		fputs(")\n", o);
	}
}
