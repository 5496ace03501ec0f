/* tls-cipher.h - the record protection of one direction of a TLS
 * connection: open (verify and decrypt) one record with OpenSSL EVP.
 * Internal to tls-decrypt.c (split out to keep each file one job). */
#ifndef SMTPTRACE_TLS_CIPHER_H
#define SMTPTRACE_TLS_CIPHER_H

#include <stddef.h>
#include <stdint.h>
#include "tls-decrypt.h"

enum tls_cipher_kind { TC_GCM, TC_CHACHA, TC_CBC };

struct tls_cipher {
	void *ctx;              /* EVP_CIPHER_CTX *; NULL: not set up */
	void *mac;              /* EVP_MAC_CTX * (CBC suites) */
	enum tls_cipher_kind kind;
	int tls13, etm;
	size_t maclen;
	uint8_t iv[12];         /* TLS 1.3 and ChaCha20: the 12-byte iv; TLS 1.2 GCM: the 4-byte salt */
};

struct tls_cipher_params {
	enum tls_cipher_kind kind;
	int tls13, etm;
	const char *cipher;     /* OpenSSL cipher name, e.g. "AES-128-GCM" */
	const uint8_t *key;
	size_t keylen;
	const uint8_t *iv;      /* 12 bytes (TLS 1.3, ChaCha20), 4 (TLS 1.2 GCM), unused (CBC) */
	const char *mac;        /* CBC: HMAC digest name, else NULL */
	const uint8_t *mackey;
	size_t maclen;
};

/* Set up c (cleared first).  0, or -1 when OpenSSL refuses (c is then clear). */
int tls_cipher_init(struct tls_cipher *c, const struct tls_cipher_params *p);
void tls_cipher_clear(struct tls_cipher *c);

/* Open record number seq (header type/version, fragment frag/n) into out,
 * which has room for n bytes.  TLS_DEC_OK with *outn set, TLS_DEC_BAD_MAC or
 * TLS_DEC_MALFORMED.  For TLS 1.3 the output still ends in the inner
 * content type and its zero padding.  On failure out holds junk. */
enum tls_dec_status tls_cipher_open(struct tls_cipher *c, uint64_t seq, uint8_t type,
                                    uint16_t version, const uint8_t *frag, size_t n,
                                    uint8_t *out, size_t *outn);

#endif
