/* tls-record.h - TLS record framing over a reassembled stream (RFC 8446
 * 5.1, RFC 5246 6.2) and the cleartext handshake messages that matter for
 * a timeline: ClientHello (SNI), ServerHello (version, cipher suite).
 * Pure: state only in the structs passed in; every length bounds-checked. */
#ifndef SMTPTRACE_TLS_RECORD_H
#define SMTPTRACE_TLS_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum { TLS_CT_CCS = 20, TLS_CT_ALERT = 21, TLS_CT_HANDSHAKE = 22, TLS_CT_APPDATA = 23,
       TLS_CT_HEARTBEAT = 24 };
enum { TLS_HS_CLIENT_HELLO = 1, TLS_HS_SERVER_HELLO = 2 };

#define TLS_HDR_LEN 5
#define TLS_FRAG_MAX (16384 + 2048)   /* TLSCiphertext.length limit (RFC 5246 6.2.3) */

struct tls_record {
	uint64_t off;            /* stream offset of the 5-byte header */
	uint8_t type;            /* content type */
	uint16_t version;        /* record-layer version */
	uint16_t len;            /* fragment length */
	const uint8_t *frag;     /* the whole fragment, len bytes (valid in the callback) */
};

enum tls_fstate { TLSF_OK, TLSF_LOST, TLSF_BAD };

struct tls_framer {
	uint8_t hdr[TLS_HDR_LEN];
	size_t nhdr;
	uint8_t *buf;            /* fragment bytes of a record split across calls */
	size_t nbuf;
	struct tls_record cur;
	enum tls_fstate state;   /* LOST: a gap broke the framing; BAD: not TLS */
	uint64_t records;
};

typedef void (*tls_record_cb)(void *ctx, const struct tls_record *r);

/* 1 if h[0..5) is a plausible record header, else 0. */
int tls_header_ok(const uint8_t *h);
/* Feed in-order stream bytes at `off`; `cb` gets each complete record. */
void tls_framer_feed(struct tls_framer *f, uint64_t off, const uint8_t *p, size_t n,
                     tls_record_cb cb, void *ctx);
/* Bytes were not captured: framing is lost for good (state TLSF_LOST). */
void tls_framer_gap(struct tls_framer *f);
void tls_framer_free(struct tls_framer *f);

struct tls_hello {
	uint8_t type;            /* handshake message type */
	uint32_t len;            /* its length */
	uint16_t version;        /* legacy_version, or supported_versions' choice */
	uint16_t cipher;         /* ServerHello: the suite chosen */
	char sni[256];           /* ClientHello: server_name host_name, "" if none */
};

/* Parse the handshake message at p[0..n).  Returns its total length (4 +
 * body) when whole and well-formed, 0 when cut short, -1 when malformed.
 * Hello fields are filled for ClientHello and ServerHello. */
long tls_handshake(const uint8_t *p, size_t n, struct tls_hello *h);

const char *tls_hs_name(unsigned type);
const char *tls_version_name(unsigned v);
/* IANA name of a few common suites, NULL if unknown. */
const char *tls_cipher_name(unsigned c);


/* tls-layer.c: the stream offset of plaintext offset `plain` of `dir`
 * (ctx: the tls layer, as app_stack.l[i].ctx); UINT64_MAX if unknown. */
uint64_t tls_plain_to_stream(const void *ctx, int dir, uint64_t plain);
/* The tls layer's inner stack (plaintext parsers), or NULL if none. */
const struct app_stack *tls_inner(const void *ctx);

#endif
