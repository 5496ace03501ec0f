/* client-auth.c - SMTP AUTH (RFC 4954) for the client: PLAIN (RFC 4616),
 * LOGIN, CRAM-MD5 (RFC 2195, HMAC-MD5 through OpenSSL's EVP_MAC) and
 * XOAUTH2 (Google's and Microsoft's OAuth 2.0 bearer tokens).  The
 * mechanism is --auth MECH, else the first of PLAIN, LOGIN, CRAM-MD5,
 * XOAUTH2 the EHLO offered.  Credentials go only inside TLS whose
 * certificate verified, unless --insecure or --allow-plaintext-auth; they
 * never reach the transcript (shown as ****) and their sent_rec is marked
 * secret.  Buffers that held them are wiped. */
#include "client-int.h"
#include "util-mem.h"
#include "util-text.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_LINE_MAX 12288     /* RFC 4954 4: an AUTH line, with CRLF */
#define AUTH_STEPS_MAX 3        /* responses after the AUTH line (LOGIN: 2) */

static const char *const prefer[] = { "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" };

/* ---- encoding ------------------------------------------------------------- */

/* base64 of in[0..n) appended to out (NUL-terminated); -1 when it would
 * not fit in cap. */
static int b64_append(char *out, size_t cap, const void *in, size_t n)
{
	size_t have = strlen(out);
	if (n > (cap - have) / 4 * 3 || have + 4 * ((n + 2) / 3) + 1 > cap)
		return -1;
	EVP_EncodeBlock((unsigned char *)out + have, in, (int)n);
	return 0;
}

/* A 334's text decoded into out (NUL-terminated); its length, or -1. */
static int b64_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
	while (n && (in[n - 1] == ' ' || in[n - 1] == '\n'))
		n--;
	if (n % 4 || n / 4 * 3 + 1 > cap)
		return -1;
	int k = n ? EVP_DecodeBlock(out, (const unsigned char *)in, (int)n) : 0;
	if (k < 0)
		return -1;
	for (size_t i = n; i > 0 && in[i - 1] == '='; i--)
		k--;            /* EVP_DecodeBlock counts the padding */
	out[k] = '\0';
	return k;
}

/* HMAC-MD5(secret, challenge) in lower-case hex (RFC 2195). */
static int cram_digest(const char *secret, const unsigned char *ch, size_t n, char hex[33])
{
	unsigned char mac[16];
	size_t len = 0;
	int ok = 0;
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"MD5", 0),
		OSSL_PARAM_construct_end(),
	};
	if (ctx && EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), p) &&
	    EVP_MAC_update(ctx, ch, n) && EVP_MAC_final(ctx, mac, &len, sizeof mac) &&
	    len == sizeof mac) {
		for (size_t i = 0; i < len; i++)
			snprintf(hex + 2 * i, 3, "%02x", mac[i]);
		ok = 1;
	}
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	OPENSSL_cleanse(mac, sizeof mac);
	return ok ? 0 : -1;
}

/* ---- sending -------------------------------------------------------------- */

/* `head` then base64 of raw[0..n) as one AUTH line, shown as `shown`. */
static void send_b64(struct smtp *c, const char *head, const void *raw, size_t n,
                     const char *shown)
{
	char *line = xmalloc(AUTH_LINE_MAX + 1);
	snprintf(line, AUTH_LINE_MAX - 1, "%s", head);
	if (b64_append(line, AUTH_LINE_MAX - 1, raw, n) != 0)
		client_fail(c, EX_USAGE_, "AUTH %s: the credentials make a line longer than "
		            "%d octets (RFC 4954)", c->auth_mech, AUTH_LINE_MAX);
	else
		send_auth_line(c, line, strlen(line), shown);
	OPENSSL_cleanse(line, AUTH_LINE_MAX + 1);
	free(line);
}

/* PLAIN's "\0user\0secret" or XOAUTH2's "user=U\1auth=Bearer T\1\1". */
static void send_initial(struct smtp *c, const char *head, const char *shown)
{
	const char *u = c->o->auth.user, *s = c->o->auth.secret;
	size_t n = strlen(u) + strlen(s) + 32;
	char *raw = xmalloc(n);
	int k = strcmp(c->auth_mech, "XOAUTH2") == 0
	        ? snprintf(raw, n, "user=%s\001auth=Bearer %s\001\001", u, s)
	        : snprintf(raw, n, "%c%s%c%s", 0, u, 0, s);
	send_b64(c, head, raw, (size_t)k, shown);
	OPENSSL_cleanse(raw, n);
	free(raw);
}

static void send_cram(struct smtp *c, const unsigned char *ch, size_t n)
{
	char hex[33];
	if (cram_digest(c->o->auth.secret, ch, n, hex) != 0) {
		client_fail(c, EX_INTERNAL, "AUTH CRAM-MD5: HMAC-MD5 is not available in OpenSSL");
		return;
	}
	size_t len = strlen(c->o->auth.user) + 34;
	char *raw = xmalloc(len);
	int k = snprintf(raw, len, "%s %s", c->o->auth.user, hex);
	send_b64(c, "", raw, (size_t)k, "**** (user name and HMAC-MD5 digest)");
	free(raw);
}

/* ---- choosing ------------------------------------------------------------- */

static int offered(const struct smtp *c, const char *mech)
{
	size_t n = strlen(mech);
	for (const char *p = c->res->caps.auth; (p = strstr(p, mech)); p += n)
		if ((p == c->res->caps.auth || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* The mechanism, or NULL after client_fail(). */
static const char *choose(struct smtp *c)
{
	const char *want = c->o->auth.mech;
	if (!c->res->got_ehlo || !(c->res->caps.flags & SMTP_CAP_AUTH)) {
		client_fail(c, EX_AUTH, "the server does not offer AUTH%s",
		            c->res->got_ehlo ? "" : " (it did not answer EHLO)");
		return NULL;
	}
	for (size_t i = 0; i < sizeof prefer / sizeof prefer[0]; i++) {
		if (want ? strcasecmp(want, prefer[i]) == 0 && offered(c, prefer[i])
		         : offered(c, prefer[i]))
			return prefer[i];
	}
	client_fail(c, EX_AUTH, "the server offers AUTH %s; %s%s%s", c->res->caps.auth,
	            want ? "not " : "none of PLAIN LOGIN CRAM-MD5 XOAUTH2",
	            want ? want : "", want ? " (--auth)" : "");
	return NULL;
}

/* After the EHLO (inside TLS, or --allow-plaintext-auth): the AUTH line. */
void perform_auth(struct smtp *c)
{
	struct client_result *res = c->res;
	state_set(c, SMTP_AUTH);
	if (!res->tls.active && !c->o->auth.allow_plaintext) {
		client_fail(c, EX_AUTH, "refusing to send AUTH credentials without TLS (%s); "
		            "--allow-plaintext-auth sends them anyway",
		            res->starttls_note[0] ? res->starttls_note : "no TLS");
	} else if (res->tls.active && !res->tls.verified && !c->o->tls.insecure &&
	           !c->o->auth.allow_plaintext) {
		client_fail(c, EX_AUTH, "refusing to send AUTH credentials to a server whose "
		            "certificate did not verify (%s); --cafile FILE or --tls-name NAME to "
		            "verify it, --insecure to send them anyway", res->tls.verify_error);
	} else if ((c->auth_mech = choose(c)) != NULL) {
		snprintf(res->auth_mech, sizeof res->auth_mech, "%s", c->auth_mech);
		c->auth_step = 0;
		res->auth_sent = 1;
		char head[32], shown[48];
		snprintf(head, sizeof head, "AUTH %s ", c->auth_mech);
		snprintf(shown, sizeof shown, "AUTH %s ****", c->auth_mech);
		if (!strcmp(c->auth_mech, "PLAIN") || !strcmp(c->auth_mech, "XOAUTH2")) {
			send_initial(c, head, shown);
		} else {
			head[strlen(head) - 1] = '\0';      /* no initial response */
			send_auth_line(c, head, strlen(head), head);
		}
		return;
	}
	c->quitting = 1;
	perform_quit(c);
}

/* ---- judging -------------------------------------------------------------- */

/* The response to the 334 r with its decoded challenge ch[0..n). */
static void respond(struct smtp *c, const struct smtp_reply *r, const unsigned char *ch,
                    size_t n)
{
	const char *m = c->auth_mech, *u = c->o->auth.user, *s = c->o->auth.secret;
	int step = c->auth_step++;
	if (!strcmp(m, "LOGIN") && step < 2)
		send_b64(c, "", step ? s : u, strlen(step ? s : u),
		         step ? "**** (password)" : "**** (user name)");
	else if (!strcmp(m, "CRAM-MD5") && step == 0)
		send_cram(c, ch, n);
	else if (!strcmp(m, "XOAUTH2") && step == 0)   /* an error in JSON: acknowledge */
		send_auth_line(c, (char[3]){ 0 }, 0, "(empty line: XOAUTH2 error acknowledged)");
	else
		reply_fail(c, r, EX_AUTH, "unexpected AUTH challenge");
}

void on_auth(struct smtp *c, const struct smtp_reply *r)
{
	char what[64];
	if (r->code == 334 && !c->rr.other_code && c->auth_step < AUTH_STEPS_MAX) {
		unsigned char ch[RR_TEXT_MAX];
		char safe[RR_TEXT_MAX];
		int n = b64_decode(r->text, r->text_len, ch, sizeof ch);
		if (n < 0) {
			reply_fail(c, r, EX_AUTH, "AUTH challenge is not base64");
			return;
		}
		text_safe(safe, sizeof safe, ch, (size_t)n, NULL);
		tr_printf(c, TR_INFO, "334 decoded: \"%s\"", safe);
		respond(c, r, ch, (size_t)n);
	} else if (r->code == 235 && !c->rr.other_code) {
		c->res->auth_ok = 1;
		tr_printf(c, TR_INFO, "Authenticated (AUTH %s)", c->auth_mech);
		perform_mail(c);
	} else {
		snprintf(what, sizeof what, "AUTH %s failed", c->auth_mech);
		reply_fail(c, r, EX_AUTH, what);
	}
}
