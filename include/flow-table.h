/* flow-table.h - every TCP flow the engine has seen, as a small record.
 *
 * A flow gets a `struct fent` (about 150 bytes) on its first frame.  The
 * full session (struct session, the dissector, frame records) is allocated
 * by the engine only once the flow is seen to be SMTP (its port, or its
 * first payload); until then up to FT_PEND_MAX frames wait in the record
 * and are replayed into the session when it is made.  A flow that sends
 * FT_PEND_MAX frames without payload is "not SMTP" for good and keeps only
 * its record until it closes or goes idle.
 *
 * Records are kept in order of their last frame, so idle ones (in capture
 * time) are found at the head in O(1).  The hash is seeded per run; no
 * output depends on the table's order.
 *
 * The table also keeps the engine's counters (struct flow_stats) and the
 * memory it accounts: records, waiting frames, sessions and their frame
 * records.  Past the budget no new flow is analysed and no frame record is
 * kept; both are counted, never dropped silently. */
#ifndef SMTPTRACE_FLOW_TABLE_H
#define SMTPTRACE_FLOW_TABLE_H

#include <stdint.h>
#include <stddef.h>
#include "decode.h"

#define FT_PEND_MAX          16      /* frames without payload before "not SMTP" */
#define FT_IDLE_DEFAULT_S    600     /* RFC 5321 4.5.3.2's longest timeout, 10 minutes */
#define FT_BUDGET_DEFAULT_MB 512     /* --memory-limit default */

/* End-of-input statistics; plain fields for the outputs. */
struct flow_stats {
	uint64_t frames;             /* every frame given to the engine */
	uint64_t other_frames;       /* not ARP, ND or TCP (undecodable ones included) */
	uint64_t undecodable;        /* cut or malformed before the TCP ports (counted in other_frames) */
	uint64_t not_analysed;       /* TCP frames of flows the memory budget refused */
	uint64_t records_dropped;    /* frames analysed but not kept for the timeline (cap or budget) */
	uint64_t flows;              /* TCP flows seen */
	uint64_t flows_not_smtp;     /* decided "not SMTP" */
	uint64_t flows_expired;      /* ended by the idle timeout */
	uint64_t sessions_expired;   /* SMTP sessions among them, printed as incomplete */
	uint64_t open_flows, peak_flows;
	uint64_t open_sessions, peak_sessions;
	uint64_t mem, peak_mem;      /* bytes accounted (see above) */
	uint64_t budget;             /* the limit, bytes */
	uint64_t idle_ns;            /* the idle timeout, ns (0: never) */
};

enum fent_state { FE_PENDING, FE_SESSION, FE_NOT_SMTP };

struct flow;                         /* engine.c: a flow with a session */

/* A frame waiting for its flow to be classified (no payload). */
struct pend_frame {
	struct pkt p;                /* payload pointer cleared */
	uint64_t ts;
	uint32_t no, wirelen;
	uint8_t dir;
};

struct fent {
	uint32_t hash;
	uint8_t state;               /* enum fent_state */
	uint8_t fin;                 /* FE_NOT_SMTP: bit 1 << dir per FIN seen */
	uint8_t npend, cappend;
	struct fent *hnext;          /* hash chain */
	struct fent *iprev, *inext;  /* idle order, least recently active first */
	uint64_t last_ts;
	struct flow *fl;             /* FE_SESSION */
	struct pend_frame *pend;     /* FE_PENDING */
	int family;
	uint16_t cport, sport;
	uint8_t cip[16], sip[16];
	uint8_t has_mac;
	uint8_t cmac[6], smac[6];    /* MACs of its first frame, as client/server */
};

struct flow_table {
	struct fent **tab;
	size_t nbuckets;
	uint32_t seed;
	struct fent *ihead, *itail;
	uint64_t now;                /* latest frame time seen */
	struct flow_stats st;
};

void ft_init(struct flow_table *t, uint64_t budget, uint64_t idle_ns);
/* Free every record (sessions are the engine's to free first). */
void ft_destroy(struct flow_table *t);
uint32_t ft_hash(const struct flow_table *t, const struct pkt *p);
/* The record of p's flow and p's direction (DIR_C2S / DIR_S2C), or NULL. */
struct fent *ft_find(struct flow_table *t, const struct pkt *p, uint32_t h, int *dir);
/* A new record for p's flow; NULL (and counted) when over the budget. */
struct fent *ft_insert(struct flow_table *t, const struct pkt *p, uint32_t h,
                       int client_is_src);
/* Unlink and free a record (its session, if any, is already gone). */
void ft_remove(struct flow_table *t, struct fent *f);
/* p's frame arrived at ts: the flow is the most recently active. */
void ft_touch(struct flow_table *t, struct fent *f, uint64_t ts);
/* The least recently active record if it has been idle too long, else NULL. */
struct fent *ft_idle(const struct flow_table *t);
/* Keep a frame without payload; -1 when FT_PEND_MAX are kept already. */
int ft_pend_push(struct flow_table *t, struct fent *f, const struct pkt *p,
                 uint64_t ts, uint32_t no, uint32_t wirelen, int dir);
void ft_pend_free(struct flow_table *t, struct fent *f);
/* Memory accounting: 0 if `n` more bytes fit in the budget (and takes them). */
int ft_mem_take(struct flow_table *t, uint64_t n);
void ft_mem_give(struct flow_table *t, uint64_t n);

#endif
