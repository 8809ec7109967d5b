/*
** tests/unit/test_stock.c: the arithmetic of the stock ledger (moving weighted
** average: an issue's share of the value, half up; the last units take the
** rest, so a run of issues empties the value exactly) and the check character
** of a 统一社会信用代码.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "modules/supplies/stock.h"
#include "modules/supplies/supplies.h"

static void
out_value_is_the_share_half_up(void **state)
{
	(void)state;
	assert_int_equal(stock_out_value(10, 1000, 3), 300);	/* exact */
	assert_int_equal(stock_out_value(3, 100, 1), 33);	/* 33.33 */
	assert_int_equal(stock_out_value(3, 200, 1), 67);	/* 66.67 */
	assert_int_equal(stock_out_value(2, 101, 1), 51);	/* 50.5 rounds up */
	assert_int_equal(stock_out_value(3, 100, 3), 100);	/* the last units: all of it */
	assert_int_equal(stock_out_value(3, 100, 5), 100);	/* beyond (refused elsewhere) */
	assert_int_equal(stock_out_value(0, 0, 1), 0);
	assert_int_equal(stock_out_value(5, 0, 2), 0);	/* free stock costs nothing */
}

/* Issuing one at a time from 7 units worth 1000 fen: the values sum to 1000 exactly. */
static void
issues_empty_the_value_exactly(void **state)
{
	int64_t qty = 7, value = 1000, taken = 0, v;

	(void)state;
	while (qty > 0) {
		v = stock_out_value(qty, value, 1);
		assert_true(v >= 142 && v <= 143);
		taken += v;
		value -= v;
		qty--;
	}
	assert_int_equal(taken, 1000);
	assert_int_equal(value, 0);
}

/* The largest stock the ledger admits does not overflow the share. */
static void
large_values_do_not_overflow(void **state)
{
	int64_t qty = STOCK_QTY_MAX, value = (int64_t)STOCK_QTY_MAX * STOCK_PRICE_MAX;

	(void)state;
	assert_int_equal(stock_out_value(qty, value, qty - 1), value - STOCK_PRICE_MAX);
	assert_int_equal(stock_avg_cost(qty, value), STOCK_PRICE_MAX);
}

static void
average_cost(void **state)
{
	(void)state;
	assert_int_equal(stock_avg_cost(0, 0), 0);
	assert_int_equal(stock_avg_cost(3, 1000), 333);
	assert_int_equal(stock_avg_cost(3, 1001), 334);	/* 333.67 */
	/* 10 at 250 then 30 at 350: (2500 + 10500) / 40 = 325 */
	assert_int_equal(stock_avg_cost(40, 10 * 250 + 30 * 350), 325);
}

static void
credit_code_check_character(void **state)
{
	(void)state;
	assert_true(sup_credit_code_ok("91350100M000100Y43"));	/* GB 32100-2015's example */
	assert_true(sup_credit_code_ok("91440300192185379H"));
	assert_false(sup_credit_code_ok("91350100M000100Y44"));	/* wrong check character */
	assert_false(sup_credit_code_ok("91350100M000010Y43"));	/* two digits swapped */
	assert_false(sup_credit_code_ok("91350100m000100Y43"));	/* lower case */
	assert_false(sup_credit_code_ok("91350100O000100Y43"));	/* O is not in the alphabet */
	assert_false(sup_credit_code_ok("91350100M000100Y4"));	/* 17 characters */
	assert_false(sup_credit_code_ok("91350100M000100Y430"));
	assert_false(sup_credit_code_ok(""));
	assert_false(sup_credit_code_ok(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(out_value_is_the_share_half_up),
		cmocka_unit_test(issues_empty_the_value_exactly),
		cmocka_unit_test(large_values_do_not_overflow),
		cmocka_unit_test(average_cost),
		cmocka_unit_test(credit_code_check_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
