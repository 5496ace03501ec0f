/* unit.h - a minimal unit-test harness: CHECK() records failures and goes
 * on; main() ends with UNIT_DONE() which prints "N passed, N failed". */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond) do { if (cond) unit_pass++; else { unit_fail++; \
	fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
	if (a_ && b_ && strcmp(a_, b_) == 0) unit_pass++; else { unit_fail++; \
	fprintf(stderr, "%s:%d: CHECK_STR failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, \
	        a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } } while (0)
#define CHECK_MEM(a, alen, b, blen) do { size_t al_ = (alen), bl_ = (blen); \
	if (al_ == bl_ && memcmp((a), (b), al_) == 0) unit_pass++; else { unit_fail++; \
	fprintf(stderr, "%s:%d: CHECK_MEM failed: %s (%zu bytes) != %s (%zu bytes)\n", \
	        __FILE__, __LINE__, #a, al_, #b, bl_); } } while (0)
#define UNIT_DONE() (printf("%s: %d passed, %d failed\n", __FILE__, unit_pass, unit_fail), \
	unit_fail ? 1 : 0)
#endif
