/* annot.c - collect packet comments from finished sessions (annot.h). */
#include <stdlib.h>
#include <string.h>
#include "annot.h"
#include "session.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-mem.h"
#include "util-strtab.h"
#include "util-text.h"

struct annot {
	struct strtab by_no;     /* index: frame number; a frame in two sessions
	                            (an ARP exchange) gets both, joined */
	char servers[256];
	size_t nservers;
};

struct annot *annot_new(void)
{
	struct annot *a = xcalloc(1, sizeof *a);
	a->by_no.limit = ANNOT_MAX_BYTES;
	return a;
}

static void add_server(struct annot *a, const struct session *s)
{
	char ep[ADDR_EP_MAX];
	size_t n = strlen(a->servers);
	addr_ep(s->family, s->sip, s->sport, ep, sizeof ep);
	if (strstr(a->servers, ep))
		return;
	if (a->nservers++ == 4) {
		snprintf(a->servers + n, sizeof a->servers - n, ", ...");
		return;
	}
	if (a->nservers <= 4)
		snprintf(a->servers + n, sizeof a->servers - n, "%s%s", n ? ", " : "", ep);
}

static void on_session(void *ctx, const struct session *s, const struct timeline *t)
{
	struct annot *a = ctx;
	char safe[4 * sizeof(((struct sbuf *)0)->b)];
	add_server(a, s);
	for (size_t i = 0; i < t->nframes; i++) {
		struct sbuf b;
		sb_init(&b);
		tlw_comment(t, i, &b);
		size_t n = text_safe(safe, sizeof safe, b.b, b.n, NULL);
		strtab_add(&a->by_no, t->frames[i].no, safe, n);
	}
}

void annot_sink(struct annot *a, struct engine_sink *sink)
{
	*sink = (struct engine_sink){ .ctx = a, .needs = ENGINE_NEED_FRAMES, .session = on_session };
}

const char *annot_get(const struct annot *a, uint32_t no)
{
	return strtab_get(&a->by_no, no);
}

size_t annot_count(const struct annot *a) { return a->by_no.count; }
size_t annot_dropped(const struct annot *a) { return a->by_no.dropped; }
const char *annot_servers(const struct annot *a) { return a->servers; }

void annot_free(struct annot *a)
{
	if (!a)
		return;
	strtab_free(&a->by_no);
	free(a);
}
