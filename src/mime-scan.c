/* mime-scan.c - list the parts of a message as its lines go by: type,
 * file name and decoded size of each leaf part.  Incremental, constant
 * memory (struct mime_scan), any input: boundaries are followed to
 * MIME_SCAN_DEPTH levels, MIME_SCAN_PARTS parts are recorded, header fields
 * are kept to MIME_SCAN_FIELD octets.  Bodies are never stored. */
#include "mime.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

enum { ENC_ID, ENC_B64, ENC_QP };

static void reset_header(struct mime_scan *s, unsigned depth)
{
	memset(&s->hdr, 0, sizeof s->hdr);
	strcpy(s->hdr.type, "text/plain");
	s->hdr.depth = (uint8_t)depth;
	s->hdr_bnd_len = 0;
	s->hdr_enc = ENC_ID;
	s->hdr_name_prio = 0;
	s->field_len = 0;
	s->in_header = 1;
}

void mime_scan_init(struct mime_scan *s)
{
	memset(s, 0, sizeof *s);
	s->cur = -1;
	reset_header(s, 0);
}

/* ---- parameters (RFC 2045 5.1, RFC 2231) ---- */

struct strbuf {
	char *p;
	size_t cap, len;
	int cut;
};

static void sb_put(struct strbuf *b, char c)
{
	if (b->len + 1 < b->cap)
		b->p[b->len++] = c;
	else
		b->cut = 1;
	b->p[b->len] = 0;
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Append a parameter value: quoted-string unescaped, or token; %XX decoded
 * for RFC 2231 extended values (whose first segment starts charset'lang'). */
static void put_value(struct strbuf *b, const char *v, size_t n, int ext, int first)
{
	size_t i = 0;
	if (ext && first) {
		const char *q = memchr(v, '\'', n);
		const char *q2 = q ? memchr(q + 1, '\'', n - (size_t)(q + 1 - v)) : NULL;
		if (q2)
			i = (size_t)(q2 + 1 - v);
	}
	int quoted = i < n && v[i] == '"';
	for (i += (size_t)quoted; i < n; i++) {
		if (quoted && v[i] == '"')
			break;
		if (quoted && v[i] == '\\' && i + 1 < n)
			i++;
		else if (ext && v[i] == '%' && i + 2 < n && hexval(v[i + 1]) >= 0 &&
		         hexval(v[i + 2]) >= 0) {
			sb_put(b, (char)(hexval(v[i + 1]) * 16 + hexval(v[i + 2])));
			i += 2;
			continue;
		}
		sb_put(b, v[i]);
	}
}

/* End of the parameter starting at v[i]: the next ';' outside quotes. */
static size_t param_end(const char *v, size_t n, size_t i)
{
	int q = 0;
	for (; i < n; i++) {
		if (q && v[i] == '\\')
			i++;
		else if (v[i] == '"')
			q = !q;
		else if (!q && v[i] == ';')
			break;
	}
	return i < n ? i : n;
}

/* Find `attr` among the parameters of a field value (after the first ';'):
 * "attr=v", "attr*=cs''v", "attr*0=..; attr*1*=.." (taken in the order
 * given).  1 when found, the value in b. */
static int param(const char *v, size_t n, const char *attr, struct strbuf *b)
{
	size_t al = strlen(attr);
	int found = 0;
	for (size_t i = param_end(v, n, 0); i < n;) {
		size_t e = param_end(v, n, i + 1), a = i + 1;
		i = e;
		while (a < e && isspace((unsigned char)v[a]))
			a++;
		const char *eq = memchr(v + a, '=', e - a);
		if (!eq || (size_t)(eq - (v + a)) < al || strncasecmp(v + a, attr, al))
			continue;
		const char *rest = v + a + al;          /* "", "*", "*0", "*0*" */
		if (rest != eq && *rest != '*')
			continue;
		int ext = eq > rest && eq[-1] == '*';
		int first = rest == eq || rest[1] == '=' ||
		            (rest[1] == '0' && (rest[2] == '*' || rest[2] == '='));
		size_t vs = (size_t)(eq + 1 - v);
		while (vs < e && isspace((unsigned char)v[vs]))
			vs++;
		size_t ve = e;
		while (ve > vs && isspace((unsigned char)v[ve - 1]))
			ve--;
		if (first)                              /* a later full value wins */
			b->len = 0, b->cut = 0, b->p[0] = 0;
		put_value(b, v + vs, ve - vs, ext, first);
		found = 1;
	}
	return found;
}

/* ---- header fields ---- */

static void name_param(struct mime_scan *s, const char *v, size_t n, const char *attr, int prio);

static void content_type(struct mime_scan *s, const char *v, size_t n)
{
	size_t i = 0, k = 0;
	while (i < n && isspace((unsigned char)v[i]))
		i++;
	for (; i < n && v[i] != ';' && !isspace((unsigned char)v[i]); i++)
		if (k + 1 < sizeof s->hdr.type)
			s->hdr.type[k++] = (char)tolower((unsigned char)v[i]);
	s->hdr.type[k] = 0;
	if (!k || !strchr(s->hdr.type, '/'))
		strcpy(s->hdr.type, "text/plain");     /* RFC 2045 5.2 */
	struct strbuf b = { s->hdr_bnd, sizeof s->hdr_bnd, 0, 0 };
	if (param(v, n, "boundary", &b) && !b.cut)
		s->hdr_bnd_len = (uint8_t)b.len;
	struct strbuf cb = { s->hdr.charset, sizeof s->hdr.charset, 0, 0 };
	param(v, n, "charset", &cb);
	if (s->hdr_name_prio < 1)
		name_param(s, v, n, "name", 1);
}

/* The part's name from parameter `attr` (RFC 2231, then RFC 2047 words). */
static void name_param(struct mime_scan *s, const char *v, size_t n, const char *attr, int prio)
{
	char tmp[3 * sizeof s->hdr.name];
	struct strbuf b = { tmp, sizeof tmp, 0, 0 };
	tmp[0] = 0;
	if (!param(v, n, attr, &b))
		return;
	int cut = mime_words_decode(tmp, s->hdr.name, sizeof s->hdr.name);
	s->hdr.name_cut = (uint8_t)(cut || b.cut);
	s->hdr_name_prio = prio;
}

static const char *const encs[] = { "", "7bit", "8bit", "binary", "base64",
                                     "quoted-printable", NULL };
static const char *const disps[] = { "", "inline", "attachment", NULL };

/* The value's first token (to ';' or white space) as an index into
 * words[1..] (case-insensitive); `other` when none matches. */
static int word_of(const char *v, size_t n, const char *const *words, int other)
{
	size_t i = 0, k;
	while (i < n && isspace((unsigned char)v[i]))
		i++;
	for (k = i; k < n && v[k] != ';' && !isspace((unsigned char)v[k]); k++)
		;
	for (int w = 1; words[w]; w++)
		if (strlen(words[w]) == k - i && !strncasecmp(v + i, words[w], k - i))
			return w;
	return other;
}

/* "Content-ID: <id>": the id, without the angle brackets. */
static void content_id(struct mime_scan *s, const char *v, size_t n)
{
	size_t i = 0, k = 0;
	while (i < n && (isspace((unsigned char)v[i]) || v[i] == '<'))
		i++;
	while (n > i && (isspace((unsigned char)v[n - 1]) || v[n - 1] == '>'))
		n--;
	for (; i < n && k + 1 < sizeof s->hdr.content_id; i++)
		s->hdr.content_id[k++] = v[i];
	s->hdr.content_id[k] = 0;
}

static void field_done(struct mime_scan *s)
{
	const char *f = s->field;
	size_t n = s->field_len;
	const char *colon = memchr(f, ':', n);
	s->field_len = 0;
	if (!colon)
		return;
	size_t nl = (size_t)(colon - f), vo = nl + 1;
	if (nl == 12 && !strncasecmp(f, "Content-Type", 12))
		content_type(s, f + vo, n - vo);
	else if (nl == 19 && !strncasecmp(f, "Content-Disposition", 19)) {
		s->hdr.disposition = (uint8_t)word_of(f + vo, n - vo, disps, MIME_DISP_OTHER);
		name_param(s, f + vo, n - vo, "filename", 2);
	} else if (nl == 25 && !strncasecmp(f, "Content-Transfer-Encoding", 25)) {
		s->hdr.encoding = (uint8_t)word_of(f + vo, n - vo, encs, MIME_TE_OTHER);
		s->hdr_enc = s->hdr.encoding == MIME_TE_BASE64 ? ENC_B64 :
		             s->hdr.encoding == MIME_TE_QP ? ENC_QP : ENC_ID;
	} else if (nl == 10 && !strncasecmp(f, "Content-ID", 10))
		content_id(s, f + vo, n - vo);
}

static void field_add(struct mime_scan *s, const char *line, size_t len)
{
	size_t room = sizeof s->field - s->field_len;
	size_t k = len < room ? len : room;
	memcpy(s->field + s->field_len, line, k);
	s->field_len += k;
}

/* ---- parts ---- */

static void part_done(struct mime_scan *s)
{
	if (s->cur >= 0 && s->cur_enc == ENC_B64)
		s->part[s->cur].size = s->count * 6 / 8;
	s->cur = -1;
}

static void header_done(struct mime_scan *s)
{
	if (s->field_len)
		field_done(s);
	s->in_header = 0;
	s->cur = -1;
	int follow = 0;
	if (!strncmp(s->hdr.type, "multipart/", 10) && s->hdr_bnd_len) {
		follow = s->nbnd < MIME_SCAN_DEPTH;
		s->too_deep += !follow;
	}
	if (s->nparts >= MIME_SCAN_PARTS)
		s->dropped++;
	else {
		s->part[s->nparts] = s->hdr;
		s->part[s->nparts].multipart = (uint8_t)follow;
	}
	if (follow) {
		memcpy(s->bnd[s->nbnd], s->hdr_bnd, s->hdr_bnd_len);
		s->bnd_len[s->nbnd++] = s->hdr_bnd_len;
		s->nparts += s->nparts < MIME_SCAN_PARTS;
		return;                            /* the preamble follows */
	}
	if (s->nparts >= MIME_SCAN_PARTS)
		return;
	s->cur = (int)s->nparts++;
	s->cur_enc = s->hdr_enc;
	s->count = 0;
	s->pending_crlf = 0;
	s->had_line = 0;
}

/* Which open boundary the line is ("--b" or "--b--", then only white
 * space): its level, *close set for "--b--"; -1 when none. */
static int boundary_level(const struct mime_scan *s, const char *l, size_t n, int *close)
{
	if (n < 3 || l[0] != '-' || l[1] != '-')
		return -1;
	for (int k = (int)s->nbnd - 1; k >= 0; k--) {
		size_t bl = s->bnd_len[k], i = 2 + bl;
		if (n < i || memcmp(l + 2, s->bnd[k], bl))
			continue;
		*close = n >= i + 2 && l[i] == '-' && l[i + 1] == '-';
		for (i += *close ? 2 : 0; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
			;
		if (i == n)
			return k;
	}
	return -1;
}

/* Decoded octets of one quoted-printable line; *soft when it ends "=". */
static uint64_t qp_octets(const char *l, size_t n, int *soft)
{
	while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	*soft = n && l[n - 1] == '=';
	n -= (size_t)*soft;
	uint64_t k = 0;
	for (size_t i = 0; i < n; i++, k++)
		if (l[i] == '=' && i + 2 < n && hexval(l[i + 1]) >= 0 && hexval(l[i + 2]) >= 0)
			i += 2;
	return k;
}

static void b64_count(struct mime_scan *s, const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s->count += isalnum((unsigned char)l[i]) || l[i] == '+' || l[i] == '/';
}

static void body_line(struct mime_scan *s, const char *l, size_t n)
{
	struct mime_part_info *p = &s->part[s->cur];
	p->wire += (s->had_line ? 2 : 0) + n;
	s->had_line = 1;
	if (s->cur_enc == ENC_B64) {
		b64_count(s, l, n);
		return;
	}
	int soft = 0;
	uint64_t k = s->cur_enc == ENC_QP ? qp_octets(l, n, &soft) : n;
	p->size += (s->pending_crlf ? 2 : 0) + k;
	s->pending_crlf = !soft;
}

void mime_scan_more(struct mime_scan *s, const char *p, size_t n)
{
	if (s->in_header) {
		if (s->field_len)
			field_add(s, p, n);
		return;
	}
	if (s->cur < 0)
		return;
	struct mime_part_info *pi = &s->part[s->cur];
	pi->wire += n;
	if (s->cur_enc == ENC_B64) {
		b64_count(s, p, n);
		return;
	}
	int soft = 0;
	pi->size += s->cur_enc == ENC_QP ? qp_octets(p, n, &soft) : n;
	s->pending_crlf = !soft;               /* the last piece decides */
}

void mime_scan_line(struct mime_scan *s, const char *line, size_t len)
{
	int close = 0, k = boundary_level(s, line, len, &close);
	if (k >= 0) {
		if (s->in_header)
			header_done(s);
		part_done(s);
		s->nbnd = (unsigned)k + (close ? 0 : 1);
		if (close)
			s->in_header = 0;                  /* the epilogue: not a part */
		else
			reset_header(s, (unsigned)k + 1);
		return;
	}
	if (!s->in_header) {
		if (s->cur >= 0)
			body_line(s, line, len);
		return;
	}
	if (len && (line[0] == ' ' || line[0] == '\t') && s->field_len) {
		field_add(s, line, len);               /* a continuation: unfold */
		return;
	}
	if (s->field_len)
		field_done(s);
	if (len == 0)
		header_done(s);
	else
		field_add(s, line, len);
}

void mime_scan_end(struct mime_scan *s)
{
	if (s->in_header)
		header_done(s);
	/* A single-part message's last line ending is its own. */
	if (s->cur >= 0 && s->part[s->cur].depth == 0) {
		s->part[s->cur].wire += s->had_line ? 2 : 0;
		s->part[s->cur].size += s->cur_enc != ENC_B64 && s->pending_crlf ? 2 : 0;
	}
	part_done(s);
	s->in_header = 0;
}
