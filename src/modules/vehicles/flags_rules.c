/*
** modules/vehicles/flags_rules.c: the flag rules of flags.h as pure functions
** of the figures, so each edge is unit-tested without a database.
*/
#include "modules/vehicles/flags.h"
#include "core/calendar.h"

#include <string.h>

int
flag_is_late(int64_t end_at, int64_t return_at, int64_t *late_min)
{
	*late_min = return_at > end_at ? (return_at - end_at) / MINUTE_MS : 0;
	return return_at - end_at > FLAG_LATE_GRACE_MS;
}

int
flag_is_over_distance(int64_t est_km, int64_t driven_km)
{
	return est_km > 0 && driven_km > FLAG_DISTANCE_FACTOR * est_km;
}

int
flag_is_gap(int64_t last_km, int64_t depart_km)
{
	return depart_km - last_km > FLAG_GAP_TOLERANCE_KM;
}

int
flag_off_day(const struct cal *cal, int64_t start_at, int64_t end_at, int64_t depart_at,
	     int64_t return_at)
{
	int first = cal_local_date(start_at), last = cal_local_date(end_at - 1);
	int64_t day = date_to_days(cal_local_date(depart_at));
	int64_t stop = date_to_days(cal_local_date(return_at));

	/* a trip is at most 31 days: a bound, not a rule */
	for (int i = 0; day <= stop && i < FLAG_DAYS_MAX; day++, i++) {
		int d = days_to_date(day);

		if ((d < first || d > last) && !cal_is_workday(cal, d))
			return d;
	}
	return 0;
}

int
flag_is_over_tank(const char *energy, int64_t tank_litres, int64_t litres_x100)
{
	if (!energy || strcmp(energy, "electric") == 0 || tank_litres <= 0)
		return 0;
	return litres_x100 > tank_litres * 100;
}
