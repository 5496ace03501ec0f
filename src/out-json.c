/* out-json.c - sessions as one JSON document (docs/json-schema.md).
 * Every string goes through json_put: always valid UTF-8. */
#include <string.h>
#include "decode.h"
#include "flow-table.h"
#include "out.h"
#include "session.h"
#include "smtp_line.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-text.h"

static void json_frames(FILE *f, const uint32_t *v, uint32_t n)
{
	putc_unlocked('[', f);
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			putc_unlocked(',', f);
		put_u(f, v[i]);
	}
	putc_unlocked(']', f);
}

void json_begin(void *ctx)
{
	struct out_ctx *c = ctx;
	fprintf(c->o.out, "{\"tool\":\"smtptrace\",\"version\":\"%s\",\"sessions\":[",
#ifdef SMTPTRACE_VERSION
	        SMTPTRACE_VERSION
#else
	        "dev"
#endif
	);
}

static void json_head(struct out_ctx *c, const struct timeline *t)
{
	FILE *o = c->o.out;
	const struct session *s = t->s;
	char cl[ADDR_EP_MAX], sv[ADDR_EP_MAX], m1[ADDR_MAC_MAX], m2[ADDR_MAC_MAX];
	addr_ep(s->family, s->cip, s->cport, cl, sizeof cl);
	addr_ep(s->family, s->sip, s->sport, sv, sizeof sv);
	fprintf(o, "%s\n{\"index\":%u,\"client\":", c->first_session_out ? "," : "", s->index);
	c->first_session_out = 1;
	json_put_str(o, cl);
	fputs(",\"server\":", o);
	json_put_str(o, sv);
	if (s->has_mac) {
		addr_mac(s->cmac, m1);
		addr_mac(s->smac, m2);
		fprintf(o, ",\"client_mac\":\"%s\",\"server_mac\":\"%s\"", m1, m2);
	}
	fprintf(o, ",\"start\":%.9f,\"duration\":%.9f,\"history\":", rel_secs(t->t0, s->first_ts),
	        (double)(s->last_ts - s->first_ts) / 1e9);
	json_put_str(o, s->history);
	fprintf(o, ",\"closed_by\":%s,\"reset\":%s,\"complete\":%s,\"tls\":%s",
	        s->first_closer < 0 ? "null" : s->first_closer == DIR_C2S ? "\"client\"" : "\"server\"",
	        s->d[0].rst || s->d[1].rst ? "true" : "false", s->cut_short ? "false" : "true",
	        s->tls_implicit ? "\"implicit\"" : s->starttls ? "\"starttls\"" : "null");
	const struct tls_dec_sum *d = &s->tlsd;
	if (s->tls_implicit || s->starttls)
		fprintf(o, ",\"tls_records\":{\"decrypted\":%u,\"failed\":%u,\"no_keys\":%u,"
		        "\"unsupported\":%u}", d->ok, d->bad, d->no_keys, d->unsupported);
	fprintf(o, ",\"handshake\":{\"frames\":[%u,%u,%u]", t->hs[0], t->hs[1], t->hs[2]);
	if (t->has_synack) fprintf(o, ",\"syn_synack\":%.9f", (double)t->synack_ns / 1e9);
	if (t->has_irtt) fprintf(o, ",\"irtt\":%.9f", (double)t->irtt_ns / 1e9);
	fprintf(o, ",\"windows_scaled\":%s,\"acks_relative\":%s}",
	        s->d[0].wscale >= 0 && s->d[1].wscale >= 0 ? "true" : "false",
	        s->d[0].seen && s->d[1].seen ? "true" : "false");
}

static void json_envelope(FILE *o, const struct session *s)
{
	fputs(",\"helo\":", o);
	json_put_str(o, s->smtp.helo[0] ? s->smtp.helo : NULL);
	fputs(",\"mail_from\":", o);
	json_put_str(o, s->smtp.mail_from[0] || s->smtp.transactions ? s->smtp.mail_from : NULL);
	fputs(",\"rcpt_to\":[", o);
	for (uint32_t i = 0; i < s->smtp.nrcpt_kept; i++) {
		if (i)
			putc(',', o);
		json_put_str(o, s->smtp.rcpt[i]);
	}
	fputs("]", o);
	/* what the dissector's bounds left out, only when something was */
	if (s->smtp.nrcpt > s->smtp.nrcpt_kept)
		fprintf(o, ",\"rcpt_to_not_kept\":%u", s->smtp.nrcpt - s->smtp.nrcpt_kept);
	if (s->smtp.midstream)
		fprintf(o, ",\"started_mid_session\":{\"c2s_skipped\":%llu,\"s2c_skipped\":%llu}",
		        (unsigned long long)s->smtp.skipped[DIR_C2S],
		        (unsigned long long)s->smtp.skipped[DIR_S2C]);
	if (s->smtp.ex_dropped)
		fprintf(o, ",\"exchanges_not_kept\":%llu", (unsigned long long)s->smtp.ex_dropped);
	fputs(",\"stats\":{", o);
	for (int d = 0; d < 2; d++) {
		const struct dirstate *ds = &s->d[d];
		fprintf(o, "%s\"%s\":{\"frames\":%llu,\"bytes\":%llu,\"payload\":%llu,\"retransmissions\":%u,"
		        "\"out_of_order\":%u,\"not_captured\":%llu,\"dup_acks\":%u,\"zero_windows\":%u,"
		        "\"over_mss\":%u}", d ? "," : "", tlw_dir(d), (unsigned long long)ds->frames,
		        (unsigned long long)ds->bytes, (unsigned long long)ds->paybytes, ds->retrans, ds->ooo,
		        (unsigned long long)ds->gap_bytes, ds->dupacks, ds->zerowin, ds->overmss);
	}
	fputs("}", o);
}

/* "analysis": the TA_* bits by name (tcp_analysis_name) */
static void json_analysis(FILE *o, uint32_t ta)
{
	PUT_LIT(o, ",\"analysis\":[");
	for (unsigned b = 0, n = 0; b < TA_NBITS; b++)
		if (ta & (1u << b))
			fprintf(o, "%s\"%s\"", n++ ? "," : "", tcp_analysis_name(1u << b));
	putc_unlocked(']', o);
}

static void json_frame(const struct out_ctx *c, const struct timeline *t, size_t i)
{
	FILE *o = c->o.out;
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	struct sbuf role, sum;
	tlw_frame(t, i, c->o.raw_seq, &role, &sum);
	fputs_unlocked(i ? ",\n {\"no\":" : "\n {\"no\":", o);
	put_u(o, f->no);
	PUT_LIT(o, ",\"time\":");
	put_reltime(o, t->t0, f->ts_ns, 9);
	PUT_LIT(o, ",\"proto\":\"");
	fputs_unlocked(tlw_proto(t->fm[i].proto), o);
	PUT_LIT(o, "\",\"dir\":\"");
	fputs_unlocked(tlw_dir(f->dir), o);
	PUT_LIT(o, "\",\"role\":");
	json_put(o, role.b, role.n);
	PUT_LIT(o, ",\"summary\":");
	json_put(o, sum.b, sum.n);
	if (f->dir <= 1) {
		PUT_LIT(o, ",\"flags\":\"");
		fputs_unlocked(tlw_flags(f->flags), o);
		PUT_LIT(o, "\",\"seq\":");
		put_u(o, (f->flags & TH_SYN) ? 0 : (uint32_t)(f->seq - s->d[f->dir].isn));
		PUT_LIT(o, ",\"ack\":");
		put_u(o, (f->flags & TH_ACK) ? (uint32_t)(f->ack - s->d[!f->dir].isn) : 0);
		PUT_LIT(o, ",\"len\":");
		put_u(o, f->len);
		PUT_LIT(o, ",\"win\":");
		put_u(o, f->win);
		json_analysis(o, f->ta);
	}
	if (f->proto == FP_DNS)
		json_dns(o, t, i);
	putc_unlocked('}', o);
}

static void json_message(FILE *o, const struct body_info *b)
{
	fprintf(o, ",\"message\":{\"size\":%llu,\"lines\":%llu,\"dot_stuffed_lines\":%llu,"
	        "\"not_captured\":%llu,\"complete\":%s,\"from\":", (unsigned long long)b->size,
	        (unsigned long long)b->lines, (unsigned long long)b->stuffed,
	        (unsigned long long)b->gap, b->complete ? "true" : "false");
	json_put_str(o, b->from);
	if (b->gap)
		fputs(",\"size_approximate\":true", o);
	if (b->unstuffed_dot)
		fputs(",\"unstuffed_dot\":true", o);
	fputs(",\"to\":", o); json_put_str(o, b->to);
	fputs(",\"subject\":", o); json_put_str(o, b->subject);
	fputs(",\"message_id\":", o); json_put_str(o, b->msgid);
	fputs("}", o);
}

static void json_exchange(FILE *o, const struct timeline *t, size_t i)
{
	const struct exchange *x = &t->s->ex[i];
	const struct tl_exchange *tx = &t->ex[i];
	fprintf(o, "%s\n {\"kind\":\"%s\",\"command\":", i ? "," : "", tlw_kind(x->kind));
	json_put_str(o, x->kind == EXK_COMMAND ? x->verb : NULL);
	fputs(",\"line\":", o);
	json_put_str(o, x->line);
	fputs(",\"request_frames\":", o);
	json_frames(o, tx->req, tx->nreq);
	if (x->reply_code) {
		fprintf(o, ",\"reply_code\":%d,\"reply_text\":", x->reply_code);
		json_put_str(o, x->reply_text);
		fprintf(o, ",\"reply_lines\":%d,\"meaning\":", x->reply_lines);
		json_put_str(o, smtp_code_meaning(x->reply_code));
	} else
		fputs(",\"reply_code\":null", o);
	fputs(",\"reply_frames\":", o);
	json_frames(o, tx->rep, tx->nrep);
	if (tx->ack_frame) fprintf(o, ",\"ack_frame\":%u", tx->ack_frame);
	else fputs(",\"ack_frame\":null", o);
	if (tx->has_resp) fprintf(o, ",\"response_time\":%.9f", (double)tx->resp_ns / 1e6 / 1e3);
	fprintf(o, ",\"pipelined\":%s,\"tls\":%s", x->pipelined ? "true" : "false",
	        x->plain ? "true" : "false");
	if (x->bi)
		json_message(o, x->bi);
	fputs("}", o);
}

void json_session(void *ctx, const struct session *s, const struct timeline *t)
{
	struct out_ctx *c = ctx;
	FILE *o = c->o.out;
	json_head(c, t);
	json_envelope(o, s);
	json_attempts(o, t);
	fputs(",\"frames\":[", o);
	for (size_t i = 0; i < t->nframes; i++)
		json_frame(c, t, i);
	fputs("],\"exchanges\":[", o);
	for (size_t i = 0; i < s->nex; i++)
		json_exchange(o, t, i);
	fputs("]", o);
	if (t->sender_writes)
		fprintf(o, ",\"sender_check\":{\"matched\":%zu,\"writes\":%zu}", t->sender_matched, t->sender_writes);
	fputs("}", o);
}

static void json_sender(FILE *o, const struct sender_info *si)
{
	fputs(",\"sender\":{\"server\":", o);
	json_put_str(o, si->server_arg);
	fputs(",\"interface\":", o);
	json_put_str(o, si->ifname);
	fputs(",\"next_hop\":", o);
	json_put_str(o, si->nexthop);
	fprintf(o, ",\"via_gateway\":%s,\"loopback\":%s,\"neighbour_cached\":%s,\"fresh_arp\":%s,"
	        "\"packets_received\":%llu,\"packets_dropped\":%llu,\"interface_dropped\":%llu,"
	        "\"capture_file\":", si->via_gateway ? "true" : "false",
	        si->loopback ? "true" : "false", si->neigh_cached ? "true" : "false",
	        si->fresh_arp ? "true" : "false", (unsigned long long)si->ps_recv,
	        (unsigned long long)si->ps_drop, (unsigned long long)si->ps_ifdrop);
	json_put_str(o, si->capture_file);
	if (si->has_result) {
		fprintf(o, ",\"exit_code\":%d,\"stage\":", si->exit_code);
		json_put_str(o, smtp_stage_name(si->stage));
		fputs(",\"error\":", o);
		json_put_str(o, si->error && si->error[0] ? si->error : NULL);
		fputs(",\"sent\":[", o);
		for (size_t i = 0; i < si->nsent; i++) {
			const struct sent_rec *w = &si->sent[i];
			fprintf(o, "%s{\"offset\":%llu,\"end\":%llu,\"command\":", i ? "," : "",
			        (unsigned long long)w->off, (unsigned long long)w->end);
			json_put_str(o, w->is_body ? NULL : w->verb);
			fprintf(o, ",\"reply_code\":%d}", w->reply_code);
		}
		fputs("]", o);
	}
	fputs("}", o);
}

void json_end(void *ctx, const struct engine_stats *st)
{
	struct out_ctx *c = ctx;
	FILE *o = c->o.out;
	fprintf(o, "%s],\"frames_total\":%llu,\"sessions_total\":%zu,\"other_frames\":%llu,\"input_error\":",
	        st->nsessions ? "\n" : "", (unsigned long long)st->nframes, st->nsessions,
	        (unsigned long long)st->nother);
	json_put_str(o, st->input_error);
	if (st->flow)
		fprintf(o, ",\"undecodable_frames\":%llu,\"frames_not_analysed\":%llu,"
		        "\"frames_not_shown\":%llu", (unsigned long long)st->flow->undecodable,
		        (unsigned long long)st->flow->not_analysed,
		        (unsigned long long)st->flow->records_dropped);
	if (st->sender)
		json_sender(o, st->sender);
	fputs("}\n", o);
}
