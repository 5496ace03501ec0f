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
#include "engine.h"
#include "send-int.h"

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
