/* test_dns.c - dns_mx_parse with canned DNS answers: sorting, compression,
 * the null MX, NODATA, truncated and malformed messages. */
#include <string.h>
#include "dns.h"
#include "unit.h"

/* header: id 0x1234, QR RD RA, 1 question, `an` answers */
#define HDR(an) 0x12, 0x34, 0x81, 0x80, 0, 1, 0, (an), 0, 0, 0, 0
/* question: lab.test MX IN (name at offset 12) */
#define QLAB 3, 'l', 'a', 'b', 4, 't', 'e', 's', 't', 0, 0, 15, 0, 1
/* answer owner: pointer to offset 12, MX IN, TTL 60 */
#define OWN_MX 0xc0, 12, 0, 15, 0, 1, 0, 0, 0, 60

/* three MX: mx2 (20), mx1 (10), mx3 (10, compressed "mx3" + ptr to lab.test) */
static const unsigned char three[] = {
	HDR(3), QLAB,
	OWN_MX, 0, 8, 0, 20, 3, 'm', 'x', '2', 0xc0, 12,
	OWN_MX, 0, 8, 0, 10, 3, 'm', 'x', '1', 0xc0, 12,
	OWN_MX, 0, 8, 0, 10, 3, 'm', 'x', '3', 0xc0, 12,
};
static const unsigned char null_mx[] = { HDR(1), QLAB, OWN_MX, 0, 3, 0, 0, 0 };
static const unsigned char nodata[] = { HDR(0), QLAB };
/* a CNAME answer (type 5) before the MX: skipped */
static const unsigned char cname[] = {
	HDR(2), QLAB,
	0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 1, 'x', 0xc0, 12,
	OWN_MX, 0, 6, 0, 5, 1, 'm', 0xc0, 12,
};
/* MX RDATA of 2 bytes: no name */
static const unsigned char short_rd[] = { HDR(1), QLAB, OWN_MX, 0, 2, 0, 10 };
/* RDLENGTH says 6 but the name takes 4: trailing bytes */
static const unsigned char long_rd[] = { HDR(1), QLAB, OWN_MX, 0, 6, 0, 10, 1, 'm', 0, 0 };
/* a compression pointer to itself (a loop) */
static const unsigned char loop[] = { HDR(1), QLAB, OWN_MX, 0, 4, 0, 10, 0xc0, 40 };

static void test_sorted(void)
{
	struct dns_mx mx[4];
	size_t n = 9;

	CHECK(dns_mx_parse(three, sizeof three, mx, 4, &n) == DNS_MX_OK);
	CHECK(n == 3);
	CHECK_STR(mx[0].host, "mx1.lab.test");
	CHECK_STR(mx[1].host, "mx3.lab.test");       /* equal preference: answer order */
	CHECK_STR(mx[2].host, "mx2.lab.test");
	CHECK(mx[0].pref == 10 && mx[1].pref == 10 && mx[2].pref == 20);
	/* room for two: the worst is dropped */
	CHECK(dns_mx_parse(three, sizeof three, mx, 2, &n) == DNS_MX_OK);
	CHECK(n == 2);
	CHECK_STR(mx[1].host, "mx3.lab.test");
}

static void test_special(void)
{
	struct dns_mx mx[4];
	size_t n = 9;

	CHECK(dns_mx_parse(null_mx, sizeof null_mx, mx, 4, &n) == DNS_MX_NULL);
	CHECK(dns_mx_parse(nodata, sizeof nodata, mx, 4, &n) == DNS_MX_NONE);
	CHECK(n == 0);
	CHECK(dns_mx_parse(cname, sizeof cname, mx, 4, &n) == DNS_MX_OK);
	CHECK(n == 1);
	CHECK_STR(mx[0].host, "m.lab.test");
	CHECK(mx[0].pref == 5);
}

static void test_bad(void)
{
	struct dns_mx mx[4];
	size_t n;

	/* every truncation of a good answer: never OK with garbage, never a crash */
	for (size_t len = 0; len < sizeof three; len++) {
		enum dns_mx_status s = dns_mx_parse(three, len, mx, 4, &n);
		CHECK(s == DNS_MX_MALFORMED);
	}
	CHECK(dns_mx_parse(short_rd, sizeof short_rd, mx, 4, &n) == DNS_MX_MALFORMED);
	CHECK(dns_mx_parse(long_rd, sizeof long_rd, mx, 4, &n) == DNS_MX_MALFORMED);
	CHECK(dns_mx_parse(loop, sizeof loop, mx, 4, &n) == DNS_MX_MALFORMED);
}

int main(void)
{
	test_sorted();
	test_special();
	test_bad();
	return UNIT_DONE();
}
