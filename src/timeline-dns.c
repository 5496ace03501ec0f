/* timeline-dns.c - the DNS frames of a session (flow-dns.h): their roles'
 * words ("DNS query MX lab.test", "DNS answer: mx1.lab.test preference
 * 10"), their details, and the note when some were not kept.  The English
 * of the other frames is in timeline-words.c. */
#include <string.h>
#include "decode.h"
#include "flow-attempt.h"
#include "flow-dns.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"

const struct dns_frame *tl_dns(const struct timeline *t, size_t i)
{
	const struct frame_rec *f = &t->frames[i];
	if (f->proto != FP_DNS || f->off >= t->s->ndns)
		return NULL;
	return &t->s->dns[f->off];
}

const char *tlw_dns_type(unsigned type, char *buf, size_t cap)
{
	switch (type) {
	case DNS_T_A:     return "A";
	case DNS_T_AAAA:  return "AAAA";
	case DNS_T_MX:    return "MX";
	case DNS_T_CNAME: return "CNAME";
	default:
		snprintf(buf, cap, "type %u", type);
		return buf;
	}
}

const char *tlw_dns_rcode(unsigned rcode)
{
	static const char *const n[] = {
		[DNS_R_NOERROR] = "NOERROR", [DNS_R_FORMERR] = "FORMERR", [DNS_R_SERVFAIL] = "SERVFAIL",
		[DNS_R_NXDOMAIN] = "NXDOMAIN", [DNS_R_NOTIMP] = "NOTIMP", [DNS_R_REFUSED] = "REFUSED",
	};
	return rcode <= DNS_R_REFUSED ? n[rcode] : NULL;
}

static void error_words(const struct dns_msg *m, struct sbuf *b)
{
	static const char *const what[] = {
		[DNS_R_FORMERR] = "format error", [DNS_R_SERVFAIL] = "server failure",
		[DNS_R_NXDOMAIN] = "no such name", [DNS_R_NOTIMP] = "not implemented",
		[DNS_R_REFUSED] = "refused",
	};
	if (m->rcode <= DNS_R_REFUSED)
		sb_add(b, "%s (%s)", what[m->rcode], tlw_dns_rcode(m->rcode));
	else
		sb_add(b, "error (rcode %u)", m->rcode);
}

static void rr_words(const struct dns_rr *a, const struct dns_rr *prev, struct sbuf *b)
{
	char ip[ADDR_IP_MAX];
	switch (a->type) {
	case DNS_T_MX:
		if (!strcmp(a->data, "."))
			sb_add(b, "null MX: %s accepts no mail", a->name);
		else
			sb_add(b, "%s preference %u", a->data, a->pref);
		break;
	case DNS_T_CNAME:
		sb_add(b, "%s is an alias of %s", a->name, a->data);
		break;
	default:
		addr_ip(a->type == DNS_T_A ? 4 : 6, a->addr, ip, sizeof ip);
		if (prev && prev->type == a->type && !strcmp(prev->name, a->name))
			sb_str(b, ip);
		else
			sb_add(b, "%s is %s", a->name, ip);
	}
}

static void answer_words(const struct dns_msg *m, struct sbuf *b)
{
	char tb[16];
	sb_str(b, "DNS answer: ");
	if (m->rcode) {
		error_words(m, b);
		return;
	}
	if (!m->nans && !m->ans_more) {
		sb_add(b, "no %s record for %s", tlw_dns_type(m->qtype, tb, sizeof tb), m->qname);
		if (m->ans_other)
			sb_add(b, " (%u record%s of other types)", m->ans_other, m->ans_other == 1 ? "" : "s");
		return;
	}
	for (size_t k = 0; k < m->nans; k++) {
		if (k)
			sb_str(b, ", ");
		rr_words(&m->an[k], k ? &m->an[k - 1] : NULL, b);
	}
	if (m->ans_more)
		sb_add(b, " and %u more", m->ans_more);
	if (m->ans_other)
		sb_add(b, " (+%u of other types)", m->ans_other);
}

void tlw_dns_role(const struct timeline *t, size_t i, struct sbuf *b)
{
	const struct dns_frame *d = tl_dns(t, i);
	const struct frame_rec *f = &t->frames[i];
	char tb[16];
	if (!d)
		sb_str(b, "DNS");
	else if (!d->m.has_q)
		sb_str(b, d->m.qr ? "DNS answer (not decoded)" : "DNS query (not decoded)");
	else if (!d->m.qr)
		sb_add(b, "DNS query %s %s", tlw_dns_type(d->m.qtype, tb, sizeof tb), d->m.qname);
	else
		answer_words(&d->m, b);
	if (d && d->m.qr && d->m.tc)
		sb_str(b, " (truncated by the server: the client may ask again over TCP)");
	if (f->status & PKT_MALFORMED)
		sb_add(b, " [malformed: %s]", f->err ? f->err : "?");
	else if (f->status & PKT_TRUNCATED)
		sb_add(b, " [truncated: %s]", f->err ? f->err : "?");
}

void tlw_dns_details(const struct timeline *t, size_t i, struct sbuf *b)
{
	const struct dns_frame *d = tl_dns(t, i);
	const struct frame_rec *f = &t->frames[i];
	char a[ADDR_EP_MAX], c[ADDR_EP_MAX];
	if (!d)
		return;
	addr_ep(f->family, f->spa, d->sport, a, sizeof a);
	addr_ep(f->family, f->tpa, d->dport, c, sizeof c);
	sb_add(b, "id 0x%04x %s -> %s", d->m.id, a, c);
}

void tlw_dns_not_kept(const struct timeline *t, struct sbuf *b)
{
	if (t->s->dns_dropped)
		sb_add(b, "Note: %u DNS frames that led to this session not kept (a session keeps at "
		       "most %d)", t->s->dns_dropped, SESSION_MAX_DNS);
}

/* "Attempts before this connection: 192.0.2.99:25 no answer (SYN frames 5,
 * 7, 11); 192.0.2.98:25 refused (RST frame 14)", or nothing. */
void tlw_attempts(const struct timeline *t, struct sbuf *b)
{
	const struct session *s = t->s;
	char ep[ADDR_EP_MAX];
	if (!s->natt && !s->att_more)
		return;
	sb_str(b, "Attempts before this connection: ");
	for (uint32_t k = 0; k < s->natt; k++) {
		const struct conn_attempt *a = &s->att[k];
		addr_ep(a->family, a->sip, a->sport, ep, sizeof ep);
		sb_add(b, "%s%s ", k ? "; " : "", ep);
		if (a->rst_no)
			sb_add(b, "refused (RST frame %u)", a->rst_no);
		else {
			sb_str(b, a->nsyn == 1 ? "no answer (SYN frame " : "no answer (SYN frames ");
			for (uint8_t j = 0; j < a->nsyn; j++)
				sb_add(b, "%s%u", j ? ", " : "", a->syn[j]);
			if (a->syn_more)
				sb_add(b, " and %u more", a->syn_more);
			sb_str(b, ")");
		}
	}
	if (s->att_more)
		sb_add(b, "; %u more not kept (a session keeps at most %d)", s->att_more, SESSION_MAX_ATT);
}
