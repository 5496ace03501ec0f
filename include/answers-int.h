/* answers-int.h - what out-answers.c (the session, the lab checklist and
 * the client mistakes) and answers-q.c (the questions and their answers)
 * share.  Markdown for a hand-in; every frame number is Wireshark's, and
 * every answer names a display filter.  Wire text goes through md_code(). */
#ifndef SMTPTRACE_ANSWERS_INT_H
#define SMTPTRACE_ANSWERS_INT_H

#include <stdio.h>
#include "session.h"
#include "timeline.h"

/* `text` made terminal-safe (util-text.h), backticks replaced. */
void md_code(FILE *o, const char *text);
/* The first exchange with this verb ("QUIT"), or -1. */
long ans_find_verb(const struct session *s, const char *verb);
/* The message exchange (EXK_BODY), or -1. */
long ans_find_body(const struct session *s);
/* "12" or "12–14" or "-" for an exchange's request/reply frames. */
void ans_frames(const uint32_t *v, uint32_t n, char *out, size_t cap);

/* answers-q.c: the questions of one session. */
void ans_questions(FILE *o, const struct timeline *t);

#endif
