/* send-steps.c - the steps before a traced dialogue, shared by `send` and
 * `telnet`: signals, where to connect (the domain's MX or the server's
 * addresses, looked up before or - captured - once capturing), the route,
 * the socket bound first so the filter can name its port, the capture with
 * its filter and file, the neighbour entry, privileges dropped, and
 * connecting to the first address that answers. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "connect.h"
#include "send-int.h"
#include "util-addr.h"

volatile sig_atomic_t run_fd = -1;
volatile sig_atomic_t run_interrupted;
volatile sig_atomic_t run_started;    /* the capture or the dialogue runs */

/* Ctrl-C: end the dialogue (the client sees the socket shut), keep the
 * capture and the timeline of what happened.  Before the capture runs there
 * is nothing to keep: stop at once (a name lookup may block for seconds). */
static void on_signal(int sig)
{
	static const char msg[] = "smtptrace: interrupted before connecting\n";

	(void)sig;
	if (!run_started) {
		ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)n;
		_exit(EX_INTERRUPTED);
	}
	run_interrupted = 1;
	if (run_fd >= 0)
		shutdown(run_fd, SHUT_RDWR);
}

void run_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

FILE *run_transcript(const struct send_run *r)
{
	return r->a->quiet ? NULL : r->a->oo.format == OUT_JSON ? stderr : stdout;
}

/* The lookup itself: the domain's MX hosts, or --server's addresses. */
int run_lookup(struct send_run *r, FILE *log, char *err, size_t errlen)
{
	struct send_input *in = &r->in;

	if (in->by_mx)
		return dns_mail_target(in->host, in->port, log, &r->tg, err, errlen);
	return dns_host_target(in->host, in->port, log, &r->tg, err, errlen);
}

/* Is host an address (no DNS)? */
static int is_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* When the capture can see the resolver (not on loopback), the names are
 * looked up once capturing, so the DNS exchange is in the trace; else now. */
int run_resolve(struct send_run *r)
{
	char err[512];
	struct route_info ri;
	int rc;

	if (!is_literal(r->in.host) && !r->a->no_capture && dns_resolver(&r->resolver) == 0 &&
	    route_lookup((const struct sockaddr *)&r->resolver, &ri, err, sizeof err) == 0) {
		if (!ri.loopback) {
			r->late_dns = r->wide = 1;
			return 0;
		}
		if (run_transcript(r))
			fprintf(run_transcript(r), "=== the resolver is on loopback: "
			        "the DNS lookup is not on the wire, not captured\n");
	}
	if ((rc = run_lookup(r, is_literal(r->in.host) ? NULL : run_transcript(r), err, sizeof err)))
		return st_fail(rc, "%s", err);
	r->wide = r->tg.n > 1;
	return 0;
}

/* The address the route is looked up for: the resolver, or the server. */
static const struct sockaddr *dest(const struct send_run *r)
{
	return (const struct sockaddr *)(r->late_dns ? &r->resolver : &r->tg.a[0].sa);
}

/* The route, the interface, the next hop (needed to capture). */
int run_find_route(struct send_run *r)
{
	char err[256];
	const struct sockaddr *nh = (const struct sockaddr *)&r->ri.nexthop;

	r->have_route = route_lookup(dest(r), &r->ri, err, sizeof err) == 0;
	if (!r->have_route)
		return r->a->no_capture ? 0 : st_fail(EX_CONNECT, "%s", err);
	if (addr_sockaddr(nh, r->nh, sizeof r->nh, NULL) < 0)
		r->nh[0] = '\0';
	return 0;
}

/* The socket, bound first so the capture filter can name its port (one
 * address known: else each address gets its own socket when tried). */
int run_make_socket(struct send_run *r)
{
	if (r->wide)
		return 0;
	const struct sockaddr_storage *src = &r->ri.src;
	socklen_t slen = src->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                            : sizeof(struct sockaddr_in);
	socklen_t llen = sizeof r->local;

	int family = r->tg.a[0].sa.ss_family;

	r->fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		return st_fail(EX_INTERNAL, "socket: %s", strerror(errno));
	if (r->have_route && src->ss_family == family &&
	    bind(r->fd, (const struct sockaddr *)src, slen))
		return st_fail(EX_CONNECT, "bind to the route's source address: %s", strerror(errno));
	if (getsockname(r->fd, (struct sockaddr *)&r->local, &llen))
		return st_fail(EX_INTERNAL, "getsockname: %s", strerror(errno));
	return 0;
}

/* Before the capture opens (CAP_NET_ADMIN is dropped after): note whether
 * the next hop is cached, or delete it with --fresh-arp. */
static int neighbour(struct send_run *r)
{
	char err[256];

	if (!r->have_route || r->ri.loopback)
		return 0;
	if (!r->a->fresh_arp) {
		r->neigh_cached = neigh_present(&r->ri) == 1;
		return 0;
	}
	if (neigh_delete(&r->ri, err, sizeof err) < 0)
		return st_fail(EX_CAPTURE, "--fresh-arp: %s", err);
	r->fresh_arp = 1;
	return 0;
}

/* Any host on the server's port, for a capture that takes several. */
static void any_host(const struct send_run *r, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	ss->ss_family = r->local.ss_family;
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)atoi(r->in.port));
	else
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)atoi(r->in.port));
}

/* The addresses are not known before the lookup and may be of either
 * family: this interface's source address in the other family too (the one
 * the kernel would use for a documentation address: a route lookup only,
 * nothing is sent), when it is on the same interface.  NULL when none. */
static const struct sockaddr *other_family_source(struct send_run *r, const char *ifname)
{
	static struct sockaddr_storage probe;
	struct route_info ri;
	char err[256];

	memset(&probe, 0, sizeof probe);
	if (r->local.ss_family == AF_INET) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&probe;
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::1", &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&probe;
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, "192.0.2.1", &s4->sin_addr);
	}
	if (route_lookup((const struct sockaddr *)&probe, &ri, err, sizeof err) ||
	    ri.loopback || strcmp(ri.ifname, ifname))
		return NULL;
	memcpy(&r->local2, &ri.src, sizeof r->local2);
	return (const struct sockaddr *)&r->local2;
}

static int open_capture(struct send_run *r)
{
	char err[512];
	struct sockaddr_storage any;
	struct capture_opts co = {
		.ifname = r->a->iface ? r->a->iface : r->ri.ifname,
		.local = (const struct sockaddr *)&r->local,
		.remote = (const struct sockaddr *)&r->tg.a[0].sa,
		.nexthop = r->ri.loopback ? NULL : (const struct sockaddr *)&r->ri.nexthop,
		.dns = r->late_dns ? (const struct sockaddr *)&r->resolver : NULL,
		.any_remote = r->wide, .expect_bytes = r->in.msg8_len > r->in.msg_len ? r->in.msg8_len : r->in.msg_len,
	};

	if (r->wide) {
		if (r->have_route)      /* the route's source: the kernel's choice */
			memcpy(&r->local, &r->ri.src, sizeof r->local);
		any_host(r, &any);
		co.remote = (const struct sockaddr *)&any;
		co.local2 = other_family_source(r, co.ifname);
	}

	r->cap = capture_new(&co, err, sizeof err);
	if (!r->cap) {
		st_fail(EX_CAPTURE, "%s", err);
		return st_fail(EX_CAPTURE, "(--no-capture sends without capturing)");
	}
	r->out = capfile_open(r->a, &r->who, r->in.host, r->path, sizeof r->path, err, sizeof err);
	if (!r->out)
		return st_fail(EX_CAPTURE, "%s", err);
	return 0;
}

/* Capture (if asked), then no more privileges, then the thread. */
int run_setup(struct send_run *r)
{
	char err[256];
	int rc = 0;

	if (!r->a->no_capture && ((rc = neighbour(r)) || (rc = open_capture(r))))
		return rc;
	if (privs_apply(&r->who, err, sizeof err))
		return st_fail(EX_INTERNAL, "%s", err);
	if (r->cap && capture_start(r->cap, r->out))
		return st_fail(EX_CAPTURE, "%s", capture_error(r->cap));
	run_started = r->cap != NULL;
	return 0;
}

/* Whom to become, decided once: the capture file is made theirs. */
int run_plan_privileges(struct send_run *r)
{
	char err[256];

	return privs_target(r->a->user, &r->who, err, sizeof err) ? st_fail(EX_USAGE_, "%s", err) : 0;
}

/* The dialogue did not start: a lookup or every connect failed. */
int run_not_started(struct send_run *r, int code, enum smtp_stage stage, const char *err)
{
	r->res.exit_code = code;
	r->res.stage = stage;
	snprintf(r->res.error, sizeof r->res.error, "%s", err);
	if (run_transcript(r))
		fprintf(run_transcript(r), "*** %s\n", err);
	return code;
}

int run_connect(struct send_run *r, double timeout, FILE *log)
{
	char err[512];
	size_t which = 0;
	int rc;

	if (r->late_dns && (rc = run_lookup(r, log, err, sizeof err)))
		return run_not_started(r, rc, STAGE_RESOLVE, err);
	struct connect_try ct = {
		.t = &r->tg, .timeout = timeout, .log = log, .first_fd = r->fd,
		.fd_slot = &run_fd, .interrupted = &run_interrupted,
	};
	r->fd = -1;                     /* connect_any owns it now */
	if ((rc = connect_any(&ct, &r->fd, &which, err, sizeof err)))
		return run_not_started(r, rc, STAGE_CONNECT, err);
	struct sockaddr_storage me;
	socklen_t mlen = sizeof me;
	char ip[INET6_ADDRSTRLEN];
	if (!getsockname(r->fd, (struct sockaddr *)&me, &mlen))
		addr_sockaddr((const struct sockaddr *)&me, ip, sizeof ip, &r->conn_port);
	return 0;
}
