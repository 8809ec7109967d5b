/*
** modules/vehicles/costs_csv.c: the fuel card issuer's CSV (costs.h
** fuel_csv_parse). Pure: bytes in, checked lines and line-numbered errors out,
** so the import can refuse the whole file before it writes anything. Issuers
** export from spreadsheets: a BOM, CRLF, quoted fields and a blank last line
** are normal there; a GBK file is not UTF-8 and is told so, not half-read.
*/
#include "modules/vehicles/costs.h"
#include "modules/vehicles/vehicles.h"
#include "core/arena.h"
#include "core/calendar.h"
#include "core/err.h"

#include <string.h>

#define NCOLS 5
static const char *const header[NCOLS] = { "date", "plate", "litres", "amount", "station" };

#define LITRES_MAX_X100 1000000LL	/* 10 000 L: no tank holds that; a typo */
#define AMOUNT_MAX_FEN 10000000000LL	/* 1 亿元 */

/* One record while it is read: its fields (arena copies) and where it started. */
struct rec {
	int line, nfields;
	char *f[NCOLS + 1];	/* one spare to tell "too many" */
};

struct scan {
	struct arena *a;
	const char *p, *end;
	int line;
};

int64_t
csv_hundredths(const char *s, int64_t max)
{
	int64_t v = 0;
	int digits = 0, decimals = -1;

	for (; *s; s++) {
		if (*s == '.' && decimals < 0 && digits) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || ++digits > 13 || decimals >= 2)
			return -1;
		if (decimals >= 0)
			decimals++;
		v = v * 10 + (*s - '0');
	}
	if (!digits || decimals == 0)
		return -1;
	for (int k = decimals < 0 ? 0 : decimals; k < 2; k++)
		v *= 10;
	return v > max ? -1 : v;
}

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs or surrogates: jansson refuses those). */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t k = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
			 : (c & 0xF8) == 0xF0 ? 3 : 9;
		unsigned cp = k == 0 ? c : k == 1 ? (c & 0x1F) : k == 2 ? (c & 0x0F) : (c & 0x07);

		if (k == 9 || i + k >= n + (k ? 0 : 1))
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000))) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		i += k + 1;
	}
	return 1;
}

static int
add_error(struct arena *a, struct fuel_csv *out, int line, const char *field, const char *zh,
	  const char *en)
{
	size_t cap = out->nerrors;

	out->nbad++;
	if (out->nerrors >= FUEL_CSV_ERRORS_MAX)
		return 0;
	out->errors = arena_grow(a, out->errors, out->nerrors, &cap, sizeof(*out->errors));
	if (!out->errors)
		return ERR_NOMEM;
	out->errors[out->nerrors++] = (struct csv_error){ line, field, zh, en };
	return 0;
}

static int
at_eol(const struct scan *s)
{
	return s->p >= s->end || *s->p == '\n' || *s->p == '\r';
}

/* Past one line end (CRLF, LF or a lone CR). */
static void
skip_eol(struct scan *s)
{
	if (s->p < s->end && *s->p == '\r')
		s->p++;
	if (s->p < s->end && *s->p == '\n')
		s->p++;
	s->line++;
}

/* A quoted field after its opening quote: "" is a quote; newlines inside count as lines. */
static char *
quoted(struct scan *s, int *bad)
{
	char *out = arena_alloc(s->a, (size_t)(s->end - s->p) + 1), *o = out;

	if (!out)
		return NULL;
	for (;;) {
		if (s->p >= s->end) {
			*bad = 1;	/* the closing quote never came */
			break;
		}
		if (*s->p == '"' && s->p + 1 < s->end && s->p[1] == '"') {
			*o++ = '"';
			s->p += 2;
			continue;
		}
		if (*s->p == '"') {
			s->p++;
			break;
		}
		if (*s->p == '\n')
			s->line++;
		*o++ = *s->p++;
	}
	*o = 0;
	if (!*bad && !at_eol(s) && *s->p != ',')
		*bad = 2;	/* text after the closing quote */
	return out;
}

/* An unquoted field, spaces around it trimmed (spreadsheets pad). */
static char *
plain(struct scan *s)
{
	const char *b = s->p, *e;

	while (!at_eol(s) && *s->p != ',')
		s->p++;
	e = s->p;
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	return arena_strndup(s->a, b, (size_t)(e - b));
}

/* The next record into r; 0, 1 at the end, ERR_NOMEM; *bad: a quote error on r->line. */
static int
record(struct scan *s, struct rec *r, int *bad)
{
	r->line = s->line;
	r->nfields = 0;
	*bad = 0;
	if (s->p >= s->end)
		return 1;
	for (;;) {
		char *f;

		while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
			s->p++;
		f = s->p < s->end && *s->p == '"' ? (s->p++, quoted(s, bad)) : plain(s);
		if (!f)
			return ERR_NOMEM;
		if (r->nfields <= NCOLS)
			r->f[r->nfields] = f;
		r->nfields++;
		if (*bad == 2)	/* skip the rest of the line: it is reported as a whole */
			while (!at_eol(s))
				s->p++;
		if (at_eol(s))
			break;
		s->p++;		/* the comma */
	}
	skip_eol(s);
	return 0;
}

static int
blank(const struct rec *r)
{
	return r->nfields == 1 && !r->f[0][0];
}

/* Characters (not bytes) of a UTF-8 string. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Note an error of record r (in a, out); out of memory ends the parse. */
#define BAD(field, zh, en) \
	do { \
		if (add_error(a, out, r->line, field, zh, en)) \
			return ERR_NOMEM; \
	} while (0)

/* The date as YYYY-MM-DD or YYYY/MM/DD (the two ways issuers write it). */
static int
csv_date(const char *s, int *out)
{
	char buf[11];

	if (strlen(s) != 10 || (s[4] != s[7]) || (s[4] != '-' && s[4] != '/'))
		return -1;
	memcpy(buf, s, sizeof(buf));
	buf[4] = buf[7] = '-';
	return cal_parse_date(buf, out) ? -1 : 0;
}

/* One data record checked into a fuel_line (appended when every field is good). */
static int
check_record(struct arena *a, const struct rec *r, struct fuel_csv *out, size_t *cap)
{
	struct fuel_line l = { .line = r->line };
	char plate[VEH_PLATE_MAX + 8];
	struct err pe = { 0 };
	size_t before = out->nbad;

	if (r->nfields != NCOLS) {
		BAD(NULL, "应有 5 列：date,plate,litres,amount,station",
		    "expected 5 columns: date,plate,litres,amount,station");
		return 0;
	}
	if (csv_date(r->f[0], &l.date))
		BAD("date", "日期应为 YYYY-MM-DD 或 YYYY/MM/DD", "the date must be YYYY-MM-DD or YYYY/MM/DD");
	if (veh_plate_norm(r->f[1], plate, sizeof(plate), &pe))
		BAD("plate", "车牌号格式不正确", "malformed plate");
	l.litres_x100 = csv_hundredths(r->f[2], LITRES_MAX_X100);
	if (l.litres_x100 <= 0)
		BAD("litres", "升数应为正数，最多两位小数", "litres must be positive, at most 2 decimals");
	l.amount_fen = csv_hundredths(r->f[3], AMOUNT_MAX_FEN);
	if (l.amount_fen <= 0)
		BAD("amount", "金额应为正数（元），最多两位小数",
		    "the amount must be positive yuan, at most 2 decimals");
	if (!r->f[4][0] || chars(r->f[4]) > FUEL_STATION_MAX)
		BAD("station", "请填写加油站（不超过 60 字）", "the station is required (60 characters at most)");
	if (out->nbad != before)
		return 0;
	l.plate = arena_strdup(a, plate);
	l.station = r->f[4];
	out->lines = arena_grow(a, out->lines, out->n, cap, sizeof(*out->lines));
	if (!l.plate || !out->lines)
		return ERR_NOMEM;
	out->lines[out->n++] = l;
	return 0;
}

static int
header_ok(const struct rec *r)
{
	if (r->nfields != NCOLS)
		return 0;
	for (int i = 0; i < NCOLS; i++)
		if (strcmp(r->f[i], header[i]))
			return 0;
	return 1;
}

/* The records after the header. */
static int
body_records(struct scan *s, struct fuel_csv *out)
{
	struct arena *a = s->a;
	size_t cap = 0, rows = 0;
	struct rec rr, *r = &rr;
	int bad, rc;

	while ((rc = record(s, r, &bad)) == 0) {
		if (!bad && blank(r))
			continue;
		if (++rows > FUEL_CSV_ROWS_MAX) {
			BAD(NULL, "一次最多导入 5000 行", "at most 5000 lines per import");
			return 0;
		}
		if (bad == 1)
			BAD(NULL, "引号没有闭合", "a quote is never closed");
		else if (bad == 2)
			BAD(NULL, "引号后应为逗号或行尾", "a closing quote must be followed by a comma");
		else if (check_record(a, r, out, &cap))
			return ERR_NOMEM;
	}
	return rc == 1 ? 0 : rc;
}

int
fuel_csv_parse(struct arena *a, const char *body, size_t len, struct fuel_csv *out)
{
	struct scan s = { a, body, body + len, 1 };
	struct rec rr, *r = &rr;
	int bad = 0, rc;

	*out = (struct fuel_csv){ 0 };
	r->line = 0;
	if (len >= 3 && !memcmp(body, "\xEF\xBB\xBF", 3))
		s.p += 3;
	if (!utf8_ok((const unsigned char *)s.p, (size_t)(s.end - s.p))) {
		BAD(NULL, "文件应为 UTF-8 编码（请在导出时选择 UTF-8）",
		    "the file must be UTF-8 (choose UTF-8 when exporting)");
		return 0;
	}
	while ((rc = record(&s, r, &bad)) == 0 && !bad && blank(r))
		;
	if (rc < 0)
		return rc;
	if (rc == 1 || bad || !header_ok(r)) {
		r->line = rc == 1 ? 1 : r->line;
		BAD(NULL, "第一行应为表头 date,plate,litres,amount,station",
		    "the first line must be the header date,plate,litres,amount,station");
		return 0;
	}
	if ((rc = body_records(&s, out)))
		return rc;
	if (!out->n && !out->nbad)
		BAD(NULL, "文件中没有加油记录", "the file holds no refuels");
	return 0;
}
