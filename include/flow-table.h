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
#include <string.h>
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
/* A new record for p's flow; NULL (and counted) when over the budget. */
struct fent *ft_insert(struct flow_table *t, const struct pkt *p, uint32_t h,
                       int client_is_src);
/* Unlink and free a record (its session, if any, is already gone). */
void ft_remove(struct flow_table *t, struct fent *f);
/* Keep a frame without payload; -1 when FT_PEND_MAX are kept already. */
int ft_pend_push(struct flow_table *t, struct fent *f, const struct pkt *p,
                 uint64_t ts, uint32_t no, uint32_t wirelen, int dir);
void ft_pend_free(struct flow_table *t, struct fent *f);
/* Memory accounting: 0 if `n` more bytes fit in the budget (and takes them). */
int ft_mem_take(struct flow_table *t, uint64_t n);
void ft_mem_give(struct flow_table *t, uint64_t n);

/* ---- the per-frame path, inline ------------------------------------------ */

static inline uint32_t ft_mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x9e3779b1u;
	return h ^ (h >> 15);
}

static inline uint32_t ft_hash_ep(uint32_t seed, const uint8_t *ip, uint16_t port, int family)
{
	uint32_t h = seed ^ port, w;
	int n = family == 6 ? 16 : 4;
	for (int i = 0; i < n; i += 4) {
		memcpy(&w, ip + i, 4);
		h = ft_mix(h, w);
	}
	return h;
}

/* Direction-independent: the two endpoint hashes are combined commutatively. */
static inline uint32_t ft_hash(const struct flow_table *t, const struct pkt *p)
{
	return ft_hash_ep(t->seed, p->src, p->sport, p->family) +
	       ft_hash_ep(t->seed, p->dst, p->dport, p->family);
}

/* Constant sizes, so the compiler compares inline. */
static inline int ft_same_ip(const uint8_t *a, const uint8_t *b, int family)
{
	return family == 6 ? !memcmp(a, b, 16) : !memcmp(a, b, 4);
}

/* 0: p goes client->server, 1: server->client, -1: not this flow */
static inline int ft_dir(const struct fent *f, const struct pkt *p)
{
	if (f->family != p->family)
		return -1;
	if (p->sport == f->cport && p->dport == f->sport &&
	    ft_same_ip(p->src, f->cip, p->family) && ft_same_ip(p->dst, f->sip, p->family))
		return 0;
	if (p->sport == f->sport && p->dport == f->cport &&
	    ft_same_ip(p->src, f->sip, p->family) && ft_same_ip(p->dst, f->cip, p->family))
		return 1;
	return -1;
}

/* The record of p's flow and p's direction (DIR_C2S / DIR_S2C), or NULL. */
static inline struct fent *ft_find(struct flow_table *t, const struct pkt *p, uint32_t h,
                                   int *dir)
{
	if (!t->nbuckets)
		return NULL;
	for (struct fent *f = t->tab[h & (t->nbuckets - 1)]; f; f = f->hnext)
		if (f->hash == h && (*dir = ft_dir(f, p)) >= 0)
			return f;
	return NULL;
}

static inline void ft_idle_unlink(struct flow_table *t, struct fent *f)
{
	*(f->iprev ? &f->iprev->inext : &t->ihead) = f->inext;
	*(f->inext ? &f->inext->iprev : &t->itail) = f->iprev;
	f->iprev = f->inext = NULL;
}

static inline void ft_idle_append(struct flow_table *t, struct fent *f)
{
	f->inext = NULL;
	f->iprev = t->itail;
	*(t->itail ? &t->itail->inext : &t->ihead) = f;
	t->itail = f;
}

/* p's frame arrived at ts: the flow is the most recently active. */
static inline void ft_touch(struct flow_table *t, struct fent *f, uint64_t ts)
{
	if (ts > t->now)
		t->now = ts;
	f->last_ts = t->now;
	if (t->itail != f) {
		ft_idle_unlink(t, f);
		ft_idle_append(t, f);
	}
}

/* The least recently active record if it has been idle too long, else NULL. */
static inline struct fent *ft_idle(const struct flow_table *t)
{
	struct fent *f = t->ihead;
	if (f && t->st.idle_ns && t->now - f->last_ts > t->st.idle_ns)
		return f;
	return NULL;
}

#endif
