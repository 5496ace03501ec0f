/* tcp-reasm.h - one direction of a byte stream, reassembled.
 *
 * Session-independent: the sink gets an opaque context, so the same code
 * can reassemble TCP payload for SMTP today and TLS records tomorrow.
 * In-order bytes go to the sink without a copy; bytes beyond a hole wait
 * (copied, bounded) until the hole is filled, acknowledged past (received
 * but not captured: a gap), or given up.  The sink sees the stream in
 * order, each byte once, with explicit gaps. */
#ifndef SMTPTRACE_TCP_REASM_H
#define SMTPTRACE_TCP_REASM_H

#include <stdint.h>
#include <stddef.h>

struct stream_sink {
	void (*data)(void *ctx, int dir, uint64_t off, const uint8_t *p, size_t n);
	void (*gap)(void *ctx, int dir, uint64_t off, uint64_t n);
};

struct stream_seg;

struct stream {
	uint64_t next;           /* next in-order offset */
	uint64_t gap_bytes;      /* bytes never captured (given to the sink as gaps) */
	uint64_t dropped;        /* bytes not held because of the bound (part of gap_bytes) */
	struct stream_seg *q;    /* held beyond a hole, sorted by offset */
	size_t held;             /* bytes held */
	size_t limit;            /* hold at most this many bytes */
	const struct stream_sink *k;   /* NULL: track offsets only, hand nothing over */
	void *ctx;
	int dir;
};

#define STREAM_HOLD_LIMIT (4u << 20)

void stream_init(struct stream *st, int dir, const struct stream_sink *k, void *ctx);
/* The bytes [off, off+len) of the stream, `cap` of them captured at p. */
void stream_segment(struct stream *st, uint64_t off, uint32_t len, const uint8_t *p, uint32_t cap);
/* How much of [off, end) was given to the sink or is held: 0 none, 1 some, 2 all. */
int stream_seen(const struct stream *st, uint64_t off, uint64_t end);
/* The receiver has everything below `acked` (at most `limit`, where the
 * stream ends): a hole below it was lost by the capture, not the network. */
void stream_acked(struct stream *st, uint64_t acked, uint64_t limit);
/* The end: hand over everything held; a hole up to `end` is a gap. */
void stream_flush(struct stream *st, uint64_t end);
void stream_free(struct stream *st);

#endif
