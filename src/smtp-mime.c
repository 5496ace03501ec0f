/* smtp-mime.c - the MIME parts of the message being read: its lines go to
 * the part lister (mime-scan.c) as the dissector passes them, with the
 * dot-stuffing undone; when the message ends, the parts found are kept in
 * its body_info.  Bounded: one scanner per open message (accounted in the
 * session's memory budget while open), lines handed over in pieces of at
 * most MFEED_LINE octets, at most MIME_SCAN_PARTS parts kept. */
#include <stdlib.h>
#include <string.h>
#include "smtp-int.h"
#include "mime.h"
#include "util-mem.h"

#define MFEED_LINE 1024

struct mime_feed {
	struct mime_scan sc;
	struct body_info *bi;    /* the message the parts go to */
	char buf[MFEED_LINE];    /* the start of a line not complete yet */
	size_t blen;
	int handed;              /* a first piece of the current line was handed over */
	int stuffed;             /* DATA (dot-stuffed), not BDAT */
};

void mfeed_start(struct dissector *d, struct body_info *b, int stuffed)
{
	mfeed_finish(d);
	if (session_mem_take(d->s, sizeof *d->mf)) {
		b->parts_not_listed = 1;
		return;
	}
	d->mf = xmalloc(sizeof *d->mf);
	mime_scan_init(&d->mf->sc);
	d->mf->bi = b;
	d->mf->blen = 0;
	d->mf->handed = 0;
	d->mf->stuffed = stuffed;
}

/* A piece of the current line: its first one starts the line. */
static void piece(struct mime_feed *f, const char *p, size_t n)
{
	if (f->handed) {
		mime_scan_more(&f->sc, p, n);
		return;
	}
	if (f->stuffed && n && p[0] == '.')
		p++, n--;
	mime_scan_line(&f->sc, p, n);
	f->handed = 1;
}

void mfeed_line(struct dissector *d, const char *line, size_t len)
{
	if (!d->mf)
		return;
	mime_scan_line(&d->mf->sc, line, len);     /* unstuffed by the caller */
}

/* The line's bytes p[0..n) (no LF among them) join the buffer, handed
 * over as a piece whenever it fills. */
static void add(struct mime_feed *f, const uint8_t *p, size_t n)
{
	while (n) {
		size_t k = sizeof f->buf - f->blen;
		if (k > n)
			k = n;
		memcpy(f->buf + f->blen, p, k);
		f->blen += k;
		p += k;
		n -= k;
		if (f->blen == sizeof f->buf) {
			piece(f, f->buf, f->blen);
			f->blen = 0;
		}
	}
}

void mfeed_bytes(struct dissector *d, const uint8_t *p, size_t n)
{
	struct mime_feed *f = d->mf;
	while (f && n) {
		const uint8_t *lf = memchr(p, '\n', n);
		if (!lf) {
			add(f, p, n);
			return;
		}
		size_t k = (size_t)(lf - p);
		if (!f->blen && !f->handed && k < sizeof f->buf) {
			piece(f, (const char *)p, k && p[k - 1] == '\r' ? k - 1 : k);
		} else {
			add(f, p, k);
			size_t m = f->blen && f->buf[f->blen - 1] == '\r' ? f->blen - 1 : f->blen;
			if (m || !f->handed)
				piece(f, f->buf, m);
		}
		f->blen = 0;
		f->handed = 0;
		p = lf + 1;
		n -= k + 1;
	}
}

/* Bytes were lost: the line being assembled is not whole. */
void mfeed_gap(struct dissector *d)
{
	if (d->mf) {
		d->mf->blen = 0;
		d->mf->handed = 0;
	}
}

/* The parser goes (its message may be gone already): keep nothing. */
void mfeed_drop(struct dissector *d)
{
	if (!d->mf)
		return;
	session_mem_give(d->s, sizeof *d->mf);
	free(d->mf);
	d->mf = NULL;
}

/* The message ended (or the session did): keep its parts. */
void mfeed_finish(struct dissector *d)
{
	struct mime_feed *f = d->mf;
	if (!f)
		return;
	struct body_info *b = f->bi;
	const struct mime_scan *sc = &f->sc;
	mime_scan_end(&f->sc);
	size_t keep = sc->nparts * sizeof *b->parts;
	if (keep && !session_mem_take(d->s, keep)) {
		b->parts = xmalloc(keep);
		memcpy(b->parts, sc->part, keep);
		b->nparts = sc->nparts;
		b->parts_dropped = sc->dropped;
		b->parts_too_deep = sc->too_deep;
	} else if (keep)
		b->parts_not_listed = 1;
	mfeed_drop(d);
}
