/* out.c - the output table: one entry per format (out.h). */
#include <stdlib.h>
#include "out.h"
#include "util-mem.h"

static const struct {
	unsigned needs;
	void (*begin)(void *ctx);
	void (*session)(void *ctx, const struct session *s, const struct timeline *t);
	void (*end)(void *ctx, const struct engine_stats *st);
} outputs[] = {
	[OUT_TEXT]    = { ENGINE_NEED_FRAMES, NULL, text_session, text_end },
	[OUT_JSON]    = { ENGINE_NEED_FRAMES, json_begin, json_session, json_end },
	[OUT_SUMMARY] = { 0, NULL, summary_session, summary_end },
	[OUT_ANSWERS] = { ENGINE_NEED_FRAMES, NULL, answers_session, answers_end },
	[OUT_LADDER]  = { ENGINE_NEED_FRAMES, NULL, ladder_session, answers_end },
};

void out_open(const struct out_opts *o, struct engine_sink *sink)
{
	struct out_ctx *c = xcalloc(1, sizeof *c);
	c->o = *o;
	if (!c->o.out)
		c->o.out = stdout;
	sink->ctx = c;
	sink->needs = outputs[o->format].needs;
	sink->begin = outputs[o->format].begin;
	sink->session = outputs[o->format].session;
	sink->end = outputs[o->format].end;
}

void out_close(struct engine_sink *sink)
{
	free(sink->ctx);
	sink->ctx = NULL;
}
