/* cap-dsb.h - the TLS secrets in a pcapng file's Decryption Secrets Blocks.
 * libpcap skips DSBs when it reads a pcapng file, so analyze walks the
 * file's blocks once before the libpcap pass and gives every DSB of type
 * TLS key log (0x544c534b) to tls_keys_add_text().  Bounded: at most
 * CAP_DSB_MAX_BYTES of secrets are taken, a malformed block ends the walk
 * (libpcap reports the damage itself). */
#ifndef SMTPTRACE_CAP_DSB_H
#define SMTPTRACE_CAP_DSB_H

#include <stddef.h>
#include <stdint.h>
#include "tls-keys.h"

#define CAP_DSB_MAX_BYTES (16u << 20)

struct cap_dsb_stats {
	size_t blocks;          /* TLS key log DSBs taken */
	size_t bytes;           /* their secrets, in bytes */
	size_t skipped;         /* DSBs of other types, or past the cap */
};

/* Walk the pcapng file image p[0..n) (all sections, either byte order).
 * Returns 0, or -1 when p is not pcapng (nothing done). */
int cap_dsb_scan(const uint8_t *p, size_t n, struct tls_keys *k, struct cap_dsb_stats *st);

/* The same for the open regular file fd (mapped read-only, not moved). */
int cap_dsb_scan_fd(int fd, struct tls_keys *k, struct cap_dsb_stats *st);

#endif
