/* smtp-detect.c - is this stream SMTP?  A pure function of the first
 * payload bytes of one side, so the flow table can call it before any
 * session exists. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "session.h"

/* Could p[0..n) (n < 4) begin a reply line, or EHLO/HELO/LHLO? */
static int could_begin(int dir, const uint8_t *p, size_t n)
{
	if (dir == DIR_S2C) {
		for (size_t i = 0; i < n; i++)
			if (i == 0 ? p[0] < '2' || p[0] > '5' : !isdigit(p[i]))
				return 0;
		return 1;
	}
	static const char *const verbs[] = { "EHLO", "HELO", "LHLO" };
	for (size_t v = 0; v < 3; v++)
		if (strncasecmp((const char *)p, verbs[v], n) == 0)
			return 1;
	return 0;
}

int smtp_looks_like(int dir, const uint8_t *p, size_t n)
{
	if (n < 4)                     /* "22" | "0 mx": can't tell yet */
		return could_begin(dir, p, n) ? -1 : 0;
	if (dir == DIR_S2C)
		return p[0] >= '2' && p[0] <= '5' && isdigit(p[1]) && isdigit(p[2]) &&
		       (p[3] == ' ' || p[3] == '-' || p[3] == '\r');
	char v[16];
	smtp_command_verb((const char *)p, n < 16 ? n : 16, v);
	return strcmp(v, "EHLO") == 0 || strcmp(v, "HELO") == 0 || strcmp(v, "LHLO") == 0;
}
