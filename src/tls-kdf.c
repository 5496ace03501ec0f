/* tls-kdf.c - HKDF-Expand-Label and the TLS 1.2 PRF through EVP_KDF
 * (see tls-kdf.h). */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>
#include "tls-evp.h"
#include "tls-kdf.h"

/* Run the KDF `name` with params p into out. */
static int kdf_run(const char *name, const OSSL_PARAM *p, uint8_t *out, size_t outlen)
{
	EVP_KDF *kdf = tls_evp_kdf(name);      /* borrowed, fetched once */
	EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	int ok = kctx && EVP_KDF_derive(kctx, out, outlen, p) == 1;
	EVP_KDF_CTX_free(kctx);
	return ok ? 0 : -1;
}

int tls13_expand_label(const char *digest, const uint8_t *secret, size_t secretlen,
                       const char *label, const uint8_t *ctx, size_t ctxlen,
                       uint8_t *out, size_t outlen)
{
	/* struct HkdfLabel { uint16 length; opaque label<7..255>; opaque context<0..255>; } */
	static const char prefix[] = "tls13 ";
	uint8_t info[2 + 1 + 6 + 64 + 1 + 255];
	size_t ll = strlen(label), n = 0;
	if (ll > 64 || ctxlen > 255 || outlen > 0xffff || secretlen == 0)
		return -1;
	info[n++] = (uint8_t)(outlen >> 8);
	info[n++] = (uint8_t)outlen;
	info[n++] = (uint8_t)(6 + ll);
	memcpy(info + n, prefix, 6);
	memcpy(info + n + 6, label, ll);
	n += 6 + ll;
	info[n++] = (uint8_t)ctxlen;
	if (ctxlen)
		memcpy(info + n, ctx, ctxlen);
	n += ctxlen;

	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secretlen),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
		OSSL_PARAM_construct_end(),
	};
	EVP_KDF_CTX *kctx = tls_evp_hkdf_expand_ctx(digest);   /* digest set, reused */
	if (!kctx)
		return -1;
	int ok = EVP_KDF_derive(kctx, out, outlen, p) == 1;
	tls_evp_hkdf_release();
	return ok ? 0 : -1;
}

int tls12_prf(const char *digest, const uint8_t *secret, size_t secretlen,
              const char *label, const uint8_t *seed1, size_t seed1len,
              const uint8_t *seed2, size_t seed2len, uint8_t *out, size_t outlen)
{
	/* several OSSL_KDF_PARAM_SEED parameters are concatenated in order */
	OSSL_PARAM p[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)digest, 0),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secretlen),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)label, strlen(label)),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed1, seed1len),
		OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed2, seed2len),
		OSSL_PARAM_construct_end(),
	};
	if (secretlen == 0)
		return -1;
	return kdf_run("TLS1-PRF", p, out, outlen);
}
