/* test_send_secret.c - where send's AUTH secret comes from (send-secret.c):
 * --auth-password-file's first line without CR/LF, else $SMTPTRACE_PASSWORD;
 * an empty, missing or over-long one is an error naming the file, never
 * showing the secret. */
#include "send-int.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static char path[] = "/tmp/smtptrace-test-pw.XXXXXX";

static void put(const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void from_file(void)
{
	struct send_args a = { .auth.user = "bob", .password_file = path };
	char err[300];
	put("s3cret\r\nsecond line\n");
	char *s = send_secret_load(&a, err, sizeof err);
	CHECK_STR(s, "s3cret");
	send_secret_free(s);
	put("no newline");
	s = send_secret_load(&a, err, sizeof err);
	CHECK_STR(s, "no newline");
	send_secret_free(s);
	put("\n");
	CHECK(send_secret_load(&a, err, sizeof err) == NULL);
	CHECK_STR(err, "--auth-user bob: the password is empty");
	char *big = malloc(9000);
	memset(big, 'x', 8999);
	big[8999] = '\0';
	put(big);
	free(big);
	CHECK(send_secret_load(&a, err, sizeof err) == NULL);
	CHECK(strstr(err, "first line longer than 8192 bytes") != NULL && !strstr(err, "xxxx"));
	unlink(path);
	CHECK(send_secret_load(&a, err, sizeof err) == NULL);
	CHECK(strstr(err, "No such file or directory") != NULL);
}

static void from_env(void)
{
	struct send_args a = { .auth.user = "bob" };
	char err[300];
	setenv("SMTPTRACE_PASSWORD", "t0ken", 1);
	char *s = send_secret_load(&a, err, sizeof err);
	CHECK_STR(s, "t0ken");
	send_secret_free(s);
	unsetenv("SMTPTRACE_PASSWORD");
}

int main(void)
{
	int fd = mkstemp(path);
	close(fd);
	from_file();
	from_env();
	return UNIT_DONE();
}
