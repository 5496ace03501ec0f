/* tls-evp.h - OpenSSL 3 algorithms fetched once per process.  Fetching by
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

#endif
