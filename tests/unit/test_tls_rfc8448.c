/* test_tls_rfc8448.c - the TLS 1.3 key schedule and record protection
 * against RFC 8448 section 3 ("Simple 1-RTT Handshake"): the traffic keys
 * and IVs derived from the listed traffic secrets, and every protected
 * record of the trace decrypted through tls_dec_record(). */
#include <stdint.h>
#include <stdlib.h>
#include "tls-decrypt.h"
#include "tls-kdf.h"
#include "tls-keys.h"
#include "unit.h"

/* Hex with spaces into buf: the length. */
static size_t hex(const char *s, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *s; s++) {
		int v = *s >= '0' && *s <= '9' ? *s - '0' : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10 : -1;
		if (v < 0)
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			if (n < cap)
				buf[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

#define CLIENT_RANDOM "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"
#define SERVER_RANDOM "a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928"
#define C_HS "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21"
#define S_HS "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38"
#define C_AP "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5"
#define S_AP "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643"

/* {server} send handshake record: EncryptedExtensions, Certificate,
 * CertificateVerify, Finished (679 octets) */
static const char rec_s_flight[] =
	"17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f"
	"45 e4 89 e7 f3 3a f3 5e df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca"
	"07 61 2e f9 f9 45 cb 96 0b 40 68 90 51 23 ea 78 b1 11 b4 29 ba 91 91 cd"
	"05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 28 b5 ec f7 b1 3b"
	"d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e"
	"f3 ab 20 e3 7d 57 a6 b9 d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c"
	"7d 0e 50 92 89 44 4c 9b 3a 64 8f 1d 71 03 5d 2e d6 5b 0e 3c dd 0c ba e8"
	"bf 2d 0b 22 78 12 cb b3 60 98 72 55 cc 74 41 10 c4 53 ba a4 fc d6 10 92"
	"8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 7e 36 a6 a7 3b 70"
	"a2 55 9c 09 ea d6 86 94 5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8"
	"94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68 45 96 c9 60 bd 59 6e ea"
	"52 0a 56 a8 d6 50 f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f"
	"44 15 cf 95 38 d5 1a 20 0c 27 03 42 72 96 8a 26 4e d6 54 0c 84 83 8d 89"
	"f7 2c 24 46 1a ad 6d 26 f5 9e ca ba 9a cb bb 31 7b 66 d9 02 f4 f2 92 a3"
	"6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31 7b 49 ee da 0c 62 58 f1"
	"00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e"
	"1b 7a 6c 71 78 af 36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84"
	"c8 b0 37 8b f3 02 44 da 8c 87 c8 43 f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c"
	"f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6 6f 99 88 2b d8 9f"
	"c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be"
	"5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6"
	"fa 4f 9d 62 d5 13 af bb 99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb"
	"56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e 2a c4 c8 59 77 b7 c7 a6 99 9b bf 10"
	"dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c 0b 3b 66 76 30 38"
	"eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f"
	"60 f0 50 4d e9 3b 5b 84 5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78"
	"40 16 e4 b3 be 7e f0 4d da 49 f4 b4 40 a3 0c b5 d2 af 93 98 28 fd 4a e3"
	"79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 19 bf da bf 02 53 fe 51 75 be 89 8e"
	"75 0e dc 53 37 0d 2b";
/* {client} Finished (58 octets) */
static const char rec_c_fin[] =
	"17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0"
	"51 7f e9 b9 3c 7a 4b fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c"
	"ae ac ab 68 67 d7 26 c4 05 46";
/* {server} NewSessionTicket (227 octets) */
static const char rec_s_nst[] =
	"17 03 03 00 de 3a 6b 8f 90 41 4a 97 d6 95 9c 34 87 68 0d e5 13 4a 2b 24"
	"0e 6c ff ac 11 6e 95 d4 1d 6a f8 f6 b5 80 dc f3 d1 1d 63 c7 58 db 28 9a"
	"01 59 40 25 2f 55 71 3e 06 1d c1 3e 07 88 91 a3 8e fb cf 57 53 ad 8e f1"
	"70 ad 3c 73 53 d1 6d 9d a7 73 b9 ca 7f 2b 9f a1 b6 c0 d4 a3 d0 3f 75 e0"
	"9c 30 ba 1e 62 97 2a c4 6f 75 f7 b9 81 be 63 43 9b 29 99 ce 13 06 46 15"
	"13 98 91 d5 e4 c5 b4 06 f1 6e 3f c1 81 a7 7c a4 75 84 00 25 db 2f 0a 77"
	"f8 1b 5a b0 5b 94 c0 13 46 75 5f 69 23 2c 86 51 9d 86 cb ee ac 87 aa c3"
	"47 d1 43 f9 60 5d 64 f6 50 db 4d 02 3e 70 e9 52 ca 49 fe 51 37 12 1c 74"
	"bc 26 97 68 7e 24 87 46 d6 df 35 30 05 f3 bc e1 86 96 12 9c 81 53 55 6b"
	"3b 6c 67 79 b3 7b f1 59 85 68 4f";
/* application data, 50 octets 00 01 .. 31 each way (72 octets) */
static const char rec_c_app[] =
	"17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea"
	"42 f9 14 aa 66 bc ab 3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b"
	"62 97 4e 1f 5a 62 92 a2 97 70 14 bd 1e 3d ea e6 3a ee bb 21 69 49 15 e4";
static const char rec_s_app[] =
	"17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4 a4 69 32 fc"
	"32 25 d0 5f 82 aa 1b 36 e3 0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8"
	"fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2 ab f3 32 54 0d d0 32 e1 67 c2 95 5d";
/* close_notify alerts (24 octets) */
static const char rec_c_alert[] =
	"17 03 03 00 13 c9 87 27 60 65 56 66 b7 4d 7f f1 15 3e fd 6d b6 d0 b0 e3";
static const char rec_s_alert[] =
	"17 03 03 00 13 b5 8f d6 71 66 eb f5 99 d2 47 20 cf be 7e fa 7a 88 64 a9";

/* The server's Finished message, the end of the first flight's plaintext. */
static const char s_finished[] =
	"14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a b4 2c 30"
	"95 72 cb 7f ff ee 54 54 b7 8f 07 18";
static const char c_finished[] =
	"14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e c1 76 94"
	"fa c6 e9 85 27 b6 42 f2 ed d5 ce 61";

static void check_keys(const char *secret_hex, const char *key_hex, const char *iv_hex)
{
	uint8_t sec[32], key[16], iv[12], want_key[16], want_iv[12];
	CHECK(hex(secret_hex, sec, sizeof sec) == 32);
	hex(key_hex, want_key, sizeof want_key);
	hex(iv_hex, want_iv, sizeof want_iv);
	CHECK(tls13_expand_label("SHA256", sec, 32, "key", NULL, 0, key, 16) == 0);
	CHECK(tls13_expand_label("SHA256", sec, 32, "iv", NULL, 0, iv, 12) == 0);
	CHECK_MEM(key, 16, want_key, 16);
	CHECK_MEM(iv, 12, want_iv, 12);
}

static void test_traffic_keys(void)
{
	/* {server} derive write traffic keys for handshake data */
	check_keys(S_HS, "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc",
	           "5d 31 3e b2 67 12 76 ee 13 00 0b 30");
	/* {client} derive write traffic keys for handshake data */
	check_keys(C_HS, "db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01",
	           "5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f");
	/* {server} derive write traffic keys for application data */
	check_keys(S_AP, "9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56",
	           "cf 78 2b 88 dd 83 54 9a ad f1 e9 84");
	/* {client} derive write traffic keys for application data */
	check_keys(C_AP, "17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51",
	           "5b 78 92 3d ee 08 57 90 33 e5 23 d9");
	/* {server} calculate finished "tls13 finished" (32-byte output, SHA-256) */
	uint8_t sec[32], fk[32], want[32];
	hex(S_HS, sec, sizeof sec);
	hex("00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85 c3 1f c0 68 bf 49 2c 65 2f 01"
	    "f2 88 a1 d8 cd c1 9f c8", want, sizeof want);
	CHECK(tls13_expand_label("SHA256", sec, 32, "finished", NULL, 0, fk, 32) == 0);
	CHECK_MEM(fk, 32, want, 32);
	/* refused inputs */
	CHECK(tls13_expand_label("NO-SUCH-DIGEST", sec, 32, "key", NULL, 0, fk, 16) == -1);
	CHECK(tls13_expand_label("SHA256", sec, 0, "key", NULL, 0, fk, 16) == -1);
}

static struct tls_keys *rfc_keys(void)
{
	static const char text[] =
		"# RFC 8448 section 3\n"
		"CLIENT_HANDSHAKE_TRAFFIC_SECRET " CLIENT_RANDOM " " C_HS "\n"
		"SERVER_HANDSHAKE_TRAFFIC_SECRET " CLIENT_RANDOM " " S_HS "\n"
		"CLIENT_TRAFFIC_SECRET_0 " CLIENT_RANDOM " " C_AP "\n"
		"SERVER_TRAFFIC_SECRET_0 " CLIENT_RANDOM " " S_AP "\n";
	struct tls_keys *k = tls_keys_new();
	CHECK(tls_keys_add_text(k, text, sizeof text - 1) == 4);
	return k;
}

/* Feed a whole record (header included); return the status. */
static enum tls_dec_status feed(struct tls_dec *d, int dir, const char *rec_hex,
                                uint8_t *out, size_t *outn, uint8_t *type)
{
	uint8_t rec[1024];
	size_t n = hex(rec_hex, rec, sizeof rec);
	*outn = 1024;
	if (n < 5 || (size_t)(rec[3] << 8 | rec[4]) != n - 5)
		return TLS_DEC_MALFORMED;
	return tls_dec_record(d, dir, rec[0], (uint16_t)(rec[1] << 8 | rec[2]), rec + 5, n - 5,
	                      out, outn, type);
}

static void test_records(void)
{
	struct tls_keys *k = rfc_keys();
	struct tls_dec *d = tls_dec_new(k);
	uint8_t cr[32], sr[32], out[1024], want[64], app[50], type = 0;
	size_t outn;
	hex(CLIENT_RANDOM, cr, 32);
	hex(SERVER_RANDOM, sr, 32);
	for (int i = 0; i < 50; i++)
		app[i] = (uint8_t)i;
	tls_dec_client_hello(d, cr);
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1301, sr, 0) == TLS_DEC_OK);

	/* server flight under the server handshake keys: EE .. Finished, 657 bytes */
	CHECK(feed(d, 1, rec_s_flight, out, &outn, &type) == TLS_DEC_OK);
	CHECK(type == 22 && outn == 657);
	CHECK(out[0] == 0x08 && out[1] == 0 && out[2] == 0 && out[3] == 0x24);
	size_t fl = hex(s_finished, want, sizeof want);
	CHECK(outn >= fl);
	CHECK_MEM(out + outn - fl, fl, want, fl);
	/* client Finished under the client handshake keys */
	CHECK(feed(d, 0, rec_c_fin, out, &outn, &type) == TLS_DEC_OK);
	fl = hex(c_finished, want, sizeof want);
	CHECK(type == 22);
	CHECK_MEM(out, outn, want, fl);
	/* the server switched to its application keys after its Finished */
	CHECK(feed(d, 1, rec_s_nst, out, &outn, &type) == TLS_DEC_OK);
	CHECK(type == 22 && outn > 4 && out[0] == 0x04);   /* NewSessionTicket */
	/* a damaged record fails and does not advance the sequence number */
	char bad[sizeof rec_c_app];
	memcpy(bad, rec_c_app, sizeof bad);
	bad[20] = bad[20] == '0' ? '1' : '0';
	CHECK(feed(d, 0, bad, out, &outn, &type) == TLS_DEC_BAD_MAC);
	CHECK(feed(d, 0, rec_c_app, out, &outn, &type) == TLS_DEC_OK);
	CHECK(type == 23);
	CHECK_MEM(out, outn, app, sizeof app);
	CHECK(feed(d, 1, rec_s_app, out, &outn, &type) == TLS_DEC_OK);
	CHECK(type == 23);
	CHECK_MEM(out, outn, app, sizeof app);
	CHECK(feed(d, 0, rec_c_alert, out, &outn, &type) == TLS_DEC_OK);
	CHECK(type == 21 && outn == 2 && out[0] == 1 && out[1] == 0);   /* close_notify */
	CHECK(feed(d, 1, rec_s_alert, out, &outn, &type) == TLS_DEC_OK);
	CHECK(type == 21 && outn == 2 && out[0] == 1 && out[1] == 0);
	struct tls_dec_counts c = tls_dec_counts(d);
	CHECK(c.ok == 7 && c.bad_mac == 1);
	CHECK(c.trial == 0);      /* the switches were found by counting messages */
	/* a record replayed (wrong sequence number) fails */
	CHECK(feed(d, 1, rec_s_alert, out, &outn, &type) == TLS_DEC_BAD_MAC);
	/* too small an output buffer */
	outn = 10;
	uint8_t rec[80];
	size_t rn = hex(rec_s_app, rec, sizeof rec);
	CHECK(tls_dec_record(d, 1, 23, 0x0303, rec + 5, rn - 5, out, &outn, &type) ==
	      TLS_DEC_NOSPACE);
	tls_dec_free(d);
	tls_keys_free(k);
}

/* Only the application secrets: the handshake records cannot be read, and the
 * application records are found by trying the application keys. */
static void test_app_secrets_only(void)
{
	struct tls_keys *k = tls_keys_new();
	const char *t = "CLIENT_TRAFFIC_SECRET_0 " CLIENT_RANDOM " " C_AP "\n";
	CHECK(tls_keys_add_text(k, t, strlen(t)) == 1);
	struct tls_dec *d = tls_dec_new(k);
	uint8_t cr[32], sr[32], out[1024], type;
	size_t outn;
	hex(CLIENT_RANDOM, cr, 32);
	hex(SERVER_RANDOM, sr, 32);
	tls_dec_client_hello(d, cr);
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1301, sr, 0) == TLS_DEC_OK);
	CHECK(feed(d, 0, rec_c_fin, out, &outn, &type) == TLS_DEC_NO_KEYS);
	CHECK(feed(d, 0, rec_c_app, out, &outn, &type) == TLS_DEC_OK && outn == 50);
	CHECK(feed(d, 1, rec_s_app, out, &outn, &type) == TLS_DEC_NO_KEYS);
	CHECK(tls_dec_counts(d).trial == 1);
	tls_dec_free(d);

	/* a client random not in the key log; then a suite we do not decrypt */
	d = tls_dec_new(k);
	tls_dec_client_hello(d, sr);
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1301, sr, 0) == TLS_DEC_NO_KEYS);
	CHECK(feed(d, 0, rec_c_app, out, &outn, &type) == TLS_DEC_NO_KEYS);
	tls_dec_client_hello(d, cr);
	CHECK(tls_dec_server_hello(d, 0x0304, 0x1304, sr, 0) == TLS_DEC_UNSUPPORTED);
	CHECK(feed(d, 0, rec_c_app, out, &outn, &type) == TLS_DEC_UNSUPPORTED);
	tls_dec_free(d);
	tls_keys_free(k);
}

int main(void)
{
	test_traffic_keys();
	test_records();
	test_app_secrets_only();
	return UNIT_DONE();
}
