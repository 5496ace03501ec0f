/* out-ladder.c - `--ladder`: each session as a sequence diagram in the
 * terminal, 80 columns: time and frame number on the left, lanes for the
 * client, the gateway (when the next hop is one) and the server; per frame
 * a line with its role and SMTP text between the lanes, then the arrow with
 * the TCP flags/seq/ack/len on it.  Pure ACKs and body segments fold into
 * one line unless --ladder=full.  Unicode box drawing on a UTF-8 locale (or
 * --ladder=unicode), ASCII otherwise (--ladder=ascii). */
#include <stdlib.h>
#include <string.h>
#include "ladder.h"
#include "out.h"
#include "session.h"
#include "util-addr.h"
#include "util-fmt.h"
#include "util-text.h"

#define W 80
#define PREFIX 17            /* "%10.6f %5u " */

struct canvas {
	char cell[W][5];         /* one character (UTF-8) per column */
	int uni;
};

enum { G_LANE, G_LINE, G_RIGHT, G_LEFT, G_FOLD };
static const char *const glyph[2][5] = {
	{ "|", "-", ">", "<", "..." },
	{ "│", "─", "▶", "◀", "…" },
};

static int lane_col(const struct ladder *l, int lane)
{
	if (lane == LD_CLIENT) return PREFIX + 2;
	if (lane == LD_SERVER) return W - 2;
	return l->gateway ? (PREFIX + 2 + W - 2) / 2 : W - 2;
}

/* One column's character (at most 4 bytes of UTF-8). */
static void put_cell(char cell[5], const char *g)
{
	snprintf(cell, 5, "%s", g);
}

static void canvas_init(struct canvas *c, const struct ladder *l, int uni)
{
	c->uni = uni;
	for (int i = 0; i < W; i++)
		put_cell(c->cell[i], " ");
	for (int k = 0; k < 3; k++)
		if (k != LD_GATEWAY || l->gateway)
			put_cell(c->cell[lane_col(l, k)], glyph[uni][G_LANE]);
}

/* Text (raw: made terminal-safe here) from column a, at most up to b
 * (exclusive); cut with '~'.  Returns the column after it. */
static int put_text(struct canvas *c, int a, int b, const char *raw)
{
	char safe[1024];
	size_t n = text_safe(safe, sizeof safe, raw, strlen(raw), NULL);
	int col = a;
	for (size_t i = 0; i < n && col < b;) {
		size_t k = 1;
		while (i + k < n && ((unsigned char)safe[i + k] & 0xc0) == 0x80)
			k++;
		if (col == b - 1 && i + k < n) {
			put_cell(c->cell[col++], "~");
			break;
		}
		memcpy(c->cell[col], safe + i, k);
		c->cell[col][k] = '\0';
		col++;
		i += k;
	}
	return col;
}

static void canvas_out(FILE *o, const struct canvas *c, const char *prefix)
{
	char line[W * 5 + 1];
	size_t n = 0;
	memcpy(line, prefix, PREFIX);
	for (int i = 0; i < PREFIX; i++)
		line[n++] = prefix[i];
	for (int i = PREFIX; i < W; i++)
		for (const char *p = c->cell[i]; *p; p++)
			line[n++] = *p;
	while (n && line[n - 1] == ' ')
		n--;
	line[n] = '\0';
	fputs(line, o);
	putc('\n', o);
}

static void arrow(struct canvas *c, int from, int to, const char *label)
{
	int a = from < to ? from : to, b = from < to ? to : from;
	for (int i = a + 1; i < b; i++)
		put_cell(c->cell[i], glyph[c->uni][G_LINE]);
	put_cell(c->cell[from < to ? b - 1 : a + 1], glyph[c->uni][from < to ? G_RIGHT : G_LEFT]);
	int len = (int)strlen(label), room = b - a - 5;
	if (len > room)
		len = room;
	if (len > 0) {
		int start = a + 1 + (b - a - 1 - len) / 2;
		put_cell(c->cell[start - 1], " ");
		put_text(c, start, start + len, label);
		put_cell(c->cell[start + len], " ");
	}
}

static void row_out(FILE *o, const struct ladder *l, const struct ld_row *r, uint64_t t0, int uni)
{
	struct canvas c;
	char prefix[64];
	int a = lane_col(l, r->from), b = lane_col(l, r->to);
	snprintf(prefix, sizeof prefix, "%10.6f %5u                ", rel_secs(t0, r->ts_ns), r->no);
	canvas_init(&c, l, uni);
	if (r->fold) {
		char txt[128];
		snprintf(txt, sizeof txt, "%s %u body segment%s, %u ACK%s, frames %u-%u %s", glyph[uni][G_FOLD],
		         r->nbody, r->nbody == 1 ? "" : "s", r->nack, r->nack == 1 ? "" : "s", r->no, r->last,
		         glyph[uni][G_FOLD]);
		put_text(&c, lane_col(l, LD_CLIENT) + 2, W - 3, txt);
		canvas_out(o, &c, prefix);
		return;
	}
	put_text(&c, lane_col(l, LD_CLIENT) + 2, W - 3, r->text);
	canvas_out(o, &c, prefix);
	canvas_init(&c, l, uni);
	arrow(&c, a, b, r->tcp);
	canvas_out(o, &c, "                                  ");
}

static void header(FILE *o, const struct ladder *l, int uni)
{
	struct canvas c;
	canvas_init(&c, l, uni);
	for (int i = 0; i < W; i++)
		put_cell(c.cell[i], " ");
	put_text(&c, lane_col(l, LD_CLIENT) - 1, W, "client");
	if (l->gateway)
		put_text(&c, lane_col(l, LD_GATEWAY) - 3, W, "gateway");
	put_text(&c, W - 7, W, "server");
	canvas_out(o, &c, "    time s   No.                  ");
	for (int i = 0; i < W; i++)
		put_cell(c.cell[i], " ");
	put_text(&c, lane_col(l, LD_CLIENT) - 1, W, l->lane[LD_CLIENT]);
	if (l->gateway)
		put_text(&c, lane_col(l, LD_GATEWAY) - 3, W, l->lane[LD_GATEWAY]);
	int sl = (int)strlen(l->lane[LD_SERVER]);
	put_text(&c, W - 1 - sl, W, l->lane[LD_SERVER]);
	canvas_out(o, &c, "                                  ");
}

static int utf8_locale(void)
{
	const char *v = getenv("LC_ALL");
	if (!v || !*v) v = getenv("LC_CTYPE");
	if (!v || !*v) v = getenv("LANG");
	return v && (strstr(v, "UTF-8") || strstr(v, "utf8") || strstr(v, "UTF8") || strstr(v, "utf-8"));
}

void ladder_session(void *ctx, const struct session *s, const struct timeline *t)
{
	struct out_ctx *c = ctx;
	FILE *o = c->o.out;
	int uni = c->o.ladder_glyphs ? c->o.ladder_glyphs == 2 : utf8_locale();
	struct ladder l;
	ladder_build(&l, t, c->o.ladder_full);
	fprintf(o, "%sSession %u\n\n", c->first_session_out ? "\n" : "", s->index);
	c->first_session_out = 1;
	header(o, &l, uni);
	for (size_t i = 0; i < l.n; i++)
		row_out(o, &l, &l.rows[i], t->t0, uni);
	ladder_free(&l);
}
