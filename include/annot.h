/* annot.h - packet comments for an annotated pcapng: a subscriber to the
 * engine's finished sessions (engine.h) that keeps, for every frame of a
 * traced session, its role in words (timeline-words.c, tlw_comment), made
 * UTF-8 safe.  `send` writes them into its capture (capture_rewrite), and
 * `smtptrace annotate` into a copy of any capture (cmd-annotate.c).
 * Memory is bounded: past ANNOT_MAX_BYTES of comments the rest are dropped
 * (annot_dropped says how many). */
#ifndef SMTPTRACE_ANNOT_H
#define SMTPTRACE_ANNOT_H

#include <stddef.h>
#include <stdint.h>
#include "engine.h"

#define ANNOT_MAX_BYTES (64u << 20)

struct annot;

struct annot *annot_new(void);
/* Fill *sink with the subscriber that collects into a. */
void annot_sink(struct annot *a, struct engine_sink *sink);
/* The comment of frame number no (from 1), NULL if none. */
const char *annot_get(const struct annot *a, uint32_t no);
size_t annot_count(const struct annot *a);     /* frames with a comment */
size_t annot_dropped(const struct annot *a);   /* comments dropped by the bound */
/* "192.0.2.1:25, [2001:db8::1]:587": the sessions' servers (first few). */
const char *annot_servers(const struct annot *a);
void annot_free(struct annot *a);

#endif
