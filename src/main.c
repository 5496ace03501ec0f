/* main.c - smtptrace: parse the command line (cli-opts.c), run the command. */
#include "smtptrace.h"

int main(int argc, char **argv)
{
	static struct cli cl;
	int rc = cli_parse(argc, argv, &cl);

	if (rc >= 0)
		return rc;
	if (cl.cmd == CMD_ANALYZE)
		return analyze_file(cl.file, &cl.a.eo, &cl.a.oo);
	if (cl.cmd == CMD_TELNET)
		return telnet_run(&cl.a);
	return send_mail(&cl.a);
}
