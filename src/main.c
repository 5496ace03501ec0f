/* main.c - smtptrace's command line: `send` and `analyze`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "client.h"
#include "engine.h"
#include "smtptrace.h"

#ifndef SMTPTRACE_VERSION
#define SMTPTRACE_VERSION "dev"
#endif

static const char usage_text[] =
"usage: smtptrace send --server HOST[:PORT] --from ADDR --to ADDR [options]\n"
"       smtptrace analyze FILE [options]\n"
"\n"
"Send a mail with smtptrace's own SMTP client while capturing the exchange\n"
"(ARP, TCP handshake, every command and reply, teardown), then print a\n"
"timeline that ties each command and reply to the frames that carried it.\n"
"`analyze` prints the same timeline for a saved capture (pcap or pcapng).\n"
"\n"
"send options:\n"
"  -s, --server HOST[:PORT]  mail server (port 25 by default; [v6addr]:port)\n"
"  -f, --from ADDR           envelope and header sender\n"
"  -t, --to ADDR             recipient (repeat for more)\n"
"      --subject TEXT        Subject header\n"
"      --body TEXT           message body (else --body-file, else standard input)\n"
"      --body-file FILE      message body from FILE (\"-\": standard input)\n"
"      --helo NAME           EHLO/HELO name (default: this host's name)\n"
"      --timeout SECONDS     one timeout for every stage (default: RFC 5321's)\n"
"  -i, --interface IFACE     capture here (default: the route's interface)\n"
"      --fresh-arp           delete the next hop's neighbour entry first, so the\n"
"                            ARP exchange is captured (needs CAP_NET_ADMIN)\n"
"  -w, --write FILE          save the capture here (default:\n"
"                            captures/smtptrace-DATE-TIME-SERVER.pcapng)\n"
"      --no-capture          only send; no capture, no timeline\n"
"  -q, --quiet               no live transcript\n"
"  -Z, --user USER           once capturing, run as USER (default: the sudo\n"
"                            user, else nobody; -Z root keeps root)\n"
"\n"
"analyze options (FILE \"-\" reads standard input):\n"
"      --summary             one line per session\n"
"      --port PORT           treat TCP port PORT as SMTP\n"
"      --session N           only session N\n"
"      --idle-timeout SECS   a flow idle this long (capture time) ends; its\n"
"                            session is shown as incomplete (default 600, 0 never)\n"
"      --memory-limit MIB    analyse no new flow past this much memory (default 512)\n"
"\n"
"common options:\n"
"      --show-secrets        show AUTH passwords (redacted by default)\n"
"      --raw-seq             raw instead of relative sequence numbers\n"
"      --json                one JSON document on standard output (docs/json-schema.md)\n"
"      --no-color            no colour (colour is used only on a terminal)\n"
"  -h, --help                this text\n"
"  -V, --version             the version\n"
"\n"
"Exit codes (docs/exit-codes.md): 0 ok, 2 usage, 3 name not found, 4 connection\n"
"failed, 5 timeout, 6 connection lost, 7 capture could not start, 8 not a\n"
"capture, 9 capture cut short, 10 greeting, 11 EHLO/HELO, 12 MAIL, 13 RCPT,\n"
"14 DATA, 15 message rejected, 70 internal error, 130 interrupted.\n";

enum {
	O_SUBJECT = 256, O_BODY, O_BODY_FILE, O_HELO, O_TIMEOUT, O_FRESH_ARP,
	O_NO_CAPTURE, O_JSON, O_NO_COLOR, O_SUMMARY, O_PORT, O_SESSION,
	O_SHOW_SECRETS, O_RAW_SEQ, O_IDLE_TIMEOUT, O_MEMORY_LIMIT,
};

static const struct option long_opts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "subject", required_argument, NULL, O_SUBJECT },
	{ "body", required_argument, NULL, O_BODY },
	{ "body-file", required_argument, NULL, O_BODY_FILE },
	{ "helo", required_argument, NULL, O_HELO },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "interface", required_argument, NULL, 'i' },
	{ "fresh-arp", no_argument, NULL, O_FRESH_ARP },
	{ "write", required_argument, NULL, 'w' },
	{ "no-capture", no_argument, NULL, O_NO_CAPTURE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "user", required_argument, NULL, 'Z' },
	{ "json", no_argument, NULL, O_JSON },
	{ "no-color", no_argument, NULL, O_NO_COLOR },
	{ "no-colour", no_argument, NULL, O_NO_COLOR },
	{ "summary", no_argument, NULL, O_SUMMARY },
	{ "port", required_argument, NULL, O_PORT },
	{ "session", required_argument, NULL, O_SESSION },
	{ "idle-timeout", required_argument, NULL, O_IDLE_TIMEOUT },
	{ "memory-limit", required_argument, NULL, O_MEMORY_LIMIT },
	{ "show-secrets", no_argument, NULL, O_SHOW_SECRETS },
	{ "raw-seq", no_argument, NULL, O_RAW_SEQ },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "smtptrace: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see smtptrace --help)\n");
	return EX_USAGE_;
}

/* "--subject" or "-s": the option as the user knows it */
static const char *opt_name(int c)
{
	static char buf[32];
	for (const struct option *o = long_opts; o->name; o++)
		if (o->val == c) {
			snprintf(buf, sizeof buf, "--%s", o->name);
			return buf;
		}
	snprintf(buf, sizeof buf, "-%c", c);
	return buf;
}

static int number(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct send_args a;
	memset(&a, 0, sizeof a);
	a.eo.format = FMT_TEXT;
	a.eo.out = stdout;
	int color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(usage_text, cmd ? stdout : stderr);
		return cmd ? 0 : EX_USAGE_;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
		printf("smtptrace %s (%s)\n", SMTPTRACE_VERSION, pcap_lib_version());
		return 0;
	}
	int is_send = !strcmp(cmd, "send"), is_analyze = !strcmp(cmd, "analyze");
	if (!is_send && !is_analyze)
		return usage_error("unknown command '%s': use send or analyze", cmd);

	int c;
	long v;
	optind = 2;
	while ((c = getopt_long(argc, argv, "s:f:t:i:w:qZ:hV", long_opts, NULL)) != -1) {
		int send_only = (c < 256 && c > 0 && strchr("sftiwqZ", c)) ||
		                (c >= O_SUBJECT && c <= O_NO_CAPTURE);
		int analyze_only = c == O_SUMMARY || c == O_PORT || c == O_SESSION ||
		                   c == O_IDLE_TIMEOUT || c == O_MEMORY_LIMIT;
		if (send_only && !is_send)
			return usage_error("%s is an option of send, not analyze", opt_name(c));
		if (analyze_only && !is_analyze)
			return usage_error("%s is an option of analyze, not send", opt_name(c));
		switch (c) {
		case 's': a.server = optarg; break;
		case 'f': a.from = optarg; break;
		case 't':
			if (a.nto == (int)(sizeof a.to / sizeof a.to[0]))
				return usage_error("too many recipients (at most %s)", "64");
			a.to[a.nto++] = optarg;
			break;
		case O_SUBJECT: a.subject = optarg; break;
		case O_BODY: a.body = optarg; break;
		case O_BODY_FILE: a.body_file = optarg; break;
		case O_HELO: a.helo = optarg; break;
		case O_TIMEOUT: {
			char *end;
			a.timeout = strtod(optarg, &end);
			if (!*optarg || *end || !(a.timeout > 0) || a.timeout > 86400)
				return usage_error("--timeout: '%s' is not a number of seconds (0 < s <= 86400)", optarg);
			break;
		}
		case 'i': a.iface = optarg; break;
		case O_FRESH_ARP: a.fresh_arp = 1; break;
		case 'w': a.out_file = optarg; break;
		case O_NO_CAPTURE: a.no_capture = 1; break;
		case 'q': a.quiet = 1; break;
		case 'Z': a.user = optarg; break;
		case O_JSON:
			if (a.eo.format == FMT_SUMMARY)
				return usage_error("%s: --json and --summary exclude each other", "--json");
			a.eo.format = FMT_JSON;
			break;
		case O_SUMMARY:
			if (a.eo.format == FMT_JSON)
				return usage_error("%s: --json and --summary exclude each other", "--summary");
			a.eo.format = FMT_SUMMARY;
			break;
		case O_NO_COLOR: color = 0; break;
		case O_PORT:
			if (number(optarg, 1, 65535, &v))
				return usage_error("--port: '%s' is not a port number (1-65535)", optarg);
			a.eo.port = (int)v;
			break;
		case O_SESSION:
			if (number(optarg, 1, 1L << 30, &v))
				return usage_error("--session: '%s' is not a session number (1, 2, ...)", optarg);
			a.eo.session = (int)v;
			break;
		case O_IDLE_TIMEOUT:
			if (number(optarg, 0, 1L << 30, &v))
				return usage_error("--idle-timeout: '%s' is not a number of seconds", optarg);
			a.eo.idle_timeout = v ? (int)v : -1;
			break;
		case O_MEMORY_LIMIT:
			if (number(optarg, 1, 1L << 30, &v))
				return usage_error("--memory-limit: '%s' is not a number of MiB", optarg);
			a.eo.memory_limit_mb = (int)v;
			break;
		case O_SHOW_SECRETS: a.eo.show_secrets = 1; break;
		case O_RAW_SEQ: a.eo.raw_seq = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("smtptrace %s\n", SMTPTRACE_VERSION); return 0;
		default: return EX_USAGE_;            /* getopt said what */
		}
	}
	a.eo.color = color && a.eo.format == FMT_TEXT;
	if (isatty(STDOUT_FILENO)) {           /* like ps: fit the terminal */
		struct winsize ws;
		const char *cols = getenv("COLUMNS");
		if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
			a.eo.width = ws.ws_col;
		else
			a.eo.width = cols && atoi(cols) > 20 ? atoi(cols) : 80;
	}

	if (is_analyze) {
		if (optind + 1 != argc)
			return usage_error("%s", optind >= argc ? "analyze needs one capture file" :
			                   "analyze takes one capture file");
		return analyze_file(argv[optind], &a.eo);
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!a.server)
		return usage_error("%s", "send needs --server HOST[:PORT]");
	if (!a.from)
		return usage_error("%s", "send needs --from ADDR");
	if (!a.nto)
		return usage_error("%s", "send needs at least one --to ADDR");
	if (a.body && a.body_file)
		return usage_error("%s", "--body and --body-file exclude each other");
	return send_mail(&a);
}
