/* out-json-dns.c - a DNS frame's `dns` object and a session's `attempts`
 * list in the JSON output (docs/json-schema.md), read from the timeline. */
#include <string.h>
#include "flow-attempt.h"
#include "flow-dns.h"
#include "out.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-text.h"

static void json_rr(FILE *o, const struct dns_rr *a)
{
	char tb[16], ip[ADDR_IP_MAX];
	fputs("{\"name\":", o);
	json_put_str(o, a->name);
	fputs(",\"type\":", o);
	json_put_str(o, tlw_dns_type(a->type, tb, sizeof tb));
	if (a->type == DNS_T_MX) {
		fprintf(o, ",\"preference\":%u,\"exchange\":", a->pref);
		json_put_str(o, a->data);
	} else if (a->type == DNS_T_CNAME) {
		fputs(",\"target\":", o);
		json_put_str(o, a->data);
	} else {
		addr_ip(a->type == DNS_T_A ? 4 : 6, a->addr, ip, sizeof ip);
		fprintf(o, ",\"address\":\"%s\"", ip);
	}
	putc('}', o);
}

void json_dns(FILE *o, const struct timeline *t, size_t i)
{
	const struct dns_frame *d = tl_dns(t, i);
	char tb[16];
	if (!d)
		return;
	const struct dns_msg *m = &d->m;
	fprintf(o, ",\"dns\":{\"id\":%u,\"response\":%s,\"rcode\":%u,\"rcode_name\":", m->id,
	        m->qr ? "true" : "false", m->rcode);
	json_put_str(o, tlw_dns_rcode(m->rcode));
	fputs(",\"query\":", o);
	if (m->has_q) {
		fputs("{\"name\":", o);
		json_put_str(o, m->qname);
		fprintf(o, ",\"type\":\"%s\",\"type_code\":%u}", tlw_dns_type(m->qtype, tb, sizeof tb),
		        m->qtype);
	} else
		fputs("null", o);
	fputs(",\"answers\":[", o);
	for (size_t k = 0; k < m->nans; k++) {
		if (k)
			putc(',', o);
		json_rr(o, &m->an[k]);
	}
	fprintf(o, "],\"answers_not_kept\":%u,\"answers_other_types\":%u,\"truncated_tc\":%s}",
	        m->ans_more, m->ans_other, m->tc ? "true" : "false");
}

/* ",\"attempts\":[...]": the failed connection attempts before the
 * session (flow-attempt.h); nothing when there were none. */
void json_attempts(FILE *o, const struct timeline *t)
{
	const struct session *s = t->s;
	char ep[ADDR_EP_MAX];
	if (!s->natt && !s->att_more)
		return;
	fputs(",\"attempts\":[", o);
	for (uint32_t k = 0; k < s->natt; k++) {
		const struct conn_attempt *a = &s->att[k];
		addr_ep(a->family, a->sip, a->sport, ep, sizeof ep);
		fprintf(o, "%s{\"server\":\"%s\",\"outcome\":\"%s\",\"syn_frames\":[",
		        k ? "," : "", ep, a->rst_no ? "refused" : "no_answer");
		for (uint8_t j = 0; j < a->nsyn; j++)
			fprintf(o, "%s%u", j ? "," : "", a->syn[j]);
		fprintf(o, "],\"syn_frames_not_kept\":%u", a->syn_more);
		if (a->rst_no)
			fprintf(o, ",\"rst_frame\":%u", a->rst_no);
		putc('}', o);
	}
	fprintf(o, "],\"attempts_not_kept\":%u", s->att_more);
}
