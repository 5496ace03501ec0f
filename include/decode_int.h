/* decode_int.h - internal entry points of the decoding layers (not for use
 * outside src/dec-*.c; the public interface is decode.h).
 *
 * Every layer gets two lengths: the cursor `c` holds the bytes that were
 * captured, `wire` is how long the layer is on the wire (c.len <= wire).
 * A header that does not fit in `wire` is PKT_MALFORMED (the packet itself
 * is too short); one that fits in `wire` but not in `c` is PKT_TRUNCATED
 * (the snaplen cut it).
 */
#ifndef SMTPTRACE_DECODE_INT_H
#define SMTPTRACE_DECODE_INT_H

#include "decode.h"
#include "extract.h"

/* Record a problem.  The first message is kept: layers run outside-in, and
 * once one fails the inner ones are not looked at, so the first is the cause. */
static inline int pkt_fail(struct pkt *p, enum pkt_status st, const char *err)
{
	p->status |= (uint8_t)st;
	if (!p->err)
		p->err = err;
	return -1;
}

/* 0 if n header bytes are captured; otherwise record why not and return -1. */
static inline int pkt_need(struct pkt *p, const struct cur *c, size_t wire, size_t n,
                           const char *short_err, const char *trunc_err)
{
	if (n > wire)
		return pkt_fail(p, PKT_MALFORMED, short_err);
	if (n > c->len)
		return pkt_fail(p, PKT_TRUNCATED, trunc_err);
	return 0;
}

/* dec-ip.c: an IPv4 or IPv6 datagram; version 4 or 6 is what the link
 * layer announced, 0 takes it from the first nibble (raw IP). */
void decode_ip(int version, struct cur c, size_t wire, struct pkt *p);

/* dec-arp.c: an ARP packet (Ethernet/IPv4 only; anything else is PK_OTHER). */
void decode_arp(struct cur c, size_t wire, struct pkt *p);

/* dec-icmp6.c: an ICMPv6 message; ND solicitations/advertisements are PK_ND. */
void decode_icmp6(struct cur c, size_t wire, struct pkt *p);

/* dec-icmp.c: an ICMPv4 message (errors are PK_ICMP, the rest stays PK_IP);
 * icmp6_error: an ICMPv6 error (types 1-4), from decode_icmp6. */
void decode_icmp4(struct cur c, size_t wire, struct pkt *p);
void decode_icmp6_error(struct cur c, size_t wire, struct pkt *p);

/* dec-tcp.c: a TCP segment; wire is the IP payload length. */
void decode_tcp(struct cur c, size_t wire, struct pkt *p);

/* dec-udp.c: a UDP datagram; wire is the IP payload length. */
void decode_udp(struct cur c, size_t wire, struct pkt *p);

#endif
