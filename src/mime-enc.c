/* mime-enc.c - the byte-level encoders of the MIME writer: base64 lines,
 * quoted-printable, RFC 2047 encoded-words, RFC 2231 parameters. */
#include "mime.h"

#include <openssl/evp.h>
#include <string.h>

int mime_is_ascii(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] >= 0x80)
			return 0;
	return 1;
}

size_t mime_longest_line(const unsigned char *p, size_t n)
{
	size_t best = 0, cur = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r' || p[i] == '\n') {
			cur = 0;
			continue;
		}
		if (++cur > best)
			best = cur;
	}
	return best;
}

/* 57 input octets make one 76-character line (OpenSSL does the alphabet). */
void mime_put_base64(FILE *f, const unsigned char *p, size_t n)
{
	unsigned char line[80];
	for (size_t i = 0; i < n; i += 57) {
		size_t k = n - i < 57 ? n - i : 57;
		int w = EVP_EncodeBlock(line, p + i, (int)k);
		fwrite(line, 1, (size_t)w, f);
		fputs("\r\n", f);
	}
}

/* Length of the line at p[0..n) and, in *next, where the following line
 * starts (after CRLF, LF or CR); *ended says whether a line ending was seen. */
static size_t line_at(const unsigned char *p, size_t n, size_t *next, int *ended)
{
	size_t i = 0;
	while (i < n && p[i] != '\r' && p[i] != '\n')
		i++;
	*ended = i < n;
	*next = i;
	if (i < n)
		*next = i + (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n' ? 2 : 1);
	return i;
}

void mime_put_crlf(FILE *f, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t next;
		int ended;
		size_t len = line_at(p + i, n - i, &next, &ended);
		fwrite(p + i, 1, len, f);
		if (ended)
			fputs("\r\n", f);
		i += next;
	}
}

static void qp_line(FILE *f, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned c = p[i];
		int lit = (c >= 33 && c <= 126 && c != '=') ||
		          ((c == ' ' || c == '\t') && i + 1 < n);
		size_t w = lit ? 1 : 3;
		/* Room for the soft break's "=" within 76 columns. */
		if (col + w > 75) {
			fputs("=\r\n", f);
			col = 0;
		}
		if (lit)
			fputc((int)c, f);
		else
			fprintf(f, "=%c%c", hex[c >> 4], hex[c & 15]);
		col += w;
	}
}

void mime_put_qp(FILE *f, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t next;
		int ended;
		size_t len = line_at(p + i, n - i, &next, &ended);
		qp_line(f, p + i, len);
		if (ended)
			fputs("\r\n", f);
		i += next;
	}
}

/* RFC 2047 B encoded-words of at most 75 characters: the text goes in
 * chunks of at most 45 octets (60 base64 characters), each cut on a UTF-8
 * character boundary, separated by folding white space. */
static void put_words(FILE *f, const char *s, size_t n)
{
	unsigned char b64[64];
	for (size_t i = 0; i < n;) {
		size_t k = n - i > 45 ? 45 : n - i;
		while (i + k < n && k > 1 && ((unsigned char)s[i + k] & 0xC0) == 0x80)
			k--;
		int w = EVP_EncodeBlock(b64, (const unsigned char *)s + i, (int)k);
		fprintf(f, "%s=?UTF-8?B?%.*s?=", i ? "\r\n " : "", w, (const char *)b64);
		i += k;
	}
}

void mime_put_text_field(FILE *f, const char *field, const char *text)
{
	size_t n = strlen(text);
	fprintf(f, "%s: ", field);
	if (mime_is_ascii((const unsigned char *)text, n))
		fputs(text, f);
	else
		put_words(f, text, n);
	fputs("\r\n", f);
}

void mime_put_mailbox_field(FILE *f, const char *field, const char *mb)
{
	size_t n = strlen(mb);
	const char *lt = strrchr(mb, '<');
	if (!lt || n < 2 || mb[n - 1] != '>' || mime_is_ascii((const unsigned char *)mb, n)) {
		fprintf(f, "%s: %s\r\n", field, mb);
		return;
	}
	const char *a = mb, *b = lt;
	while (a < b && (*a == ' ' || *a == '\t'))
		a++;
	while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
		b--;
	if (b - a >= 2 && *a == '"' && b[-1] == '"') {
		a++;
		b--;
	}
	fprintf(f, "%s: ", field);
	if (b > a) {
		put_words(f, a, (size_t)(b - a));
		fputc(' ', f);
	}
	fprintf(f, "%s\r\n", lt);
}

/* RFC 2231 attribute-char: anything else is %XX. */
static int attr_char(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c && strchr("!#$&+-.^_`|~", (int)c));
}

static int simple_value(const char *v)
{
	size_t n = 0;
	for (; v[n]; n++)
		if ((unsigned char)v[n] < 0x20 || (unsigned char)v[n] > 0x7e ||
		    v[n] == '"' || v[n] == '\\')
			return 0;
	return n <= 60;
}

void mime_put_param(FILE *f, const char *name, const char *value)
{
	if (simple_value(value)) {
		fprintf(f, ";\r\n %s=\"%s\"", name, value);
		return;
	}
	const unsigned char *v = (const unsigned char *)value;
	unsigned seg = 0;
	size_t col = 50;                    /* start a segment at once */
	for (size_t i = 0; v[i]; i++) {
		if (col >= 50) {
			fprintf(f, ";\r\n %s*%u*=%s", name, seg, seg ? "" : "utf-8''");
			seg++;
			col = 0;
		}
		if (attr_char(v[i])) {
			fputc(v[i], f);
			col++;
		} else {
			fprintf(f, "%%%02X", v[i]);
			col += 3;
		}
	}
	if (!*value)
		fprintf(f, ";\r\n %s=\"\"", name);
}
