/* out.h - the outputs: subscribers to the engine's finished sessions
 * (engine.h, struct engine_sink) that write them as an annotated timeline
 * (text), as JSON (docs/json-schema.md) or as one summary line each.  They
 * read the session and its timeline (timeline.h), never change them. */
#ifndef SMTPTRACE_OUT_H
#define SMTPTRACE_OUT_H

#include <stdio.h>
#include "engine.h"

enum out_format { OUT_TEXT, OUT_JSON, OUT_SUMMARY, OUT_ANSWERS, OUT_LADDER };

struct out_opts {
	enum out_format format;
	int raw_seq;               /* raw instead of relative sequence numbers */
	int color;                 /* ANSI colour in text output */
	int width;                 /* cut frame lines to this many columns (a terminal); 0: never */
	int ladder_full;           /* --ladder=full: no folding */
	int ladder_glyphs;         /* 0 from the locale, 1 ASCII, 2 Unicode */
	FILE *out;                 /* NULL: stdout */
};

/* Fill *sink with the subscriber writing o->format; out_close() frees it. */
void out_open(const struct out_opts *o, struct engine_sink *sink);
void out_close(struct engine_sink *sink);

/* ---- for the out-*.c files ---- */
struct out_ctx {
	struct out_opts o;
	int first_session_out;     /* a session was written already */
};
void text_session(void *ctx, const struct session *s, const struct timeline *t);
void text_end(void *ctx, const struct engine_stats *st);
void json_begin(void *ctx);
void json_session(void *ctx, const struct session *s, const struct timeline *t);
void json_end(void *ctx, const struct engine_stats *st);
void summary_session(void *ctx, const struct session *s, const struct timeline *t);
void summary_end(void *ctx, const struct engine_stats *st);
void answers_session(void *ctx, const struct session *s, const struct timeline *t);
void answers_end(void *ctx, const struct engine_stats *st);
void ladder_session(void *ctx, const struct session *s, const struct timeline *t);

#endif
