/*
** tests/unit/test_booking.c: the booking core (core/booking.c) without HTTP:
** the overlap rule at its edges, then reserve / conflict / cancel / confirm /
** a lapsed hold / the same owner / busy resources on an in-memory database.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/booking.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "tmpdb.h"
#include "modules/org/org.h"
#include "modules.h"

#define BUF (30 * MINUTE_MS)
#define T0 ((int64_t)1900000000000)	/* a fixed future start (2030) */

struct fixture {
	struct db *db;
	struct arena *a;
	struct actor sys;
};

static int
setup(void **state)
{
	static struct fixture f;
	struct dept root;
	struct err e = { 0 };
	int applied;

	memset(&f, 0, sizeof(f));
	f.a = arena_new(16384);
	f.sys = (struct actor){ .ip = "test", .username = "test" };
	modules_init();
	tmpdb_audit_key();
	if (db_open(":memory:", DB_CREATE, &f.db, &e) || db_migrate(f.db, &applied, &e) ||
	    db_begin_write(f.db, &e) || org_agency_create(f.db, f.a, &f.sys, "机关", &root, &e) ||
	    db_commit(f.db, &e))
		fail_msg("setup: %s", e.msg);
	f.sys.agency_id = f.sys.department_id = root.id;
	*state = &f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	db_close(f->db);
	arena_free(f->a);
	return 0;
}

static void
overlaps_at_the_edges(void **state)
{
	int64_t s = 10 * HOUR_MS, e = 12 * HOUR_MS;

	(void)state;
	/* no buffer: touching is free, one ms inside is not */
	assert_false(booking_overlaps(s, e, e, e + HOUR_MS, 0));
	assert_false(booking_overlaps(e, e + HOUR_MS, s, e, 0));
	assert_true(booking_overlaps(s, e, e - 1, e + HOUR_MS, 0));
	assert_true(booking_overlaps(e - 1, e + HOUR_MS, s, e, 0));
	/* exactly the buffer apart is free, either side */
	assert_false(booking_overlaps(s, e, e + BUF, e + 2 * HOUR_MS, BUF));
	assert_false(booking_overlaps(s - HOUR_MS - BUF, s - BUF, s, e, BUF));
	/* one ms inside the buffer conflicts, either side */
	assert_true(booking_overlaps(s, e, e + BUF - 1, e + 2 * HOUR_MS, BUF));
	assert_true(booking_overlaps(s - HOUR_MS - BUF, s - BUF + 1, s, e, BUF));
	/* containment and identity */
	assert_true(booking_overlaps(s, e, s + 1, e - 1, 0));
	assert_true(booking_overlaps(s, e, s, e, 0));
	assert_true(booking_overlaps(s + 1, e - 1, s, e, BUF));
}

/* booking_reserve in a transaction of its own: committed when it succeeds. */
static int
reserve(struct fixture *f, const char *kind, int64_t res, int64_t start, int64_t end,
	int64_t owner, int hold, int64_t until, int64_t *id, struct booking *c, struct err *e)
{
	struct booking_req in = { kind, res, start, end, BUF, "vehicle_trip", owner, hold, until };
	int64_t dummy;
	int rc = db_begin_write(f->db, e) ||
		 booking_reserve(f->db, &f->sys, &in, id ? id : &dummy, c, e) ? e->code : 0;

	if (rc) {
		if (db_in_tx(f->db))
			db_rollback(f->db);
		return rc;
	}
	return db_commit(f->db, e);
}

/* Ends the transaction of failed (begin || op): rolled back with op's error, or committed. */
static int
in_tx(struct fixture *f, int failed, struct err *e)
{
	if (failed) {
		if (db_in_tx(f->db))
			db_rollback(f->db);
		return e->code;
	}
	return db_commit(f->db, e);
}

static void
reserve_conflict_cancel(void **state)
{
	struct fixture *f = *state;
	struct booking c = { 0 };
	struct err e = { 0 };
	int64_t id1 = 0, id2 = 0;

	assert_int_equal(reserve(f, "vehicle", 1, T0, T0 + 2 * HOUR_MS, 100, 0, 0, &id1, NULL, &e),
			 0);
	assert_true(id1 > 0);
	/* one ms inside the buffer after it */
	assert_int_equal(reserve(f, "vehicle", 1, T0 + 2 * HOUR_MS + BUF - 1, T0 + 4 * HOUR_MS, 101,
				 0, 0, NULL, &c, &e), ERR_CONFLICT);
	assert_string_equal(e.slug, "schedule_conflict");
	assert_int_equal(c.id, id1);
	assert_int_equal(c.owner_id, 100);
	assert_string_equal(c.owner_module, "vehicle_trip");
	assert_int_equal(c.status, BOOKING_CONFIRMED);
	assert_non_null(strstr(e.msg, "#100"));
	/* exactly the buffer after it: fine */
	assert_int_equal(reserve(f, "vehicle", 1, T0 + 2 * HOUR_MS + BUF, T0 + 4 * HOUR_MS, 101, 0,
				 0, &id2, NULL, &e), 0);
	/* another vehicle, and the driver of the same id, are other resources */
	assert_int_equal(reserve(f, "vehicle", 2, T0, T0 + HOUR_MS, 102, 0, 0, NULL, NULL, &e), 0);
	assert_int_equal(reserve(f, "driver", 1, T0, T0 + HOUR_MS, 102, 0, 0, NULL, NULL, &e), 0);
	/* cancelled, it blocks nothing; cancelling again is a no-op */
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_cancel(f->db, &f->sys, id1, &e), &e), 0);
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_cancel(f->db, &f->sys, id1, &e), &e), 0);
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_cancel(f->db, &f->sys, 999999, &e), &e), ERR_NOT_FOUND);
	assert_int_equal(reserve(f, "vehicle", 1, T0, T0 + HOUR_MS, 103, 0, 0, NULL, NULL, &e), 0);
	/* end before start */
	assert_int_equal(reserve(f, "vehicle", 3, T0, T0, 104, 0, 0, NULL, NULL, &e), ERR_INVALID);
	assert_string_equal(e.fields[0].name, "end_at");
}

static void
same_owner_never_conflicts(void **state)
{
	struct fixture *f = *state;
	struct err e = { 0 };
	int64_t s = T0 + 10 * DAY_MS;

	assert_int_equal(reserve(f, "vehicle", 5, s, s + HOUR_MS, 200, 0, 0, NULL, NULL, &e), 0);
	assert_int_equal(reserve(f, "vehicle", 5, s, s + HOUR_MS, 200, 0, 0, NULL, NULL, &e), 0);
	assert_int_equal(reserve(f, "vehicle", 5, s, s + HOUR_MS, 201, 0, 0, NULL, NULL, &e),
			 ERR_CONFLICT);
	/* the owner's cancel frees both */
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_cancel_owner(f->db, &f->sys, "vehicle_trip", 200, &e),
			       &e), 0);
	assert_int_equal(reserve(f, "vehicle", 5, s, s + HOUR_MS, 201, 0, 0, NULL, NULL, &e), 0);
}

static void
holds_confirm_and_lapse(void **state)
{
	struct fixture *f = *state;
	struct booking c = { 0 };
	struct err e = { 0 };
	int64_t s = T0 + 20 * DAY_MS, h1 = 0, h2 = 0, h3 = 0;

	assert_int_equal(reserve(f, "vehicle", 6, s, s + HOUR_MS, 300, 1, now_ms() + 10 * MINUTE_MS,
				 &h1, NULL, &e), 0);
	/* a live hold blocks */
	assert_int_equal(reserve(f, "vehicle", 6, s, s + HOUR_MS, 301, 0, 0, NULL, &c, &e),
			 ERR_CONFLICT);
	assert_int_equal(c.status, BOOKING_HOLD);
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_confirm(f->db, &f->sys, h1, &e), &e), 0);
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_confirm(f->db, &f->sys, h1, &e), &e), 0);
	/* another hold on vehicle 7 lapses: it then blocks nothing and cannot be confirmed */
	assert_int_equal(reserve(f, "vehicle", 7, s, s + HOUR_MS, 302, 1, now_ms() + MINUTE_MS, &h2,
				 NULL, &e), 0);
	clock_advance(2 * MINUTE_MS);
	assert_int_equal(reserve(f, "vehicle", 7, s, s + HOUR_MS, 303, 1, now_ms() + MINUTE_MS, &h3,
				 NULL, &e), 0);
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_confirm(f->db, &f->sys, h2, &e), &e), ERR_CONFLICT);
	assert_string_equal(e.slug, "hold_lapsed");
	assert_int_equal(in_tx(f, db_begin_write(f->db, &e) ||
				      booking_confirm(f->db, &f->sys, 999999, &e), &e), ERR_NOT_FOUND);
	(void)h3;
}

static void
busy_and_list(void **state)
{
	struct fixture *f = *state;
	struct booking *items;
	struct err e = { 0 };
	int64_t s = T0 + 30 * DAY_MS, *ids;
	size_t n;

	assert_int_equal(reserve(f, "vehicle", 11, s, s + HOUR_MS, 400, 0, 0, NULL, NULL, &e), 0);
	assert_int_equal(reserve(f, "vehicle", 12, s + 2 * HOUR_MS, s + 3 * HOUR_MS, 401, 0, 0,
				 NULL, NULL, &e), 0);
	assert_int_equal(reserve(f, "vehicle", 13, s + HOUR_MS + BUF, s + 2 * HOUR_MS, 402, 0, 0,
				 NULL, NULL, &e), 0);
	/*
	** The window [s+1h, s+1h+1ms) with a 30 min buffer: 11 ends right at its start
	** (busy), 13 starts 30 min minus 1 ms after its end (busy), 12 starts an hour
	** later (free).
	*/
	assert_int_equal(booking_busy(f->db, f->a, f->sys.agency_id, "vehicle", s + HOUR_MS,
				      s + HOUR_MS + 1, BUF, &ids, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], 11);
	assert_int_equal(ids[1], 13);
	/* a window well after: none */
	assert_int_equal(booking_busy(f->db, f->a, f->sys.agency_id, "vehicle", s + 5 * HOUR_MS,
				      s + 6 * HOUR_MS, BUF, &ids, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_int_equal(booking_list(f->db, f->a, f->sys.agency_id, "vehicle", 12, s,
				      s + DAY_MS, &items, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].owner_id, 401);
	assert_string_equal(items[0].owner_module, "vehicle_trip");
	assert_string_equal(items[0].res_kind, "vehicle");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(overlaps_at_the_edges),
		cmocka_unit_test(reserve_conflict_cancel),
		cmocka_unit_test(same_owner_never_conflicts),
		cmocka_unit_test(holds_confirm_and_lapse),
		cmocka_unit_test(busy_and_list),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
