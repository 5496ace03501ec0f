/* send-secret.c - the AUTH secret for `send --auth-user`: from
 * --auth-password-file FILE (its first line), else $SMTPTRACE_PASSWORD,
 * else asked on the terminal with echo off (termios, /dev/tty).  Never
 * from the command line, where `ps` shows it.  Read after privileges are
 * dropped, so root's files cannot be sent to a server of the caller's. */
#include "send-int.h"
#include "util-mem.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define SECRET_MAX 8192         /* an OAuth 2.0 token fits */

/* One line from fd into a fresh buffer, without its CR/LF; NULL on error
 * (errno), or with *toolong set. */
static char *read_line(int fd, int *toolong)
{
	char *s = xmalloc(SECRET_MAX + 1);
	size_t n = 0;
	int intr = 0;
	*toolong = 0;
	for (;;) {
		char ch;
		ssize_t k = read(fd, &ch, 1);
		if (k < 0 && errno == EINTR) {
			intr = 1;       /* Ctrl-C */
			break;
		}
		if (k <= 0 || ch == '\n')
			break;
		if (n == SECRET_MAX) {
			*toolong = 1;
			break;
		}
		s[n++] = ch;
	}
	if (n && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	if (*toolong || intr) {
		errno = intr ? EINTR : 0;
		OPENSSL_cleanse(s, SECRET_MAX + 1);
		free(s);
		return NULL;
	}
	return s;
}

static char *from_file(const char *path, char *err, size_t errlen)
{
	int toolong;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(err, errlen, "--auth-password-file %s: %s", path, strerror(errno));
		return NULL;
	}
	errno = 0;
	char *s = read_line(fd, &toolong);
	int e = errno;
	close(fd);
	if (!s)
		snprintf(err, errlen, "--auth-password-file %s: %s", path,
		         toolong ? "first line longer than 8192 bytes" : strerror(e));
	return s;
}

/* "Password for USER: " on the terminal, echo off. */
static char *prompt(const char *user, char *err, size_t errlen)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	struct termios old, quiet;
	if (fd < 0 || tcgetattr(fd, &old) != 0) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "--auth-user %s: no password (give --auth-password-file FILE "
		         "or set SMTPTRACE_PASSWORD; there is no terminal to ask on)", user);
		return NULL;
	}
	quiet = old;
	quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	dprintf(fd, "Password for %s: ", user);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	int toolong;
	errno = 0;
	char *s = read_line(fd, &toolong);
	int e = errno;
	tcsetattr(fd, TCSAFLUSH, &old);
	dprintf(fd, "\n");
	close(fd);
	if (!s)
		snprintf(err, errlen, "%s", e == EINTR ? "interrupted at the password prompt" :
		         toolong ? "password longer than 8192 bytes" : strerror(e));
	return s;
}

char *send_secret_load(const struct send_args *a, char *err, size_t errlen)
{
	const char *env = getenv("SMTPTRACE_PASSWORD");
	char *s;
	if (a->password_file)
		s = from_file(a->password_file, err, errlen);
	else if (env)
		s = xstrdup(env);
	else
		s = prompt(a->auth.user, err, errlen);
	if (s && !*s) {
		snprintf(err, errlen, "--auth-user %s: the password is empty", a->auth.user);
		free(s);
		return NULL;
	}
	return s;
}

void send_secret_free(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}
