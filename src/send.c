/* send.c - `smtptrace send`: build the message, find the route, open the
 * capture with its filter (before the first SYN can leave), optionally
 * flush the next hop's neighbour entry, drop privileges, run the client,
 * stop the capture once the TCP close is seen, and print the timeline
 * computed from the captured packets by the same engine as `analyze`. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "capture.h"
#include "client.h"
#include "engine.h"
#include "msg.h"
#include "netroute.h"
#include "smtptrace.h"

static volatile sig_atomic_t client_fd = -1;
static volatile sig_atomic_t interrupted;

/* Ctrl-C: end the dialogue (the client sees the socket shut), keep the
 * capture and the timeline of what happened. */
static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
	if (client_fd >= 0)
		shutdown(client_fd, SHUT_RDWR);
}

static int fail(int code, const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "smtptrace: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return code;
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
		if (n == cap) {
			char *m = realloc(buf, cap *= 2);
			if (!m) {
				free(buf);
				return NULL;
			}
			buf = m;
		}
	}
	if (buf && ferror(f)) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static int load_body(const struct send_args *a, char **body, size_t *len)
{
	if (a->body) {
		*len = strlen(a->body);
		*body = malloc(*len + 1);
		if (!*body)
			return EX_INTERNAL;
		memcpy(*body, a->body, *len + 1);
		return 0;
	}
	FILE *f = stdin;
	const char *name = "standard input";
	if (a->body_file && strcmp(a->body_file, "-")) {
		name = a->body_file;
		if (!(f = fopen(a->body_file, "rb")))
			return fail(EX_USAGE_, "--body-file %s: %s", a->body_file, strerror(errno));
	} else if (isatty(STDIN_FILENO))
		fprintf(stderr, "smtptrace: reading the message body from the terminal; end it with Ctrl-D\n");
	*body = read_all(f, len);
	if (f != stdin)
		fclose(f);
	if (!*body)
		return fail(EX_USAGE_, "reading the body from %s: %s", name, strerror(errno));
	return 0;
}

/* HOST, HOST:PORT, [V6]:PORT, bare V6 */
static int split_server(const char *arg, char *host, size_t hcap, char *port, size_t pcap)
{
	const char *colon = strrchr(arg, ':');
	snprintf(port, pcap, "25");
	if (arg[0] == '[') {
		const char *rb = strchr(arg, ']');
		if (!rb || (rb[1] && rb[1] != ':'))
			return -1;
		snprintf(host, hcap, "%.*s", (int)(rb - arg - 1), arg + 1);
		if (rb[1] == ':')
			snprintf(port, pcap, "%s", rb + 2);
	} else if (colon && strchr(arg, ':') == colon) {
		snprintf(host, hcap, "%.*s", (int)(colon - arg), arg);
		snprintf(port, pcap, "%s", colon + 1);
	} else
		snprintf(host, hcap, "%s", arg);
	char *end;
	long p = strtol(port, &end, 10);
	return host[0] && port[0] && !*end && p > 0 && p < 65536 ? 0 : -1;
}

static void addr_str(const struct sockaddr *sa, char *out, size_t cap)
{
	const void *a = sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
	                                         : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (!inet_ntop(sa->sa_family, a, out, (socklen_t)cap))
		snprintf(out, cap, "?");
}

static FILE *open_capture_file(const struct send_args *a, const char *host, char *path, size_t cap)
{
	if (a->out_file)
		snprintf(path, cap, "%s", a->out_file);
	else {
		char stamp[32], safe[128];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		size_t i = 0;
		for (; host[i] && i + 1 < sizeof safe; i++)
			safe[i] = (host[i] == '.' || host[i] == '-' || (host[i] >= '0' && host[i] <= '9') ||
			           (host[i] >= 'a' && host[i] <= 'z') || (host[i] >= 'A' && host[i] <= 'Z'))
			          ? host[i] : '_';
		safe[i] = '\0';
		if (mkdir("captures", 0755) && errno != EEXIST)
			return NULL;
		snprintf(path, cap, "captures/smtptrace-%s-%s.pcapng", stamp, safe);
	}
	return fopen(path, "wb");
}

static void run_engine(const struct capture *cap, const struct engine_opts *eo,
                       const struct sender_info *si)
{
	struct engine_opts o = *eo;
	o.sender = si;
	if (!o.port)                   /* we know which port is SMTP */
		o.port = si->server_port;
	struct engine *e = engine_new(&o, cap ? cap->linktype : 1);
	if (!e)
		return;
	for (size_t i = 0; cap && i < cap->nframes; i++)
		engine_frame(e, cap->frames[i].ts_ns, cap->frames[i].data,
		             cap->frames[i].caplen, cap->frames[i].wirelen);
	engine_finish(e);
	engine_free(e);
	fflush(o.out);
}

int send_mail(struct send_args *a)
{
	char host[256], port[16], errbuf[256], path[512] = "", nh[INET6_ADDRSTRLEN] = "";
	char *body = NULL, *msg = NULL, hostname[256];
	size_t body_len = 0, msg_len = 0;
	int rc;

	if (a->user && !getpwnam(a->user))
		return fail(EX_USAGE_, "-Z %s: no such user%s", a->user, "");
	if (split_server(a->server, host, sizeof host, port, sizeof port))
		return fail(EX_USAGE_, "--server %s: expected HOST, HOST:PORT or [IPv6]:PORT%s", a->server, "");
	if (!a->helo) {
		if (gethostname(hostname, sizeof hostname))
			snprintf(hostname, sizeof hostname, "localhost");
		hostname[sizeof hostname - 1] = '\0';
		a->helo = hostname;
	}
	if (msg_header_value_ok(a->helo) || strchr(a->helo, ' '))
		return fail(EX_USAGE_, "--helo: '%s' is not a host name%s", a->helo, "");
	if ((rc = load_body(a, &body, &body_len)))
		return rc;
	struct msg_opts mo = {
		.from = a->from, .to = a->to, .nto = a->nto, .subject = a->subject,
		.body = body, .body_len = body_len, .helo = a->helo, .raw = 1,
	};
	msg = msg_build(&mo, &msg_len, errbuf, sizeof errbuf);
	free(body);
	if (!msg)
		return fail(EX_USAGE_, "%s%s", errbuf, "");

	/* the server's address */
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_ADDRCONFIG }, *ai = NULL;
	int g = getaddrinfo(host, port, &hints, &ai);
	if (g) {
		free(msg);
		return fail(EX_RESOLVE, "cannot resolve %s: %s", host, gai_strerror(g));
	}

	/* the route, the interface, the next hop */
	struct route_info ri;
	memset(&ri, 0, sizeof ri);
	int have_route = route_lookup(ai->ai_addr, &ri, errbuf, sizeof errbuf) == 0;
	if (!have_route && !a->no_capture) {
		freeaddrinfo(ai);
		free(msg);
		return fail(EX_CONNECT, "%s%s", errbuf, "");
	}
	if (have_route)
		addr_str((struct sockaddr *)&ri.nexthop, nh, sizeof nh);

	/* the socket, bound first so the capture filter can name its port */
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_storage local;
	socklen_t llen = sizeof local;
	if (fd < 0) {
		freeaddrinfo(ai);
		free(msg);
		return fail(EX_INTERNAL, "socket: %s%s", strerror(errno), "");
	}
	if (have_route) {
		struct sockaddr_storage src = ri.src;
		socklen_t slen = src.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
		if (src.ss_family == ai->ai_family && bind(fd, (struct sockaddr *)&src, slen)) {
			fail(EX_CONNECT, "bind to the route's source address: %s%s", strerror(errno), "");
			close(fd);
			freeaddrinfo(ai);
			free(msg);
			return EX_CONNECT;
		}
	}
	getsockname(fd, (struct sockaddr *)&local, &llen);

	struct capture cap;
	memset(&cap, 0, sizeof cap);
	FILE *out = NULL;
	int capturing = 0, neigh_cached = 0, fresh = 0;
	if (!a->no_capture) {
		const char *ifname = a->iface ? a->iface : ri.ifname;
		if (have_route && !ri.loopback) {
			int present = neigh_present(&ri);
			if (a->fresh_arp) {
				int d = neigh_delete(&ri, errbuf, sizeof errbuf);
				if (d < 0) {
					fail(EX_CAPTURE, "--fresh-arp: %s%s", errbuf, "");
					close(fd); freeaddrinfo(ai); free(msg);
					return EX_CAPTURE;
				}
				fresh = 1;
			} else
				neigh_cached = present == 1;
		}
		if (capture_open(&cap, ifname, (struct sockaddr *)&local, ai->ai_addr,
		                 ri.loopback ? NULL : (struct sockaddr *)&ri.nexthop)) {
			fprintf(stderr, "smtptrace: %s\n", cap.err);
			fprintf(stderr, "smtptrace: (--no-capture sends without capturing)\n");
			close(fd); freeaddrinfo(ai); free(msg);
			return EX_CAPTURE;
		}
		out = open_capture_file(a, host, path, sizeof path);
		if (!out) {
			fprintf(stderr, "smtptrace: cannot write the capture to %s: %s\n",
			        path[0] ? path : "captures/", strerror(errno));
			capture_free(&cap);
			close(fd); freeaddrinfo(ai); free(msg);
			return EX_CAPTURE;
		}
	}
	if (drop_privileges(a->user, errbuf, sizeof errbuf)) {
		fprintf(stderr, "smtptrace: %s\n", errbuf);
		if (out) fclose(out);
		capture_free(&cap);
		close(fd); freeaddrinfo(ai); free(msg);
		return EX_INTERNAL;
	}
	if (!a->no_capture) {
		if (capture_start(&cap, out)) {
			fprintf(stderr, "smtptrace: %s\n", cap.err);
			fclose(out);
			capture_free(&cap);
			close(fd); freeaddrinfo(ai); free(msg);
			return EX_CAPTURE;
		}
		capturing = 1;
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	client_fd = fd;

	/* a live transcript: each line as it happens, also into a pipe */
	setvbuf(a->eo.format == FMT_JSON ? stderr : stdout, NULL, _IOLBF, 0);
	struct client_opts co = {
		.helo = a->helo, .from = a->from, .to = a->to, .nto = a->nto,
		.msg = msg, .msg_len = msg_len,
		.transcript = a->quiet ? NULL : a->eo.format == FMT_JSON ? stderr : stdout,
		.color = a->eo.color, .interrupted = &interrupted,
		.server_name = host, .tls = a->tls,
	};
	client_default_timeouts(&co.to_s);
	if (a->timeout > 0)
		client_set_all_timeouts(&co.to_s, a->timeout);
	struct client_result res;
	memset(&res, 0, sizeof res);
	rc = client_run(fd, ai->ai_addr, ai->ai_addrlen, &co, &res);
	client_fd = -1;
	if (co.transcript)
		fflush(co.transcript);

	if (capturing) {
		capture_stop(&cap);
		struct sender_info si = {
			.sent = res.sent, .nsent = res.nsent, .server_arg = a->server,
			.ifname = cap.ifname, .nexthop = nh[0] ? nh : NULL,
			.via_gateway = ri.via_gateway, .loopback = ri.loopback,
			.neigh_cached = neigh_cached, .fresh_arp = fresh,
			.ps_recv = cap.ps_recv, .ps_drop = cap.ps_drop, .ps_ifdrop = cap.ps_ifdrop,
			.capture_file = path, .result = &res, .server_port = atoi(port),
		};
		if (a->eo.format == FMT_TEXT && !a->quiet)
			fputs("\n", stdout);
		run_engine(&cap, &a->eo, &si);
		if (cap.err[0])
			fprintf(stderr, "smtptrace: capture: %s\n", cap.err);
		if (cap.ps_drop || cap.ps_ifdrop)
			fprintf(stderr, "smtptrace: warning: %llu packets dropped by the kernel, %llu by the "
			        "interface: the timeline may be incomplete\n",
			        (unsigned long long)cap.ps_drop, (unsigned long long)cap.ps_ifdrop);
		if (out && fclose(out)) {
			fprintf(stderr, "smtptrace: writing %s: %s\n", path, strerror(errno));
			if (!rc) rc = EX_CAPTURE;
		}
		capture_free(&cap);
	} else if (a->eo.format == FMT_JSON) {
		struct sender_info si = { .sent = res.sent, .nsent = res.nsent, .server_arg = a->server,
		                          .result = &res, .server_port = atoi(port),
		                          .ifname = have_route ? ri.ifname : NULL, .nexthop = nh[0] ? nh : NULL,
		                          .via_gateway = ri.via_gateway, .loopback = ri.loopback };
		run_engine(NULL, &a->eo, &si);
	}
	if (res.error[0])
		fprintf(stderr, "smtptrace: %s\n", res.error);
	if (interrupted && !rc) {
		fprintf(stderr, "smtptrace: interrupted\n");
		rc = EX_INTERRUPTED;
	}
	client_result_free(&res);
	freeaddrinfo(ai);
	free(msg);
	return rc;
}
