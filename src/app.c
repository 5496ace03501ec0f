/* app.c - the per-session stack of application parsers (see app.h):
 * routes each direction's bytes and gaps to the layer that owns their
 * offsets, splitting a segment where a hand-off falls inside it. */
#include <string.h>
#include "app.h"

void app_open(struct app_stack *a, struct session *s, const struct app_parser *p,
              const struct app_opts *o)
{
	memset(a, 0, sizeof *a);
	a->s = s;
	a->o = *o;
	a->l[0].p = p;
	a->l[0].on[0] = a->l[0].on[1] = 1;
	a->l[0].ctx = p->create(a);
	a->n = 1;
}

/* The topmost layer that owns offset `off` of `dir`. */
static size_t owner(const struct app_stack *a, int dir, uint64_t off)
{
	size_t k = 0;
	for (size_t i = 1; i < a->n; i++)
		if (a->l[i].on[dir] && a->l[i].from[dir] <= off)
			k = i;
	return k;
}

/* Where the layer above k starts in `dir` (UINT64_MAX: nowhere yet). */
static uint64_t above(const struct app_stack *a, size_t k, int dir)
{
	if (k + 1 < a->n && a->l[k + 1].on[dir])
		return a->l[k + 1].from[dir];
	return UINT64_MAX;
}

void app_data(struct app_stack *a, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	while (n) {
		size_t k = owner(a, dir, off);
		uint64_t up = above(a, k, dir);
		size_t m = up - off < n ? (size_t)(up - off) : n;
		a->l[k].p->data(a->l[k].ctx, dir, off, p, m);
		/* the call may have handed the rest over (STARTTLS) */
		up = above(a, k, dir);
		if (up > off && up - off < m)
			m = (size_t)(up - off);
		if (m == 0 && owner(a, dir, off) == k)
			return;            /* cannot happen; never spin */
		p += m;
		off += m;
		n -= m;
	}
}

void app_gap(struct app_stack *a, int dir, uint64_t off, uint64_t n)
{
	while (n) {
		size_t k = owner(a, dir, off);
		uint64_t up = above(a, k, dir);
		uint64_t m = up - off < n ? up - off : n;
		a->l[k].p->gap(a->l[k].ctx, dir, off, m);
		up = above(a, k, dir);
		if (up > off && up - off < m)
			m = up - off;
		if (m == 0 && owner(a, dir, off) == k)
			return;
		off += m;
		n -= m;
	}
}

void app_end(struct app_stack *a)
{
	for (size_t i = a->n; i-- > 0;)
		a->l[i].p->end(a->l[i].ctx);
}

void app_close(struct app_stack *a)
{
	for (size_t i = a->n; i-- > 0;) {
		if (a->l[i].ctx)
			a->l[i].p->destroy(a->l[i].ctx);
		a->l[i].ctx = NULL;
	}
	a->n = 0;
}

int app_handoff(struct app_stack *a, const void *from, const struct app_parser *p,
                int dir, uint64_t off)
{
	size_t k = 0;
	while (k < a->n && a->l[k].ctx != from)
		k++;
	if (k == a->n || k + 1 >= APP_MAX_LAYERS)
		return -1;
	if (k + 1 == a->n) {
		struct app_layer *l = &a->l[a->n++];
		memset(l, 0, sizeof *l);
		l->p = p;
		l->ctx = p->create(a);
	}
	a->l[k + 1].from[dir] = off;
	a->l[k + 1].on[dir] = 1;
	return (int)k + 1;
}

int app_label(const struct app_stack *a, int dir, uint64_t off, uint64_t n, char *buf,
              size_t cap)
{
	for (size_t i = a->n; i-- > 0;)
		if (a->l[i].p->label && a->l[i].on[dir] && a->l[i].from[dir] < off + n &&
		    a->l[i].p->label(a->l[i].ctx, dir, off, n, buf, cap))
			return 1;
	return 0;
}
