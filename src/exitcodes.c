/* exitcodes.c - names of the stages of a send (exitcodes.h). */
#include "exitcodes.h"

const char *smtp_stage_name(enum smtp_stage s)
{
	static const char *const names[] = {
		"resolve", "connect", "greeting", "EHLO", "HELO", "MAIL FROM",
		"RCPT TO", "DATA", "end of data", "QUIT", "done", "TLS",
	};
	return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
