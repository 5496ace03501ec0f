/* flow-attempt.h - failed connection attempts before a session.
 *
 * The engine remembers the last ATT_RING connections it saw begin (their
 * SYNs, whether a SYN/ACK came, the RST that refused them).  When a
 * session begins, the ones from the same client to the same server port in
 * the last ATT_WINDOW_S seconds that got no SYN/ACK are copied into it (at
 * most SESSION_MAX_ATT, the rest counted, accounted in the memory budget;
 * only when a timeline is wanted, not for --summary): "Attempts before
 * this connection: 192.0.2.99:25 no answer (SYN frames 5, 7, 11);
 * 192.0.2.98:25 refused (RST frame 14)".  With `send` (engine_opts.sender)
 * every client address is this host's.  The attempts are still sessions of
 * their own too. */
#ifndef SMTPTRACE_FLOW_ATTEMPT_H
#define SMTPTRACE_FLOW_ATTEMPT_H

#include <stdint.h>

#define ATT_RING         32
#define ATT_WINDOW_S     60
#define SESSION_MAX_ATT  8
#define ATT_SYNS         4       /* SYN frame numbers kept per attempt */

struct conn_attempt {
	int family;
	uint8_t sip[16];
	uint16_t sport, cport;
	uint32_t syn[ATT_SYNS];
	uint8_t nsyn;
	uint32_t syn_more;           /* SYNs past ATT_SYNS */
	uint32_t rst_no;             /* the RST that refused it, 0: no answer */
	uint64_t ts_last;            /* its last SYN or RST */
	uint8_t answered;            /* a SYN/ACK came: not a failed attempt */
	const struct flow *fl;       /* whose attempt it is (compared, never followed) */
	uint8_t cip[16];
};

struct engine;
struct flow;
struct pkt;

/* A session begins: give it the failed attempts before it, remember it. */
void att_begin(struct engine *e, struct flow *f);
/* A SYN or RST of a remembered connection. */
void att_frame(struct engine *e, struct flow *f, int dir, const struct pkt *p, uint32_t no, uint64_t ts);
void att_ring_free(struct engine *e);

#endif
