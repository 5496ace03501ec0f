/* tls-evp.c - a process-wide cache of fetched OpenSSL algorithms and of
 * HKDF contexts with their digest set (see tls-evp.h).  At most
 * EVP_CACHE_MAX names; past that, nothing is cached and callers get NULL
 * (only the few names of tls-decrypt.c ever come).  Everything is freed at
 * exit (atexit, registered on the first fetch). */
#include <openssl/core_names.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "tls-evp.h"

#define EVP_CACHE_MAX 32

enum { K_CIPHER, K_KDF, K_MAC, K_HKDF_CTX };

static struct {
	int kind;
	char name[32];
	void *alg;
} cache[EVP_CACHE_MAX];
static size_t ncache;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t hkdf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void free_all(void)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ncache; i++) {
		switch (cache[i].kind) {
		case K_CIPHER: EVP_CIPHER_free(cache[i].alg); break;
		case K_KDF: EVP_KDF_free(cache[i].alg); break;
		case K_MAC: EVP_MAC_free(cache[i].alg); break;
		default: EVP_KDF_CTX_free(cache[i].alg); break;
		}
	}
	ncache = 0;
	pthread_mutex_unlock(&lock);
}

static void register_free(void)
{
	atexit(free_all);
}

static void *fetch(int kind, const char *name);

static void *get(int kind, const char *name)
{
	void *alg = NULL;
	if (strlen(name) >= sizeof cache[0].name)
		return NULL;
	pthread_once(&once, register_free);
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < ncache && !alg; i++)
		if (cache[i].kind == kind && !strcmp(cache[i].name, name))
			alg = cache[i].alg;
	if (!alg && ncache < EVP_CACHE_MAX && (alg = fetch(kind, name))) {
		cache[ncache].kind = kind;
		memcpy(cache[ncache].name, name, strlen(name) + 1);   /* fits: checked above */
		cache[ncache++].alg = alg;
	}
	pthread_mutex_unlock(&lock);
	return alg;
}

/* An HKDF context in expand-only mode with the digest `name` set. */
static EVP_KDF_CTX *new_hkdf(const char *name)
{
	EVP_KDF *kdf = NULL;
	for (size_t i = 0; i < ncache && !kdf; i++)     /* the lock is held */
		if (cache[i].kind == K_KDF && !strcmp(cache[i].name, "HKDF"))
			kdf = cache[i].alg;
	if (!kdf && ncache < EVP_CACHE_MAX - 1 && (kdf = EVP_KDF_fetch(NULL, "HKDF", NULL))) {
		cache[ncache].kind = K_KDF;
		memcpy(cache[ncache].name, "HKDF", 5);
		cache[ncache++].alg = kdf;
	}
	EVP_KDF_CTX *c = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)name, 0),
		OSSL_PARAM_construct_end(),
	};
	if (c && EVP_KDF_CTX_set_params(c, p) != 1) {
		EVP_KDF_CTX_free(c);
		c = NULL;
	}
	return c;
}

static void *fetch(int kind, const char *name)
{
	switch (kind) {
	case K_CIPHER: return EVP_CIPHER_fetch(NULL, name, NULL);
	case K_KDF: return EVP_KDF_fetch(NULL, name, NULL);
	case K_MAC: return EVP_MAC_fetch(NULL, name, NULL);
	default: return new_hkdf(name);
	}
}

const EVP_CIPHER *tls_evp_cipher(const char *name) { return get(K_CIPHER, name); }
EVP_KDF *tls_evp_kdf(const char *name) { return get(K_KDF, name); }
EVP_MAC *tls_evp_mac(const char *name) { return get(K_MAC, name); }

EVP_KDF_CTX *tls_evp_hkdf_expand_ctx(const char *digest)
{
	EVP_KDF_CTX *c = get(K_HKDF_CTX, digest);
	if (c)
		pthread_mutex_lock(&hkdf_lock);
	return c;
}

void tls_evp_hkdf_release(void)
{
	pthread_mutex_unlock(&hkdf_lock);
}
