/* test_flow.c - the flow table (flow-table.c) and the ARP/ND index
 * (flow-arp.c): lookup in both directions, idle order in capture time,
 * frames waiting for classification, the memory budget, and the choice of
 * the lowest-numbered open session for an ARP frame. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "flow-arp.h"
#include "flow-table.h"
#include "session.h"
#include "unit.h"

#define SEC 1000000000ull

static struct pkt tcp4(uint8_t a, uint16_t sp, uint8_t b, uint16_t dp, uint8_t flags)
{
	struct pkt p;
	memset(&p, 0, sizeof p);
	p.kind = PK_TCP;
	p.family = 4;
	p.src[0] = 10; p.src[3] = a;
	p.dst[0] = 10; p.dst[3] = b;
	p.sport = sp;
	p.dport = dp;
	p.flags = flags;
	return p;
}

static struct fent *add(struct flow_table *t, const struct pkt *p, uint64_t ts)
{
	struct fent *f = ft_insert(t, p, ft_hash(t, p), 1);
	if (f)
		ft_touch(t, f, ts);
	return f;
}

static void test_lookup(void)
{
	struct flow_table t;
	ft_init(&t, 64 << 20, 600 * SEC);
	struct pkt c2s = tcp4(1, 40000, 2, 25, TH_SYN);
	struct pkt s2c = tcp4(2, 25, 1, 40000, TH_SYN | TH_ACK);
	struct fent *f = add(&t, &c2s, 1 * SEC);
	int dir = -1;
	CHECK(f && f->cport == 40000 && f->sport == 25);
	CHECK(ft_find(&t, &c2s, ft_hash(&t, &c2s), &dir) == f && dir == DIR_C2S);
	CHECK(ft_find(&t, &s2c, ft_hash(&t, &s2c), &dir) == f && dir == DIR_S2C);
	CHECK(ft_hash(&t, &c2s) == ft_hash(&t, &s2c));
	struct pkt other = tcp4(1, 40001, 2, 25, TH_SYN);
	CHECK(ft_find(&t, &other, ft_hash(&t, &other), &dir) == NULL);
	/* thousands of flows: the table grows and still finds each */
	for (unsigned i = 0; i < 5000; i++) {
		struct pkt q = tcp4((uint8_t)i, (uint16_t)(1024 + i), 2, 25, TH_SYN);
		add(&t, &q, 2 * SEC);
	}
	CHECK(t.st.open_flows == 5001 && t.st.flows == 5001);
	struct pkt q = tcp4((uint8_t)4321, 1024 + 4321, 2, 25, TH_ACK);
	struct fent *g = ft_find(&t, &q, ft_hash(&t, &q), &dir);
	CHECK(g && g->cport == 1024 + 4321 && dir == DIR_C2S);
	ft_remove(&t, g);
	CHECK(ft_find(&t, &q, ft_hash(&t, &q), &dir) == NULL && t.st.open_flows == 5000);
	ft_destroy(&t);
}

/* Least recently active first; idle only past the timeout; 0 never. */
static void test_idle(void)
{
	struct flow_table t;
	ft_init(&t, 64 << 20, 10 * SEC);
	struct pkt a = tcp4(1, 1000, 2, 25, TH_SYN), b = tcp4(3, 1000, 2, 25, TH_SYN);
	struct fent *fa = add(&t, &a, 100 * SEC);
	struct fent *fb = add(&t, &b, 105 * SEC);
	CHECK(ft_idle(&t) == NULL);
	ft_touch(&t, fa, 108 * SEC);            /* a is now the most recent */
	t.now = 115 * SEC + 1;
	CHECK(ft_idle(&t) == fb);               /* idle 10 s + 1 ns */
	ft_remove(&t, fb);
	CHECK(ft_idle(&t) == NULL);             /* a: 7 s */
	t.now = 118 * SEC + 1;
	CHECK(ft_idle(&t) == fa);
	/* a frame with an earlier timestamp does not move the clock back */
	ft_touch(&t, fa, 50 * SEC);
	CHECK(t.now == 118 * SEC + 1 && fa->last_ts == t.now && ft_idle(&t) == NULL);
	ft_destroy(&t);
	ft_init(&t, 64 << 20, 0);
	fa = add(&t, &a, 1 * SEC);
	t.now = 1000000 * SEC;
	CHECK(ft_idle(&t) == NULL);
	ft_destroy(&t);
}

/* At most FT_PEND_MAX frames wait; the budget refuses records and frames. */
static void test_pend_budget(void)
{
	struct flow_table t;
	ft_init(&t, 64 << 20, 0);
	struct pkt a = tcp4(1, 1000, 2, 80, TH_ACK);
	struct fent *f = add(&t, &a, SEC);
	int i;
	for (i = 0; i < 100 && ft_pend_push(&t, f, &a, SEC, (uint32_t)i, 60, DIR_C2S) == 0; i++)
		;
	CHECK(i == FT_PEND_MAX && f->npend == FT_PEND_MAX);
	uint64_t before = t.st.mem;
	ft_pend_free(&t, f);
	CHECK(f->npend == 0 && f->pend == NULL && t.st.mem < before);
	ft_destroy(&t);

	ft_init(&t, 1 << 20, 0);                /* 1 MiB */
	unsigned n = 0;
	for (unsigned k = 0; k < 100000; k++) {
		struct pkt q = tcp4((uint8_t)k, (uint16_t)k, 2, 80, TH_SYN);
		if (add(&t, &q, SEC))
			n++;
	}
	CHECK(n > 1000 && n < 100000);
	CHECK(t.st.mem <= t.st.budget && t.st.peak_mem >= t.st.mem);
	CHECK(ft_mem_take(&t, 1 << 20) == -1);
	ft_destroy(&t);
}

static void sess(struct session *s, uint32_t index, uint8_t c, uint8_t srv)
{
	memset(s, 0, sizeof *s);
	s->family = 4;
	s->index = index;
	s->cip[0] = 10; s->cip[3] = c;
	s->sip[0] = 10; s->sip[3] = srv;
}

static struct frame_rec arpf(uint8_t spa, uint8_t tpa, uint8_t sha_last)
{
	struct frame_rec a;
	memset(&a, 0, sizeof a);
	a.family = 4;
	a.spa[0] = 10; a.spa[3] = spa;
	a.tpa[0] = 10; a.tpa[3] = tpa;
	a.sha[0] = 2; a.sha[5] = sha_last;
	return a;
}

/* The lowest-numbered indexed session, as the scan in index order chose. */
static void test_arp_index(void)
{
	struct arpx x;
	struct session s[3];
	struct arpx_links l[3];
	arpx_init(&x, 12345);
	sess(&s[0], 1, 1, 100);
	sess(&s[1], 2, 2, 100);
	sess(&s[2], 3, 3, 101);
	s[2].has_mac = 1;                       /* via a gateway 02:..:77 */
	s[2].smac[0] = 2; s[2].smac[5] = 0x77;
	s[2].cmac[0] = 2; s[2].cmac[5] = 0x03;
	for (int i = 0; i < 3; i++)
		arpx_add(&x, &l[i], &s[i]);
	struct frame_rec a = arpf(50, 100, 9);  /* who has the server of 1 and 2 */
	CHECK(arpx_find(&x, &a) == &s[0]);
	a = arpf(2, 60, 9);                     /* from client 2 */
	CHECK(arpx_find(&x, &a) == &s[1]);
	a = arpf(50, 60, 0x77);                 /* from the gateway */
	CHECK(arpx_find(&x, &a) == &s[2] && arp_concerns(&a, &s[2]));
	a = arpf(50, 60, 9);                    /* nobody's */
	CHECK(arpx_find(&x, &a) == NULL && !arp_concerns(&a, &s[0]));
	a = arpf(3, 100, 9);                    /* client 3 asks for server 100: 1 first */
	CHECK(arpx_find(&x, &a) == &s[0]);
	arpx_del(&x, &l[0]);                    /* session 1 closed */
	CHECK(arpx_find(&x, &a) == &s[1]);
	a = arpf(50, 100, 9);
	CHECK(arpx_find(&x, &a) == &s[1]);
	arpx_del(&x, &l[1]);
	CHECK(arpx_find(&x, &a) == NULL);
	a.family = 6;                           /* ND frames never match IPv4 sessions */
	a.sha[5] = 0x77;
	CHECK(arpx_find(&x, &a) == NULL);
	arpx_del(&x, &l[2]);
	CHECK(x.nents == 0);
	arpx_destroy(&x);
}

int main(void)
{
	test_lookup();
	test_idle();
	test_pend_budget();
	test_arp_index();
	return UNIT_DONE();
}
