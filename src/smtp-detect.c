/* smtp-detect.c - is this stream SMTP?  A pure function of the first
 * payload bytes of one side, so the flow table can call it before any
 * session exists. */
#include <ctype.h>
#include <string.h>
#include "session.h"

int smtp_looks_like(int dir, const uint8_t *p, size_t n)
{
	if (n < 4)
		return n == 0 ? -1 : 0;
	if (dir == DIR_S2C)
		return p[0] >= '2' && p[0] <= '5' && isdigit(p[1]) && isdigit(p[2]) &&
		       (p[3] == ' ' || p[3] == '-' || p[3] == '\r');
	char v[16];
	smtp_command_verb((const char *)p, n < 16 ? n : 16, v);
	return strcmp(v, "EHLO") == 0 || strcmp(v, "HELO") == 0 || strcmp(v, "LHLO") == 0;
}
