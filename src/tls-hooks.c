/* tls-hooks.c - app.h's decryption hooks over tls-decrypt.c: the cleartext
 * hellos give the decrypter its randoms, version and suite; every record is
 * then handed over in wire order (see tls-decrypt.h). */
#include <stdlib.h>
#include "session.h"
#include "tls-decrypt.h"
#include "tls-hooks.h"
#include "tls-record.h"
#include "util-mem.h"

static void *h_create(void *arg, struct session *s)
{
	(void)s;
	return tls_dec_new(arg);
}

static void h_destroy(void *dec)
{
	tls_dec_free(dec);
}

/* The hello messages of a cleartext handshake record. */
static void hellos(struct tls_dec *d, const uint8_t *p, size_t n)
{
	while (n) {
		struct tls_hello h;
		long k = tls_handshake(p, n, &h);
		if (k <= 0)
			return;
		if (h.type == TLS_HS_CLIENT_HELLO)
			tls_dec_client_hello(d, h.random);
		else if (h.type == TLS_HS_SERVER_HELLO)
			tls_dec_server_hello(d, h.version, h.cipher, h.random, h.etm);
		p += k;
		n -= (size_t)k;
	}
}

static int h_record(void *dec, int dir, uint8_t type, uint16_t version, const uint8_t *rec,
                    size_t n, uint8_t *out, size_t *outn, uint8_t *inner)
{
	struct tls_dec *d = dec;
	switch (tls_dec_record(d, dir, type, version, rec, n, out, outn, inner)) {
	case TLS_DEC_OK:
		return 1;
	case TLS_DEC_PLAINTEXT:
		if (type == TLS_CT_HANDSHAKE)
			hellos(d, rec, n);
		return 0;
	case TLS_DEC_NO_KEYS:
		return TLS_HOOK_NO_KEYS;
	case TLS_DEC_UNSUPPORTED:
		return TLS_HOOK_UNSUPPORTED;
	default:
		return TLS_HOOK_BAD;
	}
}

void tls_hooks_init(struct tls_dec_hooks *h, const struct tls_keys *keys)
{
	h->create = h_create;
	h->record = h_record;
	h->destroy = h_destroy;
	h->arg = (void *)keys;                /* the hooks' arg is not const; never written */
}
