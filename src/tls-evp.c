/* tls-evp.c - a process-wide cache of fetched OpenSSL algorithms (see
 * tls-evp.h).  At most EVP_CACHE_MAX names; past that, nothing is cached
 * and callers get NULL (only the few names of tls-decrypt.c ever come). */
#include <pthread.h>
#include <string.h>
#include "tls-evp.h"

#define EVP_CACHE_MAX 32

enum { K_CIPHER, K_KDF, K_MAC };

static struct {
	int kind;
	char name[32];
	void *alg;
} cache[EVP_CACHE_MAX];
static size_t ncache;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *fetch(int kind, const char *name)
{
	switch (kind) {
	case K_CIPHER: return EVP_CIPHER_fetch(NULL, name, NULL);
	case K_KDF: return EVP_KDF_fetch(NULL, name, NULL);
	default: return EVP_MAC_fetch(NULL, name, NULL);
	}
}

static void *get(int kind, const char *name)
{
	void *alg = NULL;
	if (strlen(name) >= sizeof cache[0].name)
		return NULL;
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

const EVP_CIPHER *tls_evp_cipher(const char *name) { return get(K_CIPHER, name); }
EVP_KDF *tls_evp_kdf(const char *name) { return get(K_KDF, name); }
EVP_MAC *tls_evp_mac(const char *name) { return get(K_MAC, name); }
