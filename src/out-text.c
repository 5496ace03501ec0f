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

#define SAFE_MAX 4096        /* a 1024-byte line rendered safe: at most 4 bytes per byte */

static const char *const class_color[] = {
	[TLC_PLAIN] = NULL, [TLC_LINK] = "\033[35m", [TLC_CONN] = "\033[33m",
	[TLC_REQUEST] = "\033[32m", [TLC_REPLY_OK] = "\033[36m", [TLC_REPLY_ERR] = "\033[31m",
};

/* One line per frame.  On a terminal the line is cut to its width (at a
 * character boundary); otherwise it is written whole. */
static void frame_line(FILE *o, const char *head, const char *role, const char *details,
                       const char *color, int width)
{
	size_t hl = strlen(head), rl = strlen(role), dl = strlen(details);
	size_t room = width > 0 && (size_t)width > hl ? (size_t)width - hl : (size_t)-1;
	fputs(head, o);
	size_t take = rl < room ? rl : room;
	if (color)
		fprintf(o, "%s%.*s\033[0m", color, (int)take, role);
	else
		fwrite(role, 1, take, o);
	room -= take;
	if (take == rl && dl && room > 2) {
		fputs("  ", o);
		room -= 2;
		take = dl;
		if (dl > room) {
			take = room - 1;
			while (take && ((unsigned char)details[take] & 0xc0) == 0x80)
				take--;          /* not inside a UTF-8 sequence */
		}
		fwrite(details, 1, take, o);
		if (take < dl)
			fputs("~", o);
	} else if (take < rl || (dl && room <= 2))
		fputs("~", o);
	putc('\n', o);
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

/* A line, cut to a terminal's width (0: whole). */
static void cut_line(FILE *o, const char *line, int width)
{
	size_t n = strlen(line);
	if (width > 0 && n > (size_t)width) {
		size_t take = (size_t)width - 1;
		while (take && ((unsigned char)line[take] & 0xc0) == 0x80)
			take--;
		fwrite(line, 1, take, o);
		fputs("~\n", o);
	} else {
		fputs(line, o);
		putc('\n', o);
	}
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

static void text_table(const struct out_ctx *c, const struct timeline *t)
{
	FILE *o = c->o.out;
	const struct session *s = t->s;
	char rq[40], rp[40], ack[12], tm[16], lab[40], row[512], text[200], safe[4 * sizeof row];
	fprintf(o, "\n  %-18s %-13s %-13s %-6s %-12s %s\n", "Exchange", "Request", "Reply",
	        "ACK", "Server time", "Reply code and text");
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		const struct tl_exchange *tx = &t->ex[i];
		table_label(x, lab, sizeof lab);
		fmt_frames(tx->req, tx->nreq, rq, sizeof rq);
		fmt_frames(tx->rep, tx->nrep, rp, sizeof rp);
		if (tx->ack_frame) snprintf(ack, sizeof ack, "%u", tx->ack_frame);
		else snprintf(ack, sizeof ack, "-");
		if (tx->has_resp) snprintf(tm, sizeof tm, "%.3f ms", (double)tx->resp_ns / 1e6);
		else snprintf(tm, sizeof tm, "-");
		if (x->reply_code)
			snprintf(text, sizeof text, "%d %s%s", x->reply_code, x->reply_text ? x->reply_text : "",
			         x->reply_lines > 1 ? " (+more lines)" : "");
		else
			snprintf(text, sizeof text, "-");
		snprintf(row, sizeof row, "  %-18.18s %-13s %-13s %-6s %-12s %s", lab, rq, rp, ack, tm, text);
		cut_line(o, fmt_safe(row, safe, sizeof safe), c->o.width);
	}
}

static void fact_line(FILE *o, const char *indent, const struct sbuf *b);

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
		fprintf(o, "  MACs: client side %s, server side %s%s\n", m1, m2,
		        memcmp(s->cmac, "\0\0\0\0\0\0", 6) ? gw.b : " (loopback)");
	}
	struct sbuf att;
	sb_init(&att);
	tlw_attempts(t, &att);
	fact_line(o, "  ", &att);
}

static void text_frames(const struct out_ctx *c, const struct timeline *t)
{
	FILE *o = c->o.out;
	char head[64];
	fprintf(o, "\n%7s %10s %-3s %-4s %s\n", "No.", "Time", "Dir", "Prot", "Role, then TCP details and SMTP text");
	if (c->o.width)
		fprintf(o, "%27s(lines cut at %d columns, marked ~; pipe to a file or less -S for all)\n", "",
		        c->o.width);
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
	}
}

/* One fact line: indent, the words made safe, newline; nothing if empty. */
static void fact_line(FILE *o, const char *indent, const struct sbuf *b)
{
	if (!b->n)
		return;
	fputs(indent, o);
	put_safe(o, b->b);
	putc('\n', o);
}

typedef void (*fact_fn)(const struct timeline *t, struct sbuf *b);

static void text_facts(FILE *o, const struct timeline *t)
{
	static const fact_fn before[] = { tlw_handshake, tlw_unscaled, tlw_traffic_c2s, tlw_traffic_s2c, tlw_trouble_c2s,
	                                  tlw_trouble_s2c, tlw_duration };
	static const fact_fn after[] = { tlw_noarp, tlw_sender_check, tlw_cut_short, tlw_midstream,
	                                 tlw_not_kept, tlw_held_dropped, tlw_tls_note, tlw_dns_not_kept };
	struct sbuf b;
	fputs("\n", o);
	for (size_t k = 0; k < sizeof before / sizeof *before; k++) {
		sb_init(&b);
		before[k](t, &b);
		fact_line(o, "  ", &b);
	}
	for (size_t i = 0; i < t->s->nex; i++) {
		const struct body_info *bi = t->s->ex[i].bi;
		for (int k = 0; bi && k < TLW_MESSAGE_LINES; k++) {
			sb_init(&b);
			tlw_message(bi, k, &b);
			fact_line(o, k ? "    " : "  ", &b);
		}
	}
	for (size_t k = 0; k < sizeof after / sizeof *after; k++) {
		sb_init(&b);
		after[k](t, &b);
		fact_line(o, "  ", &b);
	}
}

void text_session(void *ctx, const struct session *s, const struct timeline *t)
{
	struct out_ctx *c = ctx;
	text_head(c, t);
	text_frames(c, t);
	if (s->nex)
		text_table(c, t);
	text_facts(c->o.out, t);
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
