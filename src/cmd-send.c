/* cmd-send.c - `smtptrace send`: the steps in order (shared with telnet:
 * send-steps.c before the dialogue, send-finish.c after).  Build the message
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
#include "connect.h"
#include "dns.h"
#include "engine.h"
#include "netroute.h"
#include "send-int.h"

/* What the client is given: the same for the check and the run. */
static void client_options(const struct send_run *r, struct client_opts *co)
{
	const struct send_args *a = r->a;

	*co = (struct client_opts){
		.helo = a->helo, .from = a->from, .to = a->to, .nto = a->nto,
		.msg = r->in.msg, .msg_len = r->in.msg_len,
		.msg8 = r->in.msg8, .msg8_len = r->in.msg8_len,
		.pipeline = a->pipeline, .quit_after = a->quit_after,
		.transcript = run_transcript(r),
		.color = a->oo.color, .interrupted = &run_interrupted,
		.server_name = r->in.host, .tls = a->tls, .auth = a->auth,
	};
	co->auth.secret = r->secret;
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
	const struct dns_addr *d = &r->tg.a[0];
	int rc;

	client_options(r, &co);
	/* a live transcript: each line as it happens, also into a pipe */
	setvbuf(r->a->oo.format == OUT_JSON ? stderr : stdout, NULL, _IOLBF, 0);
	run_started = 1;
	if (r->wide && (rc = run_connect(r, co.to_s.connect, co.transcript)))
		return rc;
	run_fd = r->fd;
	rc = r->wide ? client_run(r->fd, NULL, 0, &co, &r->res)
	             : client_run(r->fd, (const struct sockaddr *)&d->sa, d->salen, &co, &r->res);
	run_fd = -1;
	r->fd = -1;                    /* client_run closed it */
	return rc;
}

static int load_input(struct send_run *r)
{
	return send_input_load(r->a, &r->in);
}

/* Everything before the first packet, in order; each returns 0 or an exit
 * code (its message printed). */
/* The AUTH secret, once privileges are dropped (a file root could read is
 * not sent to the caller's server). */
static int load_secret(struct send_run *r)
{
	char err[300];

	if (!r->a->auth.user)
		return 0;
	run_started = 1;               /* Ctrl-C at the prompt restores the terminal */
	r->secret = send_secret_load(r->a, err, sizeof err);
	if (!r->secret)
		return st_fail(run_interrupted ? EX_INTERRUPTED : EX_USAGE_, "%s", err);
	return 0;
}

static int (*const before_connect[])(struct send_run *) = {
	load_input, run_plan_privileges, check_limits, run_resolve, run_find_route,
	run_make_socket, run_setup, load_secret,
};

int send_mail(struct send_args *a)
{
	static struct send_run r;

	return run_command(&r, a, before_connect, sizeof before_connect / sizeof before_connect[0],
	                   converse);
}
