/* out-json.c - sessions as one JSON document (docs/json-schema.md).
 * Every string goes through json_put: always valid UTF-8. */
#include <string.h>
#include "decode.h"
#include "flow-table.h"
#include "out.h"
#include "out-mistakes.h"
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

static void json_capture_point(FILE *o, const struct timeline *t)
{
	const char *cp = tlw_cpoint(t->cpoint);
	fputs(",\"capture_point\":", o);
	json_put_str(o, cp);
}

/* sep"KEY":v, or sep"KEY":null when not has. */
static void json_num_or_null(FILE *o, const char *sep, const char *key, int has, unsigned v)
{
	fprintf(o, "%s\"%s\":", sep, key);
	if (has)
		fprintf(o, "%u", v);
	else
		fputs("null", o);
}

/* handshake.client_isn / server_isn (raw) and syn_options, each side
 * whose SYN was seen. */
static void json_syn(FILE *o, const struct timeline *t)
{
	struct tl_syn_side sd[2];
	tl_syn_side(t, DIR_C2S, &sd[0]);
	tl_syn_side(t, DIR_S2C, &sd[1]);
	for (int d = 0; d < 2; d++)
		if (sd[d].seen)
			fprintf(o, ",\"%s_isn\":%u", d ? "server" : "client", sd[d].isn);
	if (!sd[0].seen && !sd[1].seen)
		return;
	fputs(",\"syn_options\":{", o);
	for (int d = 0, n = 0; d < 2; d++) {
		if (!sd[d].seen)
			continue;
		fprintf(o, "%s\"%s\":{", n++ ? "," : "", d ? "server" : "client");
		json_num_or_null(o, "", "frame", sd[d].frame > 0, sd[d].frame);
		json_num_or_null(o, ",", "mss", sd[d].mss > 0, sd[d].mss);
		json_num_or_null(o, ",", "wscale", sd[d].wscale >= 0, (unsigned)sd[d].wscale);
		fprintf(o, ",\"sack_perm\":%s}", sd[d].sack_perm ? "true" : "false");
	}
	putc('}', o);
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
	json_capture_point(o, t);
	fprintf(o, ",\"windows_scaled\":%s,\"acks_relative\":%s",
	        s->d[0].wscale >= 0 && s->d[1].wscale >= 0 ? "true" : "false",
	        s->d[0].seen && s->d[1].seen ? "true" : "false");
	json_syn(o, t);
	putc('}', o);
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

/* ---- ICMP errors about the session (timeline-icmp.c) ---- */

static void json_ip(FILE *o, int family, const uint8_t *a)
{
	char ip[ADDR_IP_MAX];
	addr_ip(family, a, ip, sizeof ip);
	json_put_str(o, ip);
}

static void json_icmp_frame(FILE *o, const struct timeline *t, size_t i)
{
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	const struct frame_icmp *q = &f->icmp;
	char a[ADDR_EP_MAX], b[ADDR_EP_MAX];
	int d = q->qdir;
	fprintf(o, ",\"icmp\":{\"family\":%u,\"type\":%u,\"code\":%u,\"name\":", f->family, q->type, q->code);
	json_put_str(o, tlw_icmp_name(f->family, q->type, q->code));
	fputs(",\"from\":", o);
	json_ip(o, f->family, q->from);
	json_num_or_null(o, ",", "mtu", q->mtu != 0, q->mtu);
	fprintf(o, ",\"about\":\"%s\"", tlw_dir(d));
	json_num_or_null(o, ",", "quoted_frame", t->fm[i].quoted != 0, t->fm[i].quoted);
	addr_ep(s->family, d == DIR_C2S ? s->cip : s->sip, d == DIR_C2S ? s->cport : s->sport, a, sizeof a);
	addr_ep(s->family, d == DIR_C2S ? s->sip : s->cip, d == DIR_C2S ? s->sport : s->cport, b, sizeof b);
	fputs(",\"quote\":{\"src\":", o);
	json_put_str(o, a);
	fputs(",\"dst\":", o);
	json_put_str(o, b);
	json_num_or_null(o, ",", "seq", q->quote >= ICMPQ_SEQ, (uint32_t)(q->qseq - s->d[d].isn));
	fprintf(o, ",\"ip_length\":%u,\"status\":\"%s\"}}", q->qiplen,
	        (f->status & PKT_MALFORMED) ? "malformed" : (f->status & PKT_TRUNCATED) ? "truncated" : "ok");
}

static void json_icmp_groups(FILE *o, const struct timeline *t)
{
	fputs(",\"icmp_errors\":[", o);
	for (size_t k = 0; k < t->nicmp; k++) {
		const struct tl_icmp *g = &t->icmp[k];
		struct sbuf b;
		fprintf(o, "%s{\"family\":%u,\"type\":%u,\"code\":%u,\"name\":", k ? "," : "", g->family,
		        g->type, g->code);
		json_put_str(o, tlw_icmp_name(g->family, g->type, g->code));
		fputs(",\"from\":", o);
		json_ip(o, g->family, g->from);
		fprintf(o, ",\"about\":\"%s\",\"frames\":", tlw_dir(g->qdir));
		json_frames(o, g->frames, g->nframes);
		fprintf(o, ",\"path_mtu\":%s", g->pmtu ? "true" : "false");
		json_num_or_null(o, ",", "mtu", g->mtu != 0, g->mtu);
		json_num_or_null(o, ",", "segment_len", g->seglen != 0, g->seglen);
		fprintf(o, ",\"retransmissions_after\":%u", g->retrans);
		json_num_or_null(o, ",", "largest_after", g->maxlen_after != 0, g->maxlen_after);
		sb_init(&b);
		tlw_icmp_fact(t, k, &b);
		fputs(",\"diagnosis\":", o);
		json_put(o, b.b, b.n);
		fputs("}", o);
	}
	fputs("]", o);
}

/* "arp": what an ARP / ND frame says (tl_link). */
static void json_link(FILE *o, const struct timeline *t, size_t i)
{
	static const char *const op[] = { "request", "reply", "other" };
	static const char *const about[] = { [TLW_SERVER] = "server", [TLW_CLIENT] = "client",
	                                     [TLW_GATEWAY] = "gateway" };
	struct tl_link l;
	char mac[ADDR_MAC_MAX], ip[ADDR_IP_MAX];
	if (!tl_link(t, i, &l))
		return;
	addr_mac(l.sender_mac, mac);
	addr_ip(l.family, l.sender_ip, ip, sizeof ip);
	fprintf(o, ",\"arp\":{\"op\":\"%s\",\"opcode\":%u,\"sender_mac\":\"%s\",\"sender_ip\":\"%s\"",
	        op[l.op], l.opcode, mac, ip);
	addr_ip(l.family, l.target_ip, ip, sizeof ip);
	if (l.target_mac)
		addr_mac(l.target_mac, mac);
	fprintf(o, ",\"target_mac\":%s%s%s,\"target_ip\":\"%s\",\"about\":", l.target_mac ? "\"" : "",
	        l.target_mac ? mac : "null", l.target_mac ? "\"" : "", ip);
	json_put_str(o, l.about >= 0 && l.about <= TLW_GATEWAY ? about[l.about] : NULL);
	putc('}', o);
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
	} else if (f->proto == FP_ICMP)
		json_icmp_frame(o, t, i);
	else if (f->proto == FP_DNS)
		json_dns(o, t, i);
	else
		json_link(o, t, i);
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
	json_message_parts(o, b);
	json_message_data(o, b);
	fputs("}", o);
}

/* "reply_lines": every line kept; for EHLO "extensions" with their meanings. */
static void json_reply_lines(FILE *o, const struct exchange *x)
{
	const char *p;
	size_t n, cur = 0;
	fputs(",\"reply_lines\":[", o);
	for (int k = 0; tl_reply_next(x, &cur, &p, &n); k++) {
		if (k)
			putc(',', o);
		json_put(o, p, n);
	}
	fprintf(o, "],\"reply_line_count\":%d", x->reply_lines);
	if (x->rlines_lost)
		fprintf(o, ",\"reply_lines_not_kept\":%u", x->rlines_lost);
	if (x->rlines_cut)
		fprintf(o, ",\"reply_lines_cut\":%u", x->rlines_cut);
	if (!tl_has_extensions(x))
		return;
	struct tl_ext e;
	cur = 0;
	fputs(",\"extensions\":[", o);
	for (int k = 0; tl_ext_next(x, &cur, &e); k++) {
		fputs(k ? ",{\"name\":" : "{\"name\":", o);
		json_put(o, e.name, e.nlen);
		fputs(",\"params\":", o);
		json_put(o, e.params, e.plen);
		fputs(",\"meaning\":", o);
		json_put_str(o, e.meaning);
		putc('}', o);
	}
	putc(']', o);
}

/* The response time split (timeline-verdict.c): response_ms, and the
 * server's work estimated as it minus rtt_ms_used, clamped at 0. */
static void json_timing(FILE *o, const struct timeline *t, size_t i)
{
	const struct tl_exchange *tx = &t->ex[i];
	int greet = t->s->ex[i].kind == EXK_GREETING && t->has_greet;
	if (greet)
		fprintf(o, ",\"greeting_after_handshake_ms\":%.6f", (double)t->greet_ns / 1e6);
	if (tx->has_resp || greet)
		fprintf(o, ",\"response_ms\":%.6f", (double)(greet ? t->greet_ns : tx->resp_ns) / 1e6);
	if (tx->has_est)
		fprintf(o, ",\"server_ms_est\":%.6f,\"server_est_clamped\":%s,\"rtt_ms_used\":%.6f",
		        (double)tx->est_ns / 1e6, tx->est_clamped ? "true" : "false",
		        (double)t->rtt_used_ns / 1e6);
}

/* "verdict": the session for admins (timeline-verdict.c) */
static void json_verdict(FILE *o, const struct timeline *t)
{
	const struct tl_verdict *v = &t->verdict;
	struct sbuf b;
	sb_init(&b);
	tlw_verdict(t, &b);
	fprintf(o, ",\"verdict\":{\"outcome\":\"%s\",\"accepted\":%u,\"transactions\":%u,\"ended\":\"%s\"",
	        tlw_outcome(v->outcome), v->accepted, v->transactions, tlw_end(v->end));
	if (v->has_fail) {
		const struct exchange *x = &t->s->ex[v->fail_ex];
		fprintf(o, ",\"refused\":{\"exchange\":%zu,\"kind\":\"%s\",\"command\":", v->fail_ex,
		        tlw_kind(x->kind));
		json_put_str(o, x->kind == EXK_COMMAND ? x->verb : NULL);
		fprintf(o, ",\"reply_code\":%d,\"reply_frames\":", x->reply_code);
		json_frames(o, t->ex[v->fail_ex].rep, t->ex[v->fail_ex].nrep);
		fputs("}", o);
	} else
		fputs(",\"refused\":null", o);
	if (v->has_slow) {
		fprintf(o, ",\"slowest\":{\"seconds\":%.9f,\"waited_for\":\"%s\",\"side\":\"%s\","
		        "\"frames\":[%u,%u]", (double)v->slow_ns / 1e9, tlw_wait(v->wait),
		        v->wait_dir == DIR_C2S ? "client" : "server", v->slow_from, v->slow_to);
		if (v->has_slow_ex)
			fprintf(o, ",\"exchange\":%zu", v->slow_ex);
		fputs("}", o);
	} else
		fputs(",\"slowest\":null", o);
	fputs(",\"text\":", o);
	json_put(o, b.b, b.n);
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
		json_reply_lines(o, x);
		fputs(",\"meaning\":", o);
		json_put_str(o, smtp_code_meaning(x->reply_code));
	} else
		fputs(",\"reply_code\":null", o);
	fputs(",\"reply_frames\":", o);
	json_frames(o, tx->rep, tx->nrep);
	json_num_or_null(o, ",", "ack_frame", tx->ack_frame != 0, tx->ack_frame);
	if (tx->has_resp) fprintf(o, ",\"response_time\":%.9f", (double)tx->resp_ns / 1e6 / 1e3);
	json_timing(o, t, i);
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
	json_verdict(o, t);
	json_attempts(o, t);
	fputs(",\"frames\":[", o);
	for (size_t i = 0; i < t->nframes; i++)
		json_frame(c, t, i);
	fputs("],\"exchanges\":[", o);
	for (size_t i = 0; i < s->nex; i++)
		json_exchange(o, t, i);
	fputs("]", o);
	if (t->nicmp)
		json_icmp_groups(o, t);
	json_mistakes(o, t);
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
