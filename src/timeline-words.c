/* timeline-words.c - every English word the outputs say about frames,
 * exchanges and session facts.  The text is raw (it can carry wire bytes):
 * each output makes it safe for its medium (util-text.h). */
#include <string.h>
#include "decode.h"
#include "smtp_line.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"

#define TL_ROLES_MAX 160

const char *tlw_ex_label(const struct exchange *x, char *buf, size_t cap)
{
	switch (x->kind) {
	case EXK_GREETING: return "greeting";
	case EXK_BODY:     return "message";
	case EXK_AUTH:     return "AUTH response";
	case EXK_REPLY:    return "reply, no command";
	default:
		snprintf(buf, cap, "%s", x->verb[0] ? x->verb : "(empty line)");
		return buf;
	}
}

const char *tlw_kind(int k)
{
	static const char *const n[] = { "greeting", "command", "body", "auth", "reply" };
	return k >= 0 && k <= EXK_REPLY ? n[k] : "?";
}

const char *tlw_proto(int p)
{
	static const char *const n[] = { "TCP", "SMTP", "TLS", "ARP", "ND", "ICMP", "DNS" };
	return p >= 0 && p <= FP_DNS ? n[p] : "?";
}

const char *tlw_dir(int d)
{
	return d == DIR_C2S ? "c2s" : d == DIR_S2C ? "s2c" : "other";
}

/* "SYN,ACK": names of the flags set, from a table built on first use */
const char *tlw_flags(uint8_t fl)
{
	static const char *const names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };
	static const int order[] = { 1, 0, 2, 3, 4, 5, 6, 7 };
	static char table[256][32];
	static int built;
	if (!built) {
		for (int v = 0; v < 256; v++) {
			size_t n = 0;
			for (int k = 0; k < 8; k++)
				if (v & (1 << order[k]))
					n += (size_t)snprintf(table[v] + n, sizeof table[v] - n, "%s%s",
					                      n ? "," : "", names[order[k]]);
			if (!n)
				snprintf(table[v], sizeof table[v], "none");
		}
		built = 1;
	}
	return table[fl];
}

static const char *who_name(int w)
{
	return w == TLW_SERVER ? "the server" : w == TLW_CLIENT ? "the client" : "the gateway";
}

static void link_words(const struct frame_rec *f, const struct tl_role *r, struct sbuf *b)
{
	char ip[ADDR_IP_MAX], mac[ADDR_MAC_MAX];
	addr_ip(f->family, f->tpa, ip, sizeof ip);
	addr_mac(f->sha, mac);
	switch (r->kind) {
	case TLR_ARP_REQ_CLIENT:  sb_add(b, "ARP request for the client %s", ip); break;
	case TLR_ARP_REQ_NEXTHOP: sb_add(b, "ARP request for the next hop, %s %s", who_name(r->arg), ip); break;
	case TLR_ARP_REPLY:
		addr_ip(4, f->spa, ip, sizeof ip);
		sb_add(b, "ARP reply: %s %s is at %s", who_name(r->arg), ip, mac);
		break;
	case TLR_ND_SOLICIT: sb_add(b, "neighbour solicitation for %s %s", who_name(r->arg), ip); break;
	case TLR_ND_ADVERT:  sb_add(b, "neighbour advertisement: %s %s is at %s", who_name(r->arg), ip, mac); break;
	default: sb_add(b, "%s op %u", f->proto == FP_ARP ? "ARP" : "ND", f->arp_op);
	}
}

static const char *tls_words(int type)
{
	return type == 22 ? "TLS handshake" : type == 23 ? "TLS application data" :
	       type == 21 ? "TLS alert" : type == 20 ? "TLS change cipher spec" : "TLS (continuation)";
}

/* The TLS record parser's words when it has them (app.h), else the first
 * byte's record type. */
static void tls_role_words(const struct timeline *t, const struct frame_rec *f,
                           const struct tl_role *r, struct sbuf *b)
{
	char lb[200];
	if (app_label(&t->s->app, f->dir, f->off, f->len, lb, sizeof lb))
		sb_str(b, lb);
	else
		sb_str(b, tls_words(r->arg));
}

static void unexpected_words(const struct exchange *x, const char *meaning, struct sbuf *b)
{
	if (x->unexpected == UNEXP_START)
		sb_add(b, "reply to a command before the capture %d (%s)", x->reply_code, meaning);
	else
		sb_add(b, "%s%s %d (%s)", x->unexpected == UNEXP_REPLY ?
		       "unexpected reply before the reply to " : "unexpected reply before ",
		       x->before, x->reply_code, meaning);
}

static void reply_words(const struct session *s, const struct tl_role *r, struct sbuf *b)
{
	const struct exchange *x = &s->ex[r->ex];
	static const char *const orphan[] = {
		[TLO_NO_COMMANDS] = "reply (its command is not in the capture)",
		[TLO_LOST_IN_GAP] = "reply (its command was lost in a gap)",
		[TLO_UNSOLICITED] = "unsolicited reply",
	};
	char vb[24];
	const char *meaning = smtp_code_meaning(x->reply_code);
	if (r->kind == TLR_GREETING)
		sb_add(b, "greeting %d (%s)", x->reply_code, meaning);
	else if (x->kind == EXK_REPLY && x->unexpected)
		unexpected_words(x, meaning, b);
	else if (r->kind == TLR_REPLY_ORPHAN)
		sb_add(b, "%s %d (%s)", orphan[r->arg], x->reply_code, meaning);
	else if (x->kind == EXK_BODY)
		sb_add(b, "reply to end of data: %d (%s)", x->reply_code, meaning);
	else
		sb_add(b, "reply to %s: %d (%s)", x->kind == EXK_AUTH ? "AUTH response" :
		       tlw_ex_label(x, vb, sizeof vb), x->reply_code, meaning);
}

static void ack_of_words(const struct timeline *t, size_t i, struct sbuf *b)
{
	const struct tl_frame *m = &t->fm[i];
	char vb[24];
	sb_str(b, "ACK of ");
	for (uint32_t c = 0; c < m->acked_count && c < 4; c++) {
		const struct exchange *x = &t->s->ex[tl_acked_ex(t, i, c)];
		const char *lab = tlw_ex_label(x, vb, sizeof vb);
		if (m->acks_reply)
			sb_add(b, "%s%s%s", c ? ", " : "", x->kind == EXK_GREETING ? "" : "reply to ",
			       x->kind == EXK_GREETING ? "greeting" : x->kind == EXK_BODY ? "end of data" : lab);
		else
			sb_add(b, "%s%s", c ? ", " : "", x->kind == EXK_BODY ? "message" : lab);
	}
	if (m->acked_count > 4)
		sb_add(b, " and %u more", m->acked_count - 4);
}

/* Words for the roles that need nothing but their kind. */
static const char *plain_words(int kind)
{
	switch (kind) {
	case TLR_SYN:            return "SYN";
	case TLR_SYN_REUSED:     return "SYN (port reused)";
	case TLR_DATA_AFTER_GAP: return "data after a gap, skipped up to the next line that parses";
	case TLR_AUTH_RESPONSE:  return "AUTH response";
	case TLR_BODY:           return "message body";
	case TLR_END_OF_DATA:    return "end of data";
	case TLR_PIPELINED:      return " (pipelined)";
	case TLR_LAST_ACK:       return "teardown: last ACK";
	case TLR_DUPACK:         return "duplicate ACK";
	case TLR_KEEPALIVE:      return "keep-alive";
	case TLR_KAACK:          return "keep-alive ACK";
	case TLR_ACK:            return "ACK";
	case TLR_SEGMENT:        return "TCP segment";
	default:                 return NULL;
	}
}

static void role_words(const struct timeline *t, size_t i, const struct tl_role *r, struct sbuf *b)
{
	const struct frame_rec *f = &t->frames[i];
	const char *w = plain_words(r->kind);
	char vb[24];
	if (w)
		sb_str(b, w);
	else if (r->kind <= TLR_LINK_OTHER)
		link_words(f, r, b);
	else if (r->kind == TLR_ICMP)
		tlw_icmp_role(t, i, b);
	else if (r->kind == TLR_DNS_QUERY || r->kind == TLR_DNS_ANSWER)
		tlw_dns_role(t, i, b);
	else if (r->kind == TLR_HANDSHAKE)
		sb_str(b, r->arg == 1 ? "handshake 1/3 (SYN)" : r->arg == 2 ? "handshake 2/3 (SYN/ACK)"
		                      : "handshake 3/3 (ACK)");
	else if (r->kind == TLR_TLS)
		tls_role_words(t, f, r, b);
	else if (r->kind == TLR_NOT_SMTP)
		sb_str(b, f->dir == DIR_C2S ? "client data (not SMTP)" : "server data (not a reply)");
	else if (r->kind == TLR_COMMAND && t->s->ex[r->ex].stray)
		sb_str(b, "message text after a lone '.' the client did not dot-stuff");
	else if (r->kind == TLR_COMMAND)
		sb_add(b, "command %s", tlw_ex_label(&t->s->ex[r->ex], vb, sizeof vb));
	else if (r->kind == TLR_GREETING || r->kind == TLR_REPLY || r->kind == TLR_REPLY_ORPHAN)
		reply_words(t->s, r, b);
	else if (r->kind == TLR_FIN)
		sb_add(b, "teardown: %s FIN%s", f->dir == DIR_C2S ? "client" : "server",
		       r->arg ? " (closes first)" : "");
	else if (r->kind == TLR_RST)
		sb_add(b, "reset by the %s", f->dir == DIR_C2S ? "client" : "server");
	else if (r->kind == TLR_FIN_ACK)
		sb_add(b, "teardown: ACK of the %s's FIN", f->dir == DIR_C2S ? "server" : "client");
	else if (r->kind == TLR_ACK_OF)
		ack_of_words(t, i, b);
	if (r->kind >= TLR_COMMAND && r->kind <= TLR_REPLY_ORPHAN && t->s->ex[r->ex].plain)
		sb_str(b, " (in TLS)");
	if (r->segn) {
		sb_u(b, " (segment ", r->segk);
		sb_u(b, " of ", r->segn);
		sb_str(b, ")");
	}
}

/* The TCP analysis notes after the role. */
static void note_words(const struct timeline *t, size_t i, int said_dup, int said_ka, struct sbuf *b)
{
	const struct frame_rec *f = &t->frames[i];
	const struct tl_frame *m = &t->fm[i];
	if (f->ta & TA_SPURIOUS) sb_str(b, " [spurious retransmission]");
	else if (f->ta & TA_FASTRETX) sb_str(b, " [fast retransmission]");
	else if (f->ta & TA_RETRANS) sb_str(b, " [retransmission]");
	if (f->ta & TA_OOO) sb_str(b, " [out of order]");
	if (f->ta & TA_DUP) sb_str(b, " [network duplicate]");
	if (f->ta & TA_BADCSUM) sb_str(b, " [bad TCP checksum: not used]");
	if ((f->ta & TA_GAP) && m->gapn)
		sb_u(b, " [", m->gapn), sb_str(b, " bytes before it not captured]");
	else if (f->ta & TA_GAP)
		sb_str(b, " [previous segment not captured]");
	if ((f->ta & TA_DUPACK) && !said_dup) sb_str(b, " [duplicate ACK]");
	if ((f->ta & TA_KEEPALIVE) && !said_ka) sb_str(b, " [keep-alive]");
	if (f->ta & TA_ZEROWIN) sb_str(b, " [zero window]");
	if (f->ta & TA_ZWPROBE) sb_str(b, " [zero window probe]");
	if (f->ta & TA_WINUPD) sb_str(b, " [window update]");
	if (f->ta & TA_WINFULL) sb_str(b, " [window full]");
	if (f->ta & TA_OVERMSS) sb_str(b, " [longer than the MSS: segmentation offload]");
	if (f->ta & TA_TRUNC) sb_str(b, " [payload cut by the snaplen]");
	if (f->status & PKT_MALFORMED) sb_add(b, " [malformed: %s]", f->err ? f->err : "?");
	else if (f->status & PKT_TRUNCATED) sb_add(b, " [truncated: %s]", f->err ? f->err : "?");
}

void tlw_role(const struct timeline *t, size_t i, struct sbuf *b)
{
	struct tl_role r[TL_ROLES_MAX];
	size_t n = tl_roles(t, i, r, TL_ROLES_MAX);
	int said_dup = 0, said_ka = 0;
	for (size_t k = 0; k < n; k++) {
		if (k && r[k].kind != TLR_PIPELINED)
			sb_str(b, "; ");
		role_words(t, i, &r[k], b);
		said_dup |= r[k].kind == TLR_DUPACK;
		said_ka |= r[k].kind == TLR_KEEPALIVE || r[k].kind == TLR_KAACK;
	}
	if (t->frames[i].dir <= 1)
		note_words(t, i, said_dup, said_ka, b);
	tlw_mistake_notes(t, i, b);
}

/* ---- a frame's details: SMTP text, then TCP ---- */

/* A 334 challenge is base64 ("VXNlcm5hbWU6"): show it decoded when it is
 * printable text ("Username:"). */
static void challenge(struct sbuf *r, const char *text)
{
	uint8_t dec[64];
	size_t n = text ? smtp_base64_decode(text, strlen(text), dec, sizeof dec - 1) : 0;
	if (!n || n >= sizeof dec - 1)
		return;
	for (size_t i = 0; i < n; i++)
		if (dec[i] < 0x20 || dec[i] > 0x7e)
			return;
	dec[n] = '\0';
	sb_add(r, " (%s)", (const char *)dec);
}

static void ex_text(const struct exchange *x, int dir, struct sbuf *r)
{
	if (dir == DIR_S2C) {
		sb_add(r, "\"%d%s%s\"", x->reply_code, x->reply_lines > 1 ? "-" : " ",
		       x->reply_text ? x->reply_text : "");
		if (x->reply_lines > 1)
			sb_add(r, " (+%d lines)", x->reply_lines - 1);
		if (x->reply_code == 334)
			challenge(r, x->reply_text);
	} else if (x->kind == EXK_BODY) {
		const struct body_info *bi = x->bi;
		sb_add(r, "message (%llu bytes%s%s)", bi ? (unsigned long long)bi->size : 0ULL,
		       bi && bi->subject ? ", Subject: " : "", bi && bi->subject ? bi->subject : "");
	} else
		sb_add(r, "\"%s\"", x->line ? x->line : "");
}

/* The SMTP text that starts in this frame: commands as sent, the first
 * line of replies, the message's size and subject. */
static void smtp_text(const struct timeline *t, size_t i, struct sbuf *r)
{
	const struct frame_rec *f = &t->frames[i];
	const struct tl_frame *m = &t->fm[i];
	if (!f->len || !m->count)
		return;
	for (uint32_t c = 0; c < m->count; c++) {
		const struct exchange *x = &t->s->ex[tl_frame_ex(t, i, c)];
		uint64_t start = f->dir == DIR_S2C ? x->rep_off : x->req_off;
		if (start < f->off)
			continue;
		if (r->n)
			sb_str(r, " ");
		ex_text(x, f->dir, r);
	}
}

static void link_details(const struct frame_rec *f, struct sbuf *r)
{
	char a[ADDR_IP_MAX], b[ADDR_IP_MAX], mac[ADDR_MAC_MAX];
	addr_mac(f->sha, mac);
	if (f->proto == FP_ARP) {
		addr_ip(4, f->tpa, a, sizeof a);
		addr_ip(4, f->spa, b, sizeof b);
		if (f->arp_op == 1)
			sb_add(r, "who-has %s tell %s (%s)", a, b, mac);
		else
			sb_add(r, "%s is-at %s", b, mac);
		return;
	}
	addr_ip(6, f->tpa, a, sizeof a);
	sb_add(r, f->arp_op == 135 ? "who-has %s (from %s)" : "%s is-at %s", a, mac);
}

void tlw_details(const struct timeline *t, size_t i, int raw, struct sbuf *r)
{
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	if (f->proto == FP_ARP || f->proto == FP_ND) {
		link_details(f, r);
		return;
	}
	if (f->proto == FP_ICMP) {
		tlw_icmp_details(t, i, raw, r);
		return;
	}
	if (f->proto == FP_DNS) {
		tlw_dns_details(t, i, r);
		return;
	}
	smtp_text(t, i, r);
	if (r->n)
		sb_str(r, "  ");
	const struct dirstate *d = &s->d[f->dir], *p = &s->d[!f->dir];
	uint32_t seq = raw ? f->seq : (f->flags & TH_SYN) ? 0 : (uint32_t)(f->seq - d->isn);
	uint32_t ack = raw ? f->ack : (uint32_t)(f->ack - p->isn);
	sb_str(r, "[");
	sb_str(r, tlw_flags(f->flags));
	sb_u(r, "] seq=", seq);
	if (f->flags & TH_ACK)
		sb_u(r, " ack=", ack);
	sb_u(r, " len=", f->len);
	sb_u(r, " win=", f->win);
	if (f->mss) sb_add(r, " mss=%u", f->mss);
	if (f->wscale >= 0 && (f->flags & TH_SYN)) sb_add(r, " ws=%d", f->wscale);
	if (f->sack_ok) sb_str(r, " sack");
}

/* ---- session facts ---- */

void tlw_handshake(const struct timeline *t, struct sbuf *b)
{
	switch (t->handshake) {
	case TLH_OK:
		sb_add(b, "Handshake: SYN -> SYN/ACK %.3f ms", (double)t->synack_ns / 1e6);
		if (t->hsf[2])
			sb_add(b, ", SYN -> ACK (iRTT) %.3f ms", (double)t->irtt_ns / 1e6);
		sb_add(b, "; frames %u, %u, %u", t->hs[0], t->hs[1], t->hs[2]);
		break;
	case TLH_REFUSED:
		sb_add(b, "Handshake: the SYN (frame %u) was answered by a reset: connection refused", t->hs[0]);
		break;
	case TLH_ONE_WAY:
		sb_add(b, "Handshake: SYN only (frame %u); nothing from the server is in the capture "
		       "(one direction captured)", t->hs[0]);
		break;
	case TLH_NO_SYNACK:
		sb_add(b, "Handshake: the SYN (frame %u) got no SYN/ACK in the capture", t->hs[0]);
		break;
	default:
		sb_str(b, "Handshake: not captured (the capture started after the connection was opened)");
	}
}

/* With a side's SYN missing, windows cannot be scaled and, with a side
 * missing altogether, its ack numbers cannot be made relative. */
void tlw_unscaled(const struct timeline *t, struct sbuf *b)
{
	const struct session *s = t->s;
	if (s->d[0].syn && s->d[1].syn)
		return;
	sb_add(b, "TCP: no SYN from the %s: windows are shown unscaled",
	       !s->d[0].syn && !s->d[1].syn ? "client or the server" : !s->d[0].syn ? "client" : "server");
	if (!s->d[0].seen || !s->d[1].seen)
		sb_add(b, ", ack numbers raw (nothing from the %s)", !s->d[0].seen ? "client" : "server");
}

/* Why there is no ARP in the session; nothing when there is. */
void tlw_noarp_why(const struct timeline *t, struct sbuf *b)
{
	const char *nh = t->nexthop ? t->nexthop : "?";
	switch (t->noarp) {
	case TLA_HAVE_ARP: break;
	case TLA_LOOPBACK: sb_str(b, "the server is on this host, reached over loopback"); break;
	case TLA_CACHED:
		sb_add(b, "the next hop %s was already in the neighbour cache "
		       "(--fresh-arp deletes it first)", nh);
		break;
	case TLA_NOT_CAPTURED: sb_add(b, "none captured for the next hop %s", nh); break;
	default:
		sb_str(b, "none in the capture for these hosts (a cached neighbour entry, "
		       "or the capture started later)");
	}
}

void tlw_noarp(const struct timeline *t, struct sbuf *b)
{
	if (t->noarp == TLA_HAVE_ARP)
		return;
	sb_str(b, t->noarp == TLA_LOOPBACK || t->noarp == TLA_CACHED ? "ARP: none: " : "ARP: ");
	tlw_noarp_why(t, b);
}

/* " (the gateway 192.0.2.1)" after the server side MAC, "" when not known
 * (from the gateway's ARP reply, or the sender's route when none was captured) */
void tlw_gateway(const struct timeline *t, struct sbuf *b)
{
	if (t->gateway[0])
		sb_add(b, " (the gateway %s)", t->gateway);
}

void tlw_frame(const struct timeline *t, size_t i, int raw_seq, struct sbuf *role, struct sbuf *details)
{
	sb_init(role);
	sb_init(details);
	tlw_role(t, i, role);
	tlw_details(t, i, raw_seq, details);
}

/* ---- the connection's fact lines ---- */

static void traffic(const struct timeline *t, int d, struct sbuf *b)
{
	const struct dirstate *ds = &t->s->d[d];
	char h[24];
	bytes_h(ds->bytes, h, sizeof h);
	sb_add(b, "%s: %llu frame%s, %s (%llu payload bytes)", d ? "Server -> client" : "Client -> server",
	       (unsigned long long)ds->frames, ds->frames == 1 ? "" : "s", h, (unsigned long long)ds->paybytes);
}

void tlw_traffic_c2s(const struct timeline *t, struct sbuf *b) { traffic(t, DIR_C2S, b); }
void tlw_traffic_s2c(const struct timeline *t, struct sbuf *b) { traffic(t, DIR_S2C, b); }

static void trouble(const struct timeline *t, int d, struct sbuf *b)
{
	const struct dirstate *ds = &t->s->d[d];
	if (ds->retrans || ds->ooo || ds->gap_bytes || ds->dupacks || ds->zerowin || ds->overmss)
		sb_add(b, "%s: %u retransmissions, %u out of order, %llu bytes not captured, "
		       "%u duplicate ACKs, %u zero windows, %u longer than the MSS",
		       d ? "Server -> client" : "Client -> server", ds->retrans, ds->ooo,
		       (unsigned long long)ds->gap_bytes, ds->dupacks, ds->zerowin, ds->overmss);
}

void tlw_trouble_c2s(const struct timeline *t, struct sbuf *b) { trouble(t, DIR_C2S, b); }
void tlw_trouble_s2c(const struct timeline *t, struct sbuf *b) { trouble(t, DIR_S2C, b); }

void tlw_duration(const struct timeline *t, struct sbuf *b)
{
	const struct session *s = t->s;
	sb_add(b, "Duration: %.6f s; ", (double)(s->last_ts - s->first_ts) / 1e9);
	if (s->d[0].rst || s->d[1].rst)
		sb_add(b, "reset by the %s", s->d[0].rst ? "client" : "server");
	else if (s->first_closer >= 0)
		sb_add(b, "closed by the %s first%s", s->first_closer == DIR_C2S ? "client" : "server",
		       s->closed ? "" : " (close not complete)");
	else
		sb_str(b, "not closed in the capture");
	sb_add(b, "; history %s", s->history[0] ? s->history : "-");
}

void tlw_message(const struct body_info *m, int k, struct sbuf *b)
{
	static const char *const hdr[] = { "From", "To", "Subject", "Message-ID" };
	const char *const val[] = { m->from, m->to, m->subject, m->msgid };
	/* with bytes not captured (lost, or cut by the snaplen) the size
	 * counts them as octets of the message: approximate */
	if (k == 0)
		sb_add(b, "Message: %s%llu bytes, %s%llu line%s%s", m->gap ? "about " : "",
		       (unsigned long long)m->size, m->gap ? "at least " : "",
		       (unsigned long long)m->lines, m->lines == 1 ? "" : "s",
		       m->complete ? "" : " (end of data not seen)");
	else if (k == 1 && m->stuffed)
		sb_add(b, "%llu line(s) began with '.', sent doubled (dot-stuffing)", (unsigned long long)m->stuffed);
	else if (k == 2 && m->gap)
		sb_add(b, "%llu bytes not captured", (unsigned long long)m->gap);
	else if (k == 3 && m->unstuffed_dot)
		sb_str(b, "ended early: a line '.' in it was not dot-stuffed by the client "
		       "(RFC 5321 4.5.2); the text after it went to the server as commands");
	else if (k >= 4 && k < TLW_MESSAGE_HEAD && val[k - 4])
		sb_add(b, "%s: %s", hdr[k - 4], val[k - 4]);
	else if (k >= TLW_MESSAGE_HEAD && k < TLW_MESSAGE_LINES)
		tlw_part(m, (unsigned)(k - TLW_MESSAGE_HEAD), b);
}

void tlw_sender_check(const struct timeline *t, struct sbuf *b)
{
	if (t->sender_writes)
		sb_add(b, "Sender check: %zu of %zu writes found in the capture at the byte ranges "
		       "the client wrote them", t->sender_matched, t->sender_writes);
}

void tlw_cut_short(const struct timeline *t, struct sbuf *b)
{
	if (t->s->cut_short)
		sb_str(b, t->s->idle_expired ? "Note: idle longer than the idle timeout; shown as it stood"
		                             : "Note: the capture ends before the session does");
}

void tlw_midstream(const struct timeline *t, struct sbuf *b)
{
	const struct smtp_summary *m = &t->s->smtp;
	if (m->midstream)
		sb_add(b, "Note: the capture starts after the session did; SMTP followed from the first "
		       "reply line and the first command after a reply (%llu client and %llu server bytes "
		       "skipped before them)", (unsigned long long)m->skipped[DIR_C2S],
		       (unsigned long long)m->skipped[DIR_S2C]);
}

void tlw_tls_note(const struct timeline *t, struct sbuf *b)
{
	const struct session *s = t->s;
	const struct tls_dec_sum *d = &s->tlsd;
	if (!s->tls_implicit && !s->starttls)
		return;
	if (d->bad)
		sb_add(b, "Note: %u TLS record%s failed authentication (wrong or missing keys?)%s",
		       d->bad, d->bad == 1 ? "" : "s", d->ok ? "" : "; nothing was decrypted");
	else if (d->unsupported && !d->ok)
		sb_str(b, "Note: TLS with a version or cipher suite smtptrace does not decrypt; "
		       "the commands inside it are not shown");
	else if (d->no_keys && !d->ok)
		sb_str(b, "Note: the SMTP dialogue inside TLS is encrypted; to see it, give the "
		       "session's secrets: --keylog FILE (the key log a client or server wrote with "
		       "SSLKEYLOGFILE=FILE), or a pcapng capture that holds them in a Decryption "
		       "Secrets Block (editcap --inject-secrets tls,FILE)");
}

void tlw_not_kept(const struct timeline *t, struct sbuf *b)
{
	const struct smtp_summary *m = &t->s->smtp;
	if (m->ex_dropped)
		sb_add(b, "Note: %llu commands and replies not kept (a session keeps at most %d exchanges)",
		       (unsigned long long)m->ex_dropped, SMTP_MAX_EXCHANGES);
}

void tlw_held_dropped(const struct timeline *t, struct sbuf *b)
{
	const struct smtp_summary *m = &t->s->smtp;
	if (m->held_dropped)
		sb_add(b, "Note: %llu client bytes sent before the reply to DATA/STARTTLS were not kept "
		       "(shown as not captured)", (unsigned long long)m->held_dropped);
}

/* ---- packet comments (annotated pcapng) ---- */

/* "smtptrace session 1: command MAIL (exchange 4); reply 250 in frame 12
 * after 6.354 ms": the frame's role as the text output says it, then where
 * its command's reply (or its reply's command) is. */
void tlw_comment(const struct timeline *t, size_t i, struct sbuf *b)
{
	const struct frame_rec *f = &t->frames[i];
	const struct tl_frame *m = &t->fm[i];
	sb_add(b, "smtptrace session %u: ", t->s->index);
	tlw_role(t, i, b);
	for (uint32_t c = 0; c < m->count; c++) {
		size_t e = tl_frame_ex(t, i, c);
		const struct exchange *x = &t->s->ex[e];
		const struct tl_exchange *tx = &t->ex[e];
		if (f->dir == DIR_C2S && tx->nreq && tx->req[tx->nreq - 1] == f->no) {
			sb_add(b, " (exchange %zu)", e + 1);
			if (tx->nrep && tx->has_resp)
				sb_add(b, "; reply %d in frame %u after %.3f ms", x->reply_code, tx->rep[0],
				       (double)tx->resp_ns / 1e6);
			else if (!tx->nrep)
				sb_str(b, "; no reply in the capture");
		} else if (f->dir == DIR_S2C && tx->nrep && tx->rep[0] == f->no && tx->nreq)
			sb_add(b, " (exchange %zu); its request ends in frame %u", e + 1, tx->req[tx->nreq - 1]);
	}
}
