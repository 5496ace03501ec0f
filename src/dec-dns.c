/* dec-dns.c - one DNS message (RFC 1035 4.1) summarised: header, first
 * question, MX/A/AAAA/CNAME answers (dec-dns.h).
 *
 * Reads go through need(): `cap` bytes were captured, the message is
 * `wire` bytes long; a read beyond `wire` is malformed, one beyond `cap`
 * only truncated.  Compressed names (4.1.4) follow at most DNS_HOPS
 * pointers, which ends pointer loops; a name's wire form is at most 255
 * octets (3.1).
 */
#include <stdio.h>
#include <string.h>
#include "decode.h"
#include "dec-dns.h"
#include "extract.h"

#define DNS_HOPS    16           /* compression pointers followed per name */
#define DNS_WIRE_NAME 255        /* RFC 1035 3.1 */

struct dmsg {
	const uint8_t *p;
	size_t cap, wire;
	struct dns_msg *m;
};

static int fail(struct dns_msg *m, int st, const char *err)
{
	m->status |= (uint8_t)st;
	if (!m->err)
		m->err = err;
	return -1;
}

/* 0 if bytes [off, off + n) are there; else say why not. */
static int need(const struct dmsg *d, size_t off, size_t n, const char *what)
{
	if (off > d->wire || n > d->wire - off)
		return fail(d->m, PKT_MALFORMED, what);
	if (off + n > d->cap)
		return fail(d->m, PKT_TRUNCATED, "DNS: message truncated");
	return 0;
}

static int safe_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '*';
}

/* Append one label to out (presentation form, \DDD for other bytes). */
static void put_label(const uint8_t *l, size_t n, char *out, size_t *k)
{
	for (size_t i = 0; i < n; i++) {
		char e[5];
		int w = safe_char(l[i]) ? snprintf(e, sizeof e, "%c", l[i])
		                        : snprintf(e, sizeof e, "\\%03u", l[i]);
		if (*k + (size_t)w + 4 >= DNS_NAME_MAX) {
			memcpy(out + *k, "...", 4);      /* too long to show whole */
			*k = DNS_NAME_MAX;
			return;
		}
		memcpy(out + *k, e, (size_t)w);
		*k += (size_t)w;
	}
	out[(*k)++] = '.';
	out[*k] = '\0';
}

/* The name at *off into out; *off moves past it where it was written (the
 * first pointer, or the root label).  0 or -1 (recorded). */
static int get_name(const struct dmsg *d, size_t *off, char *out)
{
	size_t pos = *off, k = 0, octets = 1;
	int hops = 0, jumped = 0;
	out[0] = '\0';
	for (;;) {
		if (need(d, pos, 1, "DNS: name beyond the message") < 0)
			return -1;
		uint8_t len = d->p[pos];
		if ((len & 0xc0) == 0xc0) {
			if (need(d, pos, 2, "DNS: name beyond the message") < 0)
				return -1;
			if (++hops > DNS_HOPS)
				return fail(d->m, PKT_MALFORMED, "DNS: compression pointer loop");
			if (!jumped)
				*off = pos + 2;
			jumped = 1;
			pos = ld_be16(d->p + pos) & 0x3fff;
			continue;
		}
		if (len & 0xc0)
			return fail(d->m, PKT_MALFORMED, "DNS: unknown label type");
		if ((octets += 1u + len) > DNS_WIRE_NAME + 1)
			return fail(d->m, PKT_MALFORMED, "DNS: name longer than 255 octets");
		if (need(d, pos + 1, len, "DNS: name beyond the message") < 0)
			return -1;
		if (!len)
			break;
		if (k < DNS_NAME_MAX)
			put_label(d->p + pos + 1, len, out, &k);
		pos += 1u + len;
	}
	if (!jumped)
		*off = pos + 1;
	if (k == 0)
		memcpy(out, ".", 2);
	else if (k < DNS_NAME_MAX)
		out[k - 1] = '\0';               /* no trailing dot */
	return 0;
}

/* The rdata of a kept type; rd/rdlen its window. */
static int get_rdata(const struct dmsg *d, size_t rd, size_t rdlen, struct dns_rr *r)
{
	size_t off = rd;
	if (r->type == DNS_T_A || r->type == DNS_T_AAAA) {
		size_t n = r->type == DNS_T_A ? 4 : 16;
		if (rdlen != n)
			return fail(d->m, PKT_MALFORMED, "DNS: address record of the wrong length");
		memcpy(r->addr, d->p + rd, n);
		return 0;
	}
	if (r->type == DNS_T_MX) {
		if (rdlen < 3)
			return fail(d->m, PKT_MALFORMED, "DNS: MX record too short");
		r->pref = ld_be16(d->p + rd);
		off += 2;
	}
	if (get_name(d, &off, r->data) < 0)
		return -1;
	if (off != rd + rdlen)
		return fail(d->m, PKT_MALFORMED, "DNS: record data length does not match its name");
	return 0;
}

static int kept_type(unsigned t)
{
	return t == DNS_T_A || t == DNS_T_AAAA || t == DNS_T_MX || t == DNS_T_CNAME;
}

/* One resource record at *off. */
static int get_rr(const struct dmsg *d, size_t *off)
{
	struct dns_msg *m = d->m;
	struct dns_rr r;
	memset(&r, 0, sizeof r);
	if (get_name(d, off, r.name) < 0 || need(d, *off, 10, "DNS: record beyond the message") < 0)
		return -1;
	r.type = ld_be16(d->p + *off);
	size_t rdlen = ld_be16(d->p + *off + 8), rd = *off + 10;
	if (need(d, rd, rdlen, "DNS: record data beyond the message") < 0)
		return -1;
	*off = rd + rdlen;
	if (!kept_type(r.type)) {
		m->ans_other++;
		return 0;
	}
	if (get_rdata(d, rd, rdlen, &r) < 0)
		return -1;
	if (m->nans < DNS_ANS_MAX)
		m->an[m->nans++] = r;
	else
		m->ans_more++;
	return 0;
}

int dns_decode(const uint8_t *p, size_t caplen, size_t wirelen, struct dns_msg *m)
{
	struct dmsg d = { p, caplen < wirelen ? caplen : wirelen, wirelen, m };
	memset(m, 0, sizeof *m);
	if (need(&d, 0, 12, "DNS: message shorter than the header") < 0)
		return m->status;
	m->id = ld_be16(p);
	m->qr = p[2] >> 7;
	m->opcode = (p[2] >> 3) & 0x0f;
	m->tc = (p[2] >> 1) & 1;
	m->rcode = p[3] & 0x0f;
	m->qdcount = ld_be16(p + 4);
	m->ancount = ld_be16(p + 6);
	size_t off = 12;
	char name[DNS_NAME_MAX] = "";   /* later questions: parsed, not kept */
	for (unsigned i = 0; i < m->qdcount; i++) {
		if (get_name(&d, &off, i ? name : m->qname) < 0 ||
		    need(&d, off, 4, "DNS: question beyond the message") < 0)
			return m->status;
		if (!i) {
			m->qtype = ld_be16(p + off);
			m->has_q = 1;
		}
		off += 4;
	}
	for (unsigned i = 0; i < m->ancount; i++)
		if (get_rr(&d, &off) < 0)
			return m->status;
	return m->status;
}
