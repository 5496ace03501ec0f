/* util-strtab.h - strings by index (packet comments by frame): adding to
 * an index that has one joins them with " | ".  Bounded: past `limit`
 * bytes in all, additions are counted in `dropped` and left out. */
#ifndef SMTPTRACE_UTIL_STRTAB_H
#define SMTPTRACE_UTIL_STRTAB_H

#include <stddef.h>

struct strtab {
	char **v;
	size_t cap;              /* entries in v */
	size_t count;            /* indices with a string */
	size_t bytes, limit, dropped;
};

/* Add s[0..n) (a NUL inside becomes a space) to index idx. */
void strtab_add(struct strtab *t, size_t idx, const char *s, size_t n);
const char *strtab_get(const struct strtab *t, size_t idx);
void strtab_free(struct strtab *t);

#endif
