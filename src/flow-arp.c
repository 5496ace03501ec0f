/* flow-arp.c - ARP/ND attribution indexed by address (see flow-arp.h). */
#include <stdlib.h>
#include <string.h>
#include "flow-arp.h"
#include "session.h"
#include "util-mem.h"

enum { K_IP = 1, K_MAC = 2 };
#define KEYLEN 18                    /* kind, family, 16 address bytes */

struct arpx_ent {
	struct arpx_ent *hnext;
	uint32_t hash;
	uint8_t key[KEYLEN];
	struct arpx_node *head, *tail;
};

static void mkkey(uint8_t *k, int kind, int family, const uint8_t *a)
{
	memset(k, 0, KEYLEN);
	k[0] = (uint8_t)kind;
	k[1] = (uint8_t)family;
	memcpy(k + 2, a, kind == K_MAC ? 6 : family == 6 ? 16 : 4);
}

static uint32_t khash(uint32_t seed, const uint8_t *k)
{
	uint32_t h = seed ^ 2166136261u;
	for (int i = 0; i < KEYLEN; i++) {
		h ^= k[i];
		h *= 16777619u;
	}
	return h ^ (h >> 15);
}

void arpx_init(struct arpx *x, uint32_t seed)
{
	memset(x, 0, sizeof *x);
	x->seed = seed;
}

static struct arpx_ent *lookup(const struct arpx *x, const uint8_t *k, uint32_t h)
{
	if (!x->nbuckets)
		return NULL;
	for (struct arpx_ent *e = x->tab[h & (x->nbuckets - 1)]; e; e = e->hnext)
		if (e->hash == h && !memcmp(e->key, k, KEYLEN))
			return e;
	return NULL;
}

static void grow(struct arpx *x)
{
	size_t nb = x->nbuckets ? 2 * x->nbuckets : 256;
	struct arpx_ent **t = xcalloc(nb, sizeof *t);
	for (size_t i = 0; i < x->nbuckets; i++) {
		struct arpx_ent *e, *n;
		for (e = x->tab[i]; e; e = n) {
			n = e->hnext;
			e->hnext = t[e->hash & (nb - 1)];
			t[e->hash & (nb - 1)] = e;
		}
	}
	free(x->tab);
	x->tab = t;
	x->nbuckets = nb;
}

static void link_key(struct arpx *x, struct arpx_node *n, const uint8_t *k, struct session *s)
{
	uint32_t h = khash(x->seed, k);
	struct arpx_ent *e = lookup(x, k, h);
	if (!e) {
		if (x->nents >= x->nbuckets)
			grow(x);
		e = xcalloc(1, sizeof *e);
		memcpy(e->key, k, KEYLEN);
		e->hash = h;
		e->hnext = x->tab[h & (x->nbuckets - 1)];
		x->tab[h & (x->nbuckets - 1)] = e;
		x->nents++;
	}
	n->ent = e;
	n->s = s;
	n->next = NULL;
	n->prev = e->tail;
	*(e->tail ? &e->tail->next : &e->head) = n;
	e->tail = n;
}

void arpx_add(struct arpx *x, struct arpx_links *l, struct session *s)
{
	static const uint8_t zero[6];
	uint8_t k[ARPX_KEYS][KEYLEN];
	int nk = 0;
	mkkey(k[nk++], K_IP, s->family, s->cip);
	mkkey(k[nk++], K_IP, s->family, s->sip);
	if (s->has_mac && memcmp(s->smac, zero, 6)) {
		mkkey(k[nk++], K_MAC, s->family, s->smac);
		mkkey(k[nk++], K_MAC, s->family, s->cmac);
	}
	memset(l, 0, sizeof *l);
	for (int i = 0; i < nk; i++) {
		int dup = 0;
		for (int j = 0; j < i; j++)
			dup |= !memcmp(k[i], k[j], KEYLEN);
		if (!dup)
			link_key(x, &l->n[i], k[i], s);
	}
}

static void drop_ent(struct arpx *x, struct arpx_ent *e)
{
	struct arpx_ent **pp = &x->tab[e->hash & (x->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == e) {
			*pp = e->hnext;
			break;
		}
	free(e);
	x->nents--;
}

void arpx_del(struct arpx *x, struct arpx_links *l)
{
	for (int i = 0; i < ARPX_KEYS; i++) {
		struct arpx_node *n = &l->n[i];
		struct arpx_ent *e = n->ent;
		if (!e)
			continue;
		*(n->prev ? &n->prev->next : &e->head) = n->next;
		*(n->next ? &n->next->prev : &e->tail) = n->prev;
		n->ent = NULL;
		if (!e->head)
			drop_ent(x, e);
	}
}

static struct session *head_of(const struct arpx *x, int kind, int family, const uint8_t *a)
{
	uint8_t k[KEYLEN];
	mkkey(k, kind, family, a);
	struct arpx_ent *e = lookup(x, k, khash(x->seed, k));
	return e ? e->head->s : NULL;
}

static struct session *lower(struct session *a, struct session *b)
{
	return !a || (b && b->index < a->index) ? b : a;
}

struct session *arpx_find(const struct arpx *x, const struct frame_rec *a)
{
	struct session *s = head_of(x, K_IP, a->family, a->spa);
	s = lower(s, head_of(x, K_IP, a->family, a->tpa));
	s = lower(s, head_of(x, K_MAC, a->family, a->sha));
	return s;
}

void arpx_destroy(struct arpx *x)
{
	for (size_t i = 0; i < x->nbuckets; i++) {
		struct arpx_ent *e, *n;
		for (e = x->tab[i]; e; e = n) {
			n = e->hnext;
			free(e);
		}
	}
	free(x->tab);
	memset(x, 0, sizeof *x);
}

int arp_concerns(const struct frame_rec *a, const struct session *s)
{
	static const uint8_t zero[6];
	size_t n = s->family == 6 ? 16 : 4;
	if (a->family != s->family)
		return 0;
	if (!memcmp(a->spa, s->cip, n) || !memcmp(a->tpa, s->cip, n) ||
	    !memcmp(a->spa, s->sip, n) || !memcmp(a->tpa, s->sip, n))
		return 1;
	/* the gateway: its MAC is the one the session's frames go to */
	return s->has_mac && memcmp(s->smac, zero, 6) &&
	       (!memcmp(a->sha, s->smac, 6) || !memcmp(a->sha, s->cmac, 6));
}
