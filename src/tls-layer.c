/* tls-layer.c - the "tls" application parser (app.h): frames each
 * direction's stream into TLS records (tls-record.c) and keeps a short label
 * per record range for the timeline: "TLS ClientHello (SNI mx.example)",
 * "TLS ServerHello (TLS 1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)",
 * "TLS application data".  Consecutive application-data records share one
 * label; at most TLS_LABELS_MAX labels a direction are kept, the records
 * past that are counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "session.h"
#include "tls-record.h"
#include "util-mem.h"

#define TLS_LABELS_MAX 64

struct tls_label {
	uint64_t off, end;       /* stream range of the record(s) */
	uint32_t count;          /* records merged into this label */
	uint8_t type;
	char text[120];
};

/* One decrypted record: plaintext [plain, plain+len) came from the
 * fragment at stream offset `stream`, of the record at [rec, rec+rec_len). */
struct plain_span {
	uint64_t plain, stream, rec;
	uint32_t len, rec_len;
};

#define TLS_SPANS_MAX 65536      /* per direction; past it the last one stretches */

struct tls_layer {
	struct session *s;
	const struct tls_dec_hooks *hooks;
	void *dec;               /* the decryption layer's state, NULL: none */
	struct app_stack inner;  /* SMTP over the plaintext (inner.n == 0: none yet) */
	struct app_opts inner_o;
	size_t ex_first;         /* the session's exchanges from here on may be inner ones */
	uint64_t plain_next[2];  /* plaintext offset of the next decrypted byte */
	struct plain_span *span[2];
	size_t nspan[2], capspan[2];
	int base;                /* layer 0: implicit TLS */
	int dir;                 /* direction of the record being delivered */
	struct tls_framer f[2];
	uint8_t encrypted[2];    /* ChangeCipherSpec seen from this side */
	struct tls_label *lab[2];
	size_t nlab[2], caplab[2];
	uint64_t unlabelled[2];  /* records past TLS_LABELS_MAX */
};

/* The handshake messages of one cleartext record, named. */
static void handshake_text(const struct tls_record *r, char *buf, size_t cap)
{
	size_t at = (size_t)snprintf(buf, cap, "TLS");
	const uint8_t *p = r->frag;
	size_t n = r->len;
	while (n && at < cap) {
		struct tls_hello h;
		long k = tls_handshake(p, n, &h);
		const char *sep = at > 3 ? "," : "";
		if (k < 0) {
			snprintf(buf + at, cap - at, "%s malformed %s", sep, tls_hs_name(h.type));
			return;
		}
		if (h.type == TLS_HS_CLIENT_HELLO && k && h.sni[0])
			at += (size_t)snprintf(buf + at, cap - at, "%s ClientHello (SNI %s)", sep, h.sni);
		else if (h.type == TLS_HS_CERTIFICATE && k && h.subject[0])
			at += (size_t)snprintf(buf + at, cap - at, "%s Certificate (%s)", sep, h.subject);
		else if (h.type == TLS_HS_SERVER_HELLO && k) {
			const char *cn = tls_cipher_name(h.cipher);
			char hex[8];
			snprintf(hex, sizeof hex, "0x%04x", h.cipher);
			at += (size_t)snprintf(buf + at, cap - at, "%s ServerHello (%s, %s)", sep,
			                       tls_version_name(h.version), cn ? cn : hex);
		} else
			at += (size_t)snprintf(buf + at, cap - at, "%s %s%s", sep,
			                       n >= 1 ? tls_hs_name(p[0]) : "handshake",
			                       k ? "" : " (continues in the next record)");
		if (!k)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void record_text(struct tls_layer *t, const struct tls_record *r, char *buf, size_t cap)
{
	int enc = t->encrypted[t->dir];
	switch (r->type) {
	case TLS_CT_CCS:
		snprintf(buf, cap, "TLS ChangeCipherSpec");
		t->encrypted[t->dir] = 1;
		break;
	case TLS_CT_ALERT:
		if (!enc && r->len == 2)
			snprintf(buf, cap, "TLS alert (%s %u)", r->frag[0] == 2 ? "fatal" : "warning",
			         r->frag[1]);
		else
			snprintf(buf, cap, "TLS alert (encrypted)");
		break;
	case TLS_CT_HANDSHAKE:
		if (enc)
			snprintf(buf, cap, "TLS handshake (encrypted)");
		else
			handshake_text(r, buf, cap);
		break;
	case TLS_CT_APPDATA:
		snprintf(buf, cap, "TLS application data");
		break;
	default:
		snprintf(buf, cap, "TLS heartbeat");
		break;
	}
}

static void add_span(struct tls_layer *t, int dir, const struct tls_record *r, size_t n)
{
	uint64_t stream = r->off + TLS_HDR_LEN;
	if (t->nspan[dir] == TLS_SPANS_MAX) {
		struct plain_span *l = &t->span[dir][t->nspan[dir] - 1];
		l->len += (uint32_t)n;
		l->rec_len = (uint32_t)(stream + r->len - l->rec);
		return;
	}
	xgrow(&t->span[dir], &t->capspan[dir], t->nspan[dir] + 1, sizeof *t->span[dir], 16);
	struct plain_span *p = &t->span[dir][t->nspan[dir]++];
	p->plain = t->plain_next[dir];
	p->stream = stream;
	p->rec = r->off;
	p->len = (uint32_t)n;
	p->rec_len = (uint32_t)(TLS_HDR_LEN + r->len);
}

static const char bad_text[] = "TLS record failed authentication: wrong or missing keys?";

/* What the decrypter said about a protected record, for the session's note. */
static void count_result(struct tls_layer *t, int res)
{
	struct tls_dec_sum *d = &t->s->tlsd;
	if (res == 1) d->ok++;
	else if (res == TLS_HOOK_BAD) d->bad++;
	else if (res == TLS_HOOK_NO_KEYS) d->no_keys++;
	else if (res == TLS_HOOK_UNSUPPORTED) d->unsupported++;
}

static void feed_inner(struct tls_layer *t, int dir, const struct tls_record *r,
                       const uint8_t *out, size_t outn)
{
	if (!t->inner.n) {
		t->inner_o.show_secrets = t->s->app.o.show_secrets;
		t->inner_o.keep_data = t->s->app.o.keep_data;
		t->ex_first = t->s->nex;
		app_open(&t->inner, t->s, &app_smtp, &t->inner_o);
	}
	add_span(t, dir, r, outn);
	app_data(&t->inner, dir, t->plain_next[dir], out, outn);
	t->plain_next[dir] += outn;
}

/* Hand a record to the decryption layer; its application data goes to an
 * SMTP parser over the plaintext.  Returns 1 with `text` set when the
 * record's label is the decrypter's (decrypted handshake, failed record). */
static int decrypt(struct tls_layer *t, const struct tls_record *r, char *text, size_t cap)
{
	uint8_t out[TLS_FRAG_MAX];
	size_t outn = sizeof out;
	uint8_t inner = 0;
	int dir = t->dir;
	int res = t->hooks->record(t->dec, dir, r->type, r->version, r->frag, r->len, out, &outn,
	                           &inner);
	count_result(t, res);
	if (res == TLS_HOOK_BAD) {
		snprintf(text, cap, "%s", bad_text);
		return 1;
	}
	if (res != 1 || outn > sizeof out)
		return 0;
	if (inner == TLS_CT_APPDATA && outn)
		feed_inner(t, dir, r, out, outn);
	else if (inner == TLS_CT_HANDSHAKE) {
		struct tls_record pr = *r;
		pr.frag = out;
		pr.len = (uint16_t)outn;
		handshake_text(&pr, text, cap);
		return 1;
	} else if (inner == TLS_CT_ALERT && outn == 2) {
		snprintf(text, cap, "TLS alert (%s %u)", out[0] == 2 ? "fatal" : "warning", out[1]);
		return 1;
	}
	return 0;
}

static void on_record(void *ctx, const struct tls_record *r)
{
	struct tls_layer *t = ctx;
	char dtext[120];
	int own = t->dec && decrypt(t, r, dtext, sizeof dtext);
	int dir = t->dir;
	uint64_t end = r->off + TLS_HDR_LEN + r->len;
	struct tls_label *last = t->nlab[dir] ? &t->lab[dir][t->nlab[dir] - 1] : NULL;
	if (!own && last && r->type == TLS_CT_APPDATA && last->type == TLS_CT_APPDATA &&
	    last->end == r->off) {
		last->end = end;
		last->count++;
		return;
	}
	if (t->nlab[dir] == TLS_LABELS_MAX) {
		t->unlabelled[dir]++;
		char scratch[120];
		record_text(t, r, scratch, sizeof scratch);   /* keeps `encrypted` right */
		return;
	}
	/* grown as needed: most sessions have a handful of labels, and a
	 * zeroed array of TLS_LABELS_MAX cost 4% of decrypting short sessions */
	xgrow(&t->lab[dir], &t->caplab[dir], t->nlab[dir] + 1, sizeof *t->lab[dir], 8);
	struct tls_label *l = &t->lab[dir][t->nlab[dir]++];
	l->off = r->off;
	l->end = end;
	l->count = 1;
	l->type = own ? 0 : r->type;
	record_text(t, r, l->text, sizeof l->text);
	if (own)
		snprintf(l->text, sizeof l->text, "%s", dtext);
}

static void *tls_create(struct app_stack *a)
{
	struct tls_layer *t = xcalloc(1, sizeof *t);
	t->s = a->s;
	t->base = a->n == 0;
	t->hooks = a->o.dec;
	if (t->hooks) {
		t->dec = t->hooks->create(t->hooks->arg, a->s);
		a->s->tlsd.tried = 1;
	}
	return t;
}

static void tls_data(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n)
{
	struct tls_layer *t = ctx;
	if (dir > 1)
		return;
	t->dir = dir;
	tls_framer_feed(&t->f[dir], off, p, n, on_record, t);
}

static void tls_gap(void *ctx, int dir, uint64_t off, uint64_t n)
{
	struct tls_layer *t = ctx;
	(void)off; (void)n;
	if (dir <= 1)
		tls_framer_gap(&t->f[dir]);
}

/* How many spans of dir start at or before plaintext offset `plain`. */
static size_t spans_upto(const struct tls_layer *t, int dir, uint64_t plain)
{
	size_t lo = 0, hi = t->nspan[dir];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->span[dir][mid].plain <= plain)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The span that holds plaintext byte `plain` of dir, or NULL. */
static const struct plain_span *span_of(const struct tls_layer *t, int dir, uint64_t plain)
{
	size_t k = spans_upto(t, dir, plain);
	if (!k || plain - t->span[dir][k - 1].plain >= t->span[dir][k - 1].len)
		return NULL;
	return &t->span[dir][k - 1];
}

int tls_plain_range(const void *ctx, int dir, uint64_t *off, uint64_t *end)
{
	const struct tls_layer *t = ctx;
	if (dir > 1 || *end <= *off)
		return 0;
	const struct plain_span *a = span_of(t, dir, *off), *b = span_of(t, dir, *end - 1);
	if (!a || !b)
		return 0;
	*off = *off == a->plain ? a->rec : a->stream + (*off - a->plain);
	*end = *end == b->plain + b->len ? b->rec + b->rec_len : b->stream + (*end - b->plain);
	return 1;
}

/* The inner exchanges' plaintext ranges become the stream ranges of the
 * records that carried them; a range that cannot be mapped is dropped. */
static void to_stream(struct tls_layer *t)
{
	struct session *s = t->s;
	for (size_t i = t->ex_first; i < s->nex; i++) {
		struct exchange *x = &s->ex[i];
		if (!x->plain)
			continue;
		if (!tls_plain_range(t, DIR_C2S, &x->req_off, &x->req_end))
			x->req_off = x->req_end = 0;
		if (!tls_plain_range(t, DIR_S2C, &x->rep_off, &x->rep_end))
			x->rep_off = x->rep_end = 0;
	}
}

/* Implicit TLS that carried no record is not said to be TLS. */
static void tls_end(void *ctx)
{
	struct tls_layer *t = ctx;
	if (t->inner.n) {
		app_end(&t->inner);
		to_stream(t);
	}
	if (t->base && !t->f[0].records && !t->f[1].records)
		t->s->tls_implicit = 0;
}

static void tls_destroy(void *ctx)
{
	struct tls_layer *t = ctx;
	if (t->inner.n)
		app_close(&t->inner);
	if (t->dec)
		t->hooks->destroy(t->dec);
	for (int d = 0; d < 2; d++) {
		tls_framer_free(&t->f[d]);
		free(t->lab[d]);
		free(t->span[d]);
	}
	free(t);
}

static int tls_detect(int dir, const uint8_t *p, size_t n)
{
	(void)dir;
	if (n < TLS_HDR_LEN)
		return n && (p[0] < TLS_CT_CCS || p[0] > TLS_CT_HEARTBEAT) ? 0 : -1;
	return tls_header_ok(p);
}

static size_t say_run(char *buf, size_t cap, size_t at, unsigned run)
{
	if (run > 1 && at < cap)
		at += (size_t)snprintf(buf + at, cap - at, " (x%u)", run);
	return at;
}

/* The labels of the records that start in [off, off+n); else the one that
 * covers off, "(continued)". */
static int tls_label(const void *ctx, int dir, uint64_t off, uint64_t n, char *buf, size_t cap)
{
	const struct tls_layer *t = ctx;
	if (dir > 1 || !cap)
		return 0;
	size_t at = 0;
	const struct tls_label *cover = NULL, *prev = NULL;
	unsigned run = 1;                /* repeats of prev's text, said once */
	for (size_t i = 0; i < t->nlab[dir]; i++) {
		const struct tls_label *l = &t->lab[dir][i];
		if (l->off >= off && l->off < off + n) {
			if (prev && !strcmp(prev->text, l->text)) {
				run++;
				continue;
			}
			at = say_run(buf, cap, at, run);
			run = 1;
			prev = l;
			if (at < cap)
				at += (size_t)snprintf(buf + at, cap - at, "%s%s", at ? "; " : "", l->text);
		} else if (l->off < off && l->end > off)
			cover = l;
	}
	at = say_run(buf, cap, at, run);
	if (!at && cover)        /* merged application data: records start inside too */
		snprintf(buf, cap, "%s%s", cover->text,
		         cover->count > 1 ? "" : " (continued)");
	return at || cover;
}

uint64_t tls_plain_to_stream(const void *ctx, int dir, uint64_t plain)
{
	const struct tls_layer *t = ctx;
	if (dir > 1)
		return UINT64_MAX;
	size_t k = spans_upto(t, dir, plain);
	if (!k)
		return UINT64_MAX;
	const struct plain_span *p = &t->span[dir][k - 1];
	if (plain - p->plain > p->len)
		return UINT64_MAX;
	return p->stream + (plain - p->plain);
}

const struct app_stack *tls_inner(const void *ctx)
{
	const struct tls_layer *t = ctx;
	return t->inner.n ? &t->inner : NULL;
}

const struct app_parser app_tls = {
	.name = "tls",
	.detect = tls_detect,
	.create = tls_create,
	.data = tls_data,
	.gap = tls_gap,
	.end = tls_end,
	.destroy = tls_destroy,
	.label = tls_label,
};
