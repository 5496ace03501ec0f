/* timeline-parts.c - the words for a message's MIME parts (the lines
 * after the message summary): "part 3: image/png pic.png, 10,240 B base64
 * → 7,480 B, inline cid:pic", indented by nesting, and what was not
 * listed.  The part names and types are wire bytes: the views make them
 * safe (text_safe, json_put). */
#include <string.h>
#include "timeline.h"
#include "session.h"
#include "mime.h"
#include "util-fmt.h"

const char *tlw_part_encoding(int te)
{
	static const char *const n[] = { NULL, "7bit", "8bit", "binary", "base64",
	                                 "quoted-printable", "other" };
	return te > 0 && te <= MIME_TE_OTHER ? n[te] : NULL;
}

const char *tlw_part_disposition(int disp)
{
	static const char *const n[] = { NULL, "inline", "attachment", "other" };
	return disp > 0 && disp <= MIME_DISP_OTHER ? n[disp] : NULL;
}

int tlw_part_has_decoded(const struct mime_part_info *p)
{
	return !p->multipart && (p->encoding == MIME_TE_BASE64 || p->encoding == MIME_TE_QP);
}

/* "1,234,567" */
static void grouped(struct sbuf *b, uint64_t v)
{
	char d[24], *s = u64_digits(v, d + sizeof d - 1);
	d[sizeof d - 1] = 0;
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			sb_str(b, ",");
		sb_add(b, "%c", s[i]);
	}
}

static void part_line(const struct mime_part_info *p, unsigned no, struct sbuf *b)
{
	sb_add(b, "%*spart %u: %s", 2 * p->depth, "", no, p->type);
	if (p->charset[0])
		sb_add(b, "; charset=%s", p->charset);
	if (p->name[0])
		sb_add(b, strpbrk(p->name, " \t\"") ? " \"%s\"%s" : " %s%s", p->name,
		       p->name_cut ? " (name cut)" : "");
	if (p->multipart)
		return;
	sb_str(b, ", ");
	grouped(b, p->wire);
	sb_str(b, " B");
	if (p->encoding == MIME_TE_BASE64) {
		sb_str(b, " base64 → ");
		grouped(b, p->size);
		sb_str(b, " B");
	} else if (tlw_part_encoding(p->encoding))
		sb_add(b, " (%s)", tlw_part_encoding(p->encoding));
	const char *disp = tlw_part_disposition(p->disposition);
	if (disp || p->content_id[0])
		sb_add(b, ",%s%s%s%s", disp ? " " : "", disp ? disp : "",
		       p->content_id[0] ? " cid:" : "", p->content_id);
}

void tlw_part(const struct body_info *m, unsigned k, struct sbuf *b)
{
	if (k < m->nparts) {
		part_line(&m->parts[k], k + 1, b);
		return;
	}
	if (k != m->nparts)
		return;
	if (m->gap && m->nparts)
		sb_add(b, "part sizes leave out the %llu octets not captured",
		       (unsigned long long)m->gap);
	if (m->parts_not_listed)
		sb_add(b, "%sparts not listed: no room in the memory budget", b->n ? "; " : "");
	if (m->parts_dropped)
		sb_add(b, "%s%u more part%s not listed (at most %u are)", b->n ? "; " : "",
		       m->parts_dropped, m->parts_dropped == 1 ? "" : "s", MIME_SCAN_PARTS);
	if (m->parts_too_deep)
		sb_add(b, "%s%u multipart%s nested deeper than %u levels not split into parts",
		       b->n ? "; " : "", m->parts_too_deep, m->parts_too_deep == 1 ? "" : "s",
		       MIME_SCAN_DEPTH);
}

_Static_assert(TLW_MESSAGE_LINES == TLW_MESSAGE_HEAD + MIME_SCAN_PARTS + 1,
               "a line per part and one for what was not listed");

/* --show-data's segment marks: the first client frame (capture order) whose
 * payload holds stream offset pos; its number, *end the offset after its
 * payload.  0 when no frame holds it. */
uint32_t tl_data_frame(const struct session *s, uint64_t pos, uint64_t *end)
{
	for (size_t i = 0; i < s->nframes; i++) {
		const struct frame_rec *f = &s->frames[i];
		if (f->dir == DIR_C2S && f->len && f->off <= pos && pos - f->off < f->len) {
			*end = f->off + f->len;
			return f->no;
		}
	}
	return 0;
}
