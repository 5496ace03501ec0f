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
	int width;                 /* fold frame lines at this many columns (a terminal, --width); 0: never */
	int ladder_full;           /* --ladder=full: no folding */
	int ladder_glyphs;         /* 0 from the locale, 1 ASCII, 2 Unicode */
	FILE *out;                 /* NULL: stdout */
	const char *svg_file;      /* --svg FILE: the ladders as one SVG */
	const char *html_file;     /* --html FILE: one self-contained report */
	FILE *svg_out, *html_out;  /* opened by out_open_files() while we may still write there */
};

/* Fill *sink with the subscriber writing o->format (and the --svg/--html
 * files); out_close() frees it.  -1: a file could not be created (said on
 * stderr; the sink is not filled). */
int out_open(const struct out_opts *o, struct engine_sink *sink);
/* -1 when writing an --svg/--html file failed (said on stderr). */
int out_close(struct engine_sink *sink);
/* Create the --svg/--html files now (before privileges are dropped):
 * 0644, truncated, no symlink followed.  -1 with the reason on stderr. */
int out_open_files(struct out_opts *o);

/* ---- for the out-*.c files ---- */
struct svg_doc;
struct html_doc;
struct out_ctx {
	struct out_opts o;
	int first_session_out;     /* a session was written already */
	struct svg_doc *svg;
	struct html_doc *html;
	int side_failed;           /* writing --html failed */
};
struct svg_doc *svg_doc_open(FILE *f, int full);
void svg_doc_session(struct svg_doc *d, const struct session *s, const struct timeline *t);
int svg_doc_close(struct svg_doc *d, const char *path);
struct html_doc *html_doc_open(FILE *f, const struct out_opts *o);
void html_doc_session(struct html_doc *d, const struct session *s, const struct timeline *t);
int html_doc_close(struct html_doc *d, const char *path, const struct engine_stats *st);
void text_session(void *ctx, const struct session *s, const struct timeline *t);
void text_end(void *ctx, const struct engine_stats *st);
void json_begin(void *ctx);
void json_session(void *ctx, const struct session *s, const struct timeline *t);
void json_end(void *ctx, const struct engine_stats *st);
/* out-json-parts.c: ,"parts":[...] of a message (inside "message") */
struct body_info;
void json_message_parts(FILE *o, const struct body_info *b);
/* out-data.c: --show-data, the messages as sent: after a session's text
 * timeline; ,"data":"..." in a JSON message (nothing without the option) */
struct session;
void text_show_data(FILE *o, const struct session *s);
void json_message_data(FILE *o, const struct body_info *b);
/* out-json-dns.c: ",\"dns\":{...}" for a DNS frame, nothing for others */
void json_dns(FILE *o, const struct timeline *t, size_t i);
/* out-json-dns.c: ",\"attempts\":[...]" when the session had failed attempts before it */
void json_attempts(FILE *o, const struct timeline *t);
void summary_session(void *ctx, const struct session *s, const struct timeline *t);
void summary_end(void *ctx, const struct engine_stats *st);
void answers_session(void *ctx, const struct session *s, const struct timeline *t);
void answers_end(void *ctx, const struct engine_stats *st);
void ladder_session(void *ctx, const struct session *s, const struct timeline *t);

#endif
