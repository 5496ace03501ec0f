/* out-mistakes.c - the client's mistakes in the JSON and the answers: both
 * read the timeline's list (timeline-mistakes.c) and its words. */
#include <string.h>
#include "out-mistakes.h"
#include "util-fmt.h"
#include "util-text.h"

void json_mistakes(FILE *o, const struct timeline *t)
{
	fputs(",\"client_mistakes\":[", o);
	for (size_t k = 0; k < t->nmistakes; k++) {
		const struct tl_mistake *m = &t->mistakes[k];
		struct sbuf b;
		sb_init(&b);
		tlw_mistake(t, m, &b);
		fprintf(o, "%s{\"kind\":\"%s\",\"frames\":[", k ? "," : "", tlw_mistake_kind(m->kind));
		for (uint8_t i = 0; i < m->nfr; i++)
			fprintf(o, "%s%u", i ? "," : "", m->fr[i]);
		if (m->ex == TL_NO_EX)
			fputs("],\"exchange\":null", o);
		else
			fprintf(o, "],\"exchange\":%u", m->ex);
		fputs(",\"text\":", o);
		json_put_str(o, b.b);
		fputs("}", o);
	}
	fputs("]", o);
}

void answers_mistakes(FILE *o, const struct timeline *t)
{
	fputs("\n### Client mistakes\n\n", o);
	int said_lines = 0;
	for (size_t k = 0; k < t->nmistakes; k++) {
		struct sbuf b;
		char safe[sizeof b.b * 4];
		const struct tl_mistake *m = &t->mistakes[k];
		int lines = m->kind == TLM_BARE_LF && !t->s->ex[m->ex].bi;
		if (lines && said_lines++)
			continue;          /* all named with the first */
		sb_init(&b);
		tlw_mistake_item(t, k, &b);
		text_safe(safe, sizeof safe, b.b, b.n, NULL);
		for (char *c = safe; (c = strchr(c, '`')); )
			*c = '\'';     /* no code span from wire text */
		fprintf(o, "- ✘ %s\n", safe);
	}
	if (!t->nmistakes)
		fputs("- none found (CRLF line endings, the message after the 354, each reply read whole before "
		      "the next command unless PIPELINING allows it, dot-stuffing, QUIT sent, no server "
		      "timeout)\n", o);
}
