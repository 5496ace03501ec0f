/* tls-evp.h - OpenSSL 3 algorithms fetched once per process, freed at exit.  Fetching by
 * name (EVP_CIPHER_fetch, EVP_KDF_fetch, EVP_MAC_fetch) takes a lock and
 * string compares every time; decrypting thousands of TLS sessions fetched
 * the same few algorithms again for every key.  The pointers returned are
 * borrowed: never free them.  NULL when the provider lacks the algorithm.
 * Thread-safe (a mutex around the small table). */
#ifndef SMTPTRACE_TLS_EVP_H
#define SMTPTRACE_TLS_EVP_H

#include <openssl/evp.h>
#include <openssl/kdf.h>

const EVP_CIPHER *tls_evp_cipher(const char *name);
EVP_KDF *tls_evp_kdf(const char *name);
EVP_MAC *tls_evp_mac(const char *name);

/* An HKDF context in expand-only mode with the digest `digest` ("SHA256")
 * already set, made once per process and reused: passing the digest's name
 * to every derivation makes the provider fetch it by name each time (about
 * a quarter of an HKDF-Expand-Label's instructions), and OpenSSL 3.0 cannot
 * duplicate an HKDF context.  Pass only OSSL_KDF_PARAM_KEY and
 * OSSL_KDF_PARAM_INFO to EVP_KDF_derive (each call replaces both).  The
 * context is locked for the caller: call tls_evp_hkdf_release() after the
 * derivation.  NULL (nothing locked) when it cannot be made. */
EVP_KDF_CTX *tls_evp_hkdf_expand_ctx(const char *digest);
void tls_evp_hkdf_release(void);

#endif
