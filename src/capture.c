/* capture.c - the capture thread, its file, the public calls (the handle
 * is opened by capture-handle.c).
 *
 * capture_new() attaches the BPF filter before it returns, so whatever the
 * caller sends afterwards (its SYN first) is captured: that is the ready
 * barrier, no handshake with the thread is needed.
 *
 * The thread never blocks inside libpcap: libpcap 1.10's pcap_breakloop()
 * does not wake a thread sleeping in poll() inside pcap_dispatch().  So the
 * handle is non-blocking and the thread polls {pcap fd, stop pipe} itself,
 * with a short timeout, and calls pcap_dispatch() when there is something.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <arpa/inet.h>

#include "capture-int.h"
#include "decode.h"
#include "util-mem.h"
#include "tcp-track.h"

#define POLL_MS         50
#define DRAIN_PAUSE_MS  10
#define DEFAULT_LINGER  0.3

/* ---- the TCP close, by the engine's TCP state machine (no stream, no
 * checksums: cheap enough for every captured frame) ---- */

/* Direction 0 is the side that sent the first TCP segment we saw (the
 * client's SYN, normally), 1 the other side.  Only TCP: DNS over UDP in
 * the same capture is not looked at. */
struct close_tracker {
	int have_port;
	uint16_t port0;                 /* source port of direction 0 */
	uint32_t no;
	struct dirstate d[2];
	int done;
};

static void track_frame(struct close_tracker *t, int dlt, uint64_t ts,
                        const uint8_t *data, uint32_t caplen, uint32_t len)
{
	struct pkt p;
	struct tcp_verdict v;

	t->no++;
	decode_frame(dlt, data, caplen, len, &p);
	/* only clean decodes: a damaged header must not end the capture early */
	if (p.kind != PK_TCP || p.status != PKT_OK)
		return;
	/* a new connection (send tries the next address after a failed
	 * connect): the close that matters is the last connection's */
	if (!t->have_port || ((p.flags & TH_SYN) && !(p.flags & TH_ACK) && p.sport != t->port0)) {
		t->have_port = 1;
		t->port0 = p.sport;
		t->done = 0;
		tcp_track_init(t->d, NULL, NULL);
	}
	tcp_track(t->d, p.sport == t->port0 ? 0 : 1, &p, ts, t->no, len, &v);
	if (v.closes)
		t->done = 1;
}

/* ---- helpers ---- */

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The first error wins: it is the cause, later ones are consequences. */
void cap_set_err(struct capture *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
}

struct capture *capture_new(const struct capture_opts *o, char *err, size_t errlen)
{
	struct capture *c = xcalloc(1, sizeof *c);

	c->stop_pipe[0] = c->stop_pipe[1] = -1;
	pthread_mutex_init(&c->lock, NULL);
	c->linger = o->linger > 0 && o->linger < 3600 ? o->linger : DEFAULT_LINGER;
	snprintf(c->ifname, sizeof c->ifname, "%s", o->ifname ? o->ifname : "any");
	if (cap_handle_open(c, o) == 0)
		return c;
	snprintf(err, errlen, "%s", c->err);
	capture_free(c);
	return NULL;
}

/* ---- the thread ---- */

struct cap_ctx {
	struct capture *c;
	struct close_tracker t;
	int nano;                       /* ts.tv_usec holds nanoseconds */
	int oom;
};

static int keep_frame(struct cap_ctx *x, uint64_t ts, const struct pcap_pkthdr *h,
                      const u_char *bytes)
{
	struct capture *c = x->c;
	struct cap_frame *f;

	if (c->nframes == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 256;
		struct cap_frame *nf = realloc(c->frames, ncap * sizeof *nf);
		if (!nf)
			return -1;
		c->frames = nf;
		c->cap = ncap;
	}
	f = &c->frames[c->nframes];
	f->data = malloc(h->caplen ? h->caplen : 1);
	if (!f->data)
		return -1;
	memcpy(f->data, bytes, h->caplen);
	f->ts_ns = ts;
	f->caplen = h->caplen;
	f->wirelen = h->len;
	c->nframes++;
	return 0;
}

/* The first write error on the file: say so once, keep capturing. */
static void file_error(struct capture *c)
{
	c->file_failed = 1;
	cap_set_err(c, "writing the capture file: %s", strerror(c->w.err));
}

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap_ctx *x = (struct cap_ctx *)(void *)user;
	struct capture *c = x->c;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u +
	              (uint64_t)h->ts.tv_usec * (x->nano ? 1u : 1000u);

	if (!x->oom && keep_frame(x, ts, h, bytes) < 0) {
		x->oom = c->oom = 1;    /* the file still gets every frame */
		cap_set_err(c, "capture: out of memory after %zu frames", c->nframes);
	}
	if (c->out && !c->file_failed &&
	    pcapng_write_packet(&c->w, ts, bytes, h->caplen, h->len, NULL) < 0)
		file_error(c);
	track_frame(&x->t, c->linktype, ts, bytes, h->caplen, h->len);
}

/* Read what libpcap has now.  Returns packets handled, -1 on error. */
static int dispatch(struct cap_ctx *x)
{
	int n = pcap_dispatch(x->c->pc, -1, on_packet, (u_char *)x);

	if (n == PCAP_ERROR)
		cap_set_err(x->c, "capture on %s: %s", x->c->ifname, pcap_geterr(x->c->pc));
	return n < 0 ? -1 : n;
}

/* After the end: take what the kernel still holds.  When the close was
 * seen, every frame of the connection is in; otherwise (linger ran out)
 * pause once for frames still on their way through the stack, and take
 * those too. */
static void drain(struct cap_ctx *x)
{
	for (int round = 0; round < 2; round++) {
		while (dispatch(x) > 0)
			;
		if (round == 0 && x->t.done)
			break;
		if (round == 0)
			poll(NULL, 0, DRAIN_PAUSE_MS);
	}
}

/* Returns 1 once the stop byte arrived (or the pipe broke). */
static int stop_requested(int fd)
{
	char b;
	ssize_t n = read(fd, &b, 1);

	return n == 1 || n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

static void run_loop(struct cap_ctx *x)
{
	struct capture *c = x->c;
	struct pollfd pfd[2] = {
		{ .fd = pcap_get_selectable_fd(c->pc), .events = POLLIN },
		{ .fd = c->stop_pipe[0], .events = POLLIN },
	};
	uint64_t deadline = 0;
	int stopping = 0;

	for (;;) {
		int timeout = POLL_MS;
		if (stopping) {
			uint64_t now = mono_ns();
			if (x->t.done || now >= deadline)
				return;
			if ((deadline - now) / 1000000u < (uint64_t)timeout)
				timeout = (int)((deadline - now) / 1000000u) + 1;
		}
		if (poll(pfd, stopping ? 1 : 2, timeout) < 0 && errno != EINTR) {
			cap_set_err(c, "capture: poll: %s", strerror(errno));
			return;
		}
		if (!stopping && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    stop_requested(c->stop_pipe[0])) {
			stopping = 1;
			deadline = mono_ns() + (uint64_t)(c->linger * 1e9);
		}
		/* dispatch even without POLLIN: the poll may have timed out with
		 * frames already in the ring (cheap in non-blocking mode) */
		if (dispatch(x) < 0)
			return;
	}
}

static int start_file(struct capture *c, FILE *out);

/* The file again from the start: header, secrets, every frame kept. */
static int rewrite_file(struct capture *c)
{
	if (fflush(c->out) != 0 || ftruncate(fileno(c->out), 0) != 0 ||
	    fseek(c->out, 0, SEEK_SET) != 0)
		return -1;
	if (start_file(c, c->out) < 0 ||
	    pcapng_write_secrets(&c->w, PCAPNG_SECRETS_TLS_KEYLOG, c->secrets,
	                         (uint32_t)c->nsecrets) < 0)
		return -1;
	for (size_t i = 0; i < c->nframes; i++) {
		const struct cap_frame *f = &c->frames[i];
		if (pcapng_write_packet(&c->w, f->ts_ns, f->data, f->caplen, f->wirelen, NULL) < 0)
			return -1;
	}
	return 0;
}

/* Readers apply a DSB to the packets after it: with every frame in memory
 * and a seekable file, rewrite it with the secrets first; else append them
 * (best effort: Wireshark's two-pass reading still finds them). */
static int write_secrets(struct capture *c)
{
	struct stat st;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	if (c->nsecrets) {
		if (!c->oom && fstat(fileno(c->out), &st) == 0 && S_ISREG(st.st_mode))
			rc = rewrite_file(c);
		else
			rc = pcapng_write_secrets(&c->w, PCAPNG_SECRETS_TLS_KEYLOG, c->secrets,
			                          (uint32_t)c->nsecrets);
	}
	pthread_mutex_unlock(&c->lock);
	if (rc < 0 && !c->w.err)
		c->w.err = errno ? errno : EIO;
	return rc;
}

static void finish(struct cap_ctx *x)
{
	struct capture *c = x->c;
	struct pcap_stat ps;

	if (pcap_stats(c->pc, &ps) == 0) {
		c->st.recv = ps.ps_recv;
		c->st.drop = ps.ps_drop;
		c->st.ifdrop = ps.ps_ifdrop;
	}
	c->st.close_seen = x->t.done;
	if (c->out && !c->file_failed &&
	    (write_secrets(c) < 0 ||
	     pcapng_write_stats(&c->w, real_ns(), c->st.recv, c->st.ifdrop, c->st.drop) < 0 ||
	     pcapng_flush(&c->w) < 0))
		file_error(c);
}

static void *capture_thread(void *arg)
{
	struct cap_ctx x = { .c = arg };

	x.nano = pcap_get_tstamp_precision(x.c->pc) == PCAP_TSTAMP_PRECISION_NANO;
	run_loop(&x);
	drain(&x);
	finish(&x);
	return NULL;
}

/* The file's SHB comment: which filter decided what is in it.  Flushed at
 * once: a file that cannot be written fails before the first SYN. */
static int start_file(struct capture *c, FILE *out)
{
	char comment[700];

	c->out = out;
	if (!out)
		return 0;
	snprintf(comment, sizeof comment, "captured by smtptrace on %s, filter: %s",
	         c->ifname, c->filter);
	if (pcapng_open(&c->w, out, c->linktype, (uint32_t)pcap_snapshot(c->pc),
	                c->ifname, comment) < 0 || pcapng_flush(&c->w) < 0) {
		file_error(c);
		return -1;
	}
	return 0;
}

int capture_start(struct capture *c, FILE *out)
{
	sigset_t all, old;
	int rc;

	if (!c->pc || c->running)
		return -1;
	if (start_file(c, out) < 0)
		return -1;
	if (pipe2(c->stop_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		cap_set_err(c, "capture: pipe: %s", strerror(errno));
		return -1;
	}
	/* signals (Ctrl-C) belong to the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thr, NULL, capture_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		cap_set_err(c, "capture: cannot start the thread: %s", strerror(rc));
		return -1;
	}
	c->running = 1;
	return 0;
}

int capture_stop(struct capture *c)
{
	char b = 1;

	if (!c->running)
		return c->err[0] ? -1 : 0;
	while (write(c->stop_pipe[1], &b, 1) < 0 && errno == EINTR)
		;
	pthread_join(c->thr, NULL);
	c->running = 0;
	return c->err[0] ? -1 : 0;
}

void capture_free(struct capture *c)
{
	if (!c)
		return;
	if (c->running)
		capture_stop(c);
	for (size_t i = 0; i < c->nframes; i++)
		free(c->frames[i].data);
	free(c->frames);
	for (int i = 0; i < 2; i++)
		if (c->stop_pipe[i] >= 0)
			close(c->stop_pipe[i]);
	if (c->pc)
		pcap_close(c->pc);
	pthread_mutex_destroy(&c->lock);
	free(c->secrets);
	free(c);
}

int capture_add_secrets(struct capture *c, const void *keylog, size_t len)
{
	int rc = -1;

	pthread_mutex_lock(&c->lock);
	if (len <= 0x100000 - c->nsecrets) {            /* 1 MiB of key log at most */
		c->secrets = xrealloc(c->secrets, c->nsecrets + len + 1);
		memcpy(c->secrets + c->nsecrets, keylog, len);
		c->nsecrets += len;
		rc = 0;
	}
	pthread_mutex_unlock(&c->lock);
	return rc;
}

int capture_file_failed(const struct capture *c)
{
	return c->file_failed;
}

const char *capture_error(const struct capture *c)
{
	return c->err;
}

const char *capture_ifname(const struct capture *c)
{
	return c->ifname;
}

int capture_linktype(const struct capture *c)
{
	return c->linktype;
}

size_t capture_nframes(const struct capture *c)
{
	return c->nframes;
}

const struct cap_frame *capture_frame(const struct capture *c, size_t i)
{
	return i < c->nframes ? &c->frames[i] : NULL;
}

void capture_get_stats(const struct capture *c, struct capture_stats *st)
{
	*st = c->st;
}
