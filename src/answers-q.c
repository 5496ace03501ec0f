/* answers-q.c - the questions a networking lab asks about an SMTP capture,
 * answered from the timeline, each with its frames and a Wireshark display
 * filter (out-answers.c writes the session and the checklist first). */
#include <string.h>
#include "answers-int.h"
#include "decode.h"
#include "smtp_line.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-text.h"

static void q(FILE *o, int n, const char *title, const char *filter)
{
	fprintf(o, "\n**%d. %s**  \nFilter: `%s`\n\n", n, title, filter);
}

static void q_arp(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	char ip[ADDR_IP_MAX], ip2[ADDR_IP_MAX], mac[ADDR_MAC_MAX];
	int any = 0;
	q(o, 1, "ARP: who asked, who answered, and why that address?", "arp || icmpv6.type == 135 || icmpv6.type == 136");
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->proto == FP_ND) {
			addr_ip(6, f->tpa, ip2, sizeof ip2);
			addr_mac(f->sha, mac);
			fprintf(o, f->arp_op == 135 ? "- Frame %u: IPv6 neighbour solicitation: who has %s? "
			        "(from MAC %s; ND is IPv6's ARP)\n" : "- Frame %u: neighbour advertisement: "
			        "%s is at %s\n", f->no, ip2, mac);
			any = 1;
			continue;
		}
		if (f->proto != FP_ARP)
			continue;
		addr_ip(4, f->spa, ip, sizeof ip);
		addr_ip(4, f->tpa, ip2, sizeof ip2);
		addr_mac(f->sha, mac);
		if (f->arp_op == 1)
			fprintf(o, "- Frame %u: %s (MAC %s) asks \"who has %s?\" (broadcast)\n", f->no, ip, mac, ip2);
		else
			fprintf(o, "- Frame %u: %s answers \"%s is at %s\" (unicast to the asker)\n", f->no, ip, ip, mac);
		any = 1;
	}
	if (!any) {
		struct sbuf b;
		sb_init(&b);
		tlw_noarp_why(t, &b);
		fprintf(o, "- No ARP for this session: %s\n", b.n ? b.b : "not in the capture");
	}
	if (t->gateway[0]) {
		snprintf(ip, sizeof ip, "%s", t->gateway);
		addr_ip(s->family, s->sip, ip2, sizeof ip2);
		fprintf(o, "- Why %s and not the server %s: the server is not on the client's subnet, so the "
		        "client's route sends the frames to its gateway %s; the Ethernet destination of every "
		        "frame to the server is the gateway's MAC, the IP destination stays the server's.\n",
		        ip, ip2, ip);
	} else if (any)
		fprintf(o, "- The server is on the client's own subnet, so the client ARPs for the server itself.\n");
}

static void q_addresses(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	char ci[ADDR_IP_MAX], si[ADDR_IP_MAX], flt[200], m1[ADDR_MAC_MAX], m2[ADDR_MAC_MAX];
	addr_ip(s->family, s->cip, ci, sizeof ci);
	addr_ip(s->family, s->sip, si, sizeof si);
	snprintf(flt, sizeof flt, "%s.addr == %s && tcp.port == %u", s->family == 6 ? "ipv6" : "ip", ci, s->cport);
	q(o, 2, "IP addresses and ports", flt);
	fprintf(o, "- Client: IP %s, port %u (ephemeral: picked by the client's OS for this connection)\n",
	        ci, s->cport);
	fprintf(o, "- Server: IP %s, port %u (%s)\n", si, s->sport, s->sport == 25 ? "SMTP, well-known" :
	        s->sport == 587 ? "submission" : s->sport == 465 ? "SMTPS, implicit TLS" : "the server's port");
	if (s->has_mac) {
		addr_mac(s->cmac, m1);
		addr_mac(s->smac, m2);
		fprintf(o, "- MACs on the client's frames: source %s, destination %s%s\n", m1, m2,
		        t->gateway[0] ? " (the gateway's)" : "");
	}
}

static void q_handshake(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	q(o, 3, "The three-way handshake and the initial sequence numbers", "tcp.flags.syn == 1");
	if (!t->hs[0]) {
		fputs("- The handshake is not in the capture (it started later).\n", o);
		return;
	}
	fprintf(o, "- Frames: SYN %u, SYN/ACK %u, ACK %u\n", t->hs[0], t->hs[1], t->hs[2]);
	if (s->d[0].syn)
		fprintf(o, "- Client's raw ISN: %u (Wireshark shows 0: relative; raw in `tcp.seq_raw`)\n", s->d[0].isn);
	if (s->d[1].syn)
		fprintf(o, "- Server's raw ISN: %u; the SYN/ACK acknowledges %u (client ISN + 1: a SYN counts "
		        "as one byte)\n", s->d[1].isn, s->d[0].isn + 1);
	for (int k = 0; k < 2; k++) {
		const struct frame_rec *f = t->hsf[k];
		if (!f)
			continue;
		fprintf(o, "- %s options (frame %u): MSS %u, window scale %s%d, SACK %s\n",
		        k ? "SYN/ACK" : "SYN", f->no, f->mss, f->wscale < 0 ? "none " : "", f->wscale < 0 ? 0 :
		        f->wscale, f->sack_ok ? "permitted" : "not offered");
	}
	if (t->has_irtt)
		fprintf(o, "- iRTT (SYN → ACK, `tcp.analysis.initial_rtt`): %.6f s\n", (double)t->irtt_ns / 1e9);
}

static void q_commands(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	q(o, 4, "Every command, its reply code and the response time", "smtp");
	fputs("| Command | Frames | Reply | Frames | Meaning | Response time | Server est. |\n", o);
	fputs("| --- | --- | --- | --- | --- | --- | --- |\n", o);
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		const struct tl_exchange *tx = &t->ex[i];
		char f1[40], f2[40], vb[24];
		ans_frames(tx->req, tx->nreq, f1, sizeof f1);
		ans_frames(tx->rep, tx->nrep, f2, sizeof f2);
		fputs("| ", o);
		md_code(o, x->kind == EXK_COMMAND && x->line ? x->line : tlw_ex_label(x, vb, sizeof vb));
		fprintf(o, " | %s | %d | %s | %s%s | ", f1, x->reply_code, f2, smtp_code_meaning(x->reply_code),
		        x->reply_code >= 400 && x->reply_code < 500 ? " (4xx: temporary, try later)" :
		        x->reply_code >= 500 ? " (5xx: permanent, do not retry as is)" : "");
		struct sbuf r, e;
		sb_init(&r);
		sb_init(&e);
		if (tx->has_resp) tlw_ms(tx->resp_ns, &r);
		else if (x->kind == EXK_GREETING && t->has_greet) tlw_ms(t->greet_ns, &r);
		else sb_str(&r, "-");
		tlw_est(tx, &e);
		fprintf(o, "%s | %s |\n", r.b, e.b);
	}
	for (int k = 0; k < 2; k++) {     /* what the two times mean, and where this was captured */
		struct sbuf b;
		sb_init(&b);
		tlw_timing_legend(t, k, &b);
		fprintf(o, "%s%s%s\n", k ? "" : "\n", b.b, k ? "" : "  ");
	}
}

/* Wire bytes as Markdown code (they may hold NUL: by length). */
static void md_code_n(FILE *o, const char *p, size_t n)
{
	char safe[4 * SMTP_RLINE_MAX + 8];
	text_safe(safe, sizeof safe, p, n, NULL);
	for (char *c = safe; *c; c++)
		if (*c == '`')
			*c = '\'';
	fprintf(o, "`%s`", safe);
}

/* One EHLO and its reply's extensions, each with its meaning (the model's). */
static void ehlo_one(FILE *o, const struct timeline *t, size_t e)
{
	const struct exchange *x = &t->s->ex[e];
	fprintf(o, "- EHLO in frame %u%s, reply %d in frame %u with %d line%s; first line ",
	        t->ex[e].nreq ? t->ex[e].req[0] : 0, x->plain ? " (inside TLS)" : "", x->reply_code,
	        t->ex[e].nrep ? t->ex[e].rep[0] : 0, x->reply_lines, x->reply_lines == 1 ? "" : "s");
	md_code(o, x->reply_text ? x->reply_text : "");
	fputs(" (the server names itself)\n", o);
	struct tl_ext ext;
	size_t cur = 0;
	int n = 0;
	while (tl_ext_next(x, &cur, &ext)) {
		fputs(n++ ? "  - " : "- Each further line names an extension the server offers:\n  - ", o);
		md_code_n(o, ext.line, ext.len);
		fprintf(o, ": %s\n", ext.meaning);
	}
	if (!n)
		fputs("- No extension lines: the server offers none (or its reply was not 2xx).\n", o);
	if (x->rlines_lost)
		fprintf(o, "- %u more line%s not kept by smtptrace (bound: %d lines per reply).\n",
		        x->rlines_lost, x->rlines_lost == 1 ? "" : "s", SMTP_RLINES_MAX);
}

static void q_ehlo(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	int n = 0;
	q(o, 5, "EHLO and the server's extensions", "smtp.req.command == \"EHLO\" || smtp.response.code == 250");
	for (size_t i = 0; i < s->nex; i++) {
		const struct exchange *x = &s->ex[i];
		if (x->kind != EXK_COMMAND || (strcmp(x->verb, "EHLO") && strcmp(x->verb, "LHLO")))
			continue;
		if (n++ == 1)
			fputs("- EHLO again (after STARTTLS the client must start over; the extensions may "
			      "differ, AUTH often offered only now):\n", o);
		if (n <= 2)
			ehlo_one(o, t, i);
	}
	if (!n)
		fputs("- The client did not send EHLO (HELO, or none): no extensions were offered.\n", o);
	else if (n > 2)
		fprintf(o, "- %d more EHLO commands, not listed.\n", n - 2);
}

static void q_message(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	long b = ans_find_body(s);
	q(o, 6, "The message: segments, dot-stuffing, end of data", "imf || smtp.data.fragment");
	if (b < 0 || !t->ex[b].nreq) {
		fputs("- No message in the capture.\n", o);
		return;
	}
	const struct tl_exchange *tx = &t->ex[b];
	const struct body_info *bi = s->ex[b].bi;
	uint16_t mss = t->hsf[1] ? t->hsf[1]->mss : 0;
	char fr[40];
	ans_frames(tx->req, tx->nreq, fr, sizeof fr);
	fprintf(o, "- %llu bytes in %u segment%s (frame%s %s, %u retransmitted)",
	        bi ? (unsigned long long)bi->size : 0ULL, tx->norig_req, tx->norig_req == 1 ? "" : "s",
	        tx->nreq == 1 ? "" : "s", fr, tx->nreq - tx->norig_req);
	if (mss)
		fprintf(o, ": each segment holds at most the server's MSS of %u bytes", mss);
	fputs(s->d[0].overmss ? "; some are longer than the MSS: segmentation offload on the capturing "
	      "host (the NIC cuts them later)\n" : "\n", o);
	fprintf(o, "- Dot-stuffing: %llu line%s began with \".\" and went on the wire as \"..\"\n",
	        bi ? (unsigned long long)bi->stuffed : 0ULL, bi && bi->stuffed == 1 ? "" : "s");
	fprintf(o, "- End of data (\"\\r\\n.\\r\\n\"): frame %u; the server's %d in frame %u\n",
	        tx->req[tx->nreq - 1], s->ex[b].reply_code, tx->nrep ? tx->rep[0] : 0);
}

static void q_teardown(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	q(o, 7, "Who closed first, and the FIN/ACK sequence", "tcp.flags.fin == 1 || tcp.flags.reset == 1");
	struct sbuf b;
	sb_init(&b);
	tlw_duration(t, &b);
	fprintf(o, "- %s\n", s->first_closer == DIR_C2S ? "The client closed first" : s->first_closer == DIR_S2C ?
	        "The server closed first (usual after 221)" : "Nobody closed in the capture");
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *f = &t->frames[i];
		if (f->dir <= 1 && ((f->flags & (TH_FIN | TH_RST)) || t->fm[i].acks_fin || s->close_frame == f->no))
			fprintf(o, "- Frame %u: %s [%s]\n", f->no, f->dir == DIR_C2S ? "client → server" :
			        "server → client", tlw_flags(f->flags));
	}
}

static void q_bytes(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	char flt[64];
	snprintf(flt, sizeof flt, "tcp.port == %u", s->cport);
	q(o, 8, "Bytes each way (Statistics → Conversations → TCP)", flt);
	for (int d = 0; d < 2; d++)
		fprintf(o, "- %s: %llu frames, %llu bytes on the wire, %llu bytes of TCP payload\n",
		        d ? "Server → client" : "Client → server", (unsigned long long)s->d[d].frames,
		        (unsigned long long)s->d[d].bytes, (unsigned long long)s->d[d].paybytes);
}

static void q_readable(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	long st = ans_find_verb(s, "STARTTLS");
	q(o, 9, "Was the mail readable on the wire?", "smtp || tls");
	if (s->tls_implicit)
		fputs("- No: implicit TLS (SMTPS) from the first byte; only addresses and ports are visible.\n", o);
	else if (st >= 0 && s->starttls)
		fprintf(o, "- Only until STARTTLS (frame %u, 220 in frame %u): from then on everything, "
		        "MAIL FROM, RCPT TO and the message included, is TLS. A key log (Decryption Secrets "
		        "Block) lets Wireshark decrypt it.\n", t->ex[st].nreq ? t->ex[st].req[0] : 0,
		        t->ex[st].nrep ? t->ex[st].rep[0] : 0);
	else
		fputs("- Yes: no TLS, so the commands, the addresses and the whole message are plain text "
		      "(Follow → TCP Stream shows them).\n", o);
}

void ans_questions(FILE *o, const struct timeline *t)
{
	fputs("\n### Questions and answers\n", o);
	q_arp(o, t);
	q_addresses(o, t);
	q_handshake(o, t);
	q_commands(o, t);
	q_ehlo(o, t);
	q_message(o, t);
	q_teardown(o, t);
	q_bytes(o, t);
	q_readable(o, t);
}
