/* engine-int.h - the engine's internals shared by engine.c (frames, TCP,
 * finishing) and flow-session.c (session allocation, frame records, ARP/ND
 * attribution).  Not for use outside those two files. */
#ifndef SMTPTRACE_ENGINE_INT_H
#define SMTPTRACE_ENGINE_INT_H

#include <stdint.h>
#include <stddef.h>
#include "decode.h"
#include "engine.h"
#include "flow-arp.h"
#include "flow-attempt.h"
#include "flow-dns.h"
#include "flow-table.h"
#include "session.h"

#define ARP_RING     64
#define CLOSE_GRACE_FRAMES 256          /* frames after the close before a session is final */
#define CLOSE_GRACE_NS     (2ull * 1000000000ull)
#define SESSION_MAX_FRAMES (1u << 20)   /* frame records one session may hold */
#define UNDECIDED_MAX      64           /* frames with payload before an undecided flow is "not SMTP" */
#define DISSECTOR_EST      1024         /* bytes accounted for a dissector (smtp.c's is opaque) */

struct flow {
	struct session s;
	struct fent *fe;                /* its record in the flow table */
	struct flow *cnext;             /* closed list, in close order */
	size_t qpos;                    /* its place in engine.q */
	uint64_t close_ts;
	uint32_t close_no;
	uint64_t acct;                  /* bytes accounted to it in the budget */
	struct arpx_links al;           /* its places in the ARP/ND index */
	uint8_t indexed;
	uint8_t att_slot;               /* its entry in the attempts ring + 1, 0 none */
};

struct engine {
	struct engine_opts o;
	int linktype;
	unsigned needs;                 /* what the subscribers need kept: ENGINE_NEED_* */
	uint32_t no;
	uint64_t t0;
	struct flow_table ft;
	/* SMTP sessions not yet printed, in index order; NULL where one was
	 * printed already (compacted when the array fills) */
	struct flow **q;
	size_t qn, qcap;
	uint32_t next_index;
	size_t nsessions;
	/* closed, waiting out the grace period */
	struct flow *chead, **ctail;
	/* open SMTP sessions by address, for ARP / ND frames */
	struct arpx ax;
	/* ARP / ND frames not yet given to a session */
	struct frame_rec ring[ARP_RING];
	size_t ring_n;
	char input_error[256];
	struct tls_dec_hooks hooks;     /* TLS decryption with o.keys (tls-hooks.h) */
	struct app_opts app_o;          /* every session's application parsers */
	struct dns_ring *dr;            /* recent DNS messages (flow-dns.c), NULL until one */
	struct att_ring *ar;            /* recent connections (flow-attempt.c), NULL until one */
};
/* engine.c: where reassembled bytes go (the session is the context) */
extern const struct stream_sink engine_stream_sink;

/* engine.c: a frame record's common fields (number, time, length, status) */
void fill_frame(struct frame_rec *fr, uint32_t no, uint64_t ts, uint32_t wirelen,
                const struct pkt *p);

/* flow-icmp.c: an ICMP error (PK_ICMP) to the session it quotes; 1 if it
 * went to one, 0 if no session of the table is the quoted one. */
int icmp_frame(struct engine *e, const struct pkt *p, uint32_t no, uint64_t ts, uint32_t wirelen);

/* flow-session.c */
int is_smtp_port(const struct engine *e, uint16_t port);
/* Keep a frame record, within the session's cap and the budget (counted if not). */
void frame_push(struct engine *e, struct session *s, const struct frame_rec *fr);
/* Give the session the ARP/ND frames in the ring that concern it. */
void adopt_arp(struct engine *e, struct session *s);
/* Number the session, queue it for printing, index it for ARP/ND. */
void became_smtp(struct engine *e, struct flow *f);
/* No more ARP/ND frames for it: closed, finished or freed. */
void unindex(struct engine *e, struct flow *f);
/* The full session of a flow; NULL when the memory budget has no room. */
struct flow *session_new(struct engine *e, struct fent *fe);
void session_free(struct session *s);
/* The session leaves the budget (it is printed or freed next). */
void session_unaccount(struct engine *e, struct flow *f);
/* An ARP/ND frame (fr has the frame's common fields): to the open session
 * it concerns, or to the ring. */
void arp_frame(struct engine *e, struct frame_rec *fr, const struct pkt *p);
/* A new flow: a record, and a session at once if its port is SMTP's. */
struct fent *flow_new(struct engine *e, const struct pkt *p, uint32_t h, int *dir);

#endif
