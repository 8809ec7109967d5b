/*
** routing.c: the thresholds that decide who approves a requisition and what a
** purchase order needs, as pure functions: the reads around them (the quota
** row, the office's rules) stay in requisitions.c, quotas.c and purchases*.c,
** and tests/unit/test_supplies_routing.c proves these at their edges.
*/
#include "modules/supplies/purchases.h"
#include "modules/supplies/requisitions.h"

/*
** The engine routes by an amount range only: over the quota, a requisition
** goes in at the leader's tier at least — the lowest bound above zero of the
** office's requisition rules, or the default split when it has none.
*/
int64_t
reqn_route_amount(int64_t value_fen, int over_quota, int64_t leader_bound_fen)
{
	int64_t bound = leader_bound_fen > 0 ? leader_bound_fen : REQ_THRESHOLD_FEN;

	return over_quota && value_fen < bound ? bound : value_fen;
}

/* The month's issues, its open requisitions and this one together above the quota. */
int
reqn_quota_exceeded(const struct supply_quota *q, int64_t value_fen)
{
	if (!q || q->quota_fen < 0)
		return 0;	/* no quota set: no limit */
	return q->issued_value_fen + q->open_value_fen + value_fen > q->quota_fen;
}

int
po_quotes_required(int64_t total_fen)
{
	return total_fen > PO_QUOTES_ABOVE_FEN;
}

int
po_two_persons_required(int64_t total_fen)
{
	return total_fen > PO_TWO_PERSON_ABOVE_FEN;
}
