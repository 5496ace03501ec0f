/* flow-arp.h - which open SMTP session an ARP/ND frame concerns, found by
 * address instead of by scanning every session.
 *
 * A session is indexed under its client and server IP addresses and, when
 * its frames carry a non-zero server-side MAC (a gateway), under both MACs;
 * each key lists its sessions in the order they were added (index order),
 * so the first one is the lowest-numbered session, as a scan in index
 * order would find it. */
#ifndef SMTPTRACE_FLOW_ARP_H
#define SMTPTRACE_FLOW_ARP_H

#include <stdint.h>
#include <stddef.h>

struct session;
struct frame_rec;
struct arpx_ent;

#define ARPX_KEYS 4

struct arpx_node {
	struct arpx_node *prev, *next;
	struct arpx_ent *ent;        /* NULL: unused */
	struct session *s;
};

/* one session's places in the index */
struct arpx_links {
	struct arpx_node n[ARPX_KEYS];
};

struct arpx {
	struct arpx_ent **tab;
	size_t nbuckets, nents;
	uint32_t seed;
};

void arpx_init(struct arpx *x, uint32_t seed);
void arpx_add(struct arpx *x, struct arpx_links *l, struct session *s);
void arpx_del(struct arpx *x, struct arpx_links *l);
/* The lowest-numbered indexed session the ARP/ND frame concerns, or NULL. */
struct session *arpx_find(const struct arpx *x, const struct frame_rec *a);
void arpx_destroy(struct arpx *x);
/* Does the ARP/ND frame concern the session (its hosts or its gateway)? */
int arp_concerns(const struct frame_rec *a, const struct session *s);

#endif
