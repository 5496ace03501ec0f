/* flow-table.c - the flow records: seeded hash, idle order, frames waiting
 * for classification, memory accounting (see flow-table.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "flow-table.h"
#include "session.h"
#include "util-mem.h"

void ft_init(struct flow_table *t, uint64_t budget, uint64_t idle_ns)
{
	memset(t, 0, sizeof *t);
	/* a per-run key, so a crafted capture cannot aim at one bucket (F23);
	 * nothing printed depends on the table's order */
	if (getrandom(&t->seed, sizeof t->seed, GRND_NONBLOCK) != sizeof t->seed)
		t->seed = (uint32_t)time(NULL) ^ (uint32_t)getpid() * 2654435761u;
	t->st.budget = budget;
	t->st.idle_ns = idle_ns;
}

void ft_destroy(struct flow_table *t)
{
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct fent *f, *n;
		for (f = t->tab[i]; f; f = n) {
			n = f->hnext;
			free(f->pend);
			free(f);
		}
	}
	free(t->tab);
	t->tab = NULL;
	t->nbuckets = 0;
	t->ihead = t->itail = NULL;
}

int ft_mem_take(struct flow_table *t, uint64_t n)
{
	if (t->st.mem + n > t->st.budget)
		return -1;
	t->st.mem += n;
	if (t->st.mem > t->st.peak_mem)
		t->st.peak_mem = t->st.mem;
	return 0;
}

void ft_mem_give(struct flow_table *t, uint64_t n)
{
	t->st.mem = n > t->st.mem ? 0 : t->st.mem - n;
}

/* ---- table ------------------------------------------------------------------ */

/* Double the buckets (the array is in the budget: past it, chains grow
 * longer instead, which is slower but still bounded). */
static void tab_grow(struct flow_table *t)
{
	size_t nb = t->nbuckets ? t->nbuckets * 2 : 1024;
	if (ft_mem_take(t, (nb - t->nbuckets) * sizeof *t->tab) && t->nbuckets)
		return;
	struct fent **n = xcalloc(nb, sizeof *n);
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct fent *f = t->tab[i], *next;
		for (; f; f = next) {
			next = f->hnext;
			f->hnext = n[f->hash & (nb - 1)];
			n[f->hash & (nb - 1)] = f;
		}
	}
	free(t->tab);
	t->tab = n;
	t->nbuckets = nb;
}

struct fent *ft_insert(struct flow_table *t, const struct pkt *p, uint32_t h,
                       int client_is_src)
{
	if (ft_mem_take(t, sizeof(struct fent)))
		return NULL;
	if (t->st.open_flows >= t->nbuckets)
		tab_grow(t);
	struct fent *f = xcalloc(1, sizeof *f);
	size_t n = p->family == 6 ? 16 : 4;
	f->hash = h;
	f->family = p->family;
	memcpy(f->cip, client_is_src ? p->src : p->dst, n);
	memcpy(f->sip, client_is_src ? p->dst : p->src, n);
	f->cport = client_is_src ? p->sport : p->dport;
	f->sport = client_is_src ? p->dport : p->sport;
	if (p->has_mac) {
		f->has_mac = 1;
		memcpy(f->cmac, client_is_src ? p->mac_src : p->mac_dst, 6);
		memcpy(f->smac, client_is_src ? p->mac_dst : p->mac_src, 6);
	}
	f->hnext = t->tab[h & (t->nbuckets - 1)];
	t->tab[h & (t->nbuckets - 1)] = f;
	f->last_ts = t->now;
	ft_idle_append(t, f);
	t->st.flows++;
	if (++t->st.open_flows > t->st.peak_flows)
		t->st.peak_flows = t->st.open_flows;
	return f;
}

void ft_remove(struct flow_table *t, struct fent *f)
{
	struct fent **pp = &t->tab[f->hash & (t->nbuckets - 1)];
	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
	ft_idle_unlink(t, f);
	ft_pend_free(t, f);
	free(f);
	ft_mem_give(t, sizeof *f);
	t->st.open_flows--;
}

/* ---- frames waiting for the flow to be classified --------------------------- */

int ft_pend_push(struct flow_table *t, struct fent *f, const struct pkt *p,
                 uint64_t ts, uint32_t no, uint32_t wirelen, int dir)
{
	if (f->npend == FT_PEND_MAX)
		return -1;
	if (f->npend == f->cappend) {
		unsigned cap = f->cappend ? 2u * f->cappend : 1u;
		if (ft_mem_take(t, (uint64_t)(cap - f->cappend) * sizeof *f->pend))
			return -1;
		f->pend = xrealloc(f->pend, cap * sizeof *f->pend);
		f->cappend = (uint8_t)cap;
	}
	struct pend_frame *w = &f->pend[f->npend++];
	w->p = *p;
	pkt_tcp_csum(&w->p);            /* a header only: the bytes go with this frame */
	w->p.tcp_seg = NULL;
	w->p.payload = NULL;
	w->p.cap_paylen = 0;
	w->ts = ts;
	w->no = no;
	w->wirelen = wirelen;
	w->dir = (uint8_t)dir;
	return 0;
}

void ft_pend_free(struct flow_table *t, struct fent *f)
{
	ft_mem_give(t, (uint64_t)f->cappend * sizeof *f->pend);
	free(f->pend);
	f->pend = NULL;
	f->npend = f->cappend = 0;
}
