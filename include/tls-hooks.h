/* tls-hooks.h - the engine's decryption layer for the tls parser: app.h's
 * struct tls_dec_hooks implemented with tls-decrypt.h, one struct tls_dec
 * per tls layer instance (one TLS connection), the key log shared. */
#ifndef SMTPTRACE_TLS_HOOKS_H
#define SMTPTRACE_TLS_HOOKS_H

#include "app.h"
#include "tls-keys.h"

/* Fill h so that its decrypters use `keys` (borrowed; may be NULL: every
 * protected record is then TLS_HOOK_NO_KEYS). */
void tls_hooks_init(struct tls_dec_hooks *h, const struct tls_keys *keys);

#endif
