/* out-html.c - `--html FILE`: one self-contained page (no script, no
 * external reference, well-formed XML as well as HTML): per session the
 * summary, the ladder as inline SVG, the timeline table, the answers
 * (out-answers.c, as written for Markdown) and the message's headers.
 * Wire text through util-xml.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ladder.h"
#include "out.h"
#include "session.h"
#include "timeline.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-mem.h"
#include "util-xml.h"

struct html_doc {
	FILE *f;
	struct out_opts o;
	int full;
};

static const char css[] =
	"body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
	"table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:2px 6px;"
	"text-align:left;vertical-align:top}th{background:#eee}td.n{text-align:right}"
	"pre{background:#f6f6f6;padding:1em;white-space:pre-wrap}.svg{overflow-x:auto}.svg svg{max-width:100%;height:auto}"
	".c2s{color:#060}.s2c{color:#05a}.other{color:#a0a}";

struct html_doc *html_doc_open(FILE *f, const struct out_opts *o)
{
	struct html_doc *d = xcalloc(1, sizeof *d);
	d->f = f;
	d->o = *o;
	fprintf(f, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>"
	        "<meta charset=\"utf-8\"/><title>smtptrace report</title><style>%s</style></head>\n"
	        "<body>\n<h1>smtptrace report</h1>\n", css);
	return d;
}

typedef void (*fact_fn)(const struct timeline *t, struct sbuf *b);

static void li(FILE *f, const struct sbuf *b)
{
	if (!b->n)
		return;
	fputs("<li>", f);
	xml_put(f, b->b);
	fputs("</li>\n", f);
}

static void summary(FILE *f, const struct timeline *t)
{
	static const fact_fn facts[] = { tlw_verdict, tlw_handshake, tlw_greeting_wait, tlw_traffic_c2s,
	                                 tlw_traffic_s2c, tlw_trouble_c2s, tlw_trouble_s2c, tlw_duration,
	                                 tlw_noarp, tlw_sender_check, tlw_cut_short };
	struct sbuf b;
	fputs("<h3>Summary</h3>\n<ul>\n", f);
	for (size_t k = 0; k < sizeof facts / sizeof *facts; k++) {
		sb_init(&b);
		facts[k](t, &b);
		li(f, &b);
	}
	fputs("</ul>\n", f);
}

/* A row under the frame that ends a multi-line reply: its further lines
 * (an EHLO reply's extensions with their meanings). */
static void reply_lines_row(FILE *f, const struct exchange *x)
{
	const char *p;
	size_t n, cur = 0;
	struct tl_ext e;
	fputs("<tr class=\"s2c\"><td colspan=\"4\"></td><td colspan=\"2\">", f);
	if (tl_has_extensions(x))
		for (int k = 0; tl_ext_next(x, &cur, &e); k++) {
			fputs(k ? "<br/>\n<code>" : "<code>", f);
			xml_putn(f, e.line, e.len);
			fputs("</code> ", f);
			xml_put(f, e.meaning);
		}
	else
		for (int k = 0; tl_reply_next(x, &cur, &p, &n); k++) {
			if (!k)
				continue;
			fputs(k > 1 ? "<br/>\n<code>" : "<code>", f);
			xml_putn(f, p, n);
			fputs("</code>", f);
		}
	if (x->rlines_lost)
		fprintf(f, "<br/>\n(+%u line%s not kept)", x->rlines_lost, x->rlines_lost == 1 ? "" : "s");
	fputs("</td></tr>\n", f);
}

static void frames_table(FILE *f, const struct timeline *t)
{
	fputs("<h3>Timeline</h3>\n<table>\n<tr><th>No.</th><th>Time s</th><th>Dir</th><th>Prot</th>"
	      "<th>Role</th><th>SMTP text and TCP details</th></tr>\n", f);
	for (size_t i = 0; i < t->nframes; i++) {
		const struct frame_rec *fr = &t->frames[i];
		struct sbuf role, det;
		tlw_frame(t, i, 0, &role, &det);
		fprintf(f, "<tr class=\"%s\"><td class=\"n\">%u</td><td class=\"n\">%.6f</td><td>%s</td><td>%s</td><td>",
		        tlw_dir(fr->dir), fr->no, rel_secs(t->t0, fr->ts_ns), tlw_dir(fr->dir),
		        tlw_proto(t->fm[i].proto));
		xml_put(f, role.b);
		fputs("</td><td>", f);
		xml_put(f, det.b);
		fputs("</td></tr>\n", f);
		uint32_t k = 0;
		for (long e; (e = tl_frame_more_lines(t, i, &k)) >= 0;)
			reply_lines_row(f, &t->s->ex[e]);
	}
	fputs("</table>\n", f);
}

static void answers(FILE *f, const struct html_doc *d, const struct session *s, const struct timeline *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		out_of_memory("html");
		return;
	}
	struct out_ctx c = { .o = d->o };
	c.o.out = m;
	answers_session(&c, s, t);
	fclose(m);
	fputs("<h3>Answers</h3>\n<pre>", f);
	xml_put_lines(f, buf, len);
	fputs("</pre>\n", f);
	free(buf);
}

static void message(FILE *f, const struct session *s)
{
	for (size_t i = 0; i < s->nex; i++) {
		const struct body_info *bi = s->ex[i].bi;
		if (!bi)
			continue;
		fputs("<h3>Message</h3>\n<ul>\n", f);
		for (int k = 0; k < TLW_MESSAGE_LINES; k++) {
			struct sbuf b;
			sb_init(&b);
			tlw_message(bi, k, &b);
			li(f, &b);
		}
		fputs("</ul>\n", f);
	}
}

void html_doc_session(struct html_doc *d, const struct session *s, const struct timeline *t)
{
	FILE *f = d->f;
	char cl[ADDR_EP_MAX], sv[ADDR_EP_MAX];
	struct ladder l;
	addr_ep(s->family, s->cip, s->cport, cl, sizeof cl);
	addr_ep(s->family, s->sip, s->sport, sv, sizeof sv);
	fprintf(f, "<h2>Session %u: client %s → server %s</h2>\n", s->index, cl, sv);
	summary(f, t);
	fputs("<h3>Ladder</h3>\n<div class=\"svg\">\n", f);
	ladder_build(&l, t, d->o.ladder_full);
	ladder_svg(f, &l, t->t0, NULL);
	ladder_free(&l);
	fputs("</div>\n", f);
	frames_table(f, t);
	answers(f, d, s, t);
	message(f, s);
}

int html_doc_close(struct html_doc *d, const char *path, const struct engine_stats *st)
{
	if (!d)
		return 0;
	if (st)
		fprintf(d->f, "<p>%zu SMTP session%s in %llu frames.</p>\n", st->nsessions,
		        st->nsessions == 1 ? "" : "s", (unsigned long long)st->nframes);
	fputs("</body>\n</html>\n", d->f);
	int rc = 0;
	errno = 0;
	if (ferror(d->f) | (fclose(d->f) != 0)) {
		fprintf(stderr, "smtptrace: writing %s: %s\n", path, strerror(errno ? errno : EIO));
		rc = -1;
	}
	free(d);
	return rc;
}
