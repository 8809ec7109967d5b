/*
** tests/unit/test_vehicle_csv.c: the fuel card's CSV parser
** (modules/vehicles/costs_csv.c): the header, BOM, CRLF, quoted fields (with
** "" and a newline inside), a trailing blank line; amounts and litres with at
** most two decimals ("1.234", "abc", "-5", "" refused); both date spellings and
** bad dates; every bad line reported with its line number, the good ones kept.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/arena.h"
#include "modules/vehicles/costs.h"

#include <stdio.h>
#include <string.h>

#define HDR "date,plate,litres,amount,station"

static struct arena *a;

static int
setup(void **state)
{
	(void)state;
	a = arena_new(1 << 16);
	return a ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(a);
	return 0;
}

static struct fuel_csv
parse(const char *text)
{
	struct fuel_csv c;

	assert_int_equal(fuel_csv_parse(a, text, strlen(text), &c), 0);
	return c;
}

/* The i-th error is on line and field (NULL: the line as a whole). */
static void
error_at(const struct fuel_csv *c, size_t i, int line, const char *field)
{
	assert_true(i < c->nerrors);
	assert_int_equal(c->errors[i].line, line);
	if (field)
		assert_string_equal(c->errors[i].field, field);
	else
		assert_null(c->errors[i].field);
}

static void
hundredths(void **state)
{
	(void)state;
	assert_int_equal(csv_hundredths("12", 100000), 1200);
	assert_int_equal(csv_hundredths("12.3", 100000), 1230);
	assert_int_equal(csv_hundredths("12.34", 100000), 1234);
	assert_int_equal(csv_hundredths("0.05", 100000), 5);
	assert_int_equal(csv_hundredths("1.234", 100000), -1);
	assert_int_equal(csv_hundredths("abc", 100000), -1);
	assert_int_equal(csv_hundredths("", 100000), -1);
	assert_int_equal(csv_hundredths("12.", 100000), -1);
	assert_int_equal(csv_hundredths(".5", 100000), -1);
	assert_int_equal(csv_hundredths("-5", 100000), -1);
	assert_int_equal(csv_hundredths("1,234.00", 1000000), -1);
	assert_int_equal(csv_hundredths("1.2.3", 100000), -1);
	assert_int_equal(csv_hundredths("1000.01", 100000), -1);	/* over max */
	assert_int_equal(csv_hundredths("1000", 100000), 100000);
	assert_int_equal(csv_hundredths("99999999999999999999", INT64_MAX), -1);
}

static void
plain_lines(void **state)
{
	struct fuel_csv c = parse(HDR "\n2026-09-01,京A·10001,45.50,356.90,中石化东直门站\n"
				  "2026/09/02,京a10002,30,240.00,中石油\n");

	(void)state;
	assert_int_equal(c.nbad, 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.lines[0].line, 2);
	assert_int_equal(c.lines[0].date, 20260901);
	assert_string_equal(c.lines[0].plate, "京A·10001");
	assert_int_equal(c.lines[0].litres_x100, 4550);
	assert_int_equal(c.lines[0].amount_fen, 35690);
	assert_string_equal(c.lines[0].station, "中石化东直门站");
	assert_int_equal(c.lines[1].date, 20260902);
	assert_string_equal(c.lines[1].plate, "京A·10002");	/* normalised */
	assert_int_equal(c.lines[1].litres_x100, 3000);
}

static void
bom_crlf_quotes_blank_line(void **state)
{
	struct fuel_csv c = parse("\xEF\xBB\xBF" HDR "\r\n"
				  "2026-09-01,京A·10001,\"45.50\",\"356.90\",\"中石化 \"\"东直门\"\"站\"\r\n"
				  "2026-09-02, 京A·10002 ,30,240.00,\"北京,朝阳\r\n二站\"\r\n"
				  "2026-09-03,京A·10001,10,80,中石化\r\n\r\n");

	(void)state;
	assert_int_equal(c.nbad, 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.lines[0].station, "中石化 \"东直门\"站");
	assert_string_equal(c.lines[1].station, "北京,朝阳\r\n二站");
	assert_string_equal(c.lines[1].plate, "京A·10002");
	/* a quoted newline: the next record starts two lines on */
	assert_int_equal(c.lines[1].line, 3);
	assert_int_equal(c.lines[2].line, 5);
	/* no newline at the end at all */
	c = parse(HDR "\n2026-09-01,京A·10001,1,1,x");
	assert_int_equal(c.nbad, 0);
	assert_int_equal(c.n, 1);
}

static void
bad_lines_named(void **state)
{
	struct fuel_csv c = parse(HDR "\n"
				  "2026-09-01,京A·10001,45.50,356.90,站\n"	/* 2 good */
				  "2026-02-30,京A·10001,45.50,356.90,站\n"	/* 3 date */
				  "2026-09-01,ABC,45.50,356.90,站\n"		/* 4 plate */
				  "2026-09-01,京A·10001,1.234,abc,站\n"	/* 5 litres, amount */
				  "2026-09-01,京A·10001,4,5\n"		/* 6 columns */
				  "2026.09.01,京A·10001,4,5,\n"		/* 7 date, station */
				  "2026-09-01,京A·10001,4,5,\"站\"x\n"	/* 8 after a quote */
				  "2026-09-01,京A·10001,0,5,站\n"		/* 9 zero litres */
				  "2026-09-01,京A·10001,4,5,\"站\n");		/* 10 never closed */

	(void)state;
	assert_int_equal(c.n, 1);
	assert_int_equal(c.nbad, 10);
	error_at(&c, 0, 3, "date");
	error_at(&c, 1, 4, "plate");
	error_at(&c, 2, 5, "litres");
	error_at(&c, 3, 5, "amount");
	error_at(&c, 4, 6, NULL);
	error_at(&c, 5, 7, "date");
	error_at(&c, 6, 7, "station");
	error_at(&c, 7, 8, NULL);
	error_at(&c, 8, 9, "litres");
	error_at(&c, 9, 10, NULL);
	assert_non_null(c.errors[0].msg_en);
}

static void
header_and_encoding(void **state)
{
	struct fuel_csv c;

	(void)state;
	c = parse("date,plate,litres,amount\n2026-09-01,京A·10001,1,1\n");
	assert_int_equal(c.nbad, 1);
	error_at(&c, 0, 1, NULL);
	c = parse("");
	assert_int_equal(c.nbad, 1);
	error_at(&c, 0, 1, NULL);
	c = parse(HDR "\n\n");
	assert_int_equal(c.nbad, 1);	/* no refuels */
	/* GBK 中石化: not UTF-8 */
	c = parse(HDR "\n2026-09-01,京A·10001,1,1,\xD6\xD0\xCA\xAF\xBB\xAF\n");
	assert_int_equal(c.nbad, 1);
	assert_int_equal(c.n, 0);
	assert_int_equal(c.errors[0].line, 0);
}

static void
errors_capped(void **state)
{
	char *text = arena_alloc(a, 200 * 64);
	size_t n = 0;
	struct fuel_csv c;

	(void)state;
	n += (size_t)snprintf(text, 64, HDR "\n");
	for (int i = 0; i < 120; i++)
		n += (size_t)snprintf(text + n, 64, "bad,京A·10001,1,1,站\n");
	c = parse(text);
	assert_int_equal(c.nbad, 120);
	assert_int_equal(c.nerrors, FUEL_CSV_ERRORS_MAX);
	assert_int_equal(c.errors[FUEL_CSV_ERRORS_MAX - 1].line, FUEL_CSV_ERRORS_MAX + 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hundredths),
		cmocka_unit_test(plain_lines),
		cmocka_unit_test(bom_crlf_quotes_blank_line),
		cmocka_unit_test(bad_lines_named),
		cmocka_unit_test(header_and_encoding),
		cmocka_unit_test(errors_capped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
