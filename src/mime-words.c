/* mime-words.c - decode RFC 2047 encoded-words ("=?utf-8?B?...?=") in a
 * parameter value some mailers use for file names, into UTF-8: utf-8 and
 * us-ascii text is taken as is, iso-8859-1 (and windows-1252, as Latin-1)
 * is converted; other charsets keep their bytes (the outputs make any
 * bytes safe).  Malformed words are left as they are. */
#include "mime.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

struct wout {
	char *p;
	size_t cap, len;
	int cut;
};

static void w_put(struct wout *o, unsigned char c, int latin1)
{
	if (latin1 && c >= 0x80) {
		if (o->len + 2 >= o->cap) {
			o->cut = 1;
			return;
		}
		o->p[o->len++] = (char)(0xc0 | (c >> 6));
		o->p[o->len++] = (char)(0x80 | (c & 0x3f));
		return;
	}
	if (o->len + 1 >= o->cap) {
		o->cut = 1;
		return;
	}
	o->p[o->len++] = (char)c;
}

static int xval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

/* One encoded-word at s[0..n) ("=?cs?E?text?="); 1 when decoded into o. */
static int word(const char *s, size_t n, struct wout *o)
{
	const char *q1 = memchr(s + 2, '?', n - 2);
	if (!q1 || q1 + 3 > s + n - 2 || q1[2] != '?')
		return 0;
	size_t csl = (size_t)(q1 - (s + 2));
	int latin1 = (csl == 10 && !strncasecmp(s + 2, "iso-8859-1", 10)) ||
	             (csl == 12 && !strncasecmp(s + 2, "windows-1252", 12));
	const char *t = q1 + 3;
	size_t tn = (size_t)(s + n - 2 - t);
	int enc = toupper((unsigned char)q1[1]);
	if (enc == 'B') {
		unsigned char buf[256];
		if (tn == 0 || tn % 4 || tn / 4 * 3 > sizeof buf)
			return 0;
		int k = EVP_DecodeBlock(buf, (const unsigned char *)t, (int)tn);
		if (k < 0)
			return 0;
		k -= (t[tn - 1] == '=') + (t[tn - 2] == '=');
		for (int i = 0; i < k; i++)
			w_put(o, buf[i], latin1);
		return 1;
	}
	if (enc != 'Q')
		return 0;
	for (size_t i = 0; i < tn; i++) {
		if (t[i] == '=' && i + 2 < tn && xval(t[i + 1]) >= 0 && xval(t[i + 2]) >= 0) {
			w_put(o, (unsigned char)(xval(t[i + 1]) * 16 + xval(t[i + 2])), latin1);
			i += 2;
		} else
			w_put(o, t[i] == '_' ? ' ' : (unsigned char)t[i], latin1);
	}
	return 1;
}

/* End of the encoded-word at s[i] ("=?"), or 0. */
static size_t word_end(const char *s, size_t n, size_t i)
{
	int q = 0;
	for (size_t k = i + 2; k + 1 < n; k++) {
		if (s[k] == ' ' || s[k] == '\t')
			return 0;
		if (s[k] == '?' && ++q == 3 && s[k + 1] == '=')
			return k + 2;
		if (q == 3)
			return 0;
	}
	return 0;
}

int mime_words_decode(const char *in, char *out, size_t cap)
{
	struct wout o = { out, cap, 0, 0 };
	size_t n = strlen(in), last_word = 0;
	int after_word = 0;
	for (size_t i = 0; i < n;) {
		size_t e = in[i] == '=' && in[i + 1] == '?' ? word_end(in, n, i) : 0;
		size_t keep = o.len;
		if (after_word && e)             /* white space between words goes */
			o.len = last_word;
		if (e && word(in + i, e - i, &o)) {
			i = e;
			last_word = o.len;
			after_word = 1;
			continue;
		}
		o.len = keep;
		if (in[i] != ' ' && in[i] != '\t')
			after_word = 0;
		w_put(&o, (unsigned char)in[i++], 0);
	}
	if (cap)
		out[o.len < cap ? o.len : cap - 1] = 0;
	return o.cut;
}
