/*
** core/export.h: list exports. A list route's JSON items become a CSV (UTF-8
** with BOM, so Excel shows Chinese) or an XLSX workbook (libxlsxwriter),
** driven by a column table. No HTTP types: the router and resp.c call this
** with the handler's {"items":[...]} and the route's columns.
**
** Making a list exportable is one column table plus the `cols` member of its
** route row (the module's _api.c). The list handler does not change: in an export
** request req_page() returns page 1 with per_page = EXPORT_MAX, and the
** router turns the JSON list into the file.
**
**	static const char *const active_codes[] = { "true", "false", NULL };
**	static const char *const active_labels[] = { "启用", "停用", NULL };
**	const struct export_col org_user_cols[] = {
**		{ .key = "username", .header = "登录名" },
**		{ .key = "department.name", .header = "部门" },
**		{ .key = "roles", .header = "角色", .codes = role_codes,
**		  .labels = role_labels },
**		{ .key = "active", .header = "状态", .kind = EXP_BOOL,
**		  .codes = active_codes, .labels = active_labels },
**		{ .key = "updated_at", .header = "更新时间", .kind = EXP_TIME },
**		{ 0 }
**	};
*/
#ifndef HOUQIN_EXPORT_H
#define HOUQIN_EXPORT_H

#include <jansson.h>
#include <stddef.h>

struct buf;
struct err;

/* How a value is shown. Every kind shows JSON null or a missing key as "". */
enum export_kind {
	EXP_TEXT = 0,	/* strings as they are (mapped through codes/labels), numbers as
			   numbers, true/false as 是/否, arrays joined with "、", an object
			   by its "name" member */
	EXP_BOOL,	/* true/false (also 1/0) as 是/否, or labels for "true"/"false" */
	EXP_TIME,	/* ISO-8601 "2026-11-23T19:49:55+08:00" as "2026-11-23 19:49" */
	EXP_DATE,	/* ISO-8601 date or time as "2026-11-23" */
	EXP_FEN,	/* integer 分 as yuan "1234.50" (a number cell in XLSX) */
};

/*
** One output column. key names a member of each list item; dots reach into
** nested objects ("department.name"). codes/labels are parallel
** NULL-terminated arrays that translate a string value (or each string of an
** array, or "true"/"false") into its Chinese label; a value not in codes is
** shown as it is. width is the XLSX column width in characters (0: fitted to
** the header and the data, 8 to 60). The table ends with a { 0 } row.
*/
struct export_col {
	const char *key;
	const char *header;
	enum export_kind kind;
	const char *const *codes;
	const char *const *labels;
	int width;
};

enum export_format {
	EXPORT_NONE = 0,
	EXPORT_CSV,
	EXPORT_XLSX,
};

/* File extension ("csv"/"xlsx") and MIME type of a format; NULL for EXPORT_NONE. */
/*
** The row ceiling of one export: EXPORT_MAX (core/limits.h) unless a test lowered it to
** prove the rule on a small list (n <= 0 restores it); a full-size export is bench's matter.
*/
int export_max_rows(void);
void export_set_max_rows(int n);

const char *export_ext(int format);
const char *export_mime(int format);

/*
** The text of column c for one item into out (emptied first; at most 32767
** bytes, cut on a UTF-8 boundary). Returns 1 when the cell is a number (*num
** set; FEN in yuan), 0 when it is text, or ERR_NOMEM.
*/
int export_cell(const json_t *item, const struct export_col *c, struct buf *out, double *num);

/*
** Append s[0..n) to b as one CSV field (RFC 4180): quoted when it holds a
** comma, quote, CR or LF (quotes doubled). When defuse is set (text cells), a
** field starting with = + - @ TAB or CR gets a leading ' so spreadsheets do
** not run it as a formula (OWASP CSV injection). 0, ERR_TOO_LARGE, ERR_NOMEM.
*/
int export_csv_field(struct buf *b, const char *s, size_t n, int defuse);

/*
** items (a JSON array of objects) as CSV into out: UTF-8 BOM, the header row,
** one line per item, CRLF line ends. out->max bounds the size: ERR_TOO_LARGE
** past it, ERR_NOMEM; out holds the file on 0 and is freed by the caller.
*/
int export_csv(const json_t *items, const struct export_col *cols, struct buf *out);

/*
** items as an XLSX workbook into out: one sheet named sheet (or "Sheet1" when
** Excel would refuse the name), bold header row frozen at the top, widths set
** for Chinese text. Text is always written as text (never a formula). Uses a
** mkstemp file under /tmp that is removed before returning. 0, ERR_TOO_LARGE,
** ERR_NOMEM, or ERR_DB (libxlsxwriter or file failure, with a message in e).
*/
int export_xlsx(const json_t *items, const struct export_col *cols, const char *sheet,
		struct buf *out, struct err *e);

#endif
