/* out-json-parts.c - a message's MIME parts in JSON ("message": {"parts":
 * [...]}, docs/json-schema.md); the words for encodings and dispositions
 * are the timeline's (timeline-parts.c). */
#include <stdio.h>
#include "mime.h"
#include "out.h"
#include "session.h"
#include "timeline.h"
#include "util-fmt.h"
#include "util-text.h"

static void nz_str(FILE *o, const char *key, const char *v)
{
	fprintf(o, ",\"%s\":", key);
	json_put_str(o, v && v[0] ? v : NULL);
}

static void json_part(FILE *o, const struct mime_part_info *p)
{
	fputs("{\"type\":", o);
	json_put_str(o, p->type);
	nz_str(o, "charset", p->charset);
	nz_str(o, "name", p->name);
	if (p->name_cut)
		fputs(",\"name_cut\":true", o);
	nz_str(o, "encoding", tlw_part_encoding(p->encoding));
	nz_str(o, "disposition", tlw_part_disposition(p->disposition));
	nz_str(o, "content_id", p->content_id);
	fprintf(o, ",\"depth\":%u,\"multipart\":%s", p->depth, p->multipart ? "true" : "false");
	if (!p->multipart) {
		fputs(",\"size\":", o);
		put_u(o, p->wire);
	}
	if (tlw_part_has_decoded(p)) {
		fputs(",\"decoded_size\":", o);
		put_u(o, p->size);
	}
	putc('}', o);
}

void json_message_parts(FILE *o, const struct body_info *b)
{
	fputs(",\"parts\":[", o);
	for (uint32_t i = 0; i < b->nparts; i++) {
		if (i)
			putc(',', o);
		json_part(o, &b->parts[i]);
	}
	fprintf(o, "],\"parts_not_listed\":%u,\"parts_too_deep\":%u", b->parts_dropped,
	        b->parts_too_deep);
	if (b->parts_not_listed)
		fputs(",\"parts_over_budget\":true", o);
}
