/* util-xml.h - wire text for SVG and HTML: rendered terminal-safe first
 * (util-text.h: printable ASCII and valid UTF-8, controls as \xNN), then
 * & < > " ' as entities.  The result is always valid UTF-8 and holds no
 * character XML 1.0 forbids. */
#ifndef SMTPTRACE_UTIL_XML_H
#define SMTPTRACE_UTIL_XML_H

#include <stddef.h>
#include <stdio.h>

void xml_put(FILE *f, const char *raw);
void xml_putn(FILE *f, const void *raw, size_t n);
/* The same, line by line: each LF kept as a line break (for <pre>). */
void xml_put_lines(FILE *f, const void *raw, size_t n);

#endif
