/* smtp-feed.h - the SMTP dissector fed directly with stream bytes, for the
 * unit tests (test_dissect.c, test_reply_lines.c): a session without an
 * engine, each direction's offset kept. */
#ifndef SMTP_FEED_H
#define SMTP_FEED_H
#include <stdint.h>
#include <string.h>
#include "session.h"

struct feed {
	struct session s;
	uint64_t off[2];
};

static inline void f_init(struct feed *f)
{
	memset(f, 0, sizeof *f);
	f->s.first_closer = -1;
	f->s.d[DIR_C2S].syn = 1;        /* from the start (see test_midstream) */
	smtp_new(&f->s, 0);
}

static inline void f_free(struct feed *f)
{
	struct session *s = &f->s;
	smtp_free(s);
	smtp_exchanges_free(s);
}

static inline void f_send(struct feed *f, int dir, const char *p, size_t n)
{
	smtp_data(&f->s, dir, f->off[dir], (const uint8_t *)p, n);
	f->off[dir] += n;
}

static inline void c(struct feed *f, const char *p) { f_send(f, DIR_C2S, p, strlen(p)); }
static inline void sv(struct feed *f, const char *p) { f_send(f, DIR_S2C, p, strlen(p)); }

static inline void gap(struct feed *f, int dir, uint64_t n)
{
	smtp_gap(&f->s, dir, f->off[dir], n);
	f->off[dir] += n;
}

static inline const struct exchange *find(const struct session *s, int kind, const char *verb, int nth)
{
	for (size_t i = 0; i < s->nex; i++)
		if (s->ex[i].kind == kind && (!verb || !strcmp(s->ex[i].verb, verb)) && nth-- == 0)
			return &s->ex[i];
	return NULL;
}

#endif
