/* test_cli_mx.c - the command line of `telnet` and of send without
 * --server (cli-opts.c). */
#include <stdio.h>
#include <string.h>
#include "unit.h"
#include "exitcodes.h"
#include "smtptrace.h"

static int parse(struct cli *cl, const char *line)
{
	static char buf[512];
	char *argv[32];
	int argc = 0;

	snprintf(buf, sizeof buf, "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 31; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return cli_parse(argc, argv, cl);
}

int main(void)
{
	static struct cli cl;

	/* send: --server is optional now (the recipients' MX) */
	CHECK(parse(&cl, "smtptrace send -f a@b -t c@d") == -1);
	CHECK(cl.a.server == NULL && cl.cmd == CMD_SEND);
	/* telnet HOST[:PORT] with the capture options */
	CHECK(parse(&cl, "smtptrace telnet 192.0.2.1:2525 -i veth0 -w x.pcapng --fresh-arp --json") == -1);
	CHECK(cl.cmd == CMD_TELNET);
	CHECK_STR(cl.a.server, "192.0.2.1:2525");
	CHECK_STR(cl.a.iface, "veth0");
	CHECK_STR(cl.a.out_file, "x.pcapng");
	CHECK(cl.a.fresh_arp && cl.a.oo.format == OUT_JSON);
	CHECK(parse(&cl, "smtptrace telnet h --timeout 3 -Z bob --no-capture") == -1);
	CHECK(cl.a.timeout == 3 && cl.a.no_capture);
	/* the message is typed, not given; one host */
	CHECK(parse(&cl, "smtptrace telnet h --to c@d") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace telnet h -s h2") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace telnet h --body x") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace telnet h --summary") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace telnet") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace telnet a b") == EX_USAGE_);
	return UNIT_DONE();
}
