/* capture.c - the capture thread.
 *
 * capture_open() attaches the BPF filter before it returns, so whatever the
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
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "capture.h"
#include "decode.h"
#include "tcp-track.h"

#define CAP_SNAPLEN     262144
#define CAP_BUFSIZE     (64 * 1024 * 1024)
#define POLL_MS         50
#define DRAIN_PAUSE_MS  10
#define DEFAULT_LINGER  0.3

/* ---- the TCP close, by the engine's TCP state machine (no stream, no
 * checksums: cheap enough for every captured frame) ---- */

/* Direction 0 is the side that sent the first TCP segment we saw (the
 * client's SYN, normally), 1 the other side. */
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
	if (!t->have_port) {
		t->have_port = 1;
		t->port0 = p.sport;
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
__attribute__((format(printf, 2, 3)))
static void set_err(struct capture *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
}

/* Address and port of a sockaddr as text; 0 when not IPv4/IPv6. */
static int sa_text(const struct sockaddr *sa, char *buf, size_t len,
                   unsigned *port)
{
	const void *a;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)sa;
		a = &s->sin_addr;
		*port = ntohs(s->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)sa;
		a = &s->sin6_addr;
		*port = ntohs(s->sin6_port);
	} else {
		return 0;
	}
	return inet_ntop(sa->sa_family, a, buf, (socklen_t)len) != NULL;
}

/* The filter for exactly this exchange.  A local port of 0 (not bound
 * yet) leaves that term out.  0 ok, -1 bad address. */
static int build_filter(struct capture *c, const struct sockaddr *local,
                        const struct sockaddr *remote,
                        const struct sockaddr *nexthop)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN], nh[INET6_ADDRSTRLEN];
	char tcp[256], lport[32] = "";
	unsigned lp, rp, np;
	int n;

	if (!sa_text(local, l, sizeof l, &lp) || !sa_text(remote, r, sizeof r, &rp) ||
	    local->sa_family != remote->sa_family)
		return -1;
	if (lp)
		snprintf(lport, sizeof lport, " and tcp port %u", lp);
	snprintf(tcp, sizeof tcp, "host %s and host %s%s and tcp port %u",
	         l, r, lport, rp);
	if (!nexthop)           /* loopback: no ARP / ND */
		n = snprintf(c->filter, sizeof c->filter, "%s", tcp);
	else if (!sa_text(nexthop, nh, sizeof nh, &np))
		return -1;
	else if (nexthop->sa_family == AF_INET)
		n = snprintf(c->filter, sizeof c->filter,
		             "(arp and arp host %s) or (%s)", nh, tcp);
	else    /* neighbour solicitation / advertisement, no extension headers */
		n = snprintf(c->filter, sizeof c->filter,
		             "(icmp6 and (ip6[40] == 135 or ip6[40] == 136)) or (%s)", tcp);
	return n > 0 && (size_t)n < sizeof c->filter ? 0 : -1;
}

static int activate_error(struct capture *c, int rc)
{
	const char *why = pcap_geterr(c->pc);

	if (rc == PCAP_ERROR_PERM_DENIED)
		set_err(c, "capture on %s needs root or CAP_NET_RAW: run with sudo, "
		        "or grant it: sudo setcap cap_net_raw,cap_net_admin=eip "
		        "./smtptrace", c->ifname);
	else if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
		set_err(c, "capture on %s: no such interface", c->ifname);
	else if (rc == PCAP_ERROR_IFACE_NOT_UP)
		set_err(c, "capture on %s: interface is down", c->ifname);
	else
		set_err(c, "capture on %s: %s", c->ifname,
		        why && *why ? why : pcap_statustostr(rc));
	return -1;
}

/* pcap_set_* before activation only fail on an already active handle;
 * the tstamp precision may be unsupported, then we get microseconds. */
static int activate(struct capture *c)
{
	int rc;

	pcap_set_snaplen(c->pc, CAP_SNAPLEN);
	pcap_set_immediate_mode(c->pc, 1);
	pcap_set_tstamp_precision(c->pc, PCAP_TSTAMP_PRECISION_NANO);
	pcap_set_buffer_size(c->pc, CAP_BUFSIZE);
	pcap_set_promisc(c->pc, 0);
	rc = pcap_activate(c->pc);
	return rc < 0 ? activate_error(c, rc) : 0;   /* > 0: warnings, fine */
}

static int set_filter(struct capture *c)
{
	struct bpf_program prog;

	if (pcap_compile(c->pc, &prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
		set_err(c, "capture filter \"%s\": %s", c->filter, pcap_geterr(c->pc));
		return -1;
	}
	if (pcap_setfilter(c->pc, &prog) < 0) {
		pcap_freecode(&prog);
		set_err(c, "capture on %s: setting the filter: %s", c->ifname,
		        pcap_geterr(c->pc));
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

int capture_open(struct capture *c, const char *ifname,
                 const struct sockaddr *local, const struct sockaddr *remote,
                 const struct sockaddr *nexthop)
{
	char errbuf[PCAP_ERRBUF_SIZE] = "";
	double linger = c->linger;      /* the one field a caller may preset */

	memset(c, 0, sizeof *c);
	c->stop_pipe[0] = c->stop_pipe[1] = -1;
	c->linger = linger > 0 && linger < 3600 ? linger : DEFAULT_LINGER;
	snprintf(c->ifname, sizeof c->ifname, "%s", ifname);
	if (build_filter(c, local, remote, nexthop) < 0) {
		set_err(c, "capture on %s: bad address for the filter", c->ifname);
		return -1;
	}
	c->pc = pcap_create(ifname, errbuf);
	if (!c->pc) {
		set_err(c, "capture on %s: %s", c->ifname, errbuf);
		return -1;
	}
	if (activate(c) < 0 || set_filter(c) < 0)
		goto fail;
	if (pcap_setnonblock(c->pc, 1, errbuf) < 0) {
		set_err(c, "capture on %s: %s", c->ifname, errbuf);
		goto fail;
	}
	if (pcap_get_selectable_fd(c->pc) < 0) {
		set_err(c, "capture on %s: no selectable descriptor", c->ifname);
		goto fail;
	}
	c->linktype = pcap_datalink(c->pc);
	return 0;
fail:
	pcap_close(c->pc);
	c->pc = NULL;
	return -1;
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

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct cap_ctx *x = (struct cap_ctx *)(void *)user;
	struct capture *c = x->c;
	uint64_t ts = (uint64_t)h->ts.tv_sec * 1000000000u +
	              (uint64_t)h->ts.tv_usec * (x->nano ? 1u : 1000u);

	if (!x->oom && keep_frame(x, ts, h, bytes) < 0) {
		x->oom = 1;     /* the file still gets every frame */
		set_err(c, "capture: out of memory after %zu frames", c->nframes);
	}
	if (c->out)
		pcapng_write_packet(&c->w, ts, bytes, h->caplen, h->len, NULL);
	track_frame(&x->t, c->linktype, ts, bytes, h->caplen, h->len);
}

/* Read what libpcap has now.  Returns packets handled, -1 on error. */
static int dispatch(struct cap_ctx *x)
{
	int n = pcap_dispatch(x->c->pc, -1, on_packet, (u_char *)x);

	if (n == PCAP_ERROR)
		set_err(x->c, "capture on %s: %s", x->c->ifname, pcap_geterr(x->c->pc));
	return n < 0 ? -1 : n;
}

/* After the end: take what the kernel still holds, twice, with a short
 * pause in between for frames still on their way through the stack. */
static void drain(struct cap_ctx *x)
{
	for (int round = 0; round < 2; round++) {
		while (dispatch(x) > 0)
			;
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
			set_err(c, "capture: poll: %s", strerror(errno));
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

static void finish(struct cap_ctx *x)
{
	struct capture *c = x->c;
	struct pcap_stat ps;

	if (pcap_stats(c->pc, &ps) == 0) {
		c->ps_recv = ps.ps_recv;
		c->ps_drop = ps.ps_drop;
		c->ps_ifdrop = ps.ps_ifdrop;
	}
	c->close_seen = x->t.done;
	if (c->out) {
		pcapng_write_stats(&c->w, real_ns(), c->ps_recv, c->ps_drop);
		if (pcapng_flush(&c->w) < 0)
			set_err(c, "capture file: %s", strerror(c->w.err));
	}
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

/* The file's SHB comment: which filter decided what is in it. */
static int start_file(struct capture *c, FILE *out)
{
	char comment[700];

	c->out = out;
	if (!out)
		return 0;
	snprintf(comment, sizeof comment, "captured by smtptrace on %s, filter: %s",
	         c->ifname, c->filter);
	if (pcapng_open(&c->w, out, c->linktype, (uint32_t)pcap_snapshot(c->pc),
	                c->ifname, comment) < 0) {
		set_err(c, "capture file: %s", strerror(c->w.err));
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
		set_err(c, "capture: pipe: %s", strerror(errno));
		return -1;
	}
	/* signals (Ctrl-C) belong to the main thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&c->thr, NULL, capture_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		set_err(c, "capture: cannot start the thread: %s", strerror(rc));
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
	if (c->running)
		capture_stop(c);
	for (size_t i = 0; i < c->nframes; i++)
		free(c->frames[i].data);
	free(c->frames);
	c->frames = NULL;
	c->nframes = c->cap = 0;
	if (!c->pc)
		return;         /* never opened: stop_pipe may be {0, 0} */
	for (int i = 0; i < 2; i++) {
		if (c->stop_pipe[i] >= 0)
			close(c->stop_pipe[i]);
		c->stop_pipe[i] = -1;
	}
	pcap_close(c->pc);
	c->pc = NULL;
}
