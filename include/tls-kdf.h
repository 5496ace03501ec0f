/* tls-kdf.h - the TLS key derivation functions, each one call into
 * OpenSSL 3's EVP_KDF (no hand-written cryptography).  Used by
 * tls-decrypt.c; public so that the unit tests can check them against
 * RFC 8448.  `digest` is an OpenSSL digest name ("SHA256", "SHA384").
 * All return 0 on success, -1 on failure (unknown digest, bad lengths). */
#ifndef SMTPTRACE_TLS_KDF_H
#define SMTPTRACE_TLS_KDF_H

#include <stddef.h>
#include <stdint.h>

/* TLS 1.3 HKDF-Expand-Label(secret, label, context, outlen) (RFC 8446
 * section 7.1); `label` without the "tls13 " prefix, at most 64 bytes. */
int tls13_expand_label(const char *digest, const uint8_t *secret, size_t secretlen,
                       const char *label, const uint8_t *ctx, size_t ctxlen,
                       uint8_t *out, size_t outlen);

/* The TLS 1.2 PRF (RFC 5246 section 5): PRF(secret, label, seed1 + seed2). */
int tls12_prf(const char *digest, const uint8_t *secret, size_t secretlen,
              const char *label, const uint8_t *seed1, size_t seed1len,
              const uint8_t *seed2, size_t seed2len, uint8_t *out, size_t outlen);

#endif
