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
	if (s->hdr_name_prio < 1) {
		struct strbuf nb = { s->hdr.name, sizeof s->hdr.name, 0, 0 };
		if (param(v, n, "name", &nb)) {
			s->hdr.name_cut = (uint8_t)nb.cut;
			s->hdr_name_prio = 1;
		}
	}
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
		char tmp[sizeof s->hdr.name];
		struct strbuf b = { tmp, sizeof tmp, 0, 0 };
		if (param(f + vo, n - vo, "filename", &b)) {
			memcpy(s->hdr.name, tmp, b.len + 1);
			s->hdr.name_cut = (uint8_t)b.cut;
			s->hdr_name_prio = 2;
		}
	} else if (nl == 25 && !strncasecmp(f, "Content-Transfer-Encoding", 25)) {
		const char *v = f + vo;
		size_t vn = n - vo;
		while (vn && isspace((unsigned char)*v))
			v++, vn--;
		s->hdr_enc = vn >= 6 && !strncasecmp(v, "base64", 6) ? ENC_B64 :
		             vn >= 16 && !strncasecmp(v, "quoted-printable", 16) ? ENC_QP : ENC_ID;
	}
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
	if (!strncmp(s->hdr.type, "multipart/", 10) && s->hdr_bnd_len) {
		if (s->nbnd < MIME_SCAN_DEPTH) {
			memcpy(s->bnd[s->nbnd], s->hdr_bnd, s->hdr_bnd_len);
			s->bnd_len[s->nbnd++] = s->hdr_bnd_len;
			return;                            /* the preamble follows */
		}
		s->too_deep++;
	}
	if (s->nparts >= MIME_SCAN_PARTS) {
		s->dropped++;
		return;
	}
	s->part[s->nparts] = s->hdr;
	s->cur = (int)s->nparts++;
	s->cur_enc = s->hdr_enc;
	s->count = 0;
	s->pending_crlf = 0;
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

static void body_line(struct mime_scan *s, const char *l, size_t n)
{
	struct mime_part_info *p = &s->part[s->cur];
	if (s->cur_enc == ENC_B64) {
		for (size_t i = 0; i < n; i++)
			s->count += isalnum((unsigned char)l[i]) || l[i] == '+' || l[i] == '/';
		return;
	}
	int soft = 0;
	uint64_t k = s->cur_enc == ENC_QP ? qp_octets(l, n, &soft) : n;
	p->size += (s->pending_crlf ? 2 : 0) + k;
	s->pending_crlf = !soft;
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
	if (s->cur >= 0 && s->part[s->cur].depth == 0 && s->cur_enc != ENC_B64 && s->pending_crlf)
		s->part[s->cur].size += 2;
	part_done(s);
	s->in_header = 0;
}
