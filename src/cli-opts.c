/* cli-opts.c - smtptrace's command line: the usage text, the options of
 * `send` and `analyze`, and their checks (main.c runs the result). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "exitcodes.h"
#include "smtptrace.h"
#include "util-text.h"

#ifndef SMTPTRACE_VERSION
#define SMTPTRACE_VERSION "dev"
#endif

static const char usage_text[] =
"usage: smtptrace send --from ADDR --to ADDR [--server HOST[:PORT]] [options]\n"
"       smtptrace telnet HOST[:PORT] [options]\n"
"       smtptrace analyze FILE [options]\n"
"       smtptrace annotate FILE -w OUT.pcapng [--port PORT]\n"
"\n"
"Send a mail with smtptrace's own SMTP client while capturing the exchange\n"
"(ARP, TCP handshake, every command and reply, teardown), then print a\n"
"timeline that ties each command and reply to the frames that carried it.\n"
"`analyze` prints the same timeline for a saved capture (pcap or pcapng);\n"
"`annotate` copies a capture to OUT.pcapng with each traced frame's role as\n"
"its packet comment (send's own capture file has them already).\n"
"`telnet` is the lab's first step, traced: type SMTP by hand (or pipe it in);\n"
"each line goes to the server with CRLF, replies are shown as they arrive,\n"
"and at EOF, QUIT or the server's close the timeline of what was typed.\n"
"\n"
"send options:\n"
"  -s, --server HOST[:PORT]  mail server (port 25 by default; [v6addr]:port);\n"
"                            without it, the recipients' domain's MX hosts\n"
"                            (all recipients in one domain), every address\n"
"                            of each tried in order\n"
"  -f, --from ADDR           envelope and header sender\n"
"  -t, --to ADDR             recipient (repeat for more)\n"
"      --subject TEXT        Subject header\n"
"      --body TEXT           message body (else --body-file, else standard input)\n"
"      --body-file FILE      message body from FILE (\"-\": standard input)\n"
"      --attach FILE         attach FILE (repeat for more; type by libmagic)\n"
"      --attach-type TYPE    the content type of the next --attach\n"
"      --html-file FILE      an HTML alternative to the text body\n"
"      --inline FILE         an image the HTML shows as cid:NAME (FILE's base name\n"
"                            without extension: pic.png is cid:pic)\n"
"      --pipeline            MAIL, RCPT and DATA in one write (needs PIPELINING)\n"
"      --quit-after STAGE    QUIT after connect, greeting, ehlo, tls, auth, mail,\n"
"                            rcpt or data\n"
"      --helo NAME           EHLO/HELO name (default: this host's name)\n"
"      --timeout SECONDS     one timeout for every stage (default: RFC 5321's)\n"
"  -i, --interface IFACE     capture here (default: the route's interface)\n"
"      --fresh-arp           delete the next hop's neighbour entry first, so the\n"
"                            ARP exchange is captured (needs CAP_NET_ADMIN)\n"
"  -w, --write FILE          save the capture here (default:\n"
"                            captures/smtptrace-DATE-TIME-SERVER.pcapng)\n"
"      --no-capture          only send; no capture, no timeline\n"
"  -q, --quiet               no live transcript\n"
"      --starttls            require STARTTLS (certificate verified)\n"
"      --no-starttls         plaintext, also on port 465\n"
"      --smtps               TLS from the first byte (default on port 465)\n"
"      --cafile FILE         trust the CAs in FILE (default: the system's)\n"
"      --tls-name NAME       check the certificate for NAME (default: the server)\n"
"      --insecure            go on when the certificate does not verify\n"
"      --keylog FILE         append the TLS secrets to FILE (NSS key log format;\n"
"                            default: $SSLKEYLOGFILE if set); the timeline is\n"
"                            decrypted with them either way\n"
"      --auth-user USER      authenticate as USER (RFC 4954 AUTH, after TLS)\n"
"      --auth MECH           PLAIN, LOGIN, CRAM-MD5 or XOAUTH2 (default: the first\n"
"                            of these the server offers)\n"
"      --auth-password-file FILE\n"
"                            the password (or XOAUTH2 token): FILE's first line;\n"
"                            else $SMTPTRACE_PASSWORD, else asked without echo\n"
"      --allow-plaintext-auth  send AUTH credentials without TLS\n"
"      --embed-secrets       put the TLS secrets in the capture even when AUTH\n"
"                            credentials were sent (anyone with the file can\n"
"                            then read the password)\n"
"  -Z, --relinquish-privileges=USER\n"
"                            once capturing, run as USER (default: the sudo\n"
"                            user, else nobody; -Z root keeps root)\n"
"\n"
"telnet options: -i, -w, --fresh-arp, --timeout (connect and reply wait),\n"
"  --no-capture, -q, -Z as for send (port 25 by default; no MX lookup)\n"
"\n"
"analyze options (FILE \"-\" reads standard input):\n"
"      --summary             one line per session\n"
"      --port PORT           treat TCP port PORT as SMTP\n"
"      --session N           only session N\n"
"      --keylog FILE         decrypt TLS with the secrets in FILE (NSS key log,\n"
"                            SSLKEYLOGFILE); a pcapng file's own Decryption\n"
"                            Secrets Blocks are read without it\n"
"      --idle-timeout SECS   a flow idle this long (capture time) ends; its\n"
"                            session is shown as incomplete (default 600, 0 never)\n"
"      --memory-limit MIB    analyse no new flow past this much memory (default 512)\n"
"\n"
"common options:\n"
"      --show-secrets        show AUTH passwords (redacted by default)\n"
"      --show-data[=BYTES]   after each session, its messages as sent (CRLF as \\r\\n,\n"
"                            dot-stuffing visible, [frame N] at segments), at most\n"
"                            BYTES a message (default 1048576)\n"
"      --raw-seq             raw instead of relative sequence numbers\n"
"      --json                one JSON document on standard output (docs/json-schema.md)\n"
"      --answers             per session, in Markdown: the lab checklist, the client's\n"
"                            mistakes, and the lab questions answered with frames\n"
"                            and Wireshark display filters\n"
"      --ladder[=full,ascii,unicode]\n"
"                            each session as a sequence diagram (80 columns): one\n"
"                            arrow per frame with SMTP text and TCP details; pure\n"
"                            ACKs and body segments fold unless =full\n"
"      --svg FILE            also write the ladders as one self-contained SVG\n"
"      --html FILE           also write one self-contained HTML report: summary,\n"
"                            ladder, timeline table, answers, message headers\n"
"      --width N             fold frame lines at N columns (default: the terminal's\n"
"                            width; one line a frame into a pipe or file; 0 never)\n"
"      --no-color            no colour (colour is used only on a terminal)\n"
"  -h, --help                this text\n"
"  -V, --version             the version\n"
"\n"
"Exit codes (docs/exit-codes.md): 0 ok, 2 usage, 3 name not found, 4 connection\n"
"failed, 5 timeout, 6 connection lost, 7 capture could not start, 8 not a\n"
"capture, 9 capture cut short, 10 greeting, 11 EHLO/HELO, 12 MAIL, 13 RCPT,\n"
"14 DATA, 15 message rejected, 16 protocol violation, 17 TLS, 18 certificate,\n"
"19 AUTH, 20 server lacks SMTPUTF8/PIPELINING/SIZE room, 70 internal error,\n"
"130 interrupted.\n";

enum {
	O_SUBJECT = 256, O_BODY, O_BODY_FILE, O_HELO, O_TIMEOUT, O_FRESH_ARP,
	O_NO_CAPTURE, O_STARTTLS, O_NO_STARTTLS, O_SMTPS, O_CAFILE, O_TLS_NAME,
	O_INSECURE, O_AUTH, O_AUTH_USER, O_AUTH_PWFILE, O_AUTH_PLAIN, O_EMBED_SECRETS,
	O_ATTACH, O_ATTACH_TYPE, O_HTML_FILE, O_INLINE, O_PIPELINE, O_QUIT_AFTER,
	O_KEYLOG, O_JSON, O_NO_COLOR, O_SUMMARY, O_PORT, O_SESSION,
	O_SHOW_SECRETS, O_RAW_SEQ, O_IDLE_TIMEOUT, O_MEMORY_LIMIT,
	O_ANSWERS, O_LADDER, O_SVG, O_HTML, O_SHOW_DATA, O_WIDTH,
};

static const struct option long_opts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "subject", required_argument, NULL, O_SUBJECT },
	{ "body", required_argument, NULL, O_BODY },
	{ "body-file", required_argument, NULL, O_BODY_FILE },
	{ "helo", required_argument, NULL, O_HELO },
	{ "attach", required_argument, NULL, O_ATTACH },
	{ "attach-type", required_argument, NULL, O_ATTACH_TYPE },
	{ "html-file", required_argument, NULL, O_HTML_FILE },
	{ "inline", required_argument, NULL, O_INLINE },
	{ "pipeline", no_argument, NULL, O_PIPELINE },
	{ "quit-after", required_argument, NULL, O_QUIT_AFTER },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "interface", required_argument, NULL, 'i' },
	{ "fresh-arp", no_argument, NULL, O_FRESH_ARP },
	{ "write", required_argument, NULL, 'w' },
	{ "no-capture", no_argument, NULL, O_NO_CAPTURE },
	{ "idle-timeout", required_argument, NULL, O_IDLE_TIMEOUT },
	{ "memory-limit", required_argument, NULL, O_MEMORY_LIMIT },
	{ "starttls", no_argument, NULL, O_STARTTLS },
	{ "no-starttls", no_argument, NULL, O_NO_STARTTLS },
	{ "smtps", no_argument, NULL, O_SMTPS },
	{ "cafile", required_argument, NULL, O_CAFILE },
	{ "tls-name", required_argument, NULL, O_TLS_NAME },
	{ "insecure", no_argument, NULL, O_INSECURE },
	{ "keylog", required_argument, NULL, O_KEYLOG },
	{ "auth", required_argument, NULL, O_AUTH },
	{ "auth-user", required_argument, NULL, O_AUTH_USER },
	{ "auth-password-file", required_argument, NULL, O_AUTH_PWFILE },
	{ "allow-plaintext-auth", no_argument, NULL, O_AUTH_PLAIN },
	{ "embed-secrets", no_argument, NULL, O_EMBED_SECRETS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "relinquish-privileges", required_argument, NULL, 'Z' },
	{ "json", no_argument, NULL, O_JSON },
	{ "no-color", no_argument, NULL, O_NO_COLOR },
	{ "no-colour", no_argument, NULL, O_NO_COLOR },
	{ "summary", no_argument, NULL, O_SUMMARY },
	{ "port", required_argument, NULL, O_PORT },
	{ "session", required_argument, NULL, O_SESSION },
	{ "show-secrets", no_argument, NULL, O_SHOW_SECRETS },
	{ "show-data", optional_argument, NULL, O_SHOW_DATA },
	{ "raw-seq", no_argument, NULL, O_RAW_SEQ },
	{ "answers", no_argument, NULL, O_ANSWERS },
	{ "ladder", optional_argument, NULL, O_LADDER },
	{ "svg", required_argument, NULL, O_SVG },
	{ "html", required_argument, NULL, O_HTML },
	{ "width", required_argument, NULL, O_WIDTH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* "smtptrace: MESSAGE TAIL\n" on stderr. */
__attribute__((format(printf, 1, 0)))
static void say(const char *fmt, va_list ap, const char *tail)
{
	fputs("smtptrace: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs(tail, stderr);
}

int st_fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap, "\n");
	va_end(ap);
	return code;
}

/* A usage error: the message, a pointer to --help, exit 2. */
__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say(fmt, ap, " (see smtptrace --help)\n");
	va_end(ap);
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

static int version(void)
{
	printf("smtptrace %s (%s)\n", SMTPTRACE_VERSION, pcap_lib_version());
	return 0;
}

static int send_only(int c)
{
	return (c < 256 && c > 0 && strchr("sftiwqZ", c)) ||
	       (c >= O_SUBJECT && c < O_KEYLOG);
}

/* The message and the envelope: send's, not telnet's (typed there). */
static int message_opt(int c)
{
	return (c < 256 && c > 0 && strchr("sft", c)) || c == O_SUBJECT || c == O_BODY ||
	       c == O_BODY_FILE || c == O_HELO || (c >= O_ATTACH && c <= O_QUIT_AFTER);
}

static int set_format(struct out_opts *oo, enum out_format f)
{
	if (oo->format != OUT_TEXT && oo->format != f)
		return usage_error("--json, --summary, --answers and --ladder exclude each other");
	oo->format = f;
	return -1;
}

/* --ladder[=full,ascii,unicode] */
static int ladder_opt(const char *arg, struct out_opts *oo)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", arg ? arg : "");
	for (char *w = strtok(buf, ","); w; w = strtok(NULL, ",")) {
		if (!strcmp(w, "full")) oo->ladder_full = 1;
		else if (!strcmp(w, "ascii")) oo->ladder_glyphs = 1;
		else if (!strcmp(w, "unicode")) oo->ladder_glyphs = 2;
		else return usage_error("--ladder=%s: use full, ascii or unicode (comma-separated)", w);
	}
	return set_format(oo, OUT_LADDER);
}

/* The options of analyze and the common ones.  -1: handled, else exit code. */
static int analyze_opt(int c, const char *arg, struct send_args *a, int *color)
{
	long v;

	switch (c) {
	case O_JSON: return set_format(&a->oo, OUT_JSON);
	case O_SUMMARY: return set_format(&a->oo, OUT_SUMMARY);
	case O_ANSWERS: return set_format(&a->oo, OUT_ANSWERS);
	case O_LADDER: return ladder_opt(arg, &a->oo);
	case O_SVG: a->oo.svg_file = arg; return -1;
	case O_HTML: a->oo.html_file = arg; return -1;
	case O_NO_COLOR: *color = 0; return -1;
	case O_WIDTH:
		if (number(arg, 0, 10000, &v) || (v && v < 40))
			return usage_error("--width: '%s' is not 0 or a number of columns (40-10000)", arg);
		a->oo.width = (int)v;
		return -1;
	case O_PORT:
		if (number(arg, 1, 65535, &v))
			return usage_error("--port: '%s' is not a port number (1-65535)", arg);
		a->eo.port = (int)v;
		return -1;
	case O_SESSION:
		if (number(arg, 1, 1L << 30, &v))
			return usage_error("--session: '%s' is not a session number (1, 2, ...)", arg);
		a->eo.session = (int)v;
		return -1;
	case O_KEYLOG: a->keylog = arg; return -1;   /* send writes it, analyze reads it */
	case O_SHOW_SECRETS: a->eo.show_secrets = 1; return -1;
	case O_SHOW_DATA:
		if (arg && number(arg, 1, 1L << 30, &v))
			return usage_error("--show-data: '%s' is not a number of bytes", arg);
		a->eo.keep_data = arg ? (size_t)v : (size_t)1 << 20;
		return -1;
	case O_RAW_SEQ: a->oo.raw_seq = 1; return -1;
	case O_IDLE_TIMEOUT:
		if (number(arg, 0, 1L << 30, &v))
			return usage_error("--idle-timeout: '%s' is not a number of seconds", arg);
		a->eo.idle_timeout = v ? (int)v : -1;
		return -1;
	case O_MEMORY_LIMIT:
		if (number(arg, 1, 1L << 30, &v))
			return usage_error("--memory-limit: '%s' is not a number of MiB", arg);
		a->eo.memory_limit_mb = (int)v;
		return -1;
	case 'h': fputs(usage_text, stdout); return 0;
	case 'V': return version();
	default: return EX_USAGE_;            /* getopt said what */
	}
}

/* The message's parts and the dialogue's shape.  -1: handled, else exit code. */
static int mime_opt(int c, const char *arg, struct send_args *a)
{
	switch (c) {
	case O_ATTACH:
		if (a->nattach == SEND_MAX_FILES)
			return usage_error("too many --attach files (at most %d)", SEND_MAX_FILES);
		a->attach_type[a->nattach] = a->attach_type_next;
		a->attach_type_next = NULL;
		a->attach[a->nattach++] = arg;
		break;
	case O_ATTACH_TYPE: a->attach_type_next = arg; break;
	case O_HTML_FILE: a->html_file = arg; break;
	case O_INLINE:
		if (a->ninl == SEND_MAX_FILES)
			return usage_error("too many --inline files (at most %d)", SEND_MAX_FILES);
		a->inl[a->ninl++] = arg;
		break;
	case O_PIPELINE: a->pipeline = 1; break;
	case O_QUIT_AFTER:
		if ((a->quit_after = client_quit_after_parse(arg)) < 0)
			return usage_error("--quit-after: '%s' is not connect, greeting, ehlo, tls, "
			                   "auth, mail, rcpt or data", arg);
		break;
	}
	return -1;
}

/* The options of send.  -1: handled, else exit code. */
static int send_opt(int c, const char *arg, struct send_args *a)
{
	char *end;

	switch (c) {
	case 's': a->server = arg; break;
	case 'f': a->from = arg; break;
	case 't':
		if (a->nto == SEND_MAX_RCPTS)
			return usage_error("too many recipients (at most %d)", SEND_MAX_RCPTS);
		a->to[a->nto++] = arg;
		break;
	case O_SUBJECT: a->subject = arg; break;
	case O_BODY: a->body = arg; break;
	case O_BODY_FILE: a->body_file = arg; break;
	case O_HELO: a->helo = arg; break;
	case O_TIMEOUT:
		a->timeout = strtod(arg, &end);
		if (!*arg || *end || !(a->timeout > 0) || a->timeout > 86400)
			return usage_error("--timeout: '%s' is not a number of seconds (0 < s <= 86400)", arg);
		break;
	case 'i': a->iface = arg; break;
	case O_FRESH_ARP: a->fresh_arp = 1; break;
	case 'w': a->out_file = arg; break;
	case O_NO_CAPTURE: a->no_capture = 1; break;
	case 'q': a->quiet = 1; break;
	case 'Z': a->user = arg; break;
	case O_STARTTLS: a->tls.mode = CLIENT_TLS_STARTTLS; break;
	case O_NO_STARTTLS: a->tls.mode = CLIENT_TLS_NO; break;
	case O_SMTPS: a->tls.mode = CLIENT_TLS_SMTPS; break;
	case O_CAFILE: a->tls.cafile = arg; break;
	case O_TLS_NAME: a->tls.name = arg; break;
	case O_INSECURE: a->tls.insecure = 1; break;
	case O_AUTH: a->auth.mech = arg; break;
	case O_AUTH_USER: a->auth.user = arg; break;
	case O_AUTH_PWFILE: a->password_file = arg; break;
	case O_AUTH_PLAIN: a->auth.allow_plaintext = 1; break;
	case O_EMBED_SECRETS: a->embed_secrets = 1; break;
	default: return mime_opt(c, arg, a);
	}
	return -1;
}

/* --keylog FILE, else $SSLKEYLOGFILE: opened (0600, no symlinks) now, so a
 * bad path is a usage error before anything is sent. */
static int open_keylog(struct send_args *a)
{
	char err[300];
	const char *env = getenv("SSLKEYLOGFILE");

	if (!a->keylog && env && *env)
		a->keylog = env;
	if (a->keylog && !(a->tls.keylog = client_keylog_open(a->keylog, err, sizeof err)))
		return usage_error("%s", err);
	return -1;
}

/* Like ps: fit the terminal (--width N wins; 0 into a pipe or file). */
static int term_width(int given)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (given >= 0)
		return given;
	if (!isatty(STDOUT_FILENO))
		return 0;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		return ws.ws_col;
	return cols && atoi(cols) > 20 ? atoi(cols) : 80;
}

/* --auth MECH is one we speak; --auth and its file need --auth-user. */
static int check_auth(const struct send_args *a)
{
	static const char *const mechs[] = { "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2" };
	int known = !a->auth.mech;

	for (size_t i = 0; i < sizeof mechs / sizeof mechs[0] && !known; i++)
		known = strcasecmp(a->auth.mech, mechs[i]) == 0;
	if (!known)
		return usage_error("--auth: '%s' is not PLAIN, LOGIN, CRAM-MD5 or XOAUTH2", a->auth.mech);
	if (!a->auth.user && (a->auth.mech || a->password_file || a->auth.allow_plaintext))
		return usage_error("%s needs --auth-user USER", a->auth.mech ? "--auth" :
		                   a->password_file ? "--auth-password-file" : "--allow-plaintext-auth");
	return -1;
}

/* What must be there once the options are read. */
static int check_args(int argc, char **argv, struct cli *cl)
{
	const struct send_args *a = &cl->a;

	if (cl->cmd == CMD_ANNOTATE) {
		if (optind + 1 != argc || !a->out_file)
			return usage_error("usage: smtptrace annotate FILE -w OUT.pcapng");
		cl->file = argv[optind];
		return -1;
	}
	if (cl->cmd == CMD_ANALYZE) {
		if (optind + 1 != argc)
			return usage_error("%s", optind >= argc ? "analyze needs one capture file" :
			                   "analyze takes one capture file");
		cl->file = argv[optind];
		return -1;
	}
	if (cl->cmd == CMD_TELNET) {
		if (optind + 1 != argc)
			return usage_error("%s", optind >= argc ? "telnet needs HOST[:PORT]" :
			                   "telnet takes one HOST[:PORT]");
		cl->a.server = argv[optind];
		return -1;
	}
	if (optind != argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!a->from)
		return usage_error("send needs --from ADDR");
	if (!a->nto)
		return usage_error("send needs at least one --to ADDR");
	if (a->body && a->body_file)
		return usage_error("--body and --body-file exclude each other");
	if (a->attach_type_next)
		return usage_error("--attach-type %s: no --attach follows it", a->attach_type_next);
	if (a->pipeline && (a->quit_after == QUIT_AFTER_MAIL || a->quit_after == QUIT_AFTER_RCPT))
		return usage_error("--pipeline sends MAIL, RCPT and DATA at once: --quit-after %s "
		                   "cannot stop between them", client_quit_after_name(a->quit_after));
	if (a->ninl && !a->html_file)
		return usage_error("--inline needs --html-file (the HTML shows the image)");
	return check_auth(a);
}

/* The command word, --help, --version.  -1: go on. */
static int command(int argc, char **argv, struct cli *cl)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd || !strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
		fputs(usage_text, cmd ? stdout : stderr);
		return cmd ? 0 : EX_USAGE_;
	}
	if (!strcmp(cmd, "-V") || !strcmp(cmd, "--version"))
		return version();
	cl->cmd = !strcmp(cmd, "send") ? CMD_SEND : !strcmp(cmd, "analyze") ? CMD_ANALYZE :
	          !strcmp(cmd, "telnet") ? CMD_TELNET : !strcmp(cmd, "annotate") ? CMD_ANNOTATE : CMD_NONE;
	if (cl->cmd == CMD_NONE)
		return usage_error("unknown command '%s': use send, telnet, analyze or annotate", cmd);
	return -1;
}

static char cmdline[512];

const char *cli_cmdline(void)
{
	return cmdline;
}

/* The command line as one string (section header comments), cut to fit. */
static void keep_cmdline(int argc, char **argv)
{
	char raw[sizeof cmdline];
	size_t n = (size_t)snprintf(raw, sizeof raw, "smtptrace");
	for (int i = 1; i < argc && n + 2 < sizeof raw; i++) {
		int secret = i > 1 && strstr(argv[i - 1], "pass") && !strchr(argv[i - 1], '=');
		const char *eq = strstr(argv[i], "pass") ? strchr(argv[i], '=') : NULL;
		if (secret)
			n += (size_t)snprintf(raw + n, sizeof raw - n, " (redacted)");
		else if (eq)
			n += (size_t)snprintf(raw + n, sizeof raw - n, " %.*s=(redacted)", (int)(eq - argv[i]), argv[i]);
		else
			n += (size_t)snprintf(raw + n, sizeof raw - n, " %s", argv[i]);
	}
	if (n >= sizeof raw)
		n = sizeof raw - 1;
	text_safe(cmdline, sizeof cmdline, raw, n, NULL);   /* UTF-8, no controls */
}

int cli_parse(int argc, char **argv, struct cli *cl)
{
	struct send_args *a = &cl->a;
	int c, r, color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");

	memset(cl, 0, sizeof *cl);
	keep_cmdline(argc, argv);
	a->oo.format = OUT_TEXT;
	a->oo.out = stdout;
	a->oo.width = -1;                 /* no --width */
	if ((r = command(argc, argv, cl)) >= 0)
		return r;
	optind = 2;
	while ((c = getopt_long(argc, argv, "s:f:t:i:w:qZ:hV", long_opts, NULL)) != -1) {
		int analyze_only = c == O_SUMMARY || c == O_PORT || c == O_SESSION ||
		                   c == O_IDLE_TIMEOUT || c == O_MEMORY_LIMIT;
		const char *cmd = cl->cmd == CMD_TELNET ? "telnet" : cl->cmd == CMD_SEND ? "send" : "analyze";
		if (cl->cmd == CMD_ANNOTATE && c != 'w' && c != O_PORT && c != 'h' && c != 'V' && c != '?')
			return usage_error("annotate takes -w OUT and --port only");
		if (send_only(c) && (cl->cmd == CMD_ANALYZE || (cl->cmd == CMD_TELNET && message_opt(c))))
			return usage_error("%s is an option of send, not %s", opt_name(c), cmd);
		if (analyze_only && (cl->cmd == CMD_SEND || cl->cmd == CMD_TELNET))
			return usage_error("%s is an option of analyze, not %s", opt_name(c), cmd);
		r = send_only(c) ? send_opt(c, optarg, a) : analyze_opt(c, optarg, a, &color);
		if (r >= 0)
			return r;
	}
	a->oo.color = color && a->oo.format == OUT_TEXT;
	a->oo.width = term_width(a->oo.width);
	if (cl->cmd == CMD_SEND && (r = open_keylog(a)) >= 0)
		return r;
	if ((r = check_args(argc, argv, cl)) >= 0)
		return r;
	return out_open_files(&a->oo) < 0 ? EX_INTERNAL : -1;
}
