/* util-mem.c - allocation that never returns NULL (see util-mem.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exitcodes.h"
#include "util-mem.h"

_Noreturn void out_of_memory(const char *what)
{
	fflush(stdout);
	fprintf(stderr, "smtptrace: out of memory (%s)\n", what);
	exit(EX_INTERNAL);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory("malloc");
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		out_of_memory("calloc");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory("realloc");
	return q;
}

void xgrow(void *vp, size_t *cap, size_t need, size_t size, size_t first)
{
	void **v = vp;
	if (need <= *cap)
		return;
	size_t c = *cap ? *cap : first;
	while (c < need) {
		if (c > SIZE_MAX / 2 / size)
			out_of_memory("array size");
		c *= 2;
	}
	*v = xrealloc(*v, c * size);
	*cap = c;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}
