/*
** modules/vehicles/costs.c: a vehicle's costs (costs.h). Contract stub of the
** lead: the costs helper replaces it with the table, the budget postings, the
** vendors and the fuel-card import.
*/
#include "modules/vehicles/costs.h"

#include <stddef.h>

const char *const cost_kind_codes[] = { "fuel", "maintenance", "repair", "insurance",
					"inspection", "toll_parking", NULL };

int
cost_post(struct db *db, struct arena *a, const struct actor *who, const struct cost_in *in,
	  int64_t *id, struct err *e)
{
	(void)db, (void)a, (void)who, (void)in, (void)e;
	*id = 0;
	return 0;
}

int
cost_on_return(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	       const struct trip_log_in *in, struct err *e)
{
	(void)db, (void)a, (void)who, (void)t, (void)in, (void)e;
	return 0;
}
