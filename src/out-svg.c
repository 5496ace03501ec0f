/* out-svg.c - the ladder (ladder.h) as one self-contained SVG: fonts are
 * generic families, colours and the arrow head are inside the file, no
 * external reference, wire text escaped (util-xml.h).  Per frame: time and
 * number on the left, the SMTP text (or role) above the arrow, the TCP
 * details below it; folded runs as one grey line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ladder.h"
#include "out.h"
#include "session.h"
#include "util-addr.h"
#include "util-mem.h"
#include "util-fmt.h"
#include "util-xml.h"

#define SVG_W 1240
#define SVG_RIGHT 120      /* room right of the server lane for its centred label */
#define ROW_H 40
#define TOP 70

static const char *const cls_name[] = { "plain", "link", "conn", "req", "ok", "err" };

static int lane_x(const struct ladder *l, int lane)
{
	if (lane == LD_CLIENT) return 200;
	if (lane == LD_SERVER) return SVG_W - SVG_RIGHT;
	return l->gateway ? (200 + SVG_W - SVG_RIGHT) / 2 : SVG_W - SVG_RIGHT;
}

void ladder_svg_begin(FILE *o, size_t h)
{
	fprintf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
	        "viewBox=\"0 0 %d %zu\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" "
	        "font-size=\"12\">\n", SVG_W, h, SVG_W, h);
	fputs("<style>text{fill:#222}.t{fill:#555}.d{fill:#666;font-size:11px}"
	      "line{stroke-width:1.5}.lane{stroke:#999;stroke-dasharray:4 3}"
	      ".plain{stroke:#444}.link{stroke:#a0a}.conn{stroke:#b70}.req{stroke:#080}"
	      ".ok{stroke:#08a}.err{stroke:#c00}.fold{fill:#888;font-style:italic}</style>\n", o);
	fputs("<defs><marker id=\"ah\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
	      "markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"#444\"/>"
	      "</marker></defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n", o);
}

void ladder_svg_end(FILE *o)
{
	fputs("</svg>\n", o);
}

size_t ladder_svg_height(const struct ladder *l)
{
	return TOP + l->n * ROW_H + 20;
}

static void lanes(FILE *o, const struct ladder *l, size_t h, const char *title)
{
	if (title) {
		fputs("<text x=\"10\" y=\"16\" font-weight=\"bold\">", o);
		xml_put(o, title);
		fputs("</text>\n", o);
	}
	static const char *const name[] = { "client", "gateway", "server" };
	for (int k = 0; k < 3; k++) {
		if (k == LD_GATEWAY && !l->gateway)
			continue;
		int x = lane_x(l, k);
		fprintf(o, "<text x=\"%d\" y=\"40\" text-anchor=\"middle\" font-weight=\"bold\">%s</text>"
		        "<text x=\"%d\" y=\"54\" text-anchor=\"middle\" class=\"t\">", x, name[k], x);
		xml_put(o, l->lane[k]);
		fprintf(o, "</text>\n<line class=\"lane\" x1=\"%d\" y1=\"60\" x2=\"%d\" y2=\"%zu\"/>\n", x, x, h - 10);
	}
	fputs("<text x=\"10\" y=\"54\" class=\"t\">time s / No.</text>\n", o);
}

static void row(FILE *o, const struct ladder *l, const struct ld_row *r, int y, uint64_t t0)
{
	fprintf(o, "<text x=\"10\" y=\"%d\" class=\"t\">%.6f</text><text x=\"110\" y=\"%d\" class=\"t\">%u</text>\n",
	        y, rel_secs(t0, r->ts_ns), y, r->no);
	if (r->fold) {
		fprintf(o, "<text x=\"%d\" y=\"%d\" class=\"fold\">… %u body segments, %u ACKs, frames %u–%u …</text>\n",
		        lane_x(l, LD_CLIENT) + 10, y, r->nbody, r->nack, r->no, r->last);
		return;
	}
	int a = lane_x(l, r->from), b = lane_x(l, r->to), lo = (a < b ? a : b) + 8;
	fprintf(o, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#ah)\"/>\n",
	        cls_name[r->cls < 6 ? r->cls : 0], a, y, b, y);
	fprintf(o, "<text x=\"%d\" y=\"%d\">", lo, y - 5);
	xml_put(o, r->text);
	fprintf(o, "</text>\n<text x=\"%d\" y=\"%d\" class=\"d\">", lo, y + 14);
	xml_put(o, r->tcp);
	fputs("</text>\n", o);
}

void ladder_svg_body(FILE *o, const struct ladder *l, uint64_t t0, size_t y0, const char *title)
{
	fprintf(o, "<g transform=\"translate(0,%zu)\">\n", y0);
	lanes(o, l, ladder_svg_height(l), title);
	for (size_t i = 0; i < l->n; i++)
		row(o, l, &l->rows[i], (int)(TOP + 10 + i * ROW_H), t0);
	fputs("</g>\n", o);
}

void ladder_svg(FILE *o, const struct ladder *l, uint64_t t0, const char *title)
{
	ladder_svg_begin(o, ladder_svg_height(l));
	ladder_svg_body(o, l, t0, 0, title);
	ladder_svg_end(o);
}

/* ---- --svg FILE: every session's ladder stacked in one document ---- */

struct svg_doc {
	FILE *f;                 /* the file */
	FILE *mem;               /* the bodies, until the height is known */
	char *buf;
	size_t len, height;
	int full;
};

struct svg_doc *svg_doc_open(FILE *f, int full)
{
	struct svg_doc *d = xcalloc(1, sizeof *d);
	d->f = f;
	d->full = full;
	d->mem = open_memstream(&d->buf, &d->len);
	if (!d->mem)
		out_of_memory("svg");
	return d;
}

void svg_doc_session(struct svg_doc *d, const struct session *s, const struct timeline *t)
{
	struct ladder l;
	char title[160], cl[ADDR_EP_MAX], sv[ADDR_EP_MAX];
	addr_ep(s->family, s->cip, s->cport, cl, sizeof cl);
	addr_ep(s->family, s->sip, s->sport, sv, sizeof sv);
	snprintf(title, sizeof title, "Session %u: client %s → server %s", s->index, cl, sv);
	ladder_build(&l, t, d->full);
	ladder_svg_body(d->mem, &l, t->t0, d->height, title);
	d->height += ladder_svg_height(&l);
	ladder_free(&l);
}

/* Write the document and close; -1 when a write failed. */
int svg_doc_close(struct svg_doc *d, const char *path)
{
	if (!d)
		return 0;
	int rc = fclose(d->mem) == 0 ? 0 : -1;
	ladder_svg_begin(d->f, d->height ? d->height : 40);
	if (!d->height)
		fputs("<text x=\"10\" y=\"20\">No SMTP session.</text>\n", d->f);
	fwrite(d->buf, 1, d->len, d->f);
	ladder_svg_end(d->f);
	if (ferror(d->f) | (fclose(d->f) != 0) || rc) {
		fprintf(stderr, "smtptrace: writing %s: %s\n", path, strerror(errno ? errno : EIO));
		rc = -1;
	}
	free(d->buf);
	free(d);
	return rc;
}
