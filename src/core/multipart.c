/*
** core/multipart.c: multipart/form-data over an in-memory body. One pass:
** find the first delimiter, then per part read its header lines (bounded),
** and search for the next "CRLF--boundary". Nothing is copied but the
** small strings (name, filename, content type).
*/
#include "core/multipart.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/parse.h"

#include <string.h>
#include <strings.h>

#define SLUG "bad_multipart"
#define FIELD "file"

static int
bad(struct err *e, const char *what)
{
	return err_setx(e, ERR_INVALID, SLUG, FIELD, "上传内容格式错误：%s", what);
}

static int
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *
skip_ows(const char *s, const char *end)
{
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static const char *
token_end(const char *s, const char *end)
{
	while (s < end && is_tchar((unsigned char)*s))
		s++;
	return s;
}

static int
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* One parameter: raw spans into the header value. */
struct param {
	const char *name, *val;
	size_t nlen, vlen;
	int quoted;	/* val is the inside of a quoted string, escapes not yet removed */
};

/*
** Next "; name=value" from *s (value a token or a quoted string). 1 with *p,
** 0 at the end (a trailing ';' is tolerated), -1 when malformed.
*/
static int
next_param(const char **s, const char *end, struct param *p)
{
	const char *q = skip_ows(*s, end);

	if (q == end) {
		*s = q;
		return 0;
	}
	if (*q != ';')
		return -1;
	q = skip_ows(q + 1, end);
	if (q == end) {
		*s = q;
		return 0;
	}
	p->name = q;
	q = token_end(q, end);
	p->nlen = (size_t)(q - p->name);
	if (!p->nlen || q == end || *q != '=')
		return -1;
	q++;
	if (q < end && *q == '"') {
		p->val = ++q;
		p->quoted = 1;
		while (q < end && *q != '"') {
			if (is_ctl((unsigned char)*q))
				return -1;
			if (*q == '\\' && q + 1 < end && (q[1] == '"' || q[1] == '\\'))
				q++;
			q++;
		}
		if (q == end)
			return -1;	/* unterminated quoted string */
		p->vlen = (size_t)(q - p->val);
		q++;
	} else {
		p->val = q;
		p->quoted = 0;
		q = token_end(q, end);
		p->vlen = (size_t)(q - p->val);
		if (!p->vlen)
			return -1;
	}
	*s = q;
	return 1;
}

static int
param_is(const struct param *p, const char *name)
{
	return p->nlen == strlen(name) && strncasecmp(p->name, name, p->nlen) == 0;
}

/*
** The parameter's value in the arena: a quoted string loses its quotes and
** the escapes \" and \\ (other backslashes stay: old browsers sent Windows
** paths unescaped).
*/
static char *
param_value(struct arena *a, const struct param *p)
{
	char *out = arena_alloc(a, p->vlen + 1);
	size_t o = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < p->vlen; i++) {
		if (p->quoted && p->val[i] == '\\' && i + 1 < p->vlen &&
		    (p->val[i + 1] == '"' || p->val[i + 1] == '\\'))
			i++;
		out[o++] = p->val[i];
	}
	out[o] = '\0';
	return out;
}

/* Length of the media type at the start of s (before parameters), OWS trimmed; *rest after it. */
static int
media_type_is(const char *s, const char *want, const char **rest)
{
	const char *end = s + strlen(s), *q = skip_ows(s, end), *t = q;

	while (t < end && *t != ';' && *t != ' ' && *t != '\t')
		t++;
	if (rest)
		*rest = t;
	return (size_t)(t - q) == strlen(want) && strncasecmp(q, want, (size_t)(t - q)) == 0;
}

int
mp_is_form_data(const char *content_type)
{
	return content_type && media_type_is(content_type, "multipart/form-data", NULL);
}

/* RFC 2046 bchars: DIGIT / ALPHA / ' ( ) + _ , - . / : = ? and space, not last. */
static int
valid_boundary(const char *b)
{
	size_t n = strlen(b);

	if (n == 0 || n > MP_BOUNDARY_MAX || b[n - 1] == ' ')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      strchr("'()+_,-./:=? ", c)))
			return 0;
	}
	return 1;
}

int
mp_boundary(struct arena *a, const char *content_type, const char **boundary, struct err *e)
{
	const char *rest, *end, *b = NULL;
	struct param p;
	int r;

	*boundary = NULL;
	if (!content_type || !media_type_is(content_type, "multipart/form-data", &rest))
		return bad(e, "不是 multipart/form-data");
	end = rest + strlen(rest);
	while ((r = next_param(&rest, end, &p)) == 1) {
		if (!param_is(&p, "boundary"))
			continue;
		if (b)
			return bad(e, "boundary 重复");
		b = param_value(a, &p);
		if (!b)
			return err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	if (r < 0)
		return bad(e, "Content-Type 参数格式错误");
	if (!b)
		return bad(e, "缺少 boundary");
	if (!valid_boundary(b))
		return bad(e, "boundary 不合法");
	*boundary = b;
	return 0;
}

/* Append the UTF-8 encoding of Latin-1 byte c. */
static size_t
latin1_to_utf8(unsigned char c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	out[0] = (char)(0xc0 | (c >> 6));
	out[1] = (char)(0x80 | (c & 0x3f));
	return 2;
}

/*
** RFC 5987 ext-value: charset'language'pct-encoded, charset UTF-8 or
** ISO-8859-1 (any case). Decoded to UTF-8 in the arena; NULL with e set.
*/
static char *
ext_value(struct arena *a, const struct param *p, struct err *e)
{
	char *raw = param_value(a, p), *q1, *q2, *dec, *out;
	long n;
	int utf8;

	if (!raw) {
		err_set(e, ERR_NOMEM, NULL, "out of memory");
		return NULL;
	}
	q1 = strchr(raw, '\'');
	q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	if (!q2) {
		bad(e, "filename* 格式错误");
		return NULL;
	}
	*q1 = '\0';
	utf8 = strcasecmp(raw, "UTF-8") == 0;
	if (!utf8 && strcasecmp(raw, "ISO-8859-1") != 0) {
		bad(e, "filename* 字符集不受支持");
		return NULL;
	}
	dec = arena_alloc(a, strlen(q2 + 1) + 1);
	n = dec ? url_decode(q2 + 1, strlen(q2 + 1), dec, 0) : -2;
	if (n == -2) {
		err_set(e, ERR_NOMEM, NULL, "out of memory");
		return NULL;
	}
	if (n < 0 || (utf8 && utf8_chars(dec, (size_t)n) < 0)) {
		bad(e, "filename* 编码错误");
		return NULL;
	}
	if (utf8)
		return dec;
	out = arena_alloc(a, (size_t)n * 2 + 1);
	if (!out) {
		err_set(e, ERR_NOMEM, NULL, "out of memory");
		return NULL;
	}
	for (long i = 0, o = 0; i < n; i++) {
		o += (long)latin1_to_utf8((unsigned char)dec[i], out + o);
		out[o] = '\0';
	}
	return out;
}

static int
parse_disposition(struct arena *a, const char *v, const char *end, struct mp_part *pt,
		  struct err *e)
{
	const char *q = skip_ows(v, end), *t = token_end(q, end);
	const char *fn = NULL, *fnx = NULL;
	struct param p;
	int r;

	if (t - q != 9 || strncasecmp(q, "form-data", 9) != 0)
		return bad(e, "Content-Disposition 应为 form-data");
	q = t;
	while ((r = next_param(&q, end, &p)) == 1) {
		const char **slot = param_is(&p, "name") ? &pt->name :
				    param_is(&p, "filename") ? &fn :
				    param_is(&p, "filename*") ? &fnx : NULL;
		if (!slot)
			continue;	/* unknown parameters are ignored (RFC 7578 §4.2) */
		if (*slot)
			return bad(e, "Content-Disposition 参数重复");
		*slot = slot == &fnx ? ext_value(a, &p, e) : param_value(a, &p);
		if (!*slot)
			return e->code ? e->code : err_set(e, ERR_NOMEM, NULL, "out of memory");
	}
	if (r < 0)
		return bad(e, "Content-Disposition 参数格式错误");
	if (!pt->name)
		return bad(e, "Content-Disposition 缺少 name");
	pt->filename = fnx ? fnx : fn;
	return 0;
}

/* First occurrence of needle (n > 0 bytes, starting with CR) in hay[0..len); NULL if none. */
static const char *
find(const char *hay, size_t len, const char *needle, size_t n)
{
	const char *end = hay + len;

	for (const char *p = hay; (size_t)(end - p) >= n; p++) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (!p)
			return NULL;
		if (memcmp(p, needle, n) == 0)
			return p;
	}
	return NULL;
}

enum { LINE_OK = 0, LINE_LONG = -1, LINE_BAD_EOL = -2, LINE_TRUNCATED = -3 };

/* One CRLF-terminated line at *pos (CRLF excluded from *n); *pos moves past it. */
static int
next_line(const char **pos, const char *end, const char **line, size_t *n)
{
	const char *s = *pos, *cr, *lf;
	size_t lim = (size_t)(end - s);

	if (lim > MP_LINE_MAX + 2)
		lim = MP_LINE_MAX + 2;
	cr = memchr(s, '\r', lim);
	lf = memchr(s, '\n', cr ? (size_t)(cr - s) : lim);
	if (lf)
		return LINE_BAD_EOL;	/* bare LF */
	if (!cr)
		return lim == (size_t)(end - s) ? LINE_TRUNCATED : LINE_LONG;
	if (cr + 1 == end)
		return LINE_TRUNCATED;
	if (cr[1] != '\n')
		return LINE_BAD_EOL;	/* bare CR */
	if ((size_t)(cr - s) > MP_LINE_MAX)
		return LINE_LONG;
	*line = s;
	*n = (size_t)(cr - s);
	*pos = cr + 2;
	return LINE_OK;
}

static int
line_error(int r, struct err *e)
{
	return bad(e, r == LINE_LONG ? "头部行过长" : r == LINE_BAD_EOL ? "换行应为 CRLF"
									: "内容不完整");
}

/* Header lines of one part up to the blank line; *pos ends at the first data byte. */
static int
part_headers(struct arena *a, const char **pos, const char *end, struct mp_part *pt,
	     struct err *e)
{
	int seen_ct = 0, seen_cd = 0;

	for (int nh = 0;; nh++) {
		const char *line, *colon, *v, *ve;
		size_t n;
		int r = next_line(pos, end, &line, &n);

		if (r)
			return line_error(r, e);
		if (n == 0)
			break;
		if (nh >= MP_HEADERS_MAX)
			return bad(e, "头部行过多");
		colon = memchr(line, ':', n);
		if (!colon || colon == line || token_end(line, colon) != colon)
			return bad(e, "头部行格式错误");
		v = skip_ows(colon + 1, line + n);
		ve = line + n;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		for (const char *c = v; c < ve; c++)
			if (is_ctl((unsigned char)*c))
				return bad(e, "头部含控制字符");
		if ((size_t)(colon - line) == 19 && strncasecmp(line, "Content-Disposition", 19) == 0) {
			if (seen_cd++)
				return bad(e, "Content-Disposition 重复");
			if (parse_disposition(a, v, ve, pt, e))
				return e->code;
		} else if ((size_t)(colon - line) == 12 && strncasecmp(line, "Content-Type", 12) == 0) {
			if (seen_ct++)
				return bad(e, "Content-Type 重复");
			pt->content_type = arena_strndup(a, v, (size_t)(ve - v));
			if (!pt->content_type)
				return err_set(e, ERR_NOMEM, NULL, "out of memory");
		}
	}
	if (!seen_cd)
		return bad(e, "缺少 Content-Disposition");
	return 0;
}

int
mp_parse(struct arena *a, const char *body, size_t len, const char *boundary,
	 struct mp_part *parts, int max, int *n, struct err *e)
{
	char delim[4 + MP_BOUNDARY_MAX];	/* "\r\n--" boundary */
	size_t bl = boundary ? strlen(boundary) : 0, dl = bl + 4;
	const char *end = body + len, *pos, *hit;

	*n = 0;
	if (!bl || bl > MP_BOUNDARY_MAX)
		return bad(e, "boundary 不合法");
	if (!body || !len)
		return bad(e, "请求体为空");
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, bl);
	/* the first delimiter opens the body, or ends a preamble */
	if (len >= dl - 2 && memcmp(body, delim + 2, dl - 2) == 0) {
		pos = body + dl - 2;
	} else {
		hit = find(body, len, delim, dl);
		if (!hit)
			return bad(e, "找不到分隔符");
		pos = hit + dl;
	}
	for (;;) {
		int close = end - pos >= 2 && pos[0] == '-' && pos[1] == '-';
		struct mp_part *pt;

		if (close)
			pos += 2;
		pos = skip_ows(pos, end);	/* transport padding */
		if (close) {
			if (pos == end || (end - pos >= 2 && pos[0] == '\r' && pos[1] == '\n'))
				return 0;	/* the epilogue is ignored */
			return bad(e, "结束分隔符后有多余内容");
		}
		if (pos == end || (end - pos == 1 && *pos == '\r'))
			return bad(e, "内容不完整");
		if (end - pos < 2 || pos[0] != '\r' || pos[1] != '\n')
			return bad(e, "分隔符行格式错误（内容中出现分隔符？）");
		pos += 2;
		if (*n >= max)
			return bad(e, "表单部分过多");
		pt = &parts[*n];
		memset(pt, 0, sizeof(*pt));
		if (part_headers(a, &pos, end, pt, e))
			return e->code;
		hit = find(pos, (size_t)(end - pos), delim, dl);
		if (!hit)
			return bad(e, "内容不完整（缺少分隔符）");
		pt->data = pos;
		pt->len = (size_t)(hit - pos);
		(*n)++;
		pos = hit + dl;
	}
}
