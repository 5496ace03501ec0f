/* out.c - the output table: one entry per format (out.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

static FILE *out_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		fprintf(stderr, "smtptrace: %s: %s\n", path, errno == ELOOP ? "it is a symlink" : strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

int out_open_files(struct out_opts *o)
{
	if (o->svg_file && !(o->svg_out = out_create(o->svg_file)))
		return -1;
	if (o->html_file && !(o->html_out = out_create(o->html_file))) {
		if (o->svg_out)
			fclose(o->svg_out);
		o->svg_out = NULL;
		return -1;
	}
	return 0;
}

/* The format's subscriber, then the side files (--svg, --html). */
static void begin_all(void *ctx)
{
	struct out_ctx *c = ctx;
	if (outputs[c->o.format].begin)
		outputs[c->o.format].begin(ctx);
}

static void session_all(void *ctx, const struct session *s, const struct timeline *t)
{
	struct out_ctx *c = ctx;
	outputs[c->o.format].session(ctx, s, t);
	if (c->svg)
		svg_doc_session(c->svg, s, t);
	if (c->html)
		html_doc_session(c->html, s, t);
}

static void end_all(void *ctx, const struct engine_stats *st)
{
	struct out_ctx *c = ctx;
	outputs[c->o.format].end(ctx, st);
	if (c->html && html_doc_close(c->html, c->o.html_file, st) < 0)
		c->side_failed = 1;
	c->html = NULL;
}

int out_open(const struct out_opts *o, struct engine_sink *sink)
{
	struct out_ctx *c = xcalloc(1, sizeof *c);
	c->o = *o;
	if (!c->o.out)
		c->o.out = stdout;
	if (o->svg_out)
		c->svg = svg_doc_open(o->svg_out, o->ladder_full);
	if (o->html_out)
		c->html = html_doc_open(o->html_out, &c->o);
	sink->ctx = c;
	sink->needs = outputs[o->format].needs | (c->svg || c->html ? ENGINE_NEED_FRAMES : 0);
	sink->begin = begin_all;
	sink->session = session_all;
	sink->end = end_all;
	return 0;
}

int out_close(struct engine_sink *sink)
{
	struct out_ctx *c = sink->ctx;
	int rc = 0;
	if (!c)
		return 0;
	if (c->svg && svg_doc_close(c->svg, c->o.svg_file) < 0)
		rc = -1;
	if (c->html && html_doc_close(c->html, c->o.html_file, NULL) < 0)
		rc = -1;
	if (c->side_failed)
		rc = -1;
	free(c);
	sink->ctx = NULL;
	return rc;
}
