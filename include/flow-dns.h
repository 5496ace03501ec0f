/* flow-dns.h - the DNS lookups that led to a session.
 *
 * The engine keeps the last DNS_RING DNS messages (UDP port 53) it saw.
 * When a session begins (became_smtp), it takes the ones that led to it:
 * the responses from the last DNS_WINDOW_S seconds that gave the server's
 * address, the responses whose MX or CNAME answers named those names (an
 * MX answer naming the host, an alias), and every query and response for
 * those names (an AAAA query with no answer, an NXDOMAIN on the way),
 * from the session's client (with `send`, from any address of this host).
 * They join the session's frames as FP_DNS frames, in frame order, and
 * their messages go to a side table (session.dns, at most
 * SESSION_MAX_DNS, accounted in the memory budget) that the frame record
 * points to with its `off`; frame records stay small for the hot path.
 *
 * A DNS frame can lead to several sessions (the MX fallback: one lookup,
 * a dead first host, then the second): each such session gets its own
 * copy, so every session's timeline shows the whole path to it.
 *
 * TCP port 53 is not read: a DNS message over TCP (RFC 7766) needs the
 * stream reassembled, which the engine does only for SMTP flows. */
#ifndef SMTPTRACE_FLOW_DNS_H
#define SMTPTRACE_FLOW_DNS_H

#include <stdint.h>
#include "dec-dns.h"

#define DNS_RING          32
#define DNS_WINDOW_S      60
#define SESSION_MAX_DNS   16

/* One DNS frame's message, in a session's side table. */
struct dns_frame {
	struct dns_msg m;
	uint16_t sport, dport;
};

struct engine;
struct session;
struct pkt;
struct frame_rec;

/* A UDP frame to or from port 53 (fr has the frame's common fields). */
void dns_frame_in(struct engine *e, struct frame_rec *fr, const struct pkt *p);
/* Give a session that begins now the DNS frames that led to it. */
void adopt_dns(struct engine *e, struct session *s);
/* Free the ring (engine_free). */
void dns_ring_free(struct engine *e);

#endif
