/* cmd-telnet.c - `smtptrace telnet HOST[:PORT]`: the lab's telnet step,
 * traced.  The same steps as send (send-steps.c: lookup, route, socket,
 * capture, privileges; send-finish.c: capture saved, timeline), with the
 * dialogue typed instead of run by the client (telnet-io.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "send-int.h"
#include "telnet.h"

#define TELNET_WAIT 30.0        /* connect and reply wait without --timeout */

static int telnet_input(struct send_run *r)
{
	return send_input_server(r->a, &r->in);
}

/* What the typed dialogue did, where send's client would have said it. */
static void result(struct send_run *r, const struct telnet_io *t, int code)
{
	struct client_result *res = &r->res;

	res->exit_code = code;
	res->stage = code ? STAGE_CONNECT : STAGE_DONE;
	if (code && t->nsent)
		res->stage = t->quit_sent ? STAGE_QUIT : STAGE_DATA;
	snprintf(res->error, sizeof res->error, "%s", t->error);
	res->last_code = t->last_code;
	res->sent = t->sent;
	res->nsent = t->nsent;
	res->bytes_out = t->bytes_out;
	res->bytes_in = t->bytes_in;
}

static int dialogue(struct send_run *r)
{
	static struct telnet_io t;
	double wait = r->a->timeout > 0 ? r->a->timeout : TELNET_WAIT;
	FILE *tr = run_transcript(r);

	setvbuf(r->a->oo.format == OUT_JSON ? stderr : stdout, NULL, _IOLBF, 0);
	run_started = 1;
	if (run_connect(r, wait, tr))
		return r->res.exit_code;        /* r->res says why */
	if (tr)
		fprintf(tr, "=== Connected to %s.%s\n", r->in.host, isatty(STDIN_FILENO) ?
		        " Type SMTP commands (Enter sends the line with CRLF); Ctrl-D ends." : "");
	memset(&t, 0, sizeof t);
	t = (struct telnet_io){ .fd = r->fd, .in = STDIN_FILENO, .tr = tr,
	                        .reply_wait = wait, .interrupted = &run_interrupted };
	run_fd = r->fd;
	r->fd = -1;                     /* telnet_io_run closes it */
	int code = telnet_io_run(&t);
	run_fd = -1;
	result(r, &t, code);
	return code;
}

static int (*const before_connect[])(struct send_run *) = {
	telnet_input, run_plan_privileges, run_resolve, run_find_route, run_make_socket, run_setup,
};

int telnet_run(struct send_args *a)
{
	static struct send_run r;

	return run_command(&r, a, before_connect, sizeof before_connect / sizeof before_connect[0],
	                   dialogue);
}
