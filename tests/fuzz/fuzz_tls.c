/* fuzz_tls.c - libFuzzer harness for the key log parser (tls-keys.h) and
 * the record decryption (tls-decrypt.h).
 *
 * Input layout (all integers big-endian; a short input just stops early):
 *   u16 K, then K bytes of key log text      -> tls_keys_add_text()
 *   32 bytes client random                   -> tls_dec_client_hello()
 *   u16 version, u16 cipher suite, u8 flags (bit 0 encrypt_then_mac),
 *   32 bytes server random                   -> tls_dec_server_hello()
 *   then records, each: u8 dir (bit 0; bit 1 = give the ServerHello again
 *   first, as a renegotiation would), u8 content type, u16 record version,
 *   u16 length N, N bytes (a last record shorter than N is fed as it is).
 * Each fragment is copied to a buffer of exactly its size and decrypted
 * into one of exactly its size, so AddressSanitizer sees any overrun.
 * tests/fuzz/tls2seed.py makes seeds from the captures of
 * tests/golden/caps/tls (which decrypt, so mutations start deep inside). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tls-decrypt.h"
#include "tls-keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *p;
	size_t n;
};

static int take(struct input *in, size_t k, const uint8_t **out)
{
	if (in->n < k)
		return 0;
	*out = in->p;
	in->p += k;
	in->n -= k;
	return 1;
}

static unsigned u16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void records(struct tls_dec *d, struct input *in, const uint8_t *sh)
{
	const uint8_t *h, *frag;
	while (take(in, 6, &h)) {
		size_t n = u16(h + 4);
		if (n > in->n)
			n = in->n;
		take(in, n, &frag);
		uint8_t *copy = malloc(n ? n : 1), *out = malloc(n ? n : 1);
		if (!copy || !out)
			abort();
		memcpy(copy, frag, n);
		if (h[0] & 2)
			tls_dec_server_hello(d, (uint16_t)u16(sh), (uint16_t)u16(sh + 2), sh + 5,
			                     sh[4] & 1);
		size_t outn = n;
		uint8_t type = 0;
		enum tls_dec_status st = tls_dec_record(d, h[0] & 1, h[1], (uint16_t)u16(h + 2),
		                                        copy, n, out, &outn, &type);
		if (st == TLS_DEC_OK && outn > n)
			abort();
		(void)tls_dec_status_name(st);
		free(copy);
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	const uint8_t *p, *cr, *sh;
	struct tls_keys *k = tls_keys_new();
	if (take(&in, 2, &p)) {
		size_t kl = u16(p);
		if (kl > in.n)
			kl = in.n;
		take(&in, kl, &p);
		char *text = malloc(kl ? kl : 1);      /* exact size for ASan */
		if (!text)
			abort();
		memcpy(text, p, kl);
		tls_keys_add_text(k, text, kl);
		free(text);
	}
	struct tls_dec *d = tls_dec_new(k);
	if (take(&in, 32, &cr)) {
		tls_keys_find(k, cr, TLS_SK_MASTER);
		tls_dec_client_hello(d, cr);
	}
	if (take(&in, 37, &sh)) {
		tls_dec_server_hello(d, (uint16_t)u16(sh), (uint16_t)u16(sh + 2), sh + 5, sh[4] & 1);
		records(d, &in, sh);
	}
	(void)tls_dec_counts(d);
	(void)tls_keys_stats(k);
	tls_dec_free(d);
	tls_keys_free(k);
	return 0;
}
