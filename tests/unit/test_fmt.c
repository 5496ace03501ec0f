/* test_fmt.c - util-fmt (numbers, seconds, safe text) and util-addr. */
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "util-addr.h"
#include "util-fmt.h"
#include "unit.h"

static const char *secs(uint64_t t0, uint64_t ts, int digits)
{
	static char buf[64];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	put_reltime(f, t0, ts, digits);
	fclose(f);
	return buf;
}

static const char *safe_put(const char *s)
{
	static char buf[256];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	put_safe(f, s);
	fclose(f);
	return buf;
}

int main(void)
{
	/* seconds as printf's %.Nf would round them, negative before t0 */
	CHECK_STR(secs(0, 1234567890, 9), "1.234567890");
	CHECK_STR(secs(0, 1234567890, 6), "1.234568");
	CHECK_STR(secs(0, 999999500, 6), "1.000000");
	CHECK_STR(secs(2000000000, 1500000000, 6), "-0.500000");
	char d[24];
	CHECK_STR(u64_digits(18446744073709551615ull, d + sizeof d - 1), "18446744073709551615");

	/* sbuf never overflows */
	struct sbuf b;
	sb_init(&b);
	for (int i = 0; i < 400; i++)
		sb_str(&b, "abc");
	CHECK(b.n == sizeof b.b - 1 && b.b[b.n] == '\0');

	/* terminal-safe text: plain ASCII is returned as it is */
	char buf[64];
	const char *plain = "250 ok";
	CHECK(fmt_safe(plain, buf, sizeof buf) == plain);
	CHECK_STR(fmt_safe("a\x1b]52;c;x\x07z", buf, sizeof buf), "a\\x1b]52;c;x\\x07z");
	CHECK_STR(fmt_safe("\xc2\x9b \xe2\x80\xae \x9b \xc3\xa9", buf, sizeof buf),
	          "\\xc2\\x9b \\xe2\\x80\\xae \\x9b \xc3\xa9");
	CHECK_STR(safe_put("x\x1b[2Jy"), "x\\x1b[2Jy");

	/* addresses */
	char a[ADDR_EP_MAX];
	const uint8_t v4[4] = { 192, 0, 2, 10 };
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	v6[15] = 0x25;
	addr_ep(4, v4, 25, a, sizeof a);
	CHECK_STR(a, "192.0.2.10:25");
	addr_ep(6, v6, 587, a, sizeof a);
	CHECK_STR(a, "[2001:db8::25]:587");
	const uint8_t m[6] = { 0x02, 0, 0, 0xab, 0xcd, 0xef };
	addr_mac(m, a);
	CHECK_STR(a, "02:00:00:ab:cd:ef");
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(2525) };
	memcpy(&s6.sin6_addr, v6, 16);
	unsigned port = 0;
	CHECK(addr_sockaddr((struct sockaddr *)&s6, a, sizeof a, &port) == 0 && port == 2525);
	CHECK_STR(a, "2001:db8::25");
	struct sockaddr sx = { .sa_family = AF_UNIX };
	CHECK(addr_sockaddr(&sx, a, sizeof a, NULL) == -1);
	CHECK_STR(a, "?");
	return UNIT_DONE();
}
