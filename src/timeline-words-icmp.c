/* timeline-words-icmp.c - the English for ICMP errors about a session: the
 * frame's role and details, and the diagnosis line per group
 * (timeline-icmp.c computes them; timeline-words.c has the rest of the
 * words and calls these). */
#include <string.h>
#include "decode.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"

#define RUNS_SHOWN 12           /* frame runs listed before "…" */

static const char *unreach4(int code)
{
	static const char *const n[] = {
		"network unreachable", "host unreachable", "protocol unreachable", "port unreachable",
		"fragmentation needed", "source route failed", "destination network unknown",
		"destination host unknown", "source host isolated", "network administratively prohibited",
		"host administratively prohibited", "network unreachable for TOS",
		"host unreachable for TOS", "communication administratively prohibited",
		"host precedence violation", "precedence cutoff in effect",
	};
	return code >= 0 && code < (int)(sizeof n / sizeof *n) ? n[code] : "unknown code";
}

static const char *unreach6(int code)
{
	static const char *const n[] = {
		"no route to destination", "administratively prohibited", "beyond scope of source address",
		"address unreachable", "port unreachable", "source address failed policy",
		"reject route to destination",
	};
	return code >= 0 && code < (int)(sizeof n / sizeof *n) ? n[code] : "unknown code";
}

/* The type's name, with the code in parentheses where it says more. */
static void icmp_what(int family, int type, int code, struct sbuf *b)
{
	if (family == 6 && type == 1)
		sb_add(b, "ICMPv6 destination unreachable (%s)", unreach6(code));
	else if (family == 6)
		sb_add(b, "ICMPv6 %s", tlw_icmp_name(family, type, code));
	else if (type == 3 && code != 4)
		sb_add(b, "ICMP destination unreachable (%s)", unreach4(code));
	else
		sb_add(b, "ICMP %s", tlw_icmp_name(family, type, code));
}

const char *tlw_icmp_name(int family, int type, int code)
{
	if (family == 6)
		return type == 1 ? unreach6(code) : type == 2 ? "packet too big" :
		       type == 3 ? (code == 1 ? "fragment reassembly time exceeded" : "hop limit exceeded") :
		       type == 4 ? "parameter problem" : "error";
	switch (type) {
	case 3:  return unreach4(code);
	case 4:  return "source quench";
	case 5:  return "redirect";
	case 11: return code == 1 ? "fragment reassembly time exceeded" : "TTL exceeded in transit";
	case 12: return "parameter problem";
	default: return "error";
	}
}

static const char *side(int dir)
{
	return dir == DIR_C2S ? "client" : "server";
}

/* "the server 192.0.2.25" / "192.0.2.1" */
static void sender(const struct session *s, int family, const uint8_t *a, struct sbuf *b)
{
	char ip[ADDR_IP_MAX];
	size_t n = family == 6 ? 16 : 4;
	addr_ip(family, a, ip, sizeof ip);
	sb_add(b, "%s%s", !memcmp(a, s->sip, n) ? "the server " : !memcmp(a, s->cip, n) ? "the client " : "", ip);
}

static uint32_t rel_seq(const struct session *s, const struct frame_rec *f, int raw)
{
	return raw ? f->icmp.qseq : f->icmp.qseq - s->d[f->icmp.qdir].isn;
}

/* "ICMP fragmentation needed (next-hop MTU 1400) from 192.0.2.1 about the
 * client's segment in frame 25 (seq=1461, 1460 bytes)" */
void tlw_icmp_role(const struct timeline *t, size_t i, struct sbuf *b)
{
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	const struct frame_icmp *q = &f->icmp;
	icmp_what(f->family, q->type, q->code, b);
	if (q->mtu)
		sb_add(b, f->family == 6 ? " (MTU %u)" : " (next-hop MTU %u)", q->mtu);
	else if (f->family == 4 && q->type == 3 && q->code == 4)
		sb_str(b, " (no next-hop MTU given)");
	sb_str(b, " from ");
	sender(s, f->family, q->from, b);
	const struct frame_rec *g = t->fm[i].quoted ? tl_find(t, t->fm[i].quoted) : NULL;
	if (g && (g->flags & TH_SYN))
		sb_add(b, " about the %s's %s in frame %u", side(q->qdir),
		       (g->flags & TH_ACK) ? "SYN/ACK" : "SYN", g->no);
	else if (g)
		sb_add(b, " about the %s's segment in frame %u (seq=%u, %u bytes)", side(q->qdir), g->no,
		       rel_seq(s, f, 0), g->len);
	else if (q->quote >= ICMPQ_SEQ)
		sb_add(b, " about a %s segment seq=%u (not in the capture)", side(q->qdir), rel_seq(s, f, 0));
	else
		sb_add(b, " about a %s segment", side(q->qdir));
	if (f->status & PKT_MALFORMED)
		sb_add(b, " [malformed: %s]", f->err ? f->err : "?");
	else if (f->status & PKT_TRUNCATED)
		sb_add(b, " [truncated: %s]", f->err ? f->err : "?");
}

/* "[type 3 code 4] quote 192.0.2.10:40000 > 198.51.100.25:25 seq=1461
 * ip_len=1500" */
void tlw_icmp_details(const struct timeline *t, size_t i, int raw, struct sbuf *b)
{
	const struct session *s = t->s;
	const struct frame_rec *f = &t->frames[i];
	const struct frame_icmp *q = &f->icmp;
	char a[ADDR_EP_MAX], c[ADDR_EP_MAX];
	int d = q->qdir;
	addr_ep(s->family, d == DIR_C2S ? s->cip : s->sip, d == DIR_C2S ? s->cport : s->sport, a, sizeof a);
	addr_ep(s->family, d == DIR_C2S ? s->sip : s->cip, d == DIR_C2S ? s->sport : s->cport, c, sizeof c);
	sb_add(b, "[type %u code %u] quote %s > %s", q->type, q->code, a, c);
	if (q->quote >= ICMPQ_SEQ)
		sb_u(b, " seq=", rel_seq(s, f, raw));
	sb_u(b, " ip_len=", q->qiplen);
	if (q->mtu)
		sb_u(b, " mtu=", q->mtu);
}

/* "26, 28–30" */
static void frame_runs(const uint32_t *v, uint32_t n, struct sbuf *b)
{
	uint32_t runs = 0;
	for (uint32_t i = 0; i < n; runs++) {
		uint32_t j = i;
		while (j + 1 < n && v[j + 1] == v[j] + 1)
			j++;
		if (runs == RUNS_SHOWN) {
			sb_str(b, ", …");
			return;
		}
		sb_add(b, "%s%u", runs ? ", " : "", v[i]);
		if (j > i)
			sb_add(b, "–%u", v[j]);
		i = j + 1;
	}
}

static void pmtu_fact(const struct tl_icmp *g, struct sbuf *b)
{
	const char *what = g->family == 6 ? "ICMPv6 packet-too-big" : "ICMP fragmentation-needed";
	const char *fs = g->nframes == 1 ? "" : "s";
	if (g->retrans)
		sb_add(b, "Path MTU: %u retransmission%s after %s in frame%s ", g->retrans,
		       g->retrans == 1 ? "" : "s", what, fs);
	else
		sb_add(b, "Path MTU: %s in frame%s ", what, fs);
	frame_runs(g->frames, g->nframes, b);
	sb_str(b, g->retrans ? ": a path MTU problem (" : " (");
	if (g->mtu)
		sb_u(b, "MTU ", g->mtu);
	else
		sb_str(b, "no MTU given");
	if (g->seglen)
		sb_u(b, ", segments of ", g->seglen);
	sb_str(b, ")");
	if (g->maxlen_after)
		sb_add(b, "; the %s then sent segments of at most %u bytes", side(g->qdir), g->maxlen_after);
	else
		sb_add(b, "; the %s sent no data after it", side(g->qdir));
}

/* One line per group: the path MTU diagnosis, or who refused what. */
void tlw_icmp_fact(const struct timeline *t, size_t k, struct sbuf *b)
{
	const struct tl_icmp *g = &t->icmp[k];
	if (g->pmtu)
		pmtu_fact(g, b);
	else {
		icmp_what(g->family, g->type, g->code, b);
		sb_str(b, " from ");
		sender(t->s, g->family, g->from, b);
		sb_str(b, g->nframes == 1 ? " in frame " : " in frames ");
		frame_runs(g->frames, g->nframes, b);
		sb_add(b, ", about the %s's segments", side(g->qdir));
		if (g->retrans)
			sb_add(b, "; %u retransmission%s after it", g->retrans, g->retrans == 1 ? "" : "s");
	}
	if (k + 1 == t->nicmp && t->icmp_ungrouped)
		sb_add(b, " (and %u more ICMP errors of other kinds)", t->icmp_ungrouped);
}
