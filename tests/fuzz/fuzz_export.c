/*
** tests/fuzz/fuzz_export.c: the CSV/XLSX cell writers over stored text.
** An input that parses as JSON is a list (an array of items, or one item):
** export_cell runs for every column of every exportable route in
** modules_routes() and for one column of each kind, then export_csv over the
** list; when the input starts with a space export_xlsx also runs (it writes a temp
** file, so not every time). Any other input is a stored text: the first byte
** picks defuse, the rest goes through export_csv_field and, as the value of
** an item, through export_cell of each kind. Cells must stay within 32767
** bytes and valid UTF-8; a CSV field must round-trip (unquoted back to the
** text, less the defusing ').
*/
#include "fuzz/fuzz.h"

#include "core/buf.h"
#include "core/err.h"
#include "core/export.h"
#include "core/parse.h"
#include "modules.h"
#include "http/router.h"
#include "core/export.h"
#include "core/validate.h"

#include <stdlib.h>
#include <string.h>

#define CELL_LIMIT 32767

static const char *const codes[] = { "open", "true", "false", NULL };
static const char *const labels[] = { "待处理", "启用", "停用", NULL };
static const struct export_col kinds[] = {
	{ .key = "v", .header = "文本" },
	{ .key = "v", .header = "标签", .codes = codes, .labels = labels },
	{ .key = "v", .header = "布尔", .kind = EXP_BOOL, .codes = codes, .labels = labels },
	{ .key = "v", .header = "时间", .kind = EXP_TIME },
	{ .key = "v", .header = "日期", .kind = EXP_DATE },
	{ .key = "v", .header = "金额", .kind = EXP_FEN },
	{ .key = "a.b.name", .header = "嵌套" },
	{ .key = "a", .header = "对象" },
	{ 0 }
};

static void
cell(const json_t *item, const struct export_col *c, struct buf *b)
{
	double num;
	int r = export_cell(item, c, b, &num);

	if (r == ERR_NOMEM)
		return;
	/* p stays NULL for an empty cell the buffer never held (callers allow it) */
	if (r < 0 || r > 1 || (!b->p && b->len) || b->len > CELL_LIMIT)
		abort();
	if (b->p && (strlen(b->p) > b->len || utf8_chars(b->p, b->len) < 0))
		abort();
}

static void
cells(const json_t *items, const struct export_col *cols)
{
	struct buf b = BUF_INIT(1 << 20), csv = BUF_INIT(4 << 20);
	size_t i;
	json_t *it;

	json_array_foreach(items, i, it)
		for (const struct export_col *c = cols; c->key; c++)
			cell(it, c, &b);
	(void)export_csv(items, cols, &csv);
	buf_free(&b);
	buf_free(&csv);
}

/* The CSV field s went to: unquote it and compare. */
static void
csv_roundtrip(const char *s, size_t n, int defuse)
{
	struct buf b = BUF_INIT(1 << 20), back = BUF_INIT(1 << 20);
	size_t i = 0, end;
	int quoted;

	if (export_csv_field(&b, s, n, defuse) != 0 || !b.p) {
		buf_free(&b);
		return;
	}
	end = b.len;
	quoted = b.len > 0 && b.p[0] == '"';
	if (quoted) {
		if (b.len < 2 || b.p[b.len - 1] != '"')
			abort();
		i = 1;
		end--;
	}
	if (defuse && n > 0 && s[0] && strchr("=+-@\t\r", s[0])) {
		if (b.p[i] != '\'')
			abort();
		i++;
	}
	while (i < end) {
		if (quoted && b.p[i] == '"') {
			if (i + 1 >= end || b.p[i + 1] != '"')
				abort();
			i++;
		} else if (!quoted && (b.p[i] == '"' || b.p[i] == ',' || b.p[i] == '\n' ||
				       b.p[i] == '\r')) {
			abort();
		}
		if (buf_add(&back, &b.p[i], 1))
			abort();
		i++;
	}
	if (back.len != n || (n && memcmp(back.p, s, n) != 0))
		abort();
	buf_free(&b);
	buf_free(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	json_error_t je;
	json_t *j;

	if (size == 0 || size > 64 * 1024)
		return 0;
	j = json_loadb(s, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (j && (json_is_array(j) || json_is_object(j))) {
		json_t *items = json_is_array(j) ? json_incref(j) : json_pack("[O]", j);
		if (!items)
			abort();
		for (size_t i = 0; i < modules_routes()->n; i++)
			if (modules_routes()->routes[i].cols)
				cells(items, modules_routes()->routes[i].cols);
		cells(items, kinds);
		if (s[0] == ' ') {
			struct buf x = BUF_INIT(8 << 20);
			struct err e = { 0 };
			(void)export_xlsx(items, kinds, "导出", &x, &e);
			buf_free(&x);
		}
		json_decref(items);
	} else {
		json_t *str = json_stringn(s + 1, size - 1);
		csv_roundtrip(s + 1, size - 1, data[0] & 1);
		if (str) {
			json_t *items = json_pack("[{so}]", "v", str);
			if (!items)
				abort();
			cells(items, kinds);
			json_decref(items);
		}
	}
	json_decref(j);
	return 0;
}
