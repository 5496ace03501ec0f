/* tls-record.c - TLS record framing over a reassembled stream, and the
 * cleartext hello messages (see tls-record.h).  Records may be split across
 * calls and several may arrive in one; a record split across calls is
 * gathered in a buffer of at most TLS_FRAG_MAX bytes. */
#include <stdlib.h>
#include <string.h>
#include "tls-record.h"
#include "util-mem.h"

int tls_header_ok(const uint8_t *h)
{
	unsigned len = (unsigned)h[3] << 8 | h[4];
	return h[0] >= TLS_CT_CCS && h[0] <= TLS_CT_HEARTBEAT && h[1] == 3 && h[2] <= 4 &&
	       len <= TLS_FRAG_MAX;
}

static void deliver(struct tls_framer *f, const uint8_t *frag, tls_record_cb cb, void *ctx)
{
	f->cur.frag = frag;
	f->records++;
	cb(ctx, &f->cur);
	f->nhdr = 0;
	f->nbuf = 0;
}

/* Take header bytes; returns how many of p[0..n) were used. */
static size_t take_header(struct tls_framer *f, uint64_t off, const uint8_t *p, size_t n)
{
	if (f->nhdr == 0)
		f->cur.off = off;
	size_t k = TLS_HDR_LEN - f->nhdr < n ? TLS_HDR_LEN - f->nhdr : n;
	memcpy(f->hdr + f->nhdr, p, k);
	f->nhdr += k;
	if (f->nhdr < TLS_HDR_LEN)
		return k;
	if (!tls_header_ok(f->hdr)) {
		f->state = TLSF_BAD;
		return k;
	}
	f->cur.type = f->hdr[0];
	f->cur.version = (uint16_t)(f->hdr[1] << 8 | f->hdr[2]);
	f->cur.len = (uint16_t)(f->hdr[3] << 8 | f->hdr[4]);
	f->nbuf = 0;
	return k;
}

void tls_framer_feed(struct tls_framer *f, uint64_t off, const uint8_t *p, size_t n,
                     tls_record_cb cb, void *ctx)
{
	while (f->state == TLSF_OK) {
		if (f->nhdr < TLS_HDR_LEN) {
			if (!n)
				return;
			size_t k = take_header(f, off, p, n);
			p += k;
			off += k;
			n -= k;
			continue;
		}
		size_t need = f->cur.len - f->nbuf;
		if (f->nbuf == 0 && n >= need) {           /* whole in this call: no copy */
			deliver(f, p, cb, ctx);
		} else {
			if (!n)
				return;
			size_t k = need < n ? need : n;
			if (!f->buf)
				f->buf = xmalloc(TLS_FRAG_MAX);
			memcpy(f->buf + f->nbuf, p, k);
			f->nbuf += k;
			need = k;
			if (f->nbuf == f->cur.len)
				deliver(f, f->buf, cb, ctx);
		}
		p += need;
		off += need;
		n -= need;
	}
}

void tls_framer_gap(struct tls_framer *f)
{
	if (f->state == TLSF_OK)
		f->state = TLSF_LOST;
}

void tls_framer_free(struct tls_framer *f)
{
	free(f->buf);
	f->buf = NULL;
}

/* ---- handshake messages ------------------------------------------------- */

struct rd {
	const uint8_t *p;
	size_t n;
	int bad;
};

static unsigned get(struct rd *r, size_t k)
{
	unsigned v = 0;
	if (r->bad || r->n < k) {
		r->bad = 1;
		return 0;
	}
	for (size_t i = 0; i < k; i++)
		v = v << 8 | r->p[i];
	r->p += k;
	r->n -= k;
	return v;
}

static struct rd sub(struct rd *r, size_t k)
{
	struct rd s = { r->p, k, r->bad || r->n < k };
	if (s.bad) {
		r->bad = 1;
		s.n = 0;
	} else {
		r->p += k;
		r->n -= k;
	}
	return s;
}

/* server_name (RFC 6066 3): the first host_name, made safe to print. */
static void sni(struct rd e, struct tls_hello *h)
{
	struct rd list = sub(&e, get(&e, 2));
	while (!list.bad && list.n) {
		unsigned type = get(&list, 1);
		struct rd name = sub(&list, get(&list, 2));
		if (list.bad || type != 0)
			continue;
		size_t k = name.n < sizeof h->sni - 1 ? name.n : sizeof h->sni - 1;
		for (size_t i = 0; i < k; i++) {
			uint8_t c = name.p[i];
			int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			         (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
			h->sni[i] = ok ? (char)c : '?';
		}
		h->sni[k] = '\0';
		return;
	}
}

static void extensions(struct rd *r, struct tls_hello *h)
{
	if (!r->n)
		return;                        /* no extensions (allowed) */
	struct rd all = sub(r, get(r, 2));
	while (!all.bad && all.n) {
		unsigned type = get(&all, 2);
		struct rd e = sub(&all, get(&all, 2));
		if (all.bad)
			break;
		if (type == 0 && h->type == TLS_HS_CLIENT_HELLO)
			sni(e, h);
		else if (type == 43 && h->type == TLS_HS_SERVER_HELLO && e.n == 2)
			h->version = (uint16_t)get(&e, 2);
	}
	r->bad |= all.bad;
}

static int hello(struct rd r, struct tls_hello *h)
{
	h->version = (uint16_t)get(&r, 2);
	sub(&r, 32);                                   /* random */
	sub(&r, get(&r, 1));                           /* session id */
	if (h->type == TLS_HS_CLIENT_HELLO) {
		sub(&r, get(&r, 2));                   /* cipher suites */
		sub(&r, get(&r, 1));                   /* compression methods */
	} else {
		h->cipher = (uint16_t)get(&r, 2);
		get(&r, 1);                            /* compression method */
	}
	extensions(&r, h);
	return r.bad ? -1 : 0;
}

long tls_handshake(const uint8_t *p, size_t n, struct tls_hello *h)
{
	memset(h, 0, sizeof *h);
	if (n < 4)
		return 0;
	h->type = p[0];
	h->len = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (h->len > n - 4)
		return 0;
	struct rd body = { p + 4, h->len, 0 };
	if ((h->type == TLS_HS_CLIENT_HELLO || h->type == TLS_HS_SERVER_HELLO) &&
	    hello(body, h) < 0)
		return -1;
	return 4 + (long)h->len;
}

const char *tls_hs_name(unsigned type)
{
	switch (type) {
	case 0: return "HelloRequest";
	case 1: return "ClientHello";
	case 2: return "ServerHello";
	case 4: return "NewSessionTicket";
	case 8: return "EncryptedExtensions";
	case 11: return "Certificate";
	case 12: return "ServerKeyExchange";
	case 13: return "CertificateRequest";
	case 14: return "ServerHelloDone";
	case 15: return "CertificateVerify";
	case 16: return "ClientKeyExchange";
	case 20: return "Finished";
	default: return "handshake message";
	}
}

const char *tls_version_name(unsigned v)
{
	switch (v) {
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	default: return "TLS ?";
	}
}

const char *tls_cipher_name(unsigned c)
{
	static const struct { uint16_t id; const char *name; } t[] = {
		{ 0x1301, "TLS_AES_128_GCM_SHA256" },
		{ 0x1302, "TLS_AES_256_GCM_SHA384" },
		{ 0x1303, "TLS_CHACHA20_POLY1305_SHA256" },
		{ 0xc02b, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc02c, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" },
		{ 0xc02f, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0xc030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0xcca8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0xcca9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" },
		{ 0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256" },
		{ 0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384" },
		{ 0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA" },
		{ 0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (t[i].id == c)
			return t[i].name;
	return NULL;
}
