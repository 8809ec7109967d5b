/*
** tests/unit/test_export.c: core/export.c, the CSV field encoder (quoting and
** formula defusing), cell formatting (nested keys, labels, booleans, times,
** money, arrays) and whole CSV / XLSX files.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/export.h"

#define BOM "\xEF\xBB\xBF"

/* ---- export_csv_field ---- */

static const struct {
	const char *in;
	int defuse;
	const char *out;
} csv_cases[] = {
	{ "", 1, "" },
	{ "plain", 1, "plain" },
	{ "中文姓名", 1, "中文姓名" },
	{ "a,b", 1, "\"a,b\"" },
	{ "say \"hi\"", 1, "\"say \"\"hi\"\"\"" },
	{ "\"", 1, "\"\"\"\"" },
	{ "line1\nline2", 1, "\"line1\nline2\"" },
	{ "cr\rhere", 1, "\"cr\rhere\"" },
	{ "crlf\r\n", 1, "\"crlf\r\n\"" },
	{ " spaced ", 1, " spaced " },		/* spaces need no quotes */
	{ "tab\tinside", 1, "tab\tinside" },
	{ "semi;colon", 1, "semi;colon" },
	/* OWASP CSV injection: leading = + - @ TAB CR get a ' */
	{ "=1+2", 1, "'=1+2" },
	{ "=HYPERLINK(\"http://x\",\"y\")", 1, "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
	{ "+86 138", 1, "'+86 138" },
	{ "-2+3", 1, "'-2+3" },
	{ "@SUM(A1)", 1, "'@SUM(A1)" },
	{ "\tcmd", 1, "'\tcmd" },
	{ "\rcmd", 1, "\"'\rcmd\"" },
	{ "=a,b", 1, "\"'=a,b\"" },
	{ "a=b", 1, "a=b" },			/* only the first character counts */
	{ "'quoted", 1, "'quoted" },
	{ "＝全角", 1, "＝全角" },
	/* numbers are not text: no defusing */
	{ "-5", 0, "-5" },
	{ "-12.50", 0, "-12.50" },
	{ "=not defused", 0, "=not defused" },
};

static void
test_csv_field_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
		struct buf b = BUF_INIT(1024);
		assert_int_equal(export_csv_field(&b, csv_cases[i].in, strlen(csv_cases[i].in),
						  csv_cases[i].defuse), 0);
		if (strcmp(b.p ? b.p : "", csv_cases[i].out) != 0)
			fail_msg("case %zu \"%s\": got [%s] want [%s]", i, csv_cases[i].in,
				 b.p ? b.p : "", csv_cases[i].out);
		buf_free(&b);
	}
}

static void
test_csv_field_embedded_nul_and_limit(void **state)
{
	struct buf b = BUF_INIT(8);

	(void)state;
	assert_int_equal(export_csv_field(&b, "a\0b", 3, 1), 0);	/* length, not NUL, ends */
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.p, "a\0b", 3);
	buf_free(&b);
	assert_int_equal(export_csv_field(&b, "\0=", 2, 1), 0);	/* NUL is not a formula */
	assert_int_equal(b.len, 2);
	buf_free(&b);
	assert_int_equal(export_csv_field(&b, "0123456789", 10, 1), ERR_TOO_LARGE);
	buf_free(&b);
}

/* ---- export_cell ---- */

static const char *const st_codes[] = { "open", "done", NULL };
static const char *const st_labels[] = { "待处理", "已完成", NULL };
static const char *const yes_codes[] = { "true", "false", NULL };
static const char *const yes_labels[] = { "启用", "停用", NULL };

static const struct {
	const char *item;	/* JSON object */
	struct export_col col;
	int kind;		/* 0 text, 1 number */
	const char *text;
	double num;
} cell_cases[] = {
	{ "{\"a\":\"x\"}", { .key = "a" }, 0, "x", 0 },
	{ "{\"a\":\"x\"}", { .key = "b" }, 0, "", 0 },			/* missing */
	{ "{\"a\":null}", { .key = "a" }, 0, "", 0 },
	{ "{\"a\":42}", { .key = "a" }, 1, "42", 42 },
	{ "{\"a\":-7}", { .key = "a" }, 1, "-7", -7 },
	{ "{\"a\":1.5}", { .key = "a" }, 1, "1.5", 1.5 },
	/* nested */
	{ "{\"d\":{\"id\":3,\"name\":\"一处\"}}", { .key = "d.name" }, 0, "一处", 0 },
	{ "{\"d\":{\"id\":3,\"name\":\"一处\"}}", { .key = "d.id" }, 1, "3", 3 },
	{ "{\"d\":{\"id\":3,\"name\":\"一处\"}}", { .key = "d" }, 0, "一处", 0 },	/* by name */
	{ "{\"d\":null}", { .key = "d.name" }, 0, "", 0 },
	{ "{\"d\":\"flat\"}", { .key = "d.name" }, 0, "", 0 },
	{ "{\"a\":{\"b\":{\"c\":\"deep\"}}}", { .key = "a.b.c" }, 0, "deep", 0 },
	/* booleans */
	{ "{\"a\":true}", { .key = "a" }, 0, "是", 0 },
	{ "{\"a\":false}", { .key = "a" }, 0, "否", 0 },
	{ "{\"a\":true}", { .key = "a", .kind = EXP_BOOL, .codes = yes_codes,
			    .labels = yes_labels }, 0, "启用", 0 },
	{ "{\"a\":false}", { .key = "a", .kind = EXP_BOOL, .codes = yes_codes,
			     .labels = yes_labels }, 0, "停用", 0 },
	{ "{\"a\":1}", { .key = "a", .kind = EXP_BOOL }, 0, "是", 0 },
	{ "{\"a\":0}", { .key = "a", .kind = EXP_BOOL }, 0, "否", 0 },
	/* labels */
	{ "{\"s\":\"open\"}", { .key = "s", .codes = st_codes, .labels = st_labels }, 0,
	  "待处理", 0 },
	{ "{\"s\":\"odd\"}", { .key = "s", .codes = st_codes, .labels = st_labels }, 0, "odd",
	  0 },
	/* arrays */
	{ "{\"r\":[\"open\",\"done\"]}", { .key = "r", .codes = st_codes, .labels = st_labels },
	  0, "待处理、已完成", 0 },
	{ "{\"r\":[]}", { .key = "r" }, 0, "", 0 },
	{ "{\"r\":[null,\"a\",null,\"b\"]}", { .key = "r" }, 0, "a、b", 0 },
	{ "{\"r\":[1,2]}", { .key = "r" }, 0, "1、2", 0 },		/* a list is text */
	{ "{\"r\":[{\"name\":\"甲\"},{\"name\":\"乙\"}]}", { .key = "r" }, 0, "甲、乙", 0 },
	/* times: shown in Shanghai wall time whatever the offset */
	{ "{\"t\":\"2026-11-23T19:49:55+08:00\"}", { .key = "t", .kind = EXP_TIME }, 0,
	  "2026-11-23 19:49", 0 },
	{ "{\"t\":\"2026-11-23T11:49:55Z\"}", { .key = "t", .kind = EXP_TIME }, 0,
	  "2026-11-23 19:49", 0 },
	{ "{\"t\":\"2026-11-23T19:49:55+08:00\"}", { .key = "t", .kind = EXP_DATE }, 0,
	  "2026-11-23", 0 },
	{ "{\"t\":\"2026-11-23T20:00:00Z\"}", { .key = "t", .kind = EXP_DATE }, 0,
	  "2026-11-24", 0 },
	{ "{\"t\":\"2026-11-23\"}", { .key = "t", .kind = EXP_DATE }, 0, "2026-11-23", 0 },
	{ "{\"t\":\"not a time\"}", { .key = "t", .kind = EXP_TIME }, 0, "not a time", 0 },
	{ "{\"t\":null}", { .key = "t", .kind = EXP_TIME }, 0, "", 0 },
	/* money in fen */
	{ "{\"m\":123450}", { .key = "m", .kind = EXP_FEN }, 1, "1234.50", 1234.5 },
	{ "{\"m\":5}", { .key = "m", .kind = EXP_FEN }, 1, "0.05", 0.05 },
	{ "{\"m\":0}", { .key = "m", .kind = EXP_FEN }, 1, "0.00", 0 },
	{ "{\"m\":-199}", { .key = "m", .kind = EXP_FEN }, 1, "-1.99", -1.99 },
	{ "{\"m\":-9223372036854775808}", { .key = "m", .kind = EXP_FEN }, 1,
	  "-92233720368547758.08", -92233720368547758.08 },
};

static void
test_cell_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cell_cases) / sizeof(cell_cases[0]); i++) {
		struct buf b = BUF_INIT(40000);
		json_t *item = json_loads(cell_cases[i].item, 0, NULL);
		double num = -1;
		int kind;

		if (!item)
			fail_msg("case %zu: bad fixture JSON", i);
		kind = export_cell(item, &cell_cases[i].col, &b, &num);
		if (kind != cell_cases[i].kind || strcmp(b.p ? b.p : "", cell_cases[i].text) != 0)
			fail_msg("case %zu (%s): got %d [%s] want %d [%s]", i, cell_cases[i].item,
				 kind, b.p ? b.p : "", cell_cases[i].kind, cell_cases[i].text);
		if (kind == 1 && (num - cell_cases[i].num > 1e-9 || cell_cases[i].num - num > 1e-9))
			fail_msg("case %zu: number %.17g want %.17g", i, num, cell_cases[i].num);
		json_decref(item);
		buf_free(&b);
	}
}

/* A cell is cut at Excel's 32767 limit, never inside a UTF-8 character. */
static void
test_cell_cut_on_utf8_boundary(void **state)
{
	static char big[40000];
	struct export_col col = { .key = "a" };
	struct buf b = BUF_INIT(40000);
	json_t *item;
	double num;

	(void)state;
	memset(big, 'x', 2);
	for (size_t i = 2; i + 3 < sizeof(big); i += 3)
		memcpy(big + i, "中", 3);	/* 3 bytes each, starting at offset 2 */
	big[sizeof(big) - 2] = '\0';	/* the last whole 中 ends at offset 39997 */
	item = json_pack("{ss}", "a", big);
	assert_non_null(item);
	assert_int_equal(export_cell(item, &col, &b, &num), 0);
	assert_true(b.len <= 32767);
	assert_true(b.len > 32760);
	assert_int_equal((b.len - 2) % 3, 0);
	json_decref(item);
	buf_free(&b);
}

/* ---- whole files ---- */

static const struct export_col cols[] = {
	{ .key = "name", .header = "姓名" },
	{ .key = "dept.name", .header = "部门" },
	{ .key = "ok", .header = "状态", .kind = EXP_BOOL, .codes = yes_codes,
	  .labels = yes_labels },
	{ .key = "amount_fen", .header = "金额", .kind = EXP_FEN },
	{ .key = "at", .header = "时间", .kind = EXP_TIME },
	{ 0 }
};

static void
test_csv_file(void **state)
{
	struct buf out = BUF_INIT(1 << 20);
	json_t *items = json_loads(
		"[{\"name\":\"张三\",\"dept\":{\"id\":1,\"name\":\"一处\"},\"ok\":true,"
		"\"amount_fen\":-150,\"at\":\"2026-11-23T19:49:55+08:00\"},"
		"{\"name\":\"=cmd|' /C calc'!A0\",\"dept\":null,\"ok\":false,"
		"\"amount_fen\":null,\"at\":null},"
		"{\"name\":\"李,\\\"四\\\"\\n\",\"ok\":true}]",
		0, NULL);

	(void)state;
	assert_non_null(items);
	assert_int_equal(export_csv(items, cols, &out), 0);
	assert_string_equal(out.p, BOM "姓名,部门,状态,金额,时间\r\n"
				   "张三,一处,启用,-1.50,2026-11-23 19:49\r\n"
				   "'=cmd|' /C calc'!A0,,停用,,\r\n"
				   "\"李,\"\"四\"\"\n\",,启用,,\r\n");
	buf_free(&out);

	/* no items: BOM and header only */
	json_decref(items);
	items = json_array();
	assert_int_equal(export_csv(items, cols, &out), 0);
	assert_string_equal(out.p, BOM "姓名,部门,状态,金额,时间\r\n");
	buf_free(&out);

	/* the size bound holds */
	json_array_append_new(items, json_pack("{ss}", "name", "0123456789012345678901234567"));
	out.max = 40;
	assert_int_equal(export_csv(items, cols, &out), ERR_TOO_LARGE);
	buf_free(&out);
	json_decref(items);
}

static void
test_xlsx_file(void **state)
{
	struct buf out = BUF_INIT(1 << 22);
	struct err e = { 0 };
	json_t *items = json_array();

	(void)state;
	for (int i = 0; i < 300; i++)
		json_array_append_new(items, json_pack("{ss so sb sI ss}", "name", "=1+1\x01<&>",
						       "dept", json_pack("{ss}", "name", "二处"),
						       "ok", i % 2, "amount_fen", (json_int_t)i * 101,
						       "at", "2026-11-23T19:49:55+08:00"));
	assert_int_equal(export_xlsx(items, cols, "用户列表", &out, &e), 0);
	assert_true(out.len > 1000);
	assert_memory_equal(out.p, "PK\x03\x04", 4);	/* a ZIP container */
	if (getenv("HOUQIN_KEEP_XLSX")) {		/* for a look in a spreadsheet */
		FILE *f = fopen(getenv("HOUQIN_KEEP_XLSX"), "wb");
		if (f) {
			fwrite(out.p, 1, out.len, f);
			fclose(f);
		}
	}
	buf_free(&out);

	/* a sheet name Excel refuses falls back to Sheet1; still a workbook */
	assert_int_equal(export_xlsx(items, cols, "a/b:c*?[]", &out, &e), 0);
	assert_memory_equal(out.p, "PK", 2);
	buf_free(&out);

	/* the size bound holds */
	out.max = 100;
	assert_int_equal(export_xlsx(items, cols, NULL, &out, &e), ERR_TOO_LARGE);
	buf_free(&out);
	json_decref(items);
}

static void
test_format_names(void **state)
{
	(void)state;
	assert_string_equal(export_ext(EXPORT_CSV), "csv");
	assert_string_equal(export_ext(EXPORT_XLSX), "xlsx");
	assert_null(export_ext(EXPORT_NONE));
	assert_string_equal(export_mime(EXPORT_CSV), "text/csv; charset=utf-8");
	assert_non_null(strstr(export_mime(EXPORT_XLSX), "spreadsheetml"));
	assert_null(export_mime(EXPORT_NONE));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_field_table),
		cmocka_unit_test(test_csv_field_embedded_nul_and_limit),
		cmocka_unit_test(test_cell_table),
		cmocka_unit_test(test_cell_cut_on_utf8_boundary),
		cmocka_unit_test(test_csv_file),
		cmocka_unit_test(test_xlsx_file),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
