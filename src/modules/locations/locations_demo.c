/*
** modules/locations/locations_demo.c: the demo agency's buildings: 综合办公楼
** A座 (6 floors x 12 rooms), 业务楼 B座 (4 x 8) and 后勤服务楼 (食堂, 车库,
** 配电房 ...), created by the office user.
*/
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/locations/locations.h"
#include "modules/org/org.h"

#include <stdio.h>

static int
add_loc(struct db *db, struct arena *a, const struct actor *office, int64_t parent,
	const char *kind, const char *name, const char *code, int64_t sort, int64_t *id,
	struct err *e)
{
	struct location_in in = { .parent_id = parent, .kind = kind, .name = name, .code = code,
				  .sort_order = sort, .active = 1 };
	struct location out;

	if (loc_save(db, a, office, 0, &in, &out, e))
		return e->code;
	*id = out.id;
	return 0;
}

/* 综合办公楼 A座 (6 floors x 12 rooms), 业务楼 B座 (4 x 8), 后勤服务楼 (食堂, 车库, 配电房 ...). */
static int
seed_locations(struct db *db, struct arena *a, const struct actor *office, struct err *e)
{
	static const struct {
		const char *name, *code;
		int floors, rooms;
	} blds[] = { { "综合办公楼 A座", "A", 6, 12 }, { "业务楼 B座", "B", 4, 8 } };
	static const struct {
		const char *floor, *code;
		const char *rooms[4];
	} service[] = {
		{ "负1层", "C-B1", { "地下车库", "设备间", NULL } },
		{ "1层", "C-1", { "职工食堂", "配电房", "后勤服务中心办公室", NULL } },
		{ "2层", "C-2", { "职工餐厅包间", "职工活动室", NULL } },
	};
	int64_t bid = 0, fid = 0, rid = 0, svc = 0;
	char name[48], code[48];

	for (size_t b = 0; b < sizeof(blds) / sizeof(blds[0]); b++) {
		if (add_loc(db, a, office, 0, "building", blds[b].name, blds[b].code,
			    (int64_t)b * 10, &bid, e))
			return e->code;
		for (int f = 1; f <= blds[b].floors; f++) {
			snprintf(name, sizeof(name), "%u层", (unsigned)f % 100);
			snprintf(code, sizeof(code), "%.4s-%u", blds[b].code, (unsigned)f % 100);
			if (add_loc(db, a, office, bid, "floor", name, code, f, &fid, e))
				return e->code;
			for (int r = 1; r <= blds[b].rooms; r++) {
				unsigned rn = (unsigned)(f * 100 + r) % 10000;
				snprintf(name, sizeof(name), "%u", rn);
				snprintf(code, sizeof(code), "%.4s-%u-%u", blds[b].code,
					 (unsigned)f % 100, rn);
				if (add_loc(db, a, office, fid, "room", name, code, r, &rid, e))
					return e->code;
			}
		}
	}
	if (add_loc(db, a, office, 0, "building", "后勤服务楼", "C", 20, &svc, e))
		return e->code;
	for (size_t f = 0; f < sizeof(service) / sizeof(service[0]); f++) {
		if (add_loc(db, a, office, svc, "floor", service[f].floor, service[f].code,
			    (int64_t)f, &fid, e))
			return e->code;
		for (int r = 0; service[f].rooms[r]; r++) {
			snprintf(code, sizeof(code), "%.8s-%u", service[f].code, (unsigned)r % 100 + 1);
			if (add_loc(db, a, office, fid, "room", service[f].rooms[r], code, r, &rid, e))
				return e->code;
		}
	}
	return 0;
}

int
loc_demo_seed(struct db *db, struct arena *a, const char *prefix, struct err *e)
{
	struct actor office;

	if (org_demo_actor(db, a, prefix, "office", &office, e))
		return e->code;
	return seed_locations(db, a, &office, e);
}
