/* dec-dns.h - a DNS message (RFC 1035 4.1) summarised for the timeline: the
 * header, the first question, and the answers of the types a mail's path
 * goes through (MX, A, AAAA, CNAME), at most DNS_ANS_MAX of them (the rest
 * counted).  Names are in presentation form, made safe in the decoder:
 * letters, digits, '-' and '_' as they are, every other byte of a label as
 * \DDD (as dig writes them), so a name never carries a control byte.
 *
 * dec-dns.c parses one message (UDP payload) with every read bounds-
 * checked: a message the snaplen cut is PKT_TRUNCATED, one inconsistent
 * on the wire (a count beyond the message, a record longer than its
 * rdata, a compression pointer loop, a name over 255 octets) is
 * PKT_MALFORMED; what was parsed before the problem stays valid.
 * dec-udp.c decodes the UDP header (decode.h's PK_UDP). */
#ifndef SMTPTRACE_DEC_DNS_H
#define SMTPTRACE_DEC_DNS_H

#include <stdint.h>
#include <stddef.h>

#define DNS_NAME_MAX 256         /* presentation form, NUL included (a longer one ends "...") */
#define DNS_ANS_MAX  8           /* answers kept per message */
#define DNS_PORT     53

enum { DNS_T_A = 1, DNS_T_CNAME = 5, DNS_T_MX = 15, DNS_T_AAAA = 28 };
enum { DNS_R_NOERROR = 0, DNS_R_FORMERR, DNS_R_SERVFAIL, DNS_R_NXDOMAIN, DNS_R_NOTIMP,
       DNS_R_REFUSED };

struct dns_rr {
	uint16_t type;           /* DNS_T_* */
	uint16_t pref;           /* MX preference */
	char name[DNS_NAME_MAX]; /* the owner */
	char data[DNS_NAME_MAX]; /* MX exchange / CNAME target ("." for the root) */
	uint8_t addr[16];        /* A (4 bytes) / AAAA */
};

struct dns_msg {
	uint16_t id;
	uint8_t qr;              /* 1: a response */
	uint8_t opcode, rcode, tc;
	uint16_t qdcount, ancount;
	uint8_t has_q;           /* the first question was parsed */
	uint16_t qtype;
	char qname[DNS_NAME_MAX];
	uint8_t nans;            /* answers kept in an[] */
	uint16_t ans_more;       /* MX/A/AAAA/CNAME answers past DNS_ANS_MAX */
	uint16_t ans_other;      /* answers of other types (not kept) */
	uint8_t status;          /* enum pkt_status bits (decode.h) */
	const char *err;         /* static; NULL if OK */
	struct dns_rr an[DNS_ANS_MAX];
};

/* Parse a DNS message: `caplen` bytes captured at p, `wirelen` on the wire
 * (the UDP payload length).  Always fills *m (zeroed first); returns
 * m->status. */
int dns_decode(const uint8_t *p, size_t caplen, size_t wirelen, struct dns_msg *m);

#endif
