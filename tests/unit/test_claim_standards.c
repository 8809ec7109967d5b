/*
** tests/unit/test_claim_standards.c: the travel standards' arithmetic
** (modules/budget/claims_calc.c): which row a trip takes (the city's, else
** "*"; by rank; valid on the start date, the latest that started), nights and
** days, the caps per kind and the excess shared by the items of one kind.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "modules/budget/claims.h"

static const struct claim_std rows[] = {
	{ 1, "北京", "other", 50000, 10000, 8000, 20240101, 0, 0 },
	{ 2, "北京", "bureau", 80000, 10000, 8000, 20240101, 0, 0 },
	{ 3, "*", "other", 38000, 10000, 8000, 20240101, 0, 0 },
	{ 4, "*", "bureau", 45000, 10000, 8000, 20240101, 20251231, 0 },
	{ 5, "*", "bureau", 48000, 10000, 8000, 20260101, 0, 0 },
	{ 6, "上海", "other", 60000, 10000, 8000, 20270101, 0, 0 },
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void
lookup_by_city_rank_and_date(void **state)
{
	(void)state;
	assert_int_equal(claim_std_pick(rows, NROWS, "北京", "other", 20261102)->id, 1);
	assert_int_equal(claim_std_pick(rows, NROWS, "北京", "bureau", 20261102)->id, 2);
	/* another city: "*" */
	assert_int_equal(claim_std_pick(rows, NROWS, "成都", "other", 20261102)->id, 3);
	/* "*" bureau: the row valid on the start date */
	assert_int_equal(claim_std_pick(rows, NROWS, "成都", "bureau", 20250630)->id, 4);
	assert_int_equal(claim_std_pick(rows, NROWS, "成都", "bureau", 20251231)->id, 4);
	assert_int_equal(claim_std_pick(rows, NROWS, "成都", "bureau", 20260101)->id, 5);
	/* 上海 other not valid yet: falls back to "*" */
	assert_int_equal(claim_std_pick(rows, NROWS, "上海", "other", 20261102)->id, 3);
	assert_int_equal(claim_std_pick(rows, NROWS, "上海", "other", 20270102)->id, 6);
	/* no row for the rank, or before every row */
	assert_null(claim_std_pick(rows, NROWS, "北京", "minister", 20261102));
	assert_null(claim_std_pick(rows, NROWS, "北京", "other", 20231231));
}

static void
nights_and_dates(void **state)
{
	(void)state;
	assert_int_equal(claim_trip_nights(20261102, 20261104), 2);
	assert_int_equal(claim_trip_nights(20261102, 20261102), 0);
	assert_int_equal(claim_trip_nights(20261230, 20270102), 3);
	assert_int_equal(claim_trip_nights(20240228, 20240301), 2);	/* leap year */
	assert_int_equal(claim_trip_nights(20261104, 20261102), -1);
	assert_int_equal(claim_trip_nights(20260231, 20260302), -1);
}

static void
caps_per_kind(void **state)
{
	const struct claim_std *s = &rows[0];

	(void)state;
	assert_int_equal(claim_kind_cap(s, "lodging", 2), 100000);	/* 500 × 2 nights */
	assert_int_equal(claim_kind_cap(s, "meals", 2), 30000);		/* 100 × 3 days */
	assert_int_equal(claim_kind_cap(s, "transport", 2), 24000);	/* 80 × 3 days */
	assert_int_equal(claim_kind_cap(s, "fare", 2), -1);
	assert_int_equal(claim_kind_cap(s, "other", 2), -1);
	assert_int_equal(claim_kind_cap(s, NULL, 2), -1);
	assert_int_equal(claim_kind_cap(NULL, "lodging", 2), -1);
	assert_int_equal(claim_kind_cap(s, "lodging", 0), 0);	/* a day trip: no lodging */
}

static void
over_amounts(void **state)
{
	struct claim_calc it[] = {
		{ "lodging", 60000, 0, 0 },	/* within 1000 */
		{ "lodging", 50000, 0, 0 },	/* 1100 in all: 100 over, on this one */
		{ "meals", 30000, 0, 0 },	/* exactly the cap */
		{ "fare", 99900, 0, 0 },	/* no cap */
		{ NULL, 12345, 0, 0 },		/* not a travel item */
		{ "transport", 30000, 0, 0 },	/* 60 over */
	};

	(void)state;
	assert_int_equal(claim_calc_over(&rows[0], 2, it, 6), 10000 + 6000);
	assert_int_equal(it[0].standard_fen, 100000);
	assert_int_equal(it[0].over_fen, 0);
	assert_int_equal(it[1].over_fen, 10000);
	assert_int_equal(it[2].over_fen, 0);
	assert_int_equal(it[3].standard_fen, -1);
	assert_int_equal(it[3].over_fen, 0);
	assert_int_equal(it[4].standard_fen, -1);
	assert_int_equal(it[5].over_fen, 6000);
	/* a third lodging item after the cap is passed is over in full */
	struct claim_calc more[] = { { "lodging", 120000, 0, 0 }, { "lodging", 5000, 0, 0 } };
	assert_int_equal(claim_calc_over(&rows[0], 2, more, 2), 25000);
	assert_int_equal(more[0].over_fen, 20000);
	assert_int_equal(more[1].over_fen, 5000);
	/* no standard for the trip: nothing is over */
	assert_int_equal(claim_calc_over(NULL, 2, more, 2), 0);
	assert_int_equal(more[0].standard_fen, -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_by_city_rank_and_date),
		cmocka_unit_test(nights_and_dates),
		cmocka_unit_test(caps_per_kind),
		cmocka_unit_test(over_amounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
