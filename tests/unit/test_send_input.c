/* test_send_input.c - the message send builds from --body (send-input.c):
 * a body without its own headers goes through the MIME writer, so an ASCII
 * body is labelled 7bit and a non-ASCII one is quoted-printable, with an
 * 8bit variant for a server that offers 8BITMIME (RFC 6152); a body that
 * begins with its own From/Subject header is sent as written. */
#include "send-int.h"
#include "unit.h"

#include <string.h>

static int has(const char *msg, size_t len, const char *needle)
{
	return msg && memmem(msg, len, needle, strlen(needle)) != NULL;
}

static void load(const char *body, struct send_input *in)
{
	struct send_args a = { .server = "127.0.0.1:25", .from = "a@lab.test", .to = { "b@lab.test" },
	                       .nto = 1, .subject = "t", .body = body, .helo = "client.lab.test" };
	CHECK(send_input_load(&a, in) == 0);
}

static void ascii_body(void)
{
	struct send_input in;
	load("Hello TA,\n.a dot line\n", &in);
	CHECK(has(in.msg, in.msg_len, "Content-Transfer-Encoding: 7bit\r\n"));
	CHECK(!has(in.msg, in.msg_len, "8bit"));
	CHECK(in.msg8 == NULL);
	send_input_free(&in);
}

static void utf8_body(void)
{
	struct send_input in;
	load("Gr\xc3\xbc\xc3\x9f" "e\n", &in);
	CHECK(has(in.msg, in.msg_len, "Content-Transfer-Encoding: quoted-printable\r\n"));
	CHECK(has(in.msg, in.msg_len, "Gr=C3=BC=C3=9Fe"));
	CHECK(has(in.msg8, in.msg8_len, "Content-Transfer-Encoding: 8bit\r\n"));
	send_input_free(&in);
}

static void own_headers(void)
{
	struct send_input in;
	load("From: a@lab.test\nSubject: mine\n\nbody\n", &in);
	CHECK(has(in.msg, in.msg_len, "Subject: mine\r\n"));
	CHECK(!has(in.msg, in.msg_len, "MIME-Version"));
	send_input_free(&in);
}

int main(void)
{
	UNIT_RUN(ascii_body);
	UNIT_RUN(utf8_body);
	UNIT_RUN(own_headers);
	return UNIT_DONE();
}
