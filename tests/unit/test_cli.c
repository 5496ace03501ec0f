/* test_cli.c - the command line (cli-opts.c) and the capture ring's size. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "unit.h"
#include "capture.h"
#include "exitcodes.h"
#include "smtptrace.h"

static int parse(struct cli *cl, const char *line)
{
	static char buf[2048];
	char *argv[160];
	int argc = 0;

	snprintf(buf, sizeof buf, "%s", line);
	for (char *t = strtok(buf, " "); t && argc < 159; t = strtok(NULL, " "))
		argv[argc++] = t;
	argv[argc] = NULL;
	return cli_parse(argc, argv, cl);
}

static void relinquish(void)
{
	static struct cli cl;

	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --relinquish-privileges=bob") == -1);
	CHECK_STR(cl.a.user, "bob");
	CHECK(cl.cmd == CMD_SEND);
	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d -Z carol") == -1);
	CHECK_STR(cl.a.user, "carol");
	/* --user is gone: it read as the login to use */
	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --user=bob") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace analyze f.pcap -Z bob") == EX_USAGE_);
}

static void checks(void)
{
	static struct cli cl;
	char line[2048] = "smtptrace send -s h -f a@b";

	CHECK(parse(&cl, "smtptrace analyze f.pcap --json --summary") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace send -s h -f a@b") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --port 25") == -1);
	CHECK_STR(cl.file, "f.pcap");
	CHECK(cl.a.eo.port == 25);
	/* --width: given, 0 (never fold), out of range; not a terminal here: 0 without it */
	CHECK(parse(&cl, "smtptrace analyze f.pcap --width 80") == -1 && cl.a.oo.width == 80);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --width 0") == -1 && cl.a.oo.width == 0);
	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --width 60") == -1 && cl.a.oo.width == 60);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --width 12") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --width x") == EX_USAGE_);
	CHECK(isatty(STDOUT_FILENO) || (parse(&cl, "smtptrace analyze f.pcap") == -1 && cl.a.oo.width == 0));
	for (int i = 0; i < SEND_MAX_RCPTS; i++)
		strcat(line, " -t x@y");
	CHECK(parse(&cl, line) == -1);
	CHECK(cl.a.nto == SEND_MAX_RCPTS);
	strcat(line, " -t x@y");
	CHECK(parse(&cl, line) == EX_USAGE_);
}

static void auth_opts(void)
{
	static struct cli cl;

	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --auth-user bob --auth cram-md5 "
	            "--auth-password-file pw --allow-plaintext-auth --embed-secrets") == -1);
	CHECK_STR(cl.a.auth.user, "bob");
	CHECK_STR(cl.a.auth.mech, "cram-md5");
	CHECK_STR(cl.a.password_file, "pw");
	CHECK(cl.a.auth.allow_plaintext && cl.a.embed_secrets && !cl.a.auth.secret);
	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --auth-user bob --auth NTLM") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --auth PLAIN") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --auth-password-file pw") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --auth-user bob") == EX_USAGE_);
}

/* --attach, --attach-type (for the next --attach), --html-file, --inline,
 * --pipeline, --quit-after, and the combinations refused. */
static void mime_opts(void)
{
	static struct cli cl;
	const char *base = "smtptrace send -s h -f a@b -t c@d";
	char line[512];

	snprintf(line, sizeof line, "%s --attach a.bin --attach-type text/x-y --attach b.txt "
	         "--html-file p.html --inline pic.png --pipeline --quit-after RCPT", base);
	CHECK(parse(&cl, line) == EX_USAGE_);           /* --pipeline with quit-after rcpt */
	snprintf(line, sizeof line, "%s --attach a.bin --attach-type text/x-y --attach b.txt "
	         "--html-file p.html --inline pic.png --pipeline --quit-after ehlo", base);
	CHECK(parse(&cl, line) == -1);
	CHECK(cl.a.nattach == 2 && cl.a.attach_type[0] == NULL);
	CHECK_STR(cl.a.attach_type[1], "text/x-y");
	CHECK_STR(cl.a.attach[1], "b.txt");
	CHECK_STR(cl.a.html_file, "p.html");
	CHECK(cl.a.ninl == 1 && cl.a.pipeline == 1 && cl.a.quit_after == QUIT_AFTER_EHLO);
	snprintf(line, sizeof line, "%s --inline pic.png", base);
	CHECK(parse(&cl, line) == EX_USAGE_);           /* no --html-file */
	snprintf(line, sizeof line, "%s --attach a --attach-type x/y", base);
	CHECK(parse(&cl, line) == EX_USAGE_);           /* a type for no file */
	snprintf(line, sizeof line, "%s --quit-after body", base);
	CHECK(parse(&cl, line) == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --attach x") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace telnet h --pipeline") == EX_USAGE_);
}

/* The ring: 8 MiB for a small mail, growing with the message, 64 MiB at most. */
static void ring(void)
{
	CHECK(capture_ring_bytes(0) == 8u << 20);
	CHECK(capture_ring_bytes(300) > capture_ring_bytes(0));
	CHECK(capture_ring_bytes(300) < 9u << 20);
	CHECK(capture_ring_bytes(20u << 20) == 64u << 20);
	CHECK(capture_ring_bytes((size_t)-1) == 64u << 20);
}

/* (H-lab) annotate, --answers, --ladder, --svg/--html */
static void lab(void)
{
	static struct cli cl;

	CHECK(parse(&cl, "smtptrace annotate in.pcap -w out.pcapng") == -1);
	CHECK(cl.cmd == CMD_ANNOTATE && !strcmp(cl.file, "in.pcap") && !strcmp(cl.a.out_file, "out.pcapng"));
	CHECK(parse(&cl, "smtptrace annotate in.pcap --port 2525 -w o.pcapng") == -1 && cl.a.eo.port == 2525);
	CHECK(parse(&cl, "smtptrace annotate in.pcap") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace annotate in.pcap -w o --json") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace annotate -w o") == EX_USAGE_);
	CHECK(strstr(cli_cmdline(), "smtptrace annotate -w o") == cli_cmdline());
	CHECK(parse(&cl, "smtptrace send -s h -f a@b -t c@d --auth-pass s3cret") != 0 ||
	      !strstr(cli_cmdline(), "s3cret"));
	CHECK(!strstr(cli_cmdline(), "s3cret"));
	CHECK(parse(&cl, "smtptrace analyze f.pcap --answers") == -1 && cl.a.oo.format == OUT_ANSWERS);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --answers --json") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --ladder") == -1 && cl.a.oo.format == OUT_LADDER &&
	      !cl.a.oo.ladder_full && !cl.a.oo.ladder_glyphs);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --ladder=full,ascii") == -1 && cl.a.oo.ladder_full &&
	      cl.a.oo.ladder_glyphs == 1);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --ladder=wide") == EX_USAGE_);
	CHECK(parse(&cl, "smtptrace analyze f.pcap --svg /nonexistent-dir/x.svg") == EX_INTERNAL);
}

int main(void)
{
	lab();
	relinquish();
	checks();
	auth_opts();
	mime_opts();
	ring();
	return UNIT_DONE();
}
