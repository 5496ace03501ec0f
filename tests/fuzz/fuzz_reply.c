/* fuzz_reply.c - libFuzzer harness for the client's reply reader, fed as a
 * hostile server.
 *
 * Input layout:
 *   byte 0      options: bits 0-1 number of recipients - 1 (1..4; 4 is 3),
 *               bit 2 the pure reader only (no dialogue), bit 3 STARTTLS
 *               when offered (the handshake then fails: no TLS server here,
 *               but the 220, the discarding and the failure path run)
 *   then the server's bytes as "reads": a length byte and that many bytes
 *   (fewer at the end); a length of 0 is a read that would block.  When the
 *   input ends the server closes the connection.
 *
 * The whole client runs over an in-memory transport (transport.h) with a
 * transcript in memory, which must never hold a byte that drives a terminal
 * (C0 but LF, DEL, raw or UTF-8 C1, bidi overrides).  The pure reader is
 * checked against its documented bounds.  Build and run with
 * FUZZ_TARGET=reply tests/fuzz/run.sh; see docs/fuzzing.md. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "client.h"
#include "client-reply.h"
#include "transport.h"
#include "util-text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mem {
	const uint8_t *p;
	size_t n;
	size_t chunk;           /* bytes left in the current read */
};

static ssize_t mem_read(struct transport *t, void *buf, size_t n)
{
	struct mem *m = t->impl;
	if (m->chunk == 0) {
		if (m->n == 0)
			return 0;
		m->chunk = m->p[0];
		m->p++, m->n--;
		if (m->chunk == 0) {
			t->want = POLLIN;
			errno = EAGAIN;
			return -1;
		}
	}
	size_t k = m->chunk < n ? m->chunk : n;
	if (k > m->n)
		k = m->n;
	m->chunk = k < m->chunk ? m->chunk - k : 0;
	if (k == 0) {
		m->chunk = 0;
		return 0;
	}
	memcpy(buf, m->p, k);
	m->p += k, m->n -= k;
	return (ssize_t)k;
}

static ssize_t mem_write(struct transport *t, const void *buf, size_t n)
{
	(void)t, (void)buf;
	return (ssize_t)n;
}

static size_t mem_pending(const struct transport *t)
{
	const struct mem *m = t->impl;
	return m->chunk;
}

static int mem_wait(struct transport *t, short ev, int ms)
{
	(void)t, (void)ev, (void)ms;
	return 1;               /* never blocks: the next read moves on */
}

static int mem_shutdown(struct transport *t) { (void)t; return 0; }
static void mem_close(struct transport *t) { t->impl = NULL; }

static const struct transport_ops mem_ops = {
	"memory", mem_read, mem_write, mem_pending, mem_wait, mem_shutdown, mem_close,
};

/* Nothing in the transcript may drive a terminal. */
static void check_safe(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (p[i] < 0x80) {
			if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f)
				abort();
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p + i, n - i, &cp);
		if (k == 0 || text_cp_unsafe(cp))
			abort();
		i += k;
	}
}

static void run_reader(const uint8_t *data, size_t size)
{
	struct reply_reader rr;
	rr_init(&rr, NULL, NULL);
	struct transport t = { .ops = &mem_ops, .fd = -1, .impl = &(struct mem){ data, size, 0 } };
	for (;;) {
		enum rr_status st = rr_next(&rr);
		if (st == RR_REPLY) {
			if (rr.ra.r.text_len > RR_TEXT_MAX || rr.lines > RR_REPLY_LINES ||
			    rr.ra.r.code < 200 || rr.ra.r.code > 599)
				abort();
			continue;
		}
		if (st != RR_NEED)
			break;
		if (rr.la.cap > RR_LINE_MAX + 1 || rr_buffered(&rr) > sizeof rr.in + RR_LINE_MAX + 1)
			abort();
		size_t room;
		uint8_t *p = rr_space(&rr, &room);
		ssize_t n = mem_read(&t, p, room);
		if (n == 0)
			break;
		if (n > 0)
			rr_filled(&rr, (size_t)n);
	}
	char peek[256];
	rr_peek(&rr, peek, sizeof peek);
	check_safe((const uint8_t *)peek, strlen(peek));
	rr_free(&rr);
}

static const char *const rcpts[] = { "a@example.org", "b@example.org", "c@example.org" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t fl = data[0];
	if (fl & 4) {
		run_reader(data + 1, size - 1);
		return 0;
	}
	char *tr = NULL;
	size_t trlen = 0;
	FILE *tf = open_memstream(&tr, &trlen);
	if (!tf)
		abort();
	struct client_opts o = {
		.helo = "fuzz.test", .from = "f@example.org", .to = rcpts,
		.nto = (fl & 3) == 3 ? 3 : (fl & 3) + 1,
		.msg = "Subject: x\r\n\r\nbody\r\n.\r\n", .msg_len = 25, .transcript = tf,
	};
	client_set_all_timeouts(&o.to_s, 1);
	if (fl & 8)
		o.tls.mode = CLIENT_TLS_MAY;
	struct mem m = { data + 1, size - 1, 0 };
	struct transport t = { .ops = &mem_ops, .fd = -1, .impl = &m };
	struct client_result res;
	int rc = client_run_on(&t, &o, &res);
	fclose(tf);
	check_safe((const uint8_t *)tr, trlen);
	check_safe((const uint8_t *)res.error, strlen(res.error));
	if (rc != res.exit_code || (rc == 0 && res.error[0]))
		abort();
	for (size_t i = 0; i + 1 < res.nsent; i++)
		if (res.sent[i].end != res.sent[i + 1].off)
			abort();
	client_result_free(&res);
	free(tr);
	return 0;
}
