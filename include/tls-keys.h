/* tls-keys.h - TLS session secrets from an NSS key log ("SSLKEYLOGFILE").
 *
 * The format (one secret a line, fields separated by spaces or tabs):
 *     LABEL <client_random: 64 hex digits> <secret: hex>
 * Kept:   CLIENT_RANDOM (TLS 1.2 master secret, 48 bytes) and, for TLS 1.3,
 *         CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
 *         CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0 (32 or 48 bytes).
 * Skipped without complaint: '#' comments, blank lines, EXPORTER_SECRET,
 *         CLIENT_EARLY_TRAFFIC_SECRET, EARLY_EXPORTER_SECRET, and the other
 *         labels of the format (RSA, CLIENT_RANDOM_...) we have no use for.
 * Counted as bad (and skipped): lines over TLS_KEYS_MAX_LINE bytes, bad hex,
 *         a client random that is not 32 bytes, a secret of the wrong length,
 *         unknown labels.
 * The same text is the payload of a pcapng Decryption Secrets Block of type
 * TLS key log ("TLSK"): give that payload to tls_keys_add_text().
 *
 * Memory is bounded: at most TLS_KEYS_MAX_SESSIONS client randoms (about
 * 300 bytes each, 4.9 MB at the cap); secrets for further client randoms are
 * counted in `dropped` and ignored.  A later line for the same client random
 * and label replaces the earlier secret.
 *
 * Pure: no I/O except tls_keys_load_file(), no global state.  Allocation
 * failures follow util-mem.h (exit 70). */
#ifndef SMTPTRACE_TLS_KEYS_H
#define SMTPTRACE_TLS_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define TLS_KEYS_MAX_SESSIONS 16384
#define TLS_KEYS_MAX_LINE     512     /* longest line considered, '\n' excluded */
#define TLS_SECRET_MAX        48

enum tls_secret_kind {
	TLS_SK_MASTER,          /* CLIENT_RANDOM: TLS 1.2 master secret */
	TLS_SK_C_HS,            /* CLIENT_HANDSHAKE_TRAFFIC_SECRET */
	TLS_SK_S_HS,            /* SERVER_HANDSHAKE_TRAFFIC_SECRET */
	TLS_SK_C_AP0,           /* CLIENT_TRAFFIC_SECRET_0 */
	TLS_SK_S_AP0,           /* SERVER_TRAFFIC_SECRET_0 */
	TLS_SK_COUNT
};

struct tls_secret {
	uint8_t len;            /* 0: not known */
	uint8_t v[TLS_SECRET_MAX];
};

struct tls_keys_stats {
	size_t sessions;        /* distinct client randoms held */
	size_t secrets;         /* lines accepted (replacements included) */
	size_t ignored;         /* comments, blank lines, labels we skip */
	size_t bad;             /* malformed lines */
	size_t dropped;         /* good lines refused because the table is full */
};

struct tls_keys;

struct tls_keys *tls_keys_new(void);
void tls_keys_free(struct tls_keys *k);

/* Parse key log text (need not end in a newline; NUL bytes at the very end,
 * a Decryption Secrets Block's padding, are dropped, other NUL bytes make
 * their line bad).  Returns the number of secrets accepted from this text. */
size_t tls_keys_add_text(struct tls_keys *k, const char *text, size_t n);

/* Read a key log file.  Returns the number of secrets accepted, or -1 with a
 * message in err (the file cannot be opened or read). */
long tls_keys_load_file(struct tls_keys *k, const char *path, char *err, size_t errlen);

/* The secret of `kind` logged for this client random, or NULL. */
const struct tls_secret *tls_keys_find(const struct tls_keys *k,
                                       const uint8_t client_random[32],
                                       enum tls_secret_kind kind);

struct tls_keys_stats tls_keys_stats(const struct tls_keys *k);

#endif
