/* util-strtab.c - see util-strtab.h. */
#include <stdlib.h>
#include <string.h>
#include "util-mem.h"
#include "util-strtab.h"

void strtab_add(struct strtab *t, size_t idx, const char *s, size_t n)
{
	if (t->bytes + n + 4 > t->limit) {
		t->dropped++;
		return;
	}
	if (idx >= t->cap) {
		size_t ncap = t->cap ? t->cap : 256;
		while (ncap <= idx)
			ncap *= 2;
		t->v = xrealloc(t->v, ncap * sizeof *t->v);
		memset(t->v + t->cap, 0, (ncap - t->cap) * sizeof *t->v);
		t->cap = ncap;
	}
	char *c = t->v[idx];
	size_t old = c ? strlen(c) : 0;
	if (!c)
		t->count++;
	c = xrealloc(c, old + n + 4);
	if (old)
		memcpy(c + old, " | ", 3), old += 3;
	memcpy(c + old, s, n);
	c[old + n] = '\0';
	for (size_t i = old; i < old + n; i++)
		if (!c[i])
			c[i] = ' ';
	t->v[idx] = c;
	t->bytes += n + 4;
}

const char *strtab_get(const struct strtab *t, size_t idx)
{
	return idx < t->cap ? t->v[idx] : NULL;
}

void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->v[i]);
	free(t->v);
	t->v = NULL;
	t->cap = t->count = t->bytes = 0;
}
