/*
** modules/vehicles/flags.c: the supervisor's flags (flags.h). Contract stub of
** the lead: the flags helper replaces it with the table, the rules and the hooks.
*/
#include "modules/vehicles/flags.h"

#include <stddef.h>

const char *const flag_kind_codes[] = { FLAG_LATE_RETURN, FLAG_OVER_DISTANCE, FLAG_ODOMETER_GAP,
					FLAG_OFF_DAY, FLAG_SEALED_MOVEMENT, FLAG_REFUEL_NO_TRIP,
					FLAG_REFUEL_OVER_TANK, NULL };

int
flag_raise(struct db *db, struct arena *a, int64_t agency, const struct flag_in *in,
	   int64_t *id, struct err *e)
{
	(void)db, (void)a, (void)agency, (void)in, (void)e;
	*id = 0;
	return 0;
}

int
flag_on_depart(struct db *db, struct arena *a, const struct actor *who, const struct trip *t,
	       int64_t last_km, int64_t odometer_km, struct err *e)
{
	(void)db, (void)a, (void)who, (void)t, (void)last_km, (void)odometer_km, (void)e;
	return 0;
}

int
flag_on_return(struct db *db, struct arena *a, const struct actor *who, int64_t trip_id,
	       struct err *e)
{
	(void)db, (void)a, (void)who, (void)trip_id, (void)e;
	return 0;
}

int
flag_check_refuel(struct db *db, struct arena *a, int64_t agency, int64_t vehicle_id, int date,
		  int64_t litres_x100, int64_t cost_id, struct err *e)
{
	(void)db, (void)a, (void)agency, (void)vehicle_id, (void)date, (void)litres_x100;
	(void)cost_id, (void)e;
	return 0;
}
