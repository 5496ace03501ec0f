/* ladder.h - a session as a sequence diagram: lanes (client, the next hop
 * when it is a gateway, server) and one row per frame, or one row for a
 * run of pure ACKs and body segments folded together.  Built from the
 * timeline (timeline.h) and its words; drawn by out-ladder.c (terminal)
 * and out-svg.c (SVG).  Text is raw wire text: each medium escapes it. */
#ifndef SMTPTRACE_LADDER_H
#define SMTPTRACE_LADDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "timeline.h"

enum { LD_CLIENT, LD_GATEWAY, LD_SERVER };

struct ld_row {
	uint32_t no, last;       /* frame, or first and last of a fold */
	uint64_t ts_ns;
	uint8_t from, to;        /* LD_* */
	uint8_t fold;            /* a folded run */
	uint8_t cls;             /* enum tl_class */
	uint32_t nbody, nack;    /* in a fold */
	char text[160];          /* role and SMTP text */
	char tcp[96];            /* [flags] seq= ack= len= (ARP: who-has ...) */
};

struct ladder {
	struct ld_row *rows;
	size_t n;
	int gateway;             /* a gateway lane */
	char lane[3][64];        /* "client 192.0.2.10:41000" ... */
};

/* full: no folding. */
void ladder_build(struct ladder *l, const struct timeline *t, int full);
void ladder_free(struct ladder *l);
/* SVG (out-svg.c): a self-contained document of one ladder, or several
 * ladders stacked (begin with their total height, a body each at y0, end). */
void ladder_svg(FILE *o, const struct ladder *l, uint64_t t0, const char *title);
size_t ladder_svg_height(const struct ladder *l);
void ladder_svg_begin(FILE *o, size_t height);
void ladder_svg_body(FILE *o, const struct ladder *l, uint64_t t0, size_t y0, const char *title);
void ladder_svg_end(FILE *o);

#endif
