/*
** modules/vehicles/seals.c: 节假日封存 (seals.h). Contract stub of the lead:
** the seals helper replaces it with the real seal table and override.
*/
#include "modules/vehicles/seals.h"

int
seal_find(struct db *db, struct arena *a, int64_t agency, int64_t vehicle_id, int from_date,
	  int to_date, struct veh_seal *out, int *found, struct err *e)
{
	(void)db, (void)a, (void)agency, (void)vehicle_id, (void)from_date, (void)to_date;
	(void)out, (void)e;
	*found = 0;
	return 0;
}

int
seal_check_dispatch(struct db *db, struct arena *a, const struct actor *who,
		    const struct trip *t, int64_t vehicle_id, struct err *e)
{
	(void)db, (void)a, (void)who, (void)t, (void)vehicle_id, (void)e;
	return 0;
}
