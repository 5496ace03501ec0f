/* pcaploop.c - the floor for `smtptrace analyze`: read a capture with
 * libpcap and touch every packet, doing nothing else.
 *
 *   pcaploop [-b] FILE
 *
 * -b reads through a 1 MiB stdio buffer (pcap_fopen_offline), as smtptrace
 * analyze does, instead of libpcap's default (a read() per 4 KiB): the
 * stricter floor, printed by make bench for comparison.
 *
 * Prints the packet count, the sum of the captured lengths and a checksum
 * of one byte of each packet (so the compiler cannot drop the reads). */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	int big = argc == 3 && !strcmp(argv[1], "-b");
	if (argc != 2 && !big) {
		fprintf(stderr, "usage: pcaploop [-b] FILE\n");
		return 2;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p;
	if (big) {
		static char buf[1 << 20];
		FILE *f = fopen(argv[2], "rb");
		if (!f) {
			perror(argv[2]);
			return 1;
		}
		setvbuf(f, buf, _IOFBF, sizeof buf);
		p = pcap_fopen_offline(f, err);
	} else
		p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "pcaploop: %s\n", err);
		return 1;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	uint64_t n = 0, bytes = 0, sum = 0;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
		n++;
		bytes += h->caplen;
		if (h->caplen)
			sum += d[h->caplen / 2];
	}
	if (rc == PCAP_ERROR) {
		fprintf(stderr, "pcaploop: %s\n", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("%llu packets, %llu bytes captured, checksum %llu\n",
	       (unsigned long long)n, (unsigned long long)bytes, (unsigned long long)sum);
	return 0;
}
