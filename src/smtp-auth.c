/* smtp-auth.c - AUTH (RFC 4954): the mechanism, the responses to 334
 * challenges decoded from base64 for PLAIN and LOGIN, and secrets redacted
 * unless --show-secrets. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smtp-int.h"

size_t smtp_base64_decode(const char *in, size_t n, uint8_t *out, size_t outcap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)in[i], v;
		if (c >= 'A' && c <= 'Z') v = c - 'A';
		else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
		else if (c >= '0' && c <= '9') v = c - '0' + 52;
		else if (c == '+') v = 62;
		else if (c == '/') v = 63;
		else if (c == '=') break;
		else continue;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o < outcap)
				out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

/* PLAIN: authzid NUL authcid NUL passwd.  Returns 0 if there is no NUL. */
static int auth_plain(struct dissector *d, const uint8_t *dec, size_t n, char *buf, size_t cap)
{
	const uint8_t *z1 = memchr(dec, 0, n);
	if (!z1)
		return 0;
	const uint8_t *z2 = memchr(z1 + 1, 0, n - (size_t)(z1 + 1 - dec));
	size_t ulen = z2 ? (size_t)(z2 - z1 - 1) : n - (size_t)(z1 + 1 - dec);
	char *user = dup_text((const char *)z1 + 1, ulen, 64);
	if (d->show_secrets && z2) {
		char *pw = dup_text((const char *)z2 + 1, n - (size_t)(z2 + 1 - dec), 64);
		snprintf(buf, cap, "user %s, password %s", user, pw);
		free(pw);
	} else
		snprintf(buf, cap, "user %s, password redacted", user);
	free(user);
	return 1;
}

void auth_line(struct dissector *d, struct exchange *x, const char *mech,
               const char *resp, size_t rlen, int step)
{
	uint8_t dec[256];
	char buf[TEXT_LIMIT + 64];
	size_t n = smtp_base64_decode(resp, rlen, dec, sizeof dec);
	const char *what = "response";
	int secret = 1;
	if (rlen == 1 && resp[0] == '*') {
		snprintf(buf, sizeof buf, "* (authentication cancelled)");
		x->line = dup_text(buf, strlen(buf), TEXT_LIMIT);
		return;
	}
	if (strcmp(mech, "PLAIN") == 0) {
		if (auth_plain(d, dec, n, buf, sizeof buf)) {
			x->line = dup_text(buf, strlen(buf), TEXT_LIMIT + 60);
			return;
		}
	} else if (strcmp(mech, "LOGIN") == 0) {
		what = step == 0 ? "username" : "password";
		secret = step != 0;
	}
	if (secret && !d->show_secrets) {
		snprintf(buf, sizeof buf, "%s (redacted, %zu bytes)", what, rlen);
	} else {
		char *t = dup_text((const char *)dec, n, 64);
		snprintf(buf, sizeof buf, "%s %s", what, t);
		free(t);
	}
	x->line = dup_text(buf, strlen(buf), TEXT_LIMIT + 60);
}

/* "AUTH MECH [initial-response]": the line shown names the mechanism; the
 * response is a secret. */
void auth_command(struct dissector *d, struct exchange *x, const char *line, size_t len)
{
	char mech[16] = "";
	const char *sp = memchr(line, ' ', len), *r = NULL;
	size_t rlen = 0;
	d->auth_open = 1;
	if (sp) {
		const char *m = sp + 1, *end = line + len;
		const char *sp2 = memchr(m, ' ', (size_t)(end - m));
		size_t mlen = (size_t)((sp2 ? sp2 : end) - m);
		if (mlen >= sizeof mech)
			mlen = sizeof mech - 1;
		for (size_t i = 0; i < mlen; i++)
			mech[i] = (char)toupper((unsigned char)m[i]);
		mech[mlen] = '\0';
		if (sp2) {
			r = sp2 + 1;
			rlen = (size_t)(end - r);
		}
	}
	memcpy(d->auth_mech, mech, sizeof mech);
	d->auth_step = 0;
	char buf[TEXT_LIMIT + 96];
	if (r && rlen) {
		struct exchange tmp = { 0 };
		auth_line(d, &tmp, mech, r, rlen, d->auth_step++);
		snprintf(buf, sizeof buf, "AUTH %s (%s)", mech, tmp.line);
		free(tmp.line);
	} else
		snprintf(buf, sizeof buf, "AUTH %s", mech);
	x->line = dup_text(buf, strlen(buf), sizeof buf);
}
