/* dns-resolve.c - the DNS I/O of `send`: the domain's MX query through the
 * configured resolver (libresolv's res_nquery), then each host's addresses
 * (getaddrinfo, A and AAAA).  What it finds is said in the transcript. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "dns.h"
#include "exitcodes.h"

/* A transcript line, in the client's convention for notes ("=== "). */
__attribute__((format(printf, 2, 3)))
static void say(FILE *log, const char *fmt, ...)
{
	va_list ap;

	if (!log)
		return;
	fputs("=== ", log);
	va_start(ap, fmt);
	vfprintf(log, fmt, ap);
	va_end(ap);
	fputc('\n', log);
}

/* Append host's addresses to t; the number added (0: none, said in log). */
static size_t add_host(const char *host, const char *port, int pref, FILE *log,
                       struct dns_target *t, char *why, size_t whylen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG };
	struct addrinfo *ai, *p;
	size_t added = 0;
	int g = getaddrinfo(host, port, &hints, &ai);

	if (g) {
		snprintf(why, whylen, "cannot resolve %s: %s", host, gai_strerror(g));
		say(log, "%s: %s", host, gai_strerror(g));
		return 0;
	}
	for (p = ai; p && t->n < DNS_MAX_ADDRS; p = p->ai_next) {
		struct dns_addr *d = &t->a[t->n];

		if (p->ai_addrlen > sizeof d->sa)
			continue;
		memcpy(&d->sa, p->ai_addr, p->ai_addrlen);
		d->salen = p->ai_addrlen;
		d->pref = pref;
		snprintf(d->host, sizeof d->host, "%s", host);
		t->n++;
		added++;
	}
	freeaddrinfo(ai);
	return added;
}

int dns_host_target(const char *host, const char *port, FILE *log,
                    struct dns_target *t, char *err, size_t errlen)
{
	t->n = 0;
	if (!add_host(host, port, -1, log, t, err, errlen))
		return EX_RESOLVE;
	return 0;
}

/* res_nquery for the MX records of domain; the answer's length, or -1 with
 * h_errno-style status in *herr. */
static int query_mx(const char *domain, unsigned char *ans, int anslen, int *herr)
{
	struct __res_state rs;
	int len;

	memset(&rs, 0, sizeof rs);
	if (res_ninit(&rs) < 0) {
		*herr = NETDB_INTERNAL;
		return -1;
	}
	len = res_nquery(&rs, domain, ns_c_in, ns_t_mx, ans, anslen);
	if (len > anslen)               /* truncated to the buffer: parse what is there */
		len = anslen;
	*herr = rs.res_h_errno;
	res_nclose(&rs);
	return len;
}

/* The MX hosts (or, with none, the domain itself) to t. */
static int expand_mx(const char *domain, const char *port, FILE *log, const struct dns_mx *mx,
                     size_t n, struct dns_target *t, char *err, size_t errlen)
{
	char why[300] = "";

	for (size_t i = 0; i < n; i++)
		say(log, "MX %s: %s preference %u", domain, mx[i].host, mx[i].pref);
	if (n == 0) {
		say(log, "MX %s: none, so the domain's own address (RFC 5321 5.1)", domain);
		return dns_host_target(domain, port, log, t, err, errlen);
	}
	t->n = 0;
	for (size_t i = 0; i < n; i++)
		add_host(mx[i].host, port, (int)mx[i].pref, log, t, why, sizeof why);
	if (t->n == 0) {
		snprintf(err, errlen, "no MX host of %s has an address (last: %s)", domain, why);
		return EX_RESOLVE;
	}
	return 0;
}

int dns_mail_target(const char *domain, const char *port, FILE *log,
                    struct dns_target *t, char *err, size_t errlen)
{
	unsigned char ans[NS_MAXMSG];
	struct dns_mx mx[DNS_MAX_MX];
	size_t n = 0;
	int herr = 0;
	int len = query_mx(domain, ans, sizeof ans, &herr);

	if (len < 0 && herr != NO_DATA) {
		snprintf(err, errlen, "MX lookup for %s: %s", domain,
		         herr == HOST_NOT_FOUND ? "no such domain" : hstrerror(herr));
		return EX_RESOLVE;
	}
	switch (len < 0 ? DNS_MX_NONE : dns_mx_parse(ans, (size_t)len, mx, DNS_MAX_MX, &n)) {
	case DNS_MX_NULL:
		snprintf(err, errlen, "%s accepts no mail: its MX record is \".\" (null MX, RFC 7505)",
		         domain);
		return EX_RESOLVE;
	case DNS_MX_MALFORMED:
		snprintf(err, errlen, "MX lookup for %s: malformed answer from the resolver", domain);
		return EX_RESOLVE;
	case DNS_MX_NONE:
	case DNS_MX_OK:
		break;
	}
	return expand_mx(domain, port, log, mx, n, t, err, errlen);
}

int dns_resolver(struct sockaddr_storage *ss)
{
	struct __res_state rs;
	int rc = -1;

	memset(&rs, 0, sizeof rs);
	memset(ss, 0, sizeof *ss);
	if (res_ninit(&rs) < 0)
		return -1;
	if (rs.nscount > 0 && rs.nsaddr_list[0].sin_family == AF_INET) {
		memcpy(ss, &rs.nsaddr_list[0], sizeof rs.nsaddr_list[0]);
		rc = 0;
	} else if (rs._u._ext.nsaddrs[0] && rs._u._ext.nsaddrs[0]->sin6_family == AF_INET6) {
		memcpy(ss, rs._u._ext.nsaddrs[0], sizeof(struct sockaddr_in6));
		rc = 0;
	}
	res_nclose(&rs);
	return rc;
}
