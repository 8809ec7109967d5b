/*
** core/export.c: list items + column table -> CSV or XLSX bytes. Owns the
** cell formatting rules (labels, times, money), CSV quoting and formula
** defusing, and the libxlsxwriter workbook. No HTTP types.
*/
#include "core/export.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/limits.h"

#include <inttypes.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define CELL_MAX 32767		/* Excel's limit on the characters in one cell */
#define KEY_PART_MAX 64		/* one segment of a dotted key */
#define WIDTH_MIN 8		/* fitted XLSX column width, in characters */
#define WIDTH_MAX 60
#define BOM "\xEF\xBB\xBF"

static _Atomic int max_rows = EXPORT_MAX;

int
export_max_rows(void)
{
	return atomic_load(&max_rows);
}

void
export_set_max_rows(int n)
{
	atomic_store(&max_rows, n > 0 ? n : EXPORT_MAX);
}

const char *
export_ext(int format)
{
	return format == EXPORT_CSV ? "csv" : format == EXPORT_XLSX ? "xlsx" : NULL;
}

const char *
export_mime(int format)
{
	if (format == EXPORT_CSV)
		return "text/csv; charset=utf-8";
	if (format == EXPORT_XLSX)
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	return NULL;
}

/* ---------- one cell ---------- */

/* Member at a dotted key path; NULL when any step is missing or not an object. */
static const json_t *
lookup(const json_t *item, const char *key)
{
	const json_t *v = item;
	char part[KEY_PART_MAX];

	while (v && *key) {
		const char *dot = strchr(key, '.');
		size_t n = dot ? (size_t)(dot - key) : strlen(key);

		if (n >= sizeof(part) || !json_is_object(v))
			return NULL;
		memcpy(part, key, n);
		part[n] = '\0';
		v = json_object_get(v, part);
		key += n + (dot ? 1 : 0);
	}
	return v;
}

/* Append s[0..n), cut so the cell stays within CELL_MAX bytes on a UTF-8 boundary. */
static int
put(struct buf *out, const char *s, size_t n)
{
	size_t room = out->len < CELL_MAX ? CELL_MAX - out->len : 0;

	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return buf_add(out, s, n) == ERR_NOMEM ? ERR_NOMEM : 0;
}

static int
put_str(struct buf *out, const char *s)
{
	return put(out, s, strlen(s));
}

/* The label of code s, or s itself. */
static const char *
label(const struct export_col *c, const char *s)
{
	if (c->codes && c->labels)
		for (size_t i = 0; c->codes[i] && c->labels[i]; i++)
			if (strcmp(c->codes[i], s) == 0)
				return c->labels[i];
	return s;
}

static const char *
bool_text(const struct export_col *c, int v)
{
	const char *l = label(c, v ? "true" : "false");

	if (strcmp(l, "true") == 0)
		return "是";
	if (strcmp(l, "false") == 0)
		return "否";
	return l;
}

/* ISO-8601 text as Shanghai wall time, "YYYY-MM-DD HH:MM" (or the date only). */
static int
time_text(struct buf *out, const char *s, int date_only)
{
	char iso[40];
	int64_t ms;

	if (iso_to_ms(s, &ms) != 0)
		return put_str(out, s);	/* not a time: shown as it is */
	ms_to_iso(ms, iso, sizeof(iso));
	if (date_only || strlen(iso) < 16)
		return put(out, iso, strlen(iso) < 10 ? strlen(iso) : 10);
	iso[10] = ' ';
	return put(out, iso, 16);
}

static int
fen_text(struct buf *out, json_int_t fen, double *num)
{
	char t[40];
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(t, sizeof(t), "%s%" PRIu64 ".%02u", fen < 0 ? "-" : "", a / 100,
		 (unsigned)(a % 100));
	*num = (double)fen / 100.0;
	return put_str(out, t);
}

/*
** One scalar (or an array element) into out. Returns 1 for a number, 0 for
** text, ERR_NOMEM.
*/
static int
scalar(const json_t *v, const struct export_col *c, struct buf *out, double *num)
{
	char t[40];

	switch (json_typeof(v)) {
	case JSON_STRING:
		if (c->kind == EXP_TIME || c->kind == EXP_DATE)
			return time_text(out, json_string_value(v), c->kind == EXP_DATE);
		return put_str(out, label(c, json_string_value(v)));
	case JSON_TRUE:
	case JSON_FALSE:
		return put_str(out, bool_text(c, json_is_true(v)));
	case JSON_INTEGER:
		if (c->kind == EXP_BOOL)
			return put_str(out, bool_text(c, json_integer_value(v) != 0));
		if (c->kind == EXP_FEN)
			return fen_text(out, json_integer_value(v), num) ? ERR_NOMEM : 1;
		snprintf(t, sizeof(t), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*num = (double)json_integer_value(v);
		return put_str(out, t) ? ERR_NOMEM : 1;
	case JSON_REAL:
		snprintf(t, sizeof(t), "%.15g", json_real_value(v));
		*num = json_real_value(v);
		return put_str(out, t) ? ERR_NOMEM : 1;
	case JSON_OBJECT: {
		const json_t *name = json_object_get(v, "name");
		return json_is_string(name) ? put_str(out, label(c, json_string_value(name))) : 0;
	}
	default:
		return 0;	/* null; nested arrays are not shown */
	}
}

int
export_cell(const json_t *item, const struct export_col *c, struct buf *out, double *num)
{
	const json_t *v = lookup(item, c->key);
	double ignored;
	size_t i;
	json_t *el;

	out->len = 0;
	if (out->p)
		out->p[0] = '\0';
	*num = 0;
	if (!v || json_is_null(v))
		return buf_add(out, "", 0) == ERR_NOMEM ? ERR_NOMEM : 0;
	if (!json_is_array(v))
		return scalar(v, c, out, num);
	json_array_foreach(v, i, el) {
		size_t mark = out->len, start;
		if (out->len > 0 && put_str(out, "、"))
			return ERR_NOMEM;
		start = out->len;
		if (scalar(el, c, out, &ignored) < 0)
			return ERR_NOMEM;
		if (out->len == start) {
			out->len = mark;	/* empty element: no separator either */
			if (out->p)
				out->p[mark] = '\0';
		}
	}
	return buf_add(out, "", 0) == ERR_NOMEM ? ERR_NOMEM : 0;
}

/* ---------- CSV ---------- */

int
export_csv_field(struct buf *b, const char *s, size_t n, int defuse)
{
	int quote = 0, rc = 0;

	for (size_t i = 0; i < n && !quote; i++)
		quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
	if (quote)
		rc = buf_add(b, "\"", 1);
	if (!rc && defuse && n > 0 && s[0] && strchr("=+-@\t\r", s[0]))
		rc = buf_add(b, "'", 1);
	for (size_t i = 0; !rc && i < n;) {
		const char *q = quote ? memchr(s + i, '"', n - i) : NULL;
		size_t run = q ? (size_t)(q - (s + i)) + 1 : n - i;
		rc = buf_add(b, s + i, run);
		if (!rc && q)
			rc = buf_add(b, "\"", 1);	/* "" inside a quoted field */
		i += run;
	}
	if (!rc && quote)
		rc = buf_add(b, "\"", 1);
	return rc;
}

int
export_csv(const json_t *items, const struct export_col *cols, struct buf *out)
{
	struct buf cell = BUF_INIT(CELL_MAX + 16);
	size_t i;
	json_t *item;
	double num;
	int rc = buf_add(out, BOM, strlen(BOM));

	for (const struct export_col *c = cols; !rc && c->key; c++) {
		if (c != cols)
			rc = buf_add(out, ",", 1);
		if (!rc)
			rc = export_csv_field(out, c->header, strlen(c->header), 1);
	}
	if (!rc)
		rc = buf_add(out, "\r\n", 2);
	json_array_foreach(items, i, item) {
		for (const struct export_col *c = cols; !rc && c->key; c++) {
			int kind = export_cell(item, c, &cell, &num);
			if (kind < 0)
				rc = kind;
			if (!rc && c != cols)
				rc = buf_add(out, ",", 1);
			if (!rc)
				rc = export_csv_field(out, cell.p ? cell.p : "", cell.len, kind == 0);
		}
		if (!rc)
			rc = buf_add(out, "\r\n", 2);
		if (rc)
			break;
	}
	buf_free(&cell);
	return rc;
}

/* ---------- XLSX ---------- */

/* Display width of UTF-8 text: ASCII 1, everything wider (CJK) 2. */
static int
text_width(const char *s, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x80)
			w++;
		else if ((ch & 0xC0) == 0xC0)
			w += 2;	/* lead byte of a multi-byte character */
	}
	return w;
}

/* Fitted widths for every column (header and data), WIDTH_MAX at most. */
static int
fit_widths(const json_t *items, const struct export_col *cols, int *widths, struct buf *cell)
{
	size_t i, k = 0;
	json_t *item;
	double num;

	for (const struct export_col *c = cols; c->key; c++, k++)
		widths[k] = c->width > 0 ? -c->width : text_width(c->header, strlen(c->header));
	json_array_foreach(items, i, item) {
		k = 0;
		for (const struct export_col *c = cols; c->key; c++, k++) {
			int w;
			if (widths[k] < 0 || widths[k] >= WIDTH_MAX)
				continue;	/* fixed by the table, or already at the cap */
			if (export_cell(item, c, cell, &num) < 0)
				return ERR_NOMEM;
			w = text_width(cell->p ? cell->p : "", cell->len);
			if (w > widths[k])
				widths[k] = w;
		}
	}
	k = 0;
	for (const struct export_col *c = cols; c->key; c++, k++)
		widths[k] = widths[k] < 0 ? -widths[k] :
			    widths[k] + 2 > WIDTH_MAX ? WIDTH_MAX :
			    widths[k] + 2 < WIDTH_MIN ? WIDTH_MIN : widths[k] + 2;
	return 0;
}

/* Read the finished file into out. */
static int
slurp(const char *path, struct buf *out, struct err *e)
{
	char chunk[16384];
	FILE *f = fopen(path, "rb");
	size_t n;
	int rc = 0;

	if (!f)
		return err_set(e, ERR_DB, NULL, "export: cannot reopen workbook");
	while (!rc && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		rc = buf_add(out, chunk, n);
	if (!rc && ferror(f))
		rc = err_set(e, ERR_DB, NULL, "export: cannot read workbook");
	fclose(f);
	if (rc == ERR_TOO_LARGE)
		return err_set(e, ERR_TOO_LARGE, NULL, "导出文件过大，请缩小筛选范围");
	if (rc == ERR_NOMEM)
		return err_set(e, ERR_NOMEM, NULL, "out of memory");
	return rc;
}

static int
write_sheet(lxw_workbook *wb, const json_t *items, const struct export_col *cols,
	    const char *sheet, struct buf *cell, struct err *e)
{
	lxw_worksheet *ws;
	lxw_format *head, *money;
	int widths[64];
	size_t ncols = 0, i;
	json_t *item;
	double num;

	for (const struct export_col *c = cols; c->key; c++)
		ncols++;
	if (ncols > sizeof(widths) / sizeof(widths[0]) || json_array_size(items) >= LXW_ROW_MAX)
		return err_set(e, ERR_TOO_LARGE, NULL, "导出列或行过多");
	if (!sheet || workbook_validate_sheet_name(wb, sheet) != LXW_NO_ERROR)
		sheet = "Sheet1";
	ws = workbook_add_worksheet(wb, sheet);
	head = workbook_add_format(wb);
	money = workbook_add_format(wb);
	if (!ws || !head || !money)
		return err_set(e, ERR_NOMEM, NULL, "export: out of memory");
	format_set_bold(head);
	format_set_bg_color(head, 0xF2F2F2);
	format_set_bottom(head, LXW_BORDER_THIN);
	format_set_num_format(money, "0.00");
	if (fit_widths(items, cols, widths, cell))
		return err_set(e, ERR_NOMEM, NULL, "export: out of memory");
	for (size_t k = 0; k < ncols; k++)
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k, widths[k], NULL);
	worksheet_freeze_panes(ws, 1, 0);
	for (size_t k = 0; k < ncols; k++)
		if (worksheet_write_string(ws, 0, (lxw_col_t)k, cols[k].header, head))
			return err_set(e, ERR_DB, NULL, "export: cannot write header");
	json_array_foreach(items, i, item) {
		lxw_row_t row = (lxw_row_t)(i + 1);
		for (size_t k = 0; k < ncols; k++) {
			const struct export_col *c = &cols[k];
			int kind = export_cell(item, c, cell, &num);
			lxw_error le;
			if (kind < 0)
				return err_set(e, ERR_NOMEM, NULL, "export: out of memory");
			if (kind == 1)
				le = worksheet_write_number(ws, row, (lxw_col_t)k, num,
							    c->kind == EXP_FEN ? money : NULL);
			else if (cell->len == 0)
				continue;
			else
				le = worksheet_write_string(ws, row, (lxw_col_t)k, cell->p, NULL);
			if (le)
				return err_set(e, ERR_DB, NULL, "export: row %zu: %s", i + 1,
					       lxw_strerror(le));
		}
	}
	return 0;
}

int
export_xlsx(const json_t *items, const struct export_col *cols, const char *sheet,
	    struct buf *out, struct err *e)
{
	char path[] = "/tmp/houqin-export-XXXXXX";
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE };
	struct buf cell = BUF_INIT(CELL_MAX + 16);
	lxw_workbook *wb;
	lxw_error le;
	int fd = mkstemp(path), rc;

	if (fd < 0)
		return err_set(e, ERR_DB, NULL, "export: cannot create a temporary file");
	close(fd);
	wb = workbook_new_opt(path, &opt);
	if (!wb) {
		unlink(path);
		return err_set(e, ERR_NOMEM, NULL, "export: cannot start a workbook");
	}
	rc = write_sheet(wb, items, cols, sheet, &cell, e);
	le = workbook_close(wb);	/* frees wb in every case */
	if (!rc && le)
		rc = err_set(e, ERR_DB, NULL, "export: %s", lxw_strerror(le));
	if (!rc)
		rc = slurp(path, out, e);
	unlink(path);
	buf_free(&cell);
	return rc;
}
