/* out-mistakes.h - the client's mistakes (timeline.h: t->mistakes) as the
 * JSON and --answers views show them; the text view uses the timeline's
 * words directly (tlw_mistakes, tlw_mistake_notes). */
#ifndef SMTPTRACE_OUT_MISTAKES_H
#define SMTPTRACE_OUT_MISTAKES_H

#include <stdio.h>
#include "timeline.h"

/* ,"client_mistakes":[{"kind","frames","exchange","text"}...] */
void json_mistakes(FILE *o, const struct timeline *t);
/* The answers' "### Client mistakes" section: one "- ✘ ..." line each. */
void answers_mistakes(FILE *o, const struct timeline *t);

#endif
