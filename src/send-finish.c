/* send-finish.c - after a traced dialogue (`send` or `telnet`): stop the
 * capture once the TCP close is seen and close its file, settle the one
 * exit code, print the timeline computed from the captured packets by the
 * same engine as `analyze`, free what the run made. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "annot.h"
#include "engine.h"
#include "send-int.h"
#include "tls-keys.h"
#include "util-addr.h"

static void annotate_capture(const struct send_run *r);

/* The session's TLS secrets go into the pcapng (a Decryption Secrets
 * Block), so Wireshark and tshark decrypt it with no setup; not after AUTH
 * credentials were sent (they would let anyone holding the file read the
 * password) unless --embed-secrets.  Said either way. */
static void embed_secrets(struct send_run *r)
{
	const struct client_result *res = &r->res;
	FILE *tr = run_transcript(r);

	if (res->auth_sent && !res->tls.active && tr)
		fprintf(tr, "=== the capture holds the AUTH credentials in plaintext "
		        "(--allow-plaintext-auth): keep it private\n");
	if (!res->tls.keylog_len)
		return;
	if (res->auth_sent && !r->a->embed_secrets) {
		fprintf(tr ? tr : stderr, "%sTLS secrets not embedded in the capture because AUTH "
		        "credentials were sent; use --keylog FILE or --embed-secrets\n",
		        tr ? "=== " : "smtptrace: ");
		return;
	}
	if (capture_add_secrets(r->cap, res->tls.keylog, res->tls.keylog_len) != 0)
		st_fail(0, "capture: the TLS secrets could not be added to %s", r->path);
	else if (tr)
		fprintf(tr, "=== TLS secrets embedded in the capture (Wireshark decrypts it as is%s)\n",
		        res->auth_sent ? "; --embed-secrets: it reveals the AUTH password" : "");
}

/* Stop the capture, write the packet comments into its file and close it:
 * what is saved is known before the timeline says "Saved:" (or, when the
 * file failed, does not). */
static void end_capture(struct send_run *r)
{
	embed_secrets(r);
	int stop = capture_stop(r->cap), failed;

	if (!capture_file_failed(r->cap))
		annotate_capture(r);
	failed = capture_file_failed(r->cap);

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
	if (run_interrupted) {                      /* e.g. the reset of our own connect */
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
/* Our port on the connection that carried the dialogue: the one connect
 * made (MX fallback), else the socket's before connect (bound to the
 * route's source); 0 when not known. */
static unsigned dialogue_port(const struct send_run *r)
{
	char ip[INET6_ADDRSTRLEN];
	unsigned port = 0;
	if (r->conn_port)
		return r->conn_port;
	if (r->local.ss_family && addr_sockaddr((const struct sockaddr *)&r->local, ip, sizeof ip, &port) < 0)
		return 0;
	return port;
}

static void fill_sender(const struct send_run *r, struct sender_info *si)
{
	struct capture_stats st = { 0 };

	if (r->cap)
		capture_get_stats(r->cap, &st);
	*si = (struct sender_info){
		.sent = r->res.sent, .nsent = r->res.nsent, .server_arg = r->a->server ? r->a->server : r->in.host,
		.ifname = r->cap ? capture_ifname(r->cap) : r->have_route ? r->ri.ifname : NULL,
		.nexthop = r->nh[0] ? r->nh : NULL,
		.via_gateway = r->ri.via_gateway, .loopback = r->ri.loopback,
		.neigh_cached = r->neigh_cached, .fresh_arp = r->fresh_arp,
		.ps_recv = st.recv, .ps_drop = st.drop, .ps_ifdrop = st.ifdrop,
		.capture_file = r->saved ? r->path : NULL, .has_result = 1,
		.exit_code = r->res.exit_code, .stage = r->res.stage,
		.error = r->res.error[0] ? r->res.error : NULL,
		.server_port = atoi(r->in.port), .local_port = dialogue_port(r),
	};
}

/* The timeline (or, without a capture, the JSON document alone). */
static void feed_engine(const struct send_run *r, const struct engine_sink *sinks, size_t nsinks)
{
	struct sender_info si;
	struct engine_opts o = r->a->eo;

	fill_sender(r, &si);
	o.sender = &si;
	if (!o.port) {                 /* we know which port is SMTP, and how it starts */
		o.port = si.server_port;
		o.implicit_tls = r->res.tls.implicit;
	}
	struct tls_keys *keys = NULL;  /* our own TLS secrets decrypt our own timeline */
	if (r->res.tls.keylog_len) {
		keys = tls_keys_new();
		tls_keys_add_text(keys, r->res.tls.keylog, r->res.tls.keylog_len);
		o.keys = keys;
	}
	o.sinks = sinks;
	o.nsinks = nsinks;
	struct engine *e = engine_new(&o, r->cap ? capture_linktype(r->cap) : 1);
	size_t n = r->cap ? capture_nframes(r->cap) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct cap_frame *f = capture_frame(r->cap, i);
		engine_frame(e, f->ts_ns, f->data, f->caplen, f->wirelen);
	}
	engine_finish(e);
	engine_free(e);
	tls_keys_free(keys);
}

/* The timeline (or, without a capture, the JSON document alone). */
static void run_engine(const struct send_run *r)
{
	struct engine_sink sink;

	if (out_open(&r->a->oo, &sink) < 0)
		return;                /* --svg/--html file: said why */
	feed_engine(r, &sink, 1);
	out_close(&sink);
}

static const char *comment_of(void *ctx, uint32_t no)
{
	return annot_get(ctx, no);
}

/* Every frame of the session gets its role as a packet comment (annot.h). */
static void annotate_capture(const struct send_run *r)
{
	struct annot *an = annot_new();
	struct engine_sink sink;
	char note[600];

	annot_sink(an, &sink);
	feed_engine(r, &sink, 1);
	snprintf(note, sizeof note, "; command line: %s; server %s", cli_cmdline(),
	         annot_servers(an)[0] ? annot_servers(an) : r->a->server ? r->a->server : "-");
	if (annot_count(an) && capture_annotate(r->cap, note, comment_of, an) < 0)
		st_fail(0, "capture: %s", capture_error(r->cap));
	annot_free(an);
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
int run_finish(struct send_run *r)
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

void run_cleanup(struct send_run *r)
{
	if (r->fd >= 0)
		close(r->fd);
	if (r->out)
		fclose(r->out);
	capture_free(r->cap);
	client_result_free(&r->res);
	send_secret_free(r->secret);
	send_input_free(&r->in);
}

int run_command(struct send_run *r, struct send_args *a, int (*const *steps)(struct send_run *),
                size_t nsteps, int (*dialogue)(struct send_run *))
{
	int rc = 0;

	memset(r, 0, sizeof *r);
	r->a = a;
	r->fd = -1;
	run_catch_signals();
	for (size_t i = 0; !rc && i < nsteps; i++)
		rc = steps[i](r);
	if (!rc && run_interrupted)     /* between the capture's start and connect */
		rc = st_fail(EX_INTERRUPTED, "interrupted before connecting");
	if (!rc) {
		dialogue(r);
		rc = run_finish(r);
	}
	run_cleanup(r);
	return rc;
}
