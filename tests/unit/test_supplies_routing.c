/*
** tests/unit/test_supplies_routing.c: who approves a requisition and what a
** purchase order needs, at the edges of their thresholds (routing.c). The
** engine then picks the rule whose range holds the amount (test_approvals);
** tests/api/test_requisitions.c and test_purchases.c run the whole flows.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "modules/supplies/purchases.h"
#include "modules/supplies/requisitions.h"

/* Within the quota a requisition goes in at its value, whatever it is. */
static void
within_quota_routes_by_value(void **state)
{
	(void)state;
	assert_int_equal(reqn_route_amount(0, 0, -1), 0);
	assert_int_equal(reqn_route_amount(99999, 0, -1), 99999);	/* ¥999.99: the head */
	assert_int_equal(reqn_route_amount(100000, 0, -1), 100000);	/* ¥1,000: + the leader */
	assert_int_equal(reqn_route_amount(99999, 0, 50000), 99999);	/* the office's bound */
}

/* Over the quota it goes in at the leader's tier at least: the office's bound or ¥1,000. */
static void
over_quota_routes_to_the_leader_tier(void **state)
{
	(void)state;
	assert_int_equal(reqn_route_amount(1200, 1, -1), REQ_THRESHOLD_FEN);	/* no leader rule */
	assert_int_equal(reqn_route_amount(1200, 1, 0), REQ_THRESHOLD_FEN);	/* 0 is no tier */
	assert_int_equal(reqn_route_amount(1200, 1, 50000), 50000);	/* the office moved it */
	assert_int_equal(reqn_route_amount(49999, 1, 50000), 50000);
	assert_int_equal(reqn_route_amount(50000, 1, 50000), 50000);	/* at the bound already */
	assert_int_equal(reqn_route_amount(300000, 1, 50000), 300000);	/* above: its value */
}

/* issued + open + this one > quota; no quota row, or none set, never. */
static void
quota_exceeded_at_its_edge(void **state)
{
	struct supply_quota q = { .quota_fen = 10000, .issued_value_fen = 6000,
				  .open_value_fen = 3000 };

	(void)state;
	assert_false(reqn_quota_exceeded(&q, 1000));	/* exactly the quota */
	assert_true(reqn_quota_exceeded(&q, 1001));	/* one fen over */
	assert_false(reqn_quota_exceeded(&q, 0));
	q.quota_fen = 0;	/* a zero quota: anything is over */
	q.issued_value_fen = q.open_value_fen = 0;
	assert_true(reqn_quota_exceeded(&q, 1));
	assert_false(reqn_quota_exceeded(&q, 0));
	q.quota_fen = -1;	/* none set */
	assert_false(reqn_quota_exceeded(&q, 100000000));
	assert_false(reqn_quota_exceeded(NULL, 100000000));
}

/* 三家比价 above ¥10,000; two purchasers above ¥50,000 (both strictly above). */
static void
purchase_thresholds(void **state)
{
	(void)state;
	assert_false(po_quotes_required(1000000));	/* ¥10,000.00 */
	assert_true(po_quotes_required(1000001));
	assert_false(po_quotes_required(0));
	assert_false(po_two_persons_required(5000000));	/* ¥50,000.00 */
	assert_true(po_two_persons_required(5000001));
	/* the committee tier of the default rules starts where two purchasers do */
	assert_int_equal(PO_COMMITTEE_ABOVE_FEN, PO_TWO_PERSON_ABOVE_FEN);
	assert_true(PO_OFFICE_MAX_FEN < PO_QUOTES_ABOVE_FEN);
	assert_true(PO_QUOTES_ABOVE_FEN < PO_COMMITTEE_ABOVE_FEN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(within_quota_routes_by_value),
		cmocka_unit_test(over_quota_routes_to_the_leader_tier),
		cmocka_unit_test(quota_exceeded_at_its_edge),
		cmocka_unit_test(purchase_thresholds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
