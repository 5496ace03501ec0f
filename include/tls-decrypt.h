/* tls-decrypt.h - decrypt the records of one TLS connection with the secrets
 * of a key log (tls-keys.h).  Every primitive is OpenSSL 3 EVP: HKDF and the
 * TLS 1.2 PRF (EVP_KDF), AES-GCM, ChaCha20-Poly1305 and AES-CBC
 * (EVP_CIPHER), HMAC (EVP_MAC).
 *
 * Supported: TLS 1.3 with TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384,
 * TLS_CHACHA20_POLY1305_SHA256; TLS 1.2 with the (EC)DHE and RSA key
 * exchange suites using AES-128/256-GCM, ChaCha20-Poly1305 (RFC 7905) and
 * AES-128/256-CBC with HMAC-SHA1/SHA256/SHA384, MAC-then-encrypt or
 * encrypt-then-MAC (RFC 7366).  Anything else is TLS_DEC_UNSUPPORTED.
 *
 * How a record layer drives it (one struct tls_dec per TCP connection):
 *   1. tls_dec_client_hello() with the ClientHello's random;
 *   2. tls_dec_server_hello() with the negotiated version (for TLS 1.3 the
 *      supported_versions value 0x0304, not the legacy 0x0303), the suite,
 *      the server random, and whether the server echoed encrypt_then_mac.
 *      A HelloRetryRequest (its special random) is ignored: call again with
 *      the real ServerHello;
 *   3. tls_dec_record() for EVERY record after that, in each direction in
 *      wire order, plaintext ones included (ChangeCipherSpec, alerts,
 *      handshake).  The decryptor follows the key changes itself:
 *      - TLS 1.2: a direction is encrypted from the record after its
 *        ChangeCipherSpec; sequence numbers start at 0 there;
 *      - TLS 1.3: a direction uses its handshake traffic keys from the
 *        ServerHello on, and its application traffic keys (secret _0) from
 *        the record after its Finished message; the decryptor counts the
 *        handshake messages inside the decrypted handshake records to find
 *        it (messages may span records).  KeyUpdate is followed too
 *        ("traffic upd", RFC 8446 section 7.2).  Should the count lose track,
 *        a record that fails under the handshake keys is tried under the
 *        application keys before BAD_MAC is returned.
 *      A record that fails authentication does not advance the sequence
 *      number (so a foreign record, e.g. 0-RTT data, does not desynchronise
 *      the ones after it); the records after one that failed are also
 *      tried at the next few sequence numbers, so a damaged record of the
 *      stream does not make all later ones fail either.
 *   TLS 1.3 0-RTT early data is not decrypted (the early secrets are not
 *   used): such records are TLS_DEC_NO_KEYS before the ServerHello was
 *   given, TLS_DEC_BAD_MAC after it.
 * Pure: no I/O, no global state.  Not thread-safe per object. */
#ifndef SMTPTRACE_TLS_DECRYPT_H
#define SMTPTRACE_TLS_DECRYPT_H

#include <stddef.h>
#include <stdint.h>
#include "tls-keys.h"

#define TLS_DEC_MAX_RECORD 18432        /* 2^14 + 2048: longest TLSCiphertext */

enum tls_dec_status {
	TLS_DEC_OK,             /* decrypted: out/outn hold the plaintext, inner_type its type */
	TLS_DEC_PLAINTEXT,      /* the record is not protected: use frag as it is */
	TLS_DEC_NO_KEYS,        /* protected, and the key log has no secret for it
	                         * (or no ClientHello/ServerHello was seen) */
	TLS_DEC_UNSUPPORTED,    /* protected with a version or suite not decrypted here */
	TLS_DEC_BAD_MAC,        /* authentication failed (wrong keys, damaged record) */
	TLS_DEC_MALFORMED,      /* shorter than the suite's overhead, bad CBC padding
	                         * length, all-zero TLS 1.3 plaintext, over-long record */
	TLS_DEC_NOSPACE,        /* *outn on entry was smaller than n */
};

/* Short lower-case name of a status ("ok", "bad-mac", ...). */
const char *tls_dec_status_name(enum tls_dec_status st);

struct tls_dec;

/* keys is borrowed: it must outlive the decryptor.  keys may be NULL (every
 * protected record is then TLS_DEC_NO_KEYS). */
struct tls_dec *tls_dec_new(const struct tls_keys *keys);
void tls_dec_free(struct tls_dec *d);

void tls_dec_client_hello(struct tls_dec *d, const uint8_t client_random[32]);

/* Returns the status the protected records will get: TLS_DEC_OK (keys
 * ready), TLS_DEC_NO_KEYS, or TLS_DEC_UNSUPPORTED. */
enum tls_dec_status tls_dec_server_hello(struct tls_dec *d, uint16_t version,
                                         uint16_t cipher_suite,
                                         const uint8_t server_random[32],
                                         int encrypt_then_mac);

/* One record: dir 0 client->server, 1 server->client; content_type and
 * record_version from its 5-byte header; frag/n its fragment (n is the
 * header's length field).  On entry *outn is the size of out (n bytes
 * always suffice); on TLS_DEC_OK it is the plaintext's length and
 * *inner_type its content type (the outer type for TLS 1.2, the inner one
 * for TLS 1.3).  On other statuses out holds junk and *outn and
 * *inner_type are left alone, except that TLS_DEC_PLAINTEXT sets
 * *inner_type = content_type. */
enum tls_dec_status tls_dec_record(struct tls_dec *d, int dir, uint8_t content_type,
                                   uint16_t record_version, const uint8_t *frag,
                                   size_t n, uint8_t *out, size_t *outn,
                                   uint8_t *inner_type);

/* Records decrypted and refused so far (for statistics and tests). */
struct tls_dec_counts {
	uint64_t ok, bad_mac, malformed, no_keys, unsupported;
	uint64_t trial;         /* TLS 1.3 switches to application keys found by trial */
};
struct tls_dec_counts tls_dec_counts(const struct tls_dec *d);

#endif
