/* app.h - the application-parser table and the per-session parser stack.
 *
 * Reassembly hands each direction's in-order bytes and gaps to the session's
 * stack.  Layer 0 is chosen by detection (SMTP, or TLS for implicit TLS on
 * port 465).  A layer may start another above it from an exact stream
 * offset per direction (app_handoff): SMTP does so at the 220 reply to
 * STARTTLS, so bytes from those offsets on go to the "tls" record parser.
 * The SMTP layer ignores whatever lies beyond its hand-off offsets.
 *
 * Decryption (later, src/tls-decrypt.c): the tls layer gets every whole
 * record with its stream range (struct tls_record in tls-record.h).  A
 * decrypting tls layer would own a stack of its own, whose layer 0 is a
 * NEW SMTP parser instance fed with plaintext offsets; it keeps the map
 * plaintext offset -> record -> TCP stream offset (tls_plain_map) so the
 * inner exchanges can be placed on frames.  Nothing here assumes the
 * stream offsets are TCP offsets.
 */
#ifndef SMTPTRACE_APP_H
#define SMTPTRACE_APP_H

#include <stddef.h>
#include <stdint.h>

struct session;
struct app_stack;

/* A decryption layer (src/tls-decrypt.c, later) plugs in here: the tls
 * parser gives it every whole record of a direction in order; when it
 * returns plaintext of inner type 23 (application data), that plaintext is
 * fed to a NEW SMTP parser instance on the tls layer's own stack, at
 * plaintext offsets, and the tls layer keeps the map plaintext offset ->
 * record -> stream offset (tls_plain_to_stream). */
struct tls_dec_hooks {
	void *(*create)(void *arg, struct session *s);
	/* On entry *outn is the size of out (TLS_FRAG_MAX).  1 and
	 * out[0..*outn), *inner_type set: plaintext; 0: nothing (a cleartext
	 * record taken in); TLS_HOOK_*: cannot decrypt, and why. */
	int (*record)(void *dec, int dir, uint8_t type, uint16_t version,
	              const uint8_t *rec, size_t n, uint8_t *out, size_t *outn,
	              uint8_t *inner_type);
	void (*destroy)(void *dec);
	void *arg;
};

enum { TLS_HOOK_NO_KEYS = -1,      /* no secrets for this connection */
       TLS_HOOK_BAD = -2,          /* failed authentication (wrong keys, damaged) */
       TLS_HOOK_UNSUPPORTED = -3 };/* a version or suite not decrypted */

struct app_opts {
	int show_secrets;
	const struct tls_dec_hooks *dec;   /* NULL: TLS records are labelled only */
	size_t keep_data;                  /* --show-data: octets of each message kept (0: none) */
};

struct app_parser {
	const char *name;
	/* Is this stream this protocol, from the first payload bytes of one
	 * side?  1 yes, 0 no, -1 can't tell yet.  Pure. */
	int (*detect)(int dir, const uint8_t *p, size_t n);
	/* A parser for the stack's session (a->s, a->o); it may hand off
	 * through `a` later. */
	void *(*create)(struct app_stack *a);
	void (*data)(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n);
	void (*gap)(void *ctx, int dir, uint64_t off, uint64_t n);
	void (*end)(void *ctx);
	void (*destroy)(void *ctx);
	/* Optional: what the bytes at [off, off+n) of `dir` are, in words
	 * ("TLS ClientHello (SNI mx.example)"); 0 if this layer cannot say. */
	int (*label)(const void *ctx, int dir, uint64_t off, uint64_t n, char *buf, size_t cap);
};

extern const struct app_parser app_smtp;
extern const struct app_parser app_tls;

#define APP_MAX_LAYERS 3

struct app_layer {
	const struct app_parser *p;
	void *ctx;
	uint64_t from[2];        /* first stream offset of each direction */
	uint8_t on[2];           /* from[dir] is set */
};

struct app_stack {
	struct app_layer l[APP_MAX_LAYERS];
	size_t n;
	struct app_opts o;
	struct session *s;
};

/* Layer 0 is `p`, from offset 0 both ways. */
void app_open(struct app_stack *a, struct session *s, const struct app_parser *p,
              const struct app_opts *o);
void app_data(struct app_stack *a, int dir, uint64_t off, const uint8_t *p, size_t n);
void app_gap(struct app_stack *a, int dir, uint64_t off, uint64_t n);
void app_end(struct app_stack *a);
void app_close(struct app_stack *a);
/* Called by layer `from`: bytes of `dir` from `off` on belong to parser `p`
 * (created on the first call, one layer above `from`).  Returns the new
 * layer's index, or -1 when the stack is full (the bytes are then dropped
 * by `from`, as before). */
int app_handoff(struct app_stack *a, const void *from, const struct app_parser *p,
                int dir, uint64_t off);
/* The label of the topmost layer, among those whose bytes overlap [off,
 * off+n) of `dir`, that has one. */
int app_label(const struct app_stack *a, int dir, uint64_t off, uint64_t n, char *buf,
              size_t cap);

#endif
