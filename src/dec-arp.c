/* dec-arp.c - ARP for IPv4 over Ethernet (RFC 826).
 *
 * Only hardware type 1 / protocol 0x0800 with 6- and 4-byte addresses is
 * PK_ARP; other hardware or protocol types are counted as PK_OTHER.  The
 * sender/target protocol addresses also go to src/dst (family 4) so that
 * host filters treat ARP like the IP packets around it.
 */
#include <string.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include "decode_int.h"

#define ARP_LEN 28   /* fixed part (8) + 2 * (6 + 4) */

void decode_arp(struct cur c, size_t wire, struct pkt *p)
{
	const uint8_t *a = c.p;
	if (pkt_need(p, &c, wire, 8, "ARP: packet shorter than header",
	             "ARP: header truncated") < 0)
		return;
	if (ld_be16(a) != ARPHRD_ETHER || ld_be16(a + 2) != ETHERTYPE_IP || a[4] != 6 || a[5] != 4)
		return;
	p->kind = PK_ARP;
	p->arp_op = ld_be16(a + 6);
	if (pkt_need(p, &c, wire, ARP_LEN, "ARP: packet shorter than addresses",
	             "ARP: addresses truncated") < 0)
		return;
	memcpy(p->arp_sha, a + 8, 6);
	memcpy(p->arp_spa, a + 14, 4);
	memcpy(p->arp_tha, a + 18, 6);
	memcpy(p->arp_tpa, a + 24, 4);
	p->family = 4;
	memcpy(p->src, p->arp_spa, 4);
	memcpy(p->dst, p->arp_tpa, 4);
}
