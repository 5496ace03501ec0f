/* tls-cipher.c - open one TLS record: AEAD (AES-GCM, ChaCha20-Poly1305) for
 * TLS 1.2 and 1.3, AES-CBC + HMAC (MAC-then-encrypt, or encrypt-then-MAC
 * per RFC 7366) for TLS 1.2.  Every primitive is an EVP call. */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <string.h>
#include "tls-cipher.h"

#define TAG_LEN   16
#define BLOCK_LEN 16
#define MAC_MAX   EVP_MAX_MD_SIZE

void tls_cipher_clear(struct tls_cipher *c)
{
	EVP_CIPHER_CTX_free(c->ctx);
	EVP_MAC_CTX_free(c->mac);
	OPENSSL_cleanse(c, sizeof *c);
}

static int mac_init(struct tls_cipher *c, const struct tls_cipher_params *p)
{
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	c->mac = m ? EVP_MAC_CTX_new(m) : NULL;
	EVP_MAC_free(m);
	OSSL_PARAM prm[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)p->mac, 0),
		OSSL_PARAM_construct_end(),
	};
	if (!c->mac || EVP_MAC_init(c->mac, p->mackey, p->maclen, prm) != 1 ||
	    EVP_MAC_CTX_get_mac_size(c->mac) != p->maclen || p->maclen > MAC_MAX)
		return -1;
	c->maclen = p->maclen;
	return 0;
}

int tls_cipher_init(struct tls_cipher *c, const struct tls_cipher_params *p)
{
	memset(c, 0, sizeof *c);
	c->kind = p->kind;
	c->tls13 = p->tls13;
	c->etm = p->etm;
	EVP_CIPHER *ci = EVP_CIPHER_fetch(NULL, p->cipher, NULL);
	c->ctx = EVP_CIPHER_CTX_new();
	int ok = ci && c->ctx && (size_t)EVP_CIPHER_get_key_length(ci) == p->keylen &&
	         EVP_DecryptInit_ex(c->ctx, ci, NULL, p->key, NULL) == 1;
	EVP_CIPHER_free(ci);
	if (ok && p->kind == TC_CBC)
		ok = mac_init(c, p) == 0 && EVP_CIPHER_CTX_set_padding(c->ctx, 0) == 1;
	else if (ok)
		memcpy(c->iv, p->iv, p->kind == TC_GCM && !p->tls13 ? 4 : 12);
	if (!ok) {
		tls_cipher_clear(c);
		return -1;
	}
	return 0;
}

/* The 13-byte TLS 1.2 MAC/AAD prefix: seq_num, type, version, length. */
static void pseudo_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t version,
                          size_t len)
{
	for (int i = 0; i < 8; i++)
		h[i] = (uint8_t)(seq >> (56 - 8 * i));
	h[8] = type;
	h[9] = (uint8_t)(version >> 8);
	h[10] = (uint8_t)version;
	h[11] = (uint8_t)(len >> 8);
	h[12] = (uint8_t)len;
}

/* AEAD decrypt ct/ctlen (tag follows it) with nonce and aad into out. */
static enum tls_dec_status aead(struct tls_cipher *c, const uint8_t nonce[12],
                                const uint8_t *aad, size_t aadlen,
                                const uint8_t *ct, size_t ctlen, uint8_t *out, size_t *outn)
{
	int l1 = 0, l2 = 0;
	if (EVP_DecryptInit_ex(c->ctx, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_DecryptUpdate(c->ctx, NULL, &l1, aad, (int)aadlen) != 1)
		return TLS_DEC_BAD_MAC;
	l1 = 0;
	if (ctlen > 0 && EVP_DecryptUpdate(c->ctx, out, &l1, ct, (int)ctlen) != 1)
		return TLS_DEC_BAD_MAC;
	if (EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_AEAD_SET_TAG, TAG_LEN,
	                        (void *)(ct + ctlen)) != 1 ||
	    EVP_DecryptFinal_ex(c->ctx, out + l1, &l2) != 1)
		return TLS_DEC_BAD_MAC;
	*outn = (size_t)l1 + (size_t)l2;
	return TLS_DEC_OK;
}

static enum tls_dec_status open_aead(struct tls_cipher *c, uint64_t seq, uint8_t type,
                                     uint16_t version, const uint8_t *frag, size_t n,
                                     uint8_t *out, size_t *outn)
{
	uint8_t nonce[12], aad[13];
	size_t explicit = c->kind == TC_GCM && !c->tls13 ? 8 : 0;
	if (n < explicit + TAG_LEN + (c->tls13 ? 1 : 0))
		return TLS_DEC_MALFORMED;
	size_t ctlen = n - explicit - TAG_LEN;
	if (explicit) {                         /* RFC 5288: salt || explicit nonce */
		memcpy(nonce, c->iv, 4);
		memcpy(nonce + 4, frag, 8);
	} else {                                /* RFC 8446 5.3, RFC 7905: iv ^ seq */
		memcpy(nonce, c->iv, 12);
		for (int i = 0; i < 8; i++)
			nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
	}
	if (c->tls13) {                         /* the record header is the AAD */
		aad[0] = type;
		aad[1] = (uint8_t)(version >> 8);
		aad[2] = (uint8_t)version;
		aad[3] = (uint8_t)(n >> 8);
		aad[4] = (uint8_t)n;
		return aead(c, nonce, aad, 5, frag, ctlen, out, outn);
	}
	pseudo_header(aad, seq, type, version, ctlen);
	return aead(c, nonce, aad, 13, frag + explicit, ctlen, out, outn);
}

/* HMAC(seq|type|version|len, data) compared with want. 1 if equal. */
static int mac_ok(struct tls_cipher *c, uint64_t seq, uint8_t type, uint16_t version,
                  const uint8_t *data, size_t len, const uint8_t *want)
{
	uint8_t h[13], mac[MAC_MAX];
	size_t ml = 0;
	pseudo_header(h, seq, type, version, len);
	if (EVP_MAC_init(c->mac, NULL, 0, NULL) != 1 || EVP_MAC_update(c->mac, h, 13) != 1 ||
	    EVP_MAC_update(c->mac, data, len) != 1 ||
	    EVP_MAC_final(c->mac, mac, &ml, sizeof mac) != 1 || ml != c->maclen)
		return 0;
	return CRYPTO_memcmp(mac, want, ml) == 0;
}

/* CBC-decrypt iv|ct (ctlen a multiple of the block) into out; strip and
 * check the padding: the content length, or -1 for bad padding. */
static long cbc_decrypt(struct tls_cipher *c, const uint8_t *frag, size_t ctlen, uint8_t *out)
{
	int l1 = 0, l2 = 0;
	if (EVP_DecryptInit_ex(c->ctx, NULL, NULL, NULL, frag) != 1 ||
	    EVP_DecryptUpdate(c->ctx, out, &l1, frag + BLOCK_LEN, (int)ctlen) != 1 ||
	    EVP_DecryptFinal_ex(c->ctx, out + l1, &l2) != 1 || (size_t)l1 + (size_t)l2 != ctlen)
		return -1;
	size_t pad = out[ctlen - 1];
	if (pad + 1 > ctlen)
		return -1;
	for (size_t i = ctlen - 1 - pad; i < ctlen - 1; i++)
		if (out[i] != pad)
			return -1;
	return (long)(ctlen - 1 - pad);
}

static enum tls_dec_status open_cbc(struct tls_cipher *c, uint64_t seq, uint8_t type,
                                    uint16_t version, const uint8_t *frag, size_t n,
                                    uint8_t *out, size_t *outn)
{
	size_t ml = c->maclen;
	if (c->etm) {           /* RFC 7366: IV | E(content|padding) | MAC(IV|ciphertext) */
		if (n < BLOCK_LEN + BLOCK_LEN + ml || (n - ml) % BLOCK_LEN)
			return TLS_DEC_MALFORMED;
		if (!mac_ok(c, seq, type, version, frag, n - ml, frag + n - ml))
			return TLS_DEC_BAD_MAC;
		long len = cbc_decrypt(c, frag, n - ml - BLOCK_LEN, out);
		if (len < 0)
			return TLS_DEC_MALFORMED;   /* authentic, yet badly padded */
		*outn = (size_t)len;
		return TLS_DEC_OK;
	}
	/* MAC-then-encrypt: IV | E(content | MAC | padding) */
	if (n < BLOCK_LEN + ((ml + 1 + BLOCK_LEN - 1) / BLOCK_LEN) * BLOCK_LEN ||
	    n % BLOCK_LEN)
		return TLS_DEC_MALFORMED;
	long len = cbc_decrypt(c, frag, n - BLOCK_LEN, out);
	if (len < 0 || (size_t)len < ml)
		return TLS_DEC_BAD_MAC;         /* bad_record_mac, as RFC 5246 6.2.3.2 says */
	size_t clen = (size_t)len - ml;
	if (!mac_ok(c, seq, type, version, out, clen, out + clen))
		return TLS_DEC_BAD_MAC;
	*outn = clen;
	return TLS_DEC_OK;
}

enum tls_dec_status tls_cipher_open(struct tls_cipher *c, uint64_t seq, uint8_t type,
                                    uint16_t version, const uint8_t *frag, size_t n,
                                    uint8_t *out, size_t *outn)
{
	if (!c->ctx)
		return TLS_DEC_NO_KEYS;
	if (n > TLS_DEC_MAX_RECORD)
		return TLS_DEC_MALFORMED;
	if (c->kind == TC_CBC)
		return open_cbc(c, seq, type, version, frag, n, out, outn);
	return open_aead(c, seq, type, version, frag, n, out, outn);
}
