/* timeline-reply.c - a reply's lines as the outputs read them: every line
 * kept (exchange.rlines), and for the reply to EHLO/LHLO its extensions,
 * each with what it means (smtp-caps.c's table). */
#include <string.h>
#include "smtp_line.h"
#include "timeline.h"

int tl_reply_next(const struct exchange *x, size_t *cur, const char **p, size_t *n)
{
	if (!x->rlines || *cur > x->rlines_len)
		return 0;
	const char *b = x->rlines + *cur;
	size_t left = x->rlines_len - *cur;
	const char *e = memchr(b, '\n', left);
	*p = b;
	*n = e ? (size_t)(e - b) : left;
	*cur += *n + 1;
	return 1;
}

int tl_has_extensions(const struct exchange *x)
{
	return x->kind == EXK_COMMAND && (!strcmp(x->verb, "EHLO") || !strcmp(x->verb, "LHLO")) &&
	       x->reply_code >= 200 && x->reply_code < 300 && x->rlines_kept > 1;
}

int tl_ext_next(const struct exchange *x, size_t *cur, struct tl_ext *e)
{
	const char *p;
	size_t n;
	if (!tl_has_extensions(x))
		return 0;
	if (*cur == 0 && !tl_reply_next(x, cur, &p, &n))   /* the server's name */
		return 0;
	if (!tl_reply_next(x, cur, &p, &n))
		return 0;
	e->line = p;
	e->len = n;
	e->name = p;
	smtp_ext_split(p, n, &e->nlen, &e->params, &e->plen);
	smtp_ext_meaning(p, n, e->meaning, sizeof e->meaning);
	return 1;
}

long tl_frame_more_lines(const struct timeline *t, size_t i, uint32_t *c)
{
	if (t->frames[i].dir != DIR_S2C)
		return -1;
	while (*c < t->fm[i].count) {
		size_t e = tl_frame_ex(t, i, (*c)++);
		const struct tl_exchange *tx = &t->ex[e];
		const struct exchange *x = &t->s->ex[e];
		if (tx->nrep && tx->rep[tx->nrep - 1] == t->frames[i].no &&
		    (x->rlines_kept > 1 || x->rlines_lost))
			return (long)e;
	}
	return -1;
}
