/* cmd-send.c - `smtptrace send`: the steps in order.  Build the message
 * (send-input.c), resolve, find the route, bind the socket, open the
 * capture with its filter (before the first SYN can leave) and its file
 * (capfile.c), optionally flush the next hop's neighbour entry, drop
 * privileges and capabilities, run the client, stop the capture once the
 * TCP close is seen, settle the exit code, and print the timeline computed
 * from the captured packets by the same engine as `analyze`.  Every step
 * returns 0 or an exit code; one cleanup path frees what was made. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "capture.h"
#include "client.h"
#include "engine.h"
#include "netroute.h"
#include "send-int.h"

static volatile sig_atomic_t client_fd = -1;
static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t started;    /* the capture or the dialogue runs */

/* Ctrl-C: end the dialogue (the client sees the socket shut), keep the
 * capture and the timeline of what happened.  Before the capture runs there
 * is nothing to keep: stop at once (a name lookup may block for seconds). */
static void on_signal(int sig)
{
	static const char msg[] = "smtptrace: interrupted before connecting\n";

	(void)sig;
	if (!started) {
		ssize_t n = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)n;
		_exit(EX_INTERRUPTED);
	}
	interrupted = 1;
	if (client_fd >= 0)
		shutdown(client_fd, SHUT_RDWR);
}

struct send_run {
	struct send_args *a;
	struct send_input in;
	struct addrinfo *ai;
	struct route_info ri;
	int have_route;
	char nh[INET6_ADDRSTRLEN];     /* the next hop, printable ("" unknown) */
	int fd;
	struct sockaddr_storage local;
	struct capture *cap;
	FILE *out;
	char path[PATH_MAX];
	int saved;                     /* the capture file is complete */
	char file_err[PATH_MAX + 128]; /* why it is not */
	int neigh_cached, fresh_arp;
	struct privs_target who;       /* whom to become once capturing */
	struct client_result res;
};

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int resolve(struct send_run *r)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG };
	int g = getaddrinfo(r->in.host, r->in.port, &hints, &r->ai);

	if (g)
		return st_fail(EX_RESOLVE, "cannot resolve %s: %s", r->in.host, gai_strerror(g));
	return 0;
}

/* The route, the interface, the next hop (needed to capture). */
static int find_route(struct send_run *r)
{
	char err[256];
	const struct sockaddr *nh = (const struct sockaddr *)&r->ri.nexthop;
	const void *ip = nh->sa_family == AF_INET6
	                 ? (const void *)&((const struct sockaddr_in6 *)nh)->sin6_addr
	                 : (const void *)&((const struct sockaddr_in *)nh)->sin_addr;

	r->have_route = route_lookup(r->ai->ai_addr, &r->ri, err, sizeof err) == 0;
	if (!r->have_route)
		return r->a->no_capture ? 0 : st_fail(EX_CONNECT, "%s", err);
	if (!inet_ntop(nh->sa_family, ip, r->nh, sizeof r->nh))
		r->nh[0] = '\0';
	return 0;
}

/* The socket, bound first so the capture filter can name its port. */
static int make_socket(struct send_run *r)
{
	const struct sockaddr_storage *src = &r->ri.src;
	socklen_t slen = src->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
	                                            : sizeof(struct sockaddr_in);
	socklen_t llen = sizeof r->local;

	r->fd = socket(r->ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		return st_fail(EX_INTERNAL, "socket: %s", strerror(errno));
	if (r->have_route && src->ss_family == r->ai->ai_family &&
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

static int open_capture(struct send_run *r)
{
	char err[512];
	struct capture_opts co = {
		.ifname = r->a->iface ? r->a->iface : r->ri.ifname,
		.local = (const struct sockaddr *)&r->local, .remote = r->ai->ai_addr,
		.nexthop = r->ri.loopback ? NULL : (const struct sockaddr *)&r->ri.nexthop,
		.expect_bytes = r->in.msg8_len > r->in.msg_len ? r->in.msg8_len : r->in.msg_len,
	};

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
static int setup(struct send_run *r)
{
	char err[256];
	int rc = 0;

	if (!r->a->no_capture && ((rc = neighbour(r)) || (rc = open_capture(r))))
		return rc;
	if (privs_apply(&r->who, err, sizeof err))
		return st_fail(EX_INTERNAL, "%s", err);
	if (r->cap && capture_start(r->cap, r->out))
		return st_fail(EX_CAPTURE, "%s", capture_error(r->cap));
	started = r->cap != NULL;
	return 0;
}

/* What the client is given: the same for the check and the run. */
static void client_options(const struct send_run *r, struct client_opts *co)
{
	const struct send_args *a = r->a;

	*co = (struct client_opts){
		.helo = a->helo, .from = a->from, .to = a->to, .nto = a->nto,
		.msg = r->in.msg, .msg_len = r->in.msg_len,
		.msg8 = r->in.msg8, .msg8_len = r->in.msg8_len,
		.pipeline = a->pipeline, .quit_after = a->quit_after,
		.transcript = a->quiet ? NULL : a->oo.format == OUT_JSON ? stderr : stdout,
		.color = a->oo.color, .interrupted = &interrupted,
		.server_name = r->in.host, .tls = a->tls,
	};
	client_default_timeouts(&co->to_s);
	if (a->timeout > 0)
		client_set_all_timeouts(&co->to_s, a->timeout);
}

/* RFC 5321's limits on the addresses and the EHLO name: a usage error
 * before anything is sent. */
static int check_limits(struct send_run *r)
{
	char err[256];
	struct client_opts co;

	client_options(r, &co);
	int code = client_check_args(&co, err, sizeof err);
	return code ? st_fail(code, "%s", err) : 0;
}

static int converse(struct send_run *r)
{
	struct client_opts co;

	client_options(r, &co);
	/* a live transcript: each line as it happens, also into a pipe */
	setvbuf(r->a->oo.format == OUT_JSON ? stderr : stdout, NULL, _IOLBF, 0);
	started = 1;
	client_fd = r->fd;
	int rc = client_run(r->fd, r->ai->ai_addr, r->ai->ai_addrlen, &co, &r->res);
	client_fd = -1;
	r->fd = -1;                    /* client_run closed it */
	return rc;
}

/* Stop the capture and close its file: what is saved is known before the
 * timeline says "Saved:" (or, when the file failed, does not). */
static void end_capture(struct send_run *r)
{
	/* the session's TLS secrets go into the pcapng (a Decryption Secrets
	 * Block), so Wireshark and tshark decrypt it with no setup */
	if (r->res.tls.keylog_len &&
	    capture_add_secrets(r->cap, r->res.tls.keylog, r->res.tls.keylog_len) != 0)
		st_fail(0, "capture: the TLS secrets could not be added to %s", r->path);
	int stop = capture_stop(r->cap), failed = capture_file_failed(r->cap);

	if (stop && !failed)
		st_fail(0, "capture: %s", capture_error(r->cap));
	if (fclose(r->out) != 0 && !failed) {
		snprintf(r->file_err, sizeof r->file_err, "writing the capture file %s: %s",
		         r->path, strerror(errno));
		failed = 1;
	} else if (failed)
		snprintf(r->file_err, sizeof r->file_err, "%s: %s", r->path, capture_error(r->cap));
	r->out = NULL;
	r->saved = !failed;
}

/* The one exit code, also the one the JSON reports: Ctrl-C at any stage is
 * 130; a capture that could not be written is 70; else the dialogue's. */
static void settle(struct send_run *r)
{
	struct client_result *res = &r->res;

	if (r->file_err[0] && res->error[0])    /* both said, the dialogue's last */
		st_fail(0, "%s", r->file_err);
	if (res->exit_code == EX_INTERRUPTED)
		return;                         /* the client said where */
	if (interrupted) {                      /* e.g. the reset of our own connect */
		res->exit_code = EX_INTERRUPTED;
		snprintf(res->error, sizeof res->error, "interrupted%s",
		         res->stage == STAGE_CONNECT ? " while connecting"
		         : res->stage == STAGE_DONE ? " after the dialogue" : "");
	} else if (r->file_err[0]) {
		res->exit_code = EX_INTERNAL;
		if (!res->error[0]) {           /* cut to fit */
			size_t n = strnlen(r->file_err, sizeof res->error - 1);
			memcpy(res->error, r->file_err, n);
			res->error[n] = '\0';
		}
	}
}

/* What the sender knows, for the timeline (H-timeline fills the rest). */
static void fill_sender(const struct send_run *r, struct sender_info *si)
{
	struct capture_stats st = { 0 };

	if (r->cap)
		capture_get_stats(r->cap, &st);
	*si = (struct sender_info){
		.sent = r->res.sent, .nsent = r->res.nsent, .server_arg = r->a->server,
		.ifname = r->cap ? capture_ifname(r->cap) : r->have_route ? r->ri.ifname : NULL,
		.nexthop = r->nh[0] ? r->nh : NULL,
		.via_gateway = r->ri.via_gateway, .loopback = r->ri.loopback,
		.neigh_cached = r->neigh_cached, .fresh_arp = r->fresh_arp,
		.ps_recv = st.recv, .ps_drop = st.drop, .ps_ifdrop = st.ifdrop,
		.capture_file = r->saved ? r->path : NULL, .has_result = 1,
		.exit_code = r->res.exit_code, .stage = r->res.stage,
		.error = r->res.error[0] ? r->res.error : NULL,
		.server_port = atoi(r->in.port),
	};
}

/* The timeline (or, without a capture, the JSON document alone). */
static void run_engine(const struct send_run *r)
{
	struct sender_info si;
	struct engine_opts o = r->a->eo;

	fill_sender(r, &si);
	o.sender = &si;
	if (!o.port)                   /* we know which port is SMTP */
		o.port = si.server_port;
	struct engine_sink sink;
	out_open(&r->a->oo, &sink);
	o.sinks = &sink;
	o.nsinks = 1;
	struct engine *e = engine_new(&o, r->cap ? capture_linktype(r->cap) : 1);
	size_t n = r->cap ? capture_nframes(r->cap) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct cap_frame *f = capture_frame(r->cap, i);
		engine_frame(e, f->ts_ns, f->data, f->caplen, f->wirelen);
	}
	engine_finish(e);
	engine_free(e);
	out_close(&sink);
}

static void report(struct send_run *r)
{
	struct capture_stats st = { 0 };

	if (r->cap) {
		if (r->a->oo.format == OUT_TEXT && !r->a->quiet)
			fputs("\n", stdout);
		capture_get_stats(r->cap, &st);
	}
	if (r->cap || r->a->oo.format == OUT_JSON)
		run_engine(r);
	if (st.drop || st.ifdrop)
		st_fail(0, "warning: %llu packets dropped by the kernel, %llu by the interface: "
		        "the timeline may be incomplete",
		        (unsigned long long)st.drop, (unsigned long long)st.ifdrop);
	if (r->res.error[0])
		st_fail(0, "%s", r->res.error);
}

/* After the dialogue: the capture, the exit code, the timeline, and
 * whether standard output took it all. */
static int finish(struct send_run *r)
{
	if (r->cap)
		end_capture(r);
	settle(r);
	/* the capture is saved and the exit code told: from here on Ctrl-C
	 * just ends the output, as for any filter (killed by SIGINT: 130) */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	report(r);
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		st_fail(0, "writing the output: %s", errno ? strerror(errno) : "a write failed");
		return r->res.exit_code == EX_INTERRUPTED ? EX_INTERRUPTED : EX_INTERNAL;
	}
	return r->res.exit_code;
}

static void cleanup(struct send_run *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->out)
		fclose(r->out);
	capture_free(r->cap);
	client_result_free(&r->res);
	if (r->ai)
		freeaddrinfo(r->ai);
	send_input_free(&r->in);
}

static int load_input(struct send_run *r)
{
	return send_input_load(r->a, &r->in);
}

/* Whom to become, decided once: the capture file is made theirs. */
static int plan_privileges(struct send_run *r)
{
	char err[256];

	return privs_target(r->a->user, &r->who, err, sizeof err) ? st_fail(EX_USAGE_, "%s", err) : 0;
}

/* Everything before the first packet, in order; each returns 0 or an exit
 * code (its message printed). */
static int (*const before_connect[])(struct send_run *) = {
	load_input, plan_privileges, check_limits, resolve, find_route, make_socket, setup,
};

int send_mail(struct send_args *a)
{
	static struct send_run r;
	int rc = 0;

	memset(&r, 0, sizeof r);
	r.a = a;
	r.fd = -1;
	catch_signals();
	for (size_t i = 0; !rc && i < sizeof before_connect / sizeof before_connect[0]; i++)
		rc = before_connect[i](&r);
	if (!rc && interrupted)         /* between the capture's start and connect */
		rc = st_fail(EX_INTERRUPTED, "interrupted before connecting");
	if (!rc) {
		converse(&r);
		rc = finish(&r);
	}
	cleanup(&r);
	return rc;
}
