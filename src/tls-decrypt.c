/* tls-decrypt.c - the key schedule and record sequencing of one TLS
 * connection (see tls-decrypt.h); the record cryptography is tls-cipher.c,
 * the key derivation tls-kdf.c. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include "tls-cipher.h"
#include "tls-decrypt.h"
#include "tls-kdf.h"
#include "util-mem.h"

#define CT_CCS       20
#define CT_HANDSHAKE 22
#define CT_APPDATA   23
#define HS_FINISHED  20
#define HS_KEYUPDATE 24

struct tls_suite {
	uint16_t id;
	uint8_t tls13;
	enum tls_cipher_kind kind;
	const char *cipher;
	uint8_t keylen, ivlen;  /* ivlen: implicit IV bytes from the key block / schedule */
	const char *mac;        /* CBC only: HMAC digest */
	uint8_t maclen;
	const char *prf;        /* TLS 1.2 PRF hash; TLS 1.3 HKDF hash */
};

#define GCM12(id, k, prf)  { id, 0, TC_GCM, "AES-" #k "-GCM", (k) / 8, 4, NULL, 0, prf }
#define CHACHA12(id)       { id, 0, TC_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256" }
#define CBC12(id, k, mac, ml, prf) { id, 0, TC_CBC, "AES-" #k "-CBC", (k) / 8, 0, mac, ml, prf }

static const struct tls_suite suites[] = {
	{ 0x1301, 1, TC_GCM, "AES-128-GCM", 16, 12, NULL, 0, "SHA256" },
	{ 0x1302, 1, TC_GCM, "AES-256-GCM", 32, 12, NULL, 0, "SHA384" },
	{ 0x1303, 1, TC_CHACHA, "ChaCha20-Poly1305", 32, 12, NULL, 0, "SHA256" },
	/* TLS 1.2 AES-GCM: ECDHE-RSA, ECDHE-ECDSA, DHE-RSA, RSA */
	GCM12(0xc02f, 128, "SHA256"), GCM12(0xc030, 256, "SHA384"),
	GCM12(0xc02b, 128, "SHA256"), GCM12(0xc02c, 256, "SHA384"),
	GCM12(0x009e, 128, "SHA256"), GCM12(0x009f, 256, "SHA384"),
	GCM12(0x009c, 128, "SHA256"), GCM12(0x009d, 256, "SHA384"),
	/* ChaCha20-Poly1305: ECDHE-RSA, ECDHE-ECDSA, DHE-RSA */
	CHACHA12(0xcca8), CHACHA12(0xcca9), CHACHA12(0xccaa),
	/* AES-CBC with HMAC-SHA1 (PRF SHA-256 in TLS 1.2) */
	CBC12(0xc013, 128, "SHA1", 20, "SHA256"), CBC12(0xc014, 256, "SHA1", 20, "SHA256"),
	CBC12(0xc009, 128, "SHA1", 20, "SHA256"), CBC12(0xc00a, 256, "SHA1", 20, "SHA256"),
	CBC12(0x0033, 128, "SHA1", 20, "SHA256"), CBC12(0x0039, 256, "SHA1", 20, "SHA256"),
	CBC12(0x002f, 128, "SHA1", 20, "SHA256"), CBC12(0x0035, 256, "SHA1", 20, "SHA256"),
	/* AES-CBC with HMAC-SHA256 / SHA384 */
	CBC12(0xc027, 128, "SHA256", 32, "SHA256"), CBC12(0xc028, 256, "SHA384", 48, "SHA384"),
	CBC12(0xc023, 128, "SHA256", 32, "SHA256"), CBC12(0xc024, 256, "SHA384", 48, "SHA384"),
	CBC12(0x0067, 128, "SHA256", 32, "SHA256"), CBC12(0x006b, 256, "SHA256", 32, "SHA256"),
	CBC12(0x003c, 128, "SHA256", 32, "SHA256"), CBC12(0x003d, 256, "SHA256", 32, "SHA256"),
};

/* One direction of the connection. */
struct tls_dir {
	struct tls_cipher c;
	uint64_t seq;
	unsigned failed;        /* records that failed since the last good one */
	int phase;              /* 1.2: 0 plaintext, 1 after CCS; 1.3: 1 handshake, 2 application */
	uint8_t secret[TLS_SECRET_MAX];   /* TLS 1.3: the current traffic secret */
	size_t secretlen;
	/* TLS 1.3: where we are in the handshake message stream */
	uint8_t hdr[4];
	uint8_t hdrn;
	uint32_t remain;
	/* TLS 1.2: the keys the next ChangeCipherSpec turns on */
	uint8_t key[32], iv[12], mackey[48];
};

struct tls_dec {
	const struct tls_keys *keys;
	uint8_t cr[32];
	int have_cr;
	const struct tls_suite *suite;  /* NULL unless ready == TLS_DEC_OK */
	int seen_sh, v13, etm;
	enum tls_dec_status ready;      /* what server_hello found */
	struct tls_dir dir[2];
	struct tls_dec_counts counts;
};

static const uint8_t hrr_random[32] = {  /* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

const char *tls_dec_status_name(enum tls_dec_status st)
{
	static const char *const names[] = {
		"ok", "plaintext", "no-keys", "unsupported", "bad-mac", "malformed", "no-space",
	};
	return (unsigned)st < sizeof names / sizeof names[0] ? names[st] : "?";
}

struct tls_dec *tls_dec_new(const struct tls_keys *keys)
{
	struct tls_dec *d = xcalloc(1, sizeof *d);
	d->keys = keys;
	d->ready = TLS_DEC_NO_KEYS;
	return d;
}

static void dir_reset(struct tls_dir *ds)
{
	tls_cipher_clear(&ds->c);
	OPENSSL_cleanse(ds, sizeof *ds);
}

void tls_dec_free(struct tls_dec *d)
{
	if (!d)
		return;
	dir_reset(&d->dir[0]);
	dir_reset(&d->dir[1]);
	free(d);
}

void tls_dec_client_hello(struct tls_dec *d, const uint8_t client_random[32])
{
	memcpy(d->cr, client_random, 32);
	d->have_cr = 1;
}

struct tls_dec_counts tls_dec_counts(const struct tls_dec *d)
{
	return d->counts;
}

static size_t hash_len(const struct tls_suite *s)
{
	return strcmp(s->prf, "SHA384") == 0 ? 48 : 32;
}

/* TLS 1.3: derive key and iv from secret and set up c. 0 / -1. */
static int tls13_keys(const struct tls_suite *s, const uint8_t *secret, size_t secretlen,
                      struct tls_cipher *c)
{
	uint8_t key[32], iv[12];
	int rc = -1;
	if (tls13_expand_label(s->prf, secret, secretlen, "key", NULL, 0, key, s->keylen) == 0 &&
	    tls13_expand_label(s->prf, secret, secretlen, "iv", NULL, 0, iv, 12) == 0) {
		struct tls_cipher_params p = {
			.kind = s->kind, .tls13 = 1, .cipher = s->cipher,
			.key = key, .keylen = s->keylen, .iv = iv,
		};
		rc = tls_cipher_init(c, &p);
	}
	OPENSSL_cleanse(key, sizeof key);
	OPENSSL_cleanse(iv, sizeof iv);
	return rc;
}

/* TLS 1.3: switch a direction to the traffic secret of `kind`. 0 / -1. */
static int tls13_install(struct tls_dec *d, struct tls_dir *ds, const uint8_t *secret,
                         size_t len, int phase)
{
	struct tls_cipher c;
	if (len != hash_len(d->suite) || tls13_keys(d->suite, secret, len, &c) != 0)
		return -1;
	tls_cipher_clear(&ds->c);
	ds->c = c;
	memmove(ds->secret, secret, len);
	ds->secretlen = len;
	ds->seq = 0;
	ds->failed = 0;
	ds->phase = phase;
	ds->hdrn = 0;
	ds->remain = 0;
	return 0;
}

static const struct tls_secret *find(const struct tls_dec *d, enum tls_secret_kind k)
{
	return d->have_cr ? tls_keys_find(d->keys, d->cr, k) : NULL;
}

static enum tls_dec_status tls13_server_hello(struct tls_dec *d)
{
	static const enum tls_secret_kind hs[2] = { TLS_SK_C_HS, TLS_SK_S_HS };
	static const enum tls_secret_kind ap[2] = { TLS_SK_C_AP0, TLS_SK_S_AP0 };
	int any = 0;
	for (int i = 0; i < 2; i++) {
		const struct tls_secret *s = find(d, hs[i]);
		d->dir[i].phase = 1;
		if (s && tls13_install(d, &d->dir[i], s->v, s->len, 1) == 0)
			any = 1;
		s = find(d, ap[i]);
		if (s && s->len == hash_len(d->suite))
			any = 1;
	}
	return any ? TLS_DEC_OK : TLS_DEC_NO_KEYS;
}

/* TLS 1.2: the key block; the keys wait for each direction's CCS. */
static enum tls_dec_status tls12_server_hello(struct tls_dec *d, const uint8_t sr[32])
{
	const struct tls_suite *s = d->suite;
	const struct tls_secret *ms = find(d, TLS_SK_MASTER);
	uint8_t kb[2 * (48 + 32 + 12)];
	size_t ml = s->maclen, kl = s->keylen, il = s->ivlen;
	if (!ms)
		return TLS_DEC_NO_KEYS;
	/* key_block = PRF(master, "key expansion", server_random + client_random) */
	if (tls12_prf(s->prf, ms->v, ms->len, "key expansion", sr, 32, d->cr, 32,
	              kb, 2 * (ml + kl + il)) != 0)
		return TLS_DEC_UNSUPPORTED;
	for (int i = 0; i < 2; i++) {   /* client_write_*, then server_write_* */
		memcpy(d->dir[i].mackey, kb + i * ml, ml);
		memcpy(d->dir[i].key, kb + 2 * ml + i * kl, kl);
		memcpy(d->dir[i].iv, kb + 2 * ml + 2 * kl + i * il, il);
	}
	OPENSSL_cleanse(kb, sizeof kb);
	return TLS_DEC_OK;
}

enum tls_dec_status tls_dec_server_hello(struct tls_dec *d, uint16_t version,
                                         uint16_t cipher_suite,
                                         const uint8_t server_random[32],
                                         int encrypt_then_mac)
{
	if (memcmp(server_random, hrr_random, 32) == 0)
		return d->ready;
	const struct tls_suite *s = NULL;
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		if (suites[i].id == cipher_suite)
			s = &suites[i];
	d->seen_sh = 1;
	d->v13 = version == 0x0304;
	d->suite = NULL;
	if (!s || s->tls13 != d->v13 || (version != 0x0303 && !d->v13))
		return d->ready = TLS_DEC_UNSUPPORTED;
	d->suite = s;
	d->etm = encrypt_then_mac && s->kind == TC_CBC;
	d->ready = d->v13 ? tls13_server_hello(d) : tls12_server_hello(d, server_random);
	if (d->ready != TLS_DEC_OK)
		d->suite = NULL;
	return d->ready;
}

/* Open a record at the direction's sequence number; after records that
 * failed, also at the numbers they would have used had they been damaged
 * records of this stream (up to 4), so that one bad record does not make
 * every later one fail. */
static enum tls_dec_status open_seq(struct tls_dir *ds, uint8_t type, uint16_t version,
                                    const uint8_t *frag, size_t n, uint8_t *out, size_t *outn)
{
	enum tls_dec_status st = tls_cipher_open(&ds->c, ds->seq, type, version, frag, n, out, outn);
	for (unsigned j = 1; st == TLS_DEC_BAD_MAC && j <= ds->failed && j <= 4; j++)
		if (tls_cipher_open(&ds->c, ds->seq + j, type, version, frag, n, out, outn) ==
		    TLS_DEC_OK) {
			ds->seq += j;
			st = TLS_DEC_OK;
		}
	if (st == TLS_DEC_OK)
		ds->failed = 0;
	else if (st == TLS_DEC_BAD_MAC && ds->failed < 0xffff)
		ds->failed++;
	return st;
}

/* TLS 1.2: a ChangeCipherSpec turns on the pending keys of its direction. */
static void tls12_ccs(struct tls_dec *d, struct tls_dir *ds)
{
	ds->phase = 1;
	ds->seq = 0;
	ds->failed = 0;
	tls_cipher_clear(&ds->c);
	if (d->ready != TLS_DEC_OK)
		return;
	const struct tls_suite *s = d->suite;
	struct tls_cipher_params p = {
		.kind = s->kind, .etm = d->etm, .cipher = s->cipher,
		.key = ds->key, .keylen = s->keylen, .iv = ds->iv,
		.mac = s->mac, .mackey = ds->mackey, .maclen = s->maclen,
	};
	if (tls_cipher_init(&ds->c, &p) != 0)
		d->ready = TLS_DEC_UNSUPPORTED;
}

static enum tls_dec_status tls12_record(struct tls_dec *d, struct tls_dir *ds, uint8_t type,
                                        uint16_t version, const uint8_t *frag, size_t n,
                                        uint8_t *out, size_t *outn, uint8_t *inner)
{
	if (ds->phase == 0) {
		if (type == CT_CCS && n == 1 && frag[0] == 1)
			tls12_ccs(d, ds);
		return TLS_DEC_PLAINTEXT;
	}
	if (d->ready != TLS_DEC_OK)
		return d->ready;
	enum tls_dec_status st = open_seq(ds, type, version, frag, n, out, outn);
	if (st != TLS_DEC_OK)
		return st;
	ds->seq++;
	*inner = type;
	if (type == CT_CCS && *outn == 1 && out[0] == 1)
		tls12_ccs(d, ds);       /* renegotiation: the next keys take over */
	return TLS_DEC_OK;
}

/* TLS 1.3: follow the handshake messages in plaintext p/n; report whether a
 * Finished (bit 0) or a KeyUpdate (bit 1) ended in it. */
static int tls13_track(struct tls_dir *ds, const uint8_t *p, size_t n)
{
	int ended = 0;
	while (n > 0) {
		if (ds->hdrn < 4) {
			ds->hdr[ds->hdrn++] = *p++;
			n--;
			if (ds->hdrn < 4)
				continue;
			ds->remain = (uint32_t)ds->hdr[1] << 16 | (uint32_t)ds->hdr[2] << 8 | ds->hdr[3];
		} else {
			size_t k = n < ds->remain ? n : ds->remain;
			ds->remain -= (uint32_t)k;
			p += k;
			n -= k;
		}
		if (ds->remain == 0) {
			ended |= ds->hdr[0] == HS_FINISHED ? 1 : ds->hdr[0] == HS_KEYUPDATE ? 2 : 0;
			ds->hdrn = 0;
		}
	}
	return ended;
}

/* TLS 1.3: after a decrypted handshake record, switch keys if it ended the
 * handshake (Finished) or announced new keys (KeyUpdate). */
static void tls13_after(struct tls_dec *d, int dirn, const uint8_t *p, size_t n)
{
	static const enum tls_secret_kind ap[2] = { TLS_SK_C_AP0, TLS_SK_S_AP0 };
	struct tls_dir *ds = &d->dir[dirn];
	int ended = tls13_track(ds, p, n);
	if ((ended & 1) && ds->phase == 1) {
		const struct tls_secret *s = find(d, ap[dirn]);
		if (!s || tls13_install(d, ds, s->v, s->len, 2) != 0) {
			tls_cipher_clear(&ds->c);       /* later records: no keys */
			ds->phase = 2;
		}
	} else if ((ended & 2) && ds->phase == 2 && ds->secretlen) {
		uint8_t next[TLS_SECRET_MAX];
		size_t hl = ds->secretlen;
		if (tls13_expand_label(d->suite->prf, ds->secret, hl, "traffic upd", NULL, 0,
		                       next, hl) != 0 || tls13_install(d, ds, next, hl, 2) != 0)
			tls_cipher_clear(&ds->c);
		OPENSSL_cleanse(next, sizeof next);
	}
}

/* TLS 1.3: open with the current keys; in the handshake phase, on failure,
 * try the application keys (the handshake count lost track). */
static enum tls_dec_status tls13_open(struct tls_dec *d, int dirn, uint8_t type,
                                      uint16_t version, const uint8_t *frag, size_t n,
                                      uint8_t *out, size_t *outn)
{
	static const enum tls_secret_kind ap[2] = { TLS_SK_C_AP0, TLS_SK_S_AP0 };
	struct tls_dir *ds = &d->dir[dirn];
	enum tls_dec_status st = open_seq(ds, type, version, frag, n, out, outn);
	if (st == TLS_DEC_OK || st == TLS_DEC_MALFORMED || ds->phase != 1)
		return st;
	const struct tls_secret *s = find(d, ap[dirn]);
	struct tls_cipher c;
	if (!s || s->len != hash_len(d->suite) || tls13_keys(d->suite, s->v, s->len, &c) != 0)
		return st;
	enum tls_dec_status st2 = tls_cipher_open(&c, 0, type, version, frag, n, out, outn);
	tls_cipher_clear(&c);
	if (st2 != TLS_DEC_OK || tls13_install(d, ds, s->v, s->len, 2) != 0)
		return st;
	d->counts.trial++;
	return TLS_DEC_OK;
}

static enum tls_dec_status tls13_record(struct tls_dec *d, int dirn, uint8_t type,
                                        uint16_t version, const uint8_t *frag, size_t n,
                                        uint8_t *out, size_t *outn, uint8_t *inner)
{
	if (type != CT_APPDATA)
		return TLS_DEC_PLAINTEXT;     /* CCS (middlebox compatibility), early alerts */
	if (d->ready != TLS_DEC_OK)
		return d->ready;
	enum tls_dec_status st = tls13_open(d, dirn, type, version, frag, n, out, outn);
	if (st != TLS_DEC_OK)
		return st;
	d->dir[dirn].seq++;
	size_t len = *outn;                 /* TLSInnerPlaintext: content, type, zeros */
	while (len > 0 && out[len - 1] == 0)
		len--;
	if (len == 0)
		return TLS_DEC_MALFORMED;
	*inner = out[--len];
	*outn = len;
	if (*inner == CT_HANDSHAKE)
		tls13_after(d, dirn, out, len);
	return TLS_DEC_OK;
}

static void count(struct tls_dec *d, enum tls_dec_status st)
{
	switch (st) {
	case TLS_DEC_OK: d->counts.ok++; break;
	case TLS_DEC_BAD_MAC: d->counts.bad_mac++; break;
	case TLS_DEC_MALFORMED: d->counts.malformed++; break;
	case TLS_DEC_NO_KEYS: d->counts.no_keys++; break;
	case TLS_DEC_UNSUPPORTED: d->counts.unsupported++; break;
	default: break;
	}
}

enum tls_dec_status tls_dec_record(struct tls_dec *d, int dir, uint8_t content_type,
                                   uint16_t record_version, const uint8_t *frag,
                                   size_t n, uint8_t *out, size_t *outn,
                                   uint8_t *inner_type)
{
	enum tls_dec_status st;
	uint8_t inner = content_type;
	dir = dir ? 1 : 0;
	if (!d->seen_sh)        /* before the ServerHello only TLS 1.3 0-RTT data is protected */
		st = content_type == CT_APPDATA ? TLS_DEC_NO_KEYS : TLS_DEC_PLAINTEXT;
	else if (*outn < n)
		st = TLS_DEC_NOSPACE;
	else if (n > TLS_DEC_MAX_RECORD)
		st = TLS_DEC_MALFORMED;
	else if (d->v13)
		st = tls13_record(d, dir, content_type, record_version, frag, n, out, outn, &inner);
	else
		st = tls12_record(d, &d->dir[dir], content_type, record_version, frag, n, out,
		                  outn, &inner);
	if (st == TLS_DEC_OK || st == TLS_DEC_PLAINTEXT)
		*inner_type = inner;
	count(d, st);
	return st;
}
