/* test_telnet.c - telnet_io_run over a socketpair with a forked scripted
 * server and a pipe as the keyboard: every typed line sent once with CRLF,
 * the records (verb, body, reply code, offsets), DATA mode entered only
 * after DATA's 354, a CRLF line end typed kept as one, the end at QUIT. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "telnet.h"
#include "unit.h"

/* The server: a reply per command line; in DATA, nothing until ".". */
static void server(int fd)
{
	FILE *f = fdopen(fd, "r+");
	char line[512];
	int data = 0;

	fputs("220 test ready\r\n", f);
	fflush(f);
	while (fgets(line, sizeof line, f)) {
		const char *r = NULL;
		if (data) {
			if (!strcmp(line, ".\r\n"))
				data = 0, r = "250 queued\r\n";
		} else if (!strncmp(line, "DATA\r\n", 6))
			data = 1, r = "354 go on\r\n";
		else if (!strncmp(line, "QUIT\r\n", 6))
			r = "221 bye\r\n";
		else if (!strncmp(line, "HELO ", 5) || !strncmp(line, "MAIL FROM:", 10) ||
		         !strncmp(line, "RCPT TO:", 8))
			r = "250 ok\r\n";
		else
			r = "500 what?\r\n";
		if (r) {
			fputs(r, f);
			fflush(f);
		}
	}
	_exit(0);
}

static const char typed[] =
	"HELO x\nMIAL FROM:<a@b>\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\nDATA\nSubject: s\n\nbody\n.\nQUIT\n";

int main(void)
{
	int sp[2], in[2];
	static struct telnet_io t;
	volatile sig_atomic_t intr = 0;

	signal(SIGPIPE, SIG_IGN);
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sp) == 0 && pipe(in) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(sp[0]);
		server(sp[1]);
	}
	close(sp[1]);
	CHECK(write(in[1], typed, sizeof typed - 1) == (ssize_t)(sizeof typed - 1));
	close(in[1]);
	t = (struct telnet_io){ .fd = sp[0], .in = in[0], .tr = NULL, .reply_wait = 5,
	                        .interrupted = &intr };
	CHECK(telnet_io_run(&t) == 0);
	waitpid(pid, NULL, 0);
	CHECK(t.nsent == 7);                 /* 6 commands + the body */
	const char *verbs[] = { "HELO", "MIAL", "MAIL", "RCPT", "DATA", "", "QUIT" };
	const int codes[] = { 250, 500, 250, 250, 354, 250, 221 };
	uint64_t off = 0;
	for (size_t i = 0; i < 7 && i < t.nsent; i++) {
		CHECK_STR(t.sent[i].verb, verbs[i]);
		CHECK(t.sent[i].reply_code == codes[i]);
		CHECK(t.sent[i].is_body == (i == 5));
		CHECK(t.sent[i].off == off);
		off = t.sent[i].end;
	}
	/* "Subject: s" "" "body" "." each + CRLF */
	CHECK(t.nsent == 7 && t.sent[5].end - t.sent[5].off == 12 + 2 + 6 + 3);
	CHECK(t.bytes_out == sizeof typed - 1 + 10 - 1);   /* each LF became CRLF (one was) */
	CHECK(t.last_code == 221);
	CHECK(t.quit_sent);
	free(t.sent);
	return UNIT_DONE();
}
