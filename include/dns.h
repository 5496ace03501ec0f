/* dns.h - where a mail for a domain goes (RFC 5321 5.1): the domain's MX
 * records in preference order, else the domain itself (implicit MX); a null
 * MX (RFC 7505) means the domain accepts no mail.  dns-mx.c parses an MX
 * answer (no I/O, unit-tested with canned bytes); dns-resolve.c asks the
 * configured resolver (libresolv) and expands each name to its addresses. */
#ifndef SMTPTRACE_DNS_H
#define SMTPTRACE_DNS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>

#define DNS_MAX_MX    16        /* MX hosts kept (the best 16) */
#define DNS_MAX_ADDRS 32        /* addresses tried in all */

struct dns_mx {
	unsigned pref;
	char host[256];          /* no trailing dot */
};

enum dns_mx_status {
	DNS_MX_OK,               /* n > 0 hosts, sorted by preference */
	DNS_MX_NONE,             /* the answer holds no MX record (NODATA) */
	DNS_MX_NULL,             /* a null MX: the domain accepts no mail */
	DNS_MX_MALFORMED,        /* not a parsable DNS message / record */
};

/* Parse a DNS response `ans` (len bytes) to an MX query: its MX records,
 * sorted by preference (stable: equal preferences keep the answer's order),
 * at most max of them.  *n is set for DNS_MX_OK. */
enum dns_mx_status dns_mx_parse(const unsigned char *ans, size_t len,
                                struct dns_mx *mx, size_t max, size_t *n);

/* One address to try, and the name it came from. */
struct dns_addr {
	struct sockaddr_storage sa;   /* with the port */
	socklen_t salen;
	char host[256];               /* the MX host (or the domain / --server) */
	int pref;                     /* the MX preference; -1: no MX (implicit or --server) */
};

struct dns_target {
	struct dns_addr a[DNS_MAX_ADDRS];
	size_t n;
};

/* The log of a lookup, one line per step ("MX lab.test: mx1.lab.test
 * preference 10", ...): printed to `log` (the transcript) when not NULL. */

/* Where mail for `domain` goes: MX hosts by preference, each host's
 * addresses in getaddrinfo's order, port `port`.  0, or an exit code
 * with the reason in err (EX_RESOLVE: no such domain, no address, or a
 * null MX). */
int dns_mail_target(const char *domain, const char *port, FILE *log,
                    struct dns_target *t, char *err, size_t errlen);
/* Every address of `host` (a name or a literal), port `port`. */
int dns_host_target(const char *host, const char *port, FILE *log,
                    struct dns_target *t, char *err, size_t errlen);
/* The first resolver of resolv.conf (port 53).  0, or -1 when none. */
int dns_resolver(struct sockaddr_storage *ss);

#endif
