/* dns-mx.c - an MX answer turned into hosts in preference order (RFC 5321
 * 5.1), a null MX (RFC 7505) recognised.  Pure: bytes in, list out; the
 * message is walked with libresolv's ns_initparse/ns_parserr, the names
 * expanded with dn_expand, which bound-check every byte. */
#include <arpa/nameser.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include "dns.h"

/* One MX record's RDATA: a 16-bit preference and a (compressed) name. */
static int mx_rdata(const ns_msg *m, const ns_rr *rr, struct dns_mx *out)
{
	const unsigned char *rd = ns_rr_rdata(*rr);
	size_t rdlen = ns_rr_rdlen(*rr);
	int used;

	if (rdlen < 3)                  /* preference + at least the root label */
		return -1;
	out->pref = ns_get16(rd);
	used = dn_expand(ns_msg_base(*m), ns_msg_end(*m), rd + 2, out->host, sizeof out->host);
	if (used < 0 || (size_t)used != rdlen - 2)
		return -1;
	size_t hl = strlen(out->host);
	if (hl && out->host[hl - 1] == '.')
		out->host[hl - 1] = '\0';
	return 0;
}

/* Insertion into the sorted list: after every host of lower or equal
 * preference (stable), the worst dropped when it is full. */
static void mx_insert(struct dns_mx *mx, size_t max, size_t *n, const struct dns_mx *x)
{
	size_t i = *n;

	if (max == 0 || (*n == max && mx[max - 1].pref <= x->pref))
		return;
	if (*n < max)
		(*n)++;
	else
		i = max - 1;
	while (i > 0 && mx[i - 1].pref > x->pref) {
		mx[i] = mx[i - 1];
		i--;
	}
	mx[i] = *x;
}

enum dns_mx_status dns_mx_parse(const unsigned char *ans, size_t len,
                                struct dns_mx *mx, size_t max, size_t *n)
{
	ns_msg m;
	ns_rr rr;
	int null_mx = 0;

	*n = 0;
	if (len > 65535 || ns_initparse(ans, (int)len, &m) < 0)
		return DNS_MX_MALFORMED;
	int count = ns_msg_count(m, ns_s_an);
	for (int i = 0; i < count; i++) {
		struct dns_mx x;

		if (ns_parserr(&m, ns_s_an, i, &rr) < 0)
			return DNS_MX_MALFORMED;
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_class(rr) != ns_c_in)
			continue;               /* e.g. the CNAME that led here */
		if (mx_rdata(&m, &rr, &x) < 0)
			return DNS_MX_MALFORMED;
		if (!x.host[0])
			null_mx = 1;
		else
			mx_insert(mx, max, n, &x);
	}
	/* RFC 7505 3: a null MX is the only MX; any "." says no mail, even
	 * alongside others (a misconfiguration we do not second-guess). */
	if (null_mx)
		return DNS_MX_NULL;
	return *n ? DNS_MX_OK : DNS_MX_NONE;
}
