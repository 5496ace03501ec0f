/* mime.c - the MIME structure of a message the client sends:
 * mixed( alternative( text, related( html, inline images ) ), attachments ),
 * each level only when needed.  The byte encoders are in mime-enc.c. */
#include "mime.h"

#include <magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

enum text_enc { ENC_7BIT, ENC_8BIT, ENC_QP };

/* Identity encodings only for text whose lines fit in 998 octets and hold
 * no NUL; 8bit only when the server takes it (RFC 6152). */
static enum text_enc choose_enc(const char *p, size_t n, int eightbit)
{
	const unsigned char *u = (const unsigned char *)p;
	if (!p || mime_longest_line(u, n) > 998 || memchr(p, 0, n))
		return p ? ENC_QP : ENC_7BIT;
	if (mime_is_ascii(u, n))
		return ENC_7BIT;
	return eightbit ? ENC_8BIT : ENC_QP;
}

int mime_needs_8bit(const struct mime_opts *o)
{
	return choose_enc(o->text, o->text_len, o->eightbit) == ENC_8BIT ||
	       choose_enc(o->html, o->html_len, o->eightbit) == ENC_8BIT;
}

const char *mime_guess_type(const unsigned char *data, size_t len, char *buf, size_t n)
{
	const char *dflt = "application/octet-stream", *t = NULL;
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (m && magic_load(m, NULL) == 0)
		t = magic_buffer(m, data, len);
	snprintf(buf, n, "%s", t && strchr(t, '/') ? t : dflt);
	if (m)
		magic_close(m);
	return buf;
}

/* ---- boundaries ---- */

static uint64_t next_seed(uint64_t x)      /* splitmix64 step */
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static int occurs(const char *p, size_t n, const char *needle)
{
	return p && memmem(p, n, needle, strlen(needle)) != NULL;
}

/* "=_st<16 hex>" + a level letter.  "=_" never occurs in base64 or
 * quoted-printable output, so only identity-encoded text can collide:
 * draw again until it does not. */
static void make_boundary(const struct mime_opts *o, char *b, size_t n)
{
	uint64_t x = o->seed;
	if (!x && getrandom(&x, sizeof x, GRND_NONBLOCK) != (ssize_t)sizeof x)
		x = (uint64_t)(uintptr_t)b ^ 0x5eed;
	for (;;) {
		snprintf(b, n, "=_st%016llx", (unsigned long long)x);
		int hit = 0;
		if (choose_enc(o->text, o->text_len, o->eightbit) != ENC_QP)
			hit |= occurs(o->text, o->text_len, b);
		if (choose_enc(o->html, o->html_len, o->eightbit) != ENC_QP)
			hit |= occurs(o->html, o->html_len, b);
		if (!hit)
			return;
		x = next_seed(x);
	}
}

/* ---- parts ---- */

struct writer {
	FILE *f;
	const struct mime_opts *o;
	char bnd[32];
};

static void open_multi(struct writer *w, const char *sub, char lvl, const char *extra)
{
	fprintf(w->f, "Content-Type: multipart/%s;%s\r\n boundary=\"%s%c\"\r\n\r\n",
	        sub, extra ? extra : "", w->bnd, lvl);
}

static void delim(struct writer *w, char lvl, int close)
{
	fprintf(w->f, "\r\n--%s%c%s", w->bnd, lvl, close ? "--" : "\r\n");
}

static void text_part(struct writer *w, const char *sub, const char *p, size_t n)
{
	static const char *const names[] = { "7bit", "8bit", "quoted-printable" };
	enum text_enc e = choose_enc(p, n, w->o->eightbit);
	fprintf(w->f, "Content-Type: text/%s; charset=utf-8\r\n"
	        "Content-Transfer-Encoding: %s\r\n\r\n", sub, names[e]);
	if (e == ENC_QP)
		mime_put_qp(w->f, (const unsigned char *)p, n);
	else if (p)
		mime_put_crlf(w->f, (const unsigned char *)p, n);
}

/* The Content-ID stem: the base name without its extension, characters
 * outside atext %XX-encoded (as a cid: URL would write them). */
static void put_cid(FILE *f, const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);
	fputs("Content-ID: <", f);
	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)name[i];
		if (c > ' ' && c < 0x7f && !strchr("()<>[]:;@\\,\"%", (int)c))
			fputc((int)c, f);
		else
			fprintf(f, "%%%02X", c);
	}
	fputs(">\r\n", f);
}

static void file_part(struct writer *w, const struct mime_file *m, int is_inline)
{
	fprintf(w->f, "Content-Type: %s", m->type ? m->type : "application/octet-stream");
	mime_put_param(w->f, "name", m->name);
	fputs("\r\nContent-Transfer-Encoding: base64\r\n", w->f);
	if (is_inline)
		put_cid(w->f, m->name);
	fprintf(w->f, "Content-Disposition: %s", is_inline ? "inline" : "attachment");
	mime_put_param(w->f, "filename", m->name);
	fputs("\r\n\r\n", w->f);
	mime_put_base64(w->f, m->data, m->len);
}

static void related(struct writer *w)
{
	const struct mime_opts *o = w->o;
	if (!o->ninl) {
		text_part(w, "html", o->html, o->html_len);
		return;
	}
	open_multi(w, "related", 'c', " type=\"text/html\";");
	delim(w, 'c', 0);
	text_part(w, "html", o->html, o->html_len);
	for (size_t i = 0; i < o->ninl; i++) {
		delim(w, 'c', 0);
		file_part(w, &o->inl[i], 1);
	}
	delim(w, 'c', 1);
}

static void alternative(struct writer *w)
{
	const struct mime_opts *o = w->o;
	if (!o->html) {
		text_part(w, "plain", o->text, o->text_len);
		return;
	}
	open_multi(w, "alternative", 'b', NULL);
	delim(w, 'b', 0);
	text_part(w, "plain", o->text, o->text_len);
	delim(w, 'b', 0);
	related(w);
	delim(w, 'b', 1);
}

static void mixed(struct writer *w)
{
	const struct mime_opts *o = w->o;
	if (!o->natt) {
		alternative(w);
		return;
	}
	open_multi(w, "mixed", 'a', NULL);
	delim(w, 'a', 0);
	alternative(w);
	for (size_t i = 0; i < o->natt; i++) {
		delim(w, 'a', 0);
		file_part(w, &o->att[i], 0);
	}
	delim(w, 'a', 1);
}

/* ---- checks ---- */

/* "type/subtype": one slash, token characters only (RFC 2045 5.1). */
static int type_ok(const char *t)
{
	const char *slash = strchr(t, '/');
	if (!slash || slash == t || !slash[1] || strchr(slash + 1, '/'))
		return 0;
	for (; *t; t++)
		if ((unsigned char)*t <= ' ' || (unsigned char)*t >= 0x7f ||
		    strchr("()<>@,;:\\\"[]?=", *t))
			return 0;
	return 1;
}

static size_t stem_len(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && dot != name ? (size_t)(dot - name) : strlen(name);
}

static int check(const struct mime_opts *o, char *err, size_t errlen)
{
	if (o->ninl && !o->html) {
		snprintf(err, errlen, "--inline: an inline image needs --html-file to show it");
		return -1;
	}
	for (size_t i = 0; i < o->ninl + o->natt; i++) {
		const struct mime_file *m = i < o->ninl ? &o->inl[i] : &o->att[i - o->ninl];
		if (m->type && !type_ok(m->type)) {
			snprintf(err, errlen, "--attach-type: '%.60s' is not a type/subtype", m->type);
			return -1;
		}
		for (size_t j = 0; i < o->ninl && j < i; j++)
			if (stem_len(o->inl[j].name) == stem_len(m->name) &&
			    !memcmp(o->inl[j].name, m->name, stem_len(m->name))) {
				snprintf(err, errlen, "--inline: two images would both be cid:%.*s",
				         (int)stem_len(m->name) > 60 ? 60 : (int)stem_len(m->name), m->name);
				return -1;
			}
	}
	return 0;
}

int mime_write(FILE *f, const struct mime_opts *o, char *err, size_t errlen)
{
	if (check(o, err, errlen))
		return -1;
	struct writer w = { .f = f, .o = o };
	make_boundary(o, w.bnd, sizeof w.bnd);
	fputs("MIME-Version: 1.0\r\n", f);
	mixed(&w);
	if (o->html || o->natt)
		fputs("\r\n", f);     /* after the closing delimiter */
	return 0;
}
