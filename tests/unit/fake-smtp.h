/* fake-smtp.h - the unit tests' scripted fake SMTP server (a thread on a
 * socketpair or a 127.0.0.1 listener) and helpers to run the client
 * against it.  Included by test_client*.c only. */
#ifndef FAKE_SMTP_H
#define FAKE_SMTP_H
#include "client.h"
#include "unit.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Script steps: "S<bytes>" send, "W" pause 30 ms, "R" read one line,
 * "D" read up to the end of data, "E" read until EOF, "C" close now,
 * "H" wait, not reading, until the client hangs up, "A" answer every command
 * (250; 354 to DATA, then 250 after the data; 221 to QUIT, then EOF). */
struct fake {
	int fd, listen_fd;
	const char *const *script;
	char got[65536];
	size_t got_len;
};

static int read_byte(struct fake *f)
{
	char ch;
	if (recv(f->fd, &ch, 1, 0) != 1)
		return -1;
	if (f->got_len < sizeof f->got)
		f->got[f->got_len++] = ch;
	return (unsigned char)ch;
}

static int ends_with(const struct fake *f, const char *s)
{
	size_t n = strlen(s);
	return f->got_len >= n && memcmp(f->got + f->got_len - n, s, n) == 0;
}

static int run_step(struct fake *f, const char *st);

static int answer_all(struct fake *f)
{
	for (;;) {
		size_t start = f->got_len;
		if (run_step(f, "R"))
			return -1;
		const char *cmd = f->got + start;
		int data = !strncmp(cmd, "DATA", 4), quit = !strncmp(cmd, "QUIT", 4);
		if (run_step(f, data ? "S354 go\r\n" : quit ? "S221 bye\r\n" : "S250 ok\r\n"))
			return -1;
		if (quit)
			return run_step(f, "E");
		if (data && (run_step(f, "D") || run_step(f, "S250 queued\r\n")))
			return -1;
	}
}

static int run_step(struct fake *f, const char *st)
{
	switch (st[0]) {
	case 'S':
		return send(f->fd, st + 1, strlen(st + 1), MSG_NOSIGNAL) < 0 ? -1 : 0;
	case 'W':
		nanosleep(&(struct timespec){ 0, 30000000 }, NULL);
		return 0;
	case 'H':
		poll(&(struct pollfd){ .fd = f->fd, .events = POLLRDHUP }, 1, 10000);
		return 0;
	case 'R':
		for (int ch; (ch = read_byte(f)) != '\n';)
			if (ch < 0)
				return -1;
		return 0;
	case 'D':
		while (!ends_with(f, "\r\n.\r\n"))
			if (read_byte(f) < 0)
				return -1;
		return 0;
	case 'A':
		return answer_all(f);
	case 'E':
		while (read_byte(f) >= 0)
			;
		return 0;
	default:  /* 'C' */
		return -1;
	}
}

static void *server(void *arg)
{
	struct fake *f = arg;
	if (f->listen_fd >= 0)
		f->fd = accept(f->listen_fd, NULL, NULL);
	for (const char *const *st = f->script; *st && run_step(f, *st) == 0; st++)
		;
	close(f->fd);
	return NULL;
}

static const char *const one[] = { "bob@example.org" };
static const char *const two[] = { "bad@example.org", "bob@example.org" };
static const char msg[] = "Subject: t\r\n\r\n.hidden dot\r\nbye\r\n";

static void opts_init(struct client_opts *o, FILE *tr)
{
	memset(o, 0, sizeof *o);
	o->helo = "client.test";
	o->from = "alice@example.com";
	o->to = one;
	o->nto = 1;
	o->msg = msg;
	o->msg_len = sizeof msg - 1;
	client_set_all_timeouts(&o->to_s, 3);
	o->transcript = tr;
}

/* The records tile the stream and match what the server received. */
static void check_records(const struct client_result *r, const struct fake *f)
{
	int ok = r->nsent > 0 && r->sent[0].off == 0;
	for (size_t i = 0; ok && i < r->nsent; i++) {
		const struct sent_rec *s = &r->sent[i];
		ok &= s->end >= s->off && s->end <= f->got_len;
		if (i + 1 < r->nsent)
			ok &= s->end == r->sent[i + 1].off;
		if (ok && !s->is_body)
			ok &= strncmp(f->got + s->off, s->verb, strlen(s->verb)) == 0 &&
			      memcmp(f->got + s->end - 2, "\r\n", 2) == 0;
		if (ok && s->is_body)
			ok &= memcmp(f->got + s->end - 5, "\r\n.\r\n", 5) == 0;
	}
	CHECK(ok);
	CHECK(r->nsent > 0 && r->sent[r->nsent - 1].end == f->got_len);
	CHECK(r->bytes_out == f->got_len);
}

/* Run the client over a socketpair against `script`; transcript into *tr. */
static int run_pair(const char *const *script, struct client_opts *o,
                    struct client_result *r, struct fake *f, char **tr)
{
	int sv[2];
	size_t trlen;
	FILE *tf = open_memstream(tr, &trlen);
	memset(f, 0, sizeof *f);
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	f->fd = sv[1];
	f->listen_fd = -1;
	f->script = script;
	o->transcript = tf;
	pthread_t th;
	pthread_create(&th, NULL, server, f);
	int rc = client_run(sv[0], NULL, 0, o, r);
	pthread_join(th, NULL);
	fclose(tf);
	return rc;
}

static void verbs_are(const struct client_result *r, const char *want)
{
	char got[256] = "";
	for (size_t i = 0; i < r->nsent; i++) {
		char one_[40];
		snprintf(one_, sizeof one_, "%s%s/%d", i ? " " : "",
		         r->sent[i].is_body ? "." : r->sent[i].verb, r->sent[i].reply_code);
		strcat(got, one_);
	}
	CHECK_STR(got, want);
}

#endif
