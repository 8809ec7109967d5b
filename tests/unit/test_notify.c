/*
** tests/unit/test_notify.c: core/notify.c on a migrated temp database: who
** sees which event, the SSE payloads, title/body clipping, argument checks,
** and event pruning that never lets ids restart.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/auth.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/notify.h"
#include "core/parse.h"
#include "db/db.h"
#include "tmpdb.h"

/* Agencies 1 and 2; users 11, 12 in agency 1, 21 in agency 2, 13 inactive in agency 1. */
static const char fixture[] =
	"INSERT INTO department (id, agency_id, parent_id, name, created_at, updated_at)"
	" VALUES (1, 1, NULL, 'A', 0, 0), (2, 2, NULL, 'B', 0, 0);"
	"INSERT INTO app_user (id, agency_id, department_id, username, display_name,"
	" password_hash, active, created_at, updated_at) VALUES"
	" (11, 1, 1, 'u11', 'u11', 'x', 1, 0, 0), (12, 1, 1, 'u12', 'u12', 'x', 1, 0, 0),"
	" (21, 2, 2, 'u21', 'u21', 'x', 1, 0, 0), (13, 1, 1, 'u13', 'u13', 'x', 0, 0, 0);";

struct fx {
	char path[64];
	struct db *db;
	struct arena *a;
};

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (!f)
		return 0;
	tmpdb_close(f->path, &f->db);
	arena_free(f->a);
	free(f);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct err e = { 0 };

	if (!f || tmpdb_open(f->path, sizeof(f->path), "notify", TMPDB_MIGRATED, &f->db)) {
		free(f);
		return -1;
	}
	*state = f;
	f->a = arena_new(16384);
	if (db_exec(f->db, fixture, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		teardown(state);
		*state = NULL;
		return -1;
	}
	return 0;
}

static void
begin(struct db *db)
{
	struct err e = { 0 };

	assert_int_equal(db_begin_write(db, &e), 0);
}

static void
commit(struct db *db)
{
	struct err e = { 0 };

	assert_int_equal(db_commit(db, &e), 0);
}

static int64_t
head(struct db *db)
{
	struct err e = { 0 };
	int64_t id = -1;

	assert_int_equal(notify_event_head(db, &id, &e), 0);
	return id;
}

static void
events_are_visible_to_their_user_and_agency_only(void **state)
{
	struct fx *f = *state;
	struct actor a1 = { .id = 12, .agency_id = 1 };
	struct err e = { 0 };
	int64_t base = head(f->db);
	/* event i (1-based after base) is for: */
	static const struct {
		int64_t user, agency;
		const char *want_for;	/* users that must see it */
	} ev[] = {
		{ 11, 1, " 11 " },		/* notification for 11 */
		{ 12, 1, " 12 " },		/* notification for 12 */
		{ 0, 1, " 11 12 " },		/* agency 1 change */
		{ 0, 2, " 21 " },		/* agency 2 change */
		{ 21, 2, " 21 " },		/* notification for 21 */
		{ 11, 1, " 11 " },		/* user-only change for 11 */
	};
	static const struct {
		int64_t user, agency;
	} readers[] = { { 11, 1 }, { 12, 1 }, { 21, 2 } };

	begin(f->db);
	assert_int_equal(notify_send(f->db, &a1, 11, "t.a", "一", NULL, "x", 1, &e), 0);
	assert_int_equal(notify_send(f->db, &a1, 12, "t.a", "二", NULL, NULL, 0, &e), 0);
	assert_int_equal(notify_entity_changed(f->db, 1, 0, "x", 1, &e), 0);
	assert_int_equal(notify_entity_changed(f->db, 2, 0, "x", 2, &e), 0);
	assert_int_equal(notify_send(f->db, NULL, 21, "t.a", "三", NULL, NULL, 0, &e), 0);
	assert_int_equal(notify_entity_changed(f->db, 1, 11, "x", 3, &e), 0);
	commit(f->db);
	assert_int_equal(head(f->db), base + 6);

	for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
		struct notify_event *items;
		size_t n, k = 0;
		char me[16];

		snprintf(me, sizeof(me), " %lld ", (long long)readers[r].user);
		assert_int_equal(notify_events_for(f->db, f->a, readers[r].user, readers[r].agency,
						   base, 100, 0, &items, &n, &e), 0);
		for (size_t i = 0; i < sizeof(ev) / sizeof(ev[0]); i++) {
			if (!strstr(ev[i].want_for, me))
				continue;
			if (k >= n || items[k].id != base + 1 + (int64_t)i)
				fail_msg("user %lld misses event %zu", (long long)readers[r].user, i);
			k++;
		}
		if (k != n)
			fail_msg("user %lld sees %zu events, want %zu", (long long)readers[r].user, n,
				 k);
	}

	/* the scan the hub uses reports recipients, 0 = whole agency */
	struct notify_event_ref *refs;
	size_t n;
	assert_int_equal(notify_event_scan(f->db, f->a, base, 100, &refs, &n, &e), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(refs[i].user_id, ev[i].user);
		assert_int_equal(refs[i].agency_id, ev[i].agency);
	}
	/* limits hold */
	assert_int_equal(notify_event_scan(f->db, f->a, base, 2, &refs, &n, &e), 0);
	assert_int_equal(n, 2);
}

static void
payloads_are_one_line_json_with_the_entity(void **state)
{
	struct fx *f = *state;
	struct err e = { 0 };
	struct notify_event *items;
	int64_t base = head(f->db);
	size_t n;
	json_t *j;

	begin(f->db);
	assert_int_equal(notify_send(f->db, NULL, 12, "wo.assigned", "派单",
				     "第一行\n第二行 \"引号\"", "workorder", 9, &e), 0);
	assert_int_equal(notify_entity_changed(f->db, 1, 0, "workorder", 9, &e), 0);
	commit(f->db);
	assert_int_equal(notify_events_for(f->db, f->a, 12, 1, base, 10, 0, &items, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].type, "notification");
	assert_null(strpbrk(items[0].payload, "\r\n"));
	j = json_loads(items[0].payload, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "entity")), "workorder");
	assert_int_equal(json_integer_value(json_object_get(j, "entity_id")), 9);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "notification"),
							      "body")), "第一行\n第二行 \"引号\"");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "notification"),
							      "kind")), "wo.assigned");
	json_decref(j);
	assert_string_equal(items[1].type, "changed");
	assert_string_equal(items[1].payload, "{\"entity\":\"workorder\",\"entity_id\":9}");
}

static void
long_titles_and_bodies_are_clipped_not_refused(void **state)
{
	static const struct {
		long title_chars, body_chars;
		long want_title, want_body;
	} cases[] = {
		{ 1, 0, 1, 0 },
		{ NOTIFY_TITLE_MAX, NOTIFY_BODY_MAX, NOTIFY_TITLE_MAX, NOTIFY_BODY_MAX },
		{ NOTIFY_TITLE_MAX + 1, NOTIFY_BODY_MAX + 1, NOTIFY_TITLE_MAX, NOTIFY_BODY_MAX },
		{ 3000, 9000, NOTIFY_TITLE_MAX, NOTIFY_BODY_MAX },
	};
	struct fx *f = *state;
	struct actor me = { .id = 11, .agency_id = 1 };
	struct err e = { 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = calloc((size_t)cases[i].title_chars * 3 + 1, 1);
		char *b = calloc((size_t)cases[i].body_chars * 3 + 1, 1);
		struct notify_filter flt = { .limit = 1 };
		struct notification *items;
		int64_t total;
		size_t n;

		for (long k = 0; k < cases[i].title_chars; k++)
			memcpy(t + k * 3, "\xe9\x80\x9a", 3);	/* 通 */
		for (long k = 0; k < cases[i].body_chars; k++)
			memcpy(b + k * 3, "\xe7\x9f\xa5", 3);	/* 知 */
		begin(f->db);
		assert_int_equal(notify_send(f->db, NULL, 11, "t.clip", t,
					     cases[i].body_chars ? b : NULL, NULL, 0, &e), 0);
		commit(f->db);
		assert_int_equal(notify_list(f->db, f->a, &me, &flt, &items, &n, &total, &e), 0);
		assert_int_equal(n, 1);
		assert_int_equal(utf8_chars(items[0].title, strlen(items[0].title)),
				 cases[i].want_title);
		assert_int_equal(items[0].body ? utf8_chars(items[0].body, strlen(items[0].body)) : 0,
				 cases[i].want_body);
		if (cases[i].title_chars > NOTIFY_TITLE_MAX)
			assert_string_equal(items[0].title + strlen(items[0].title) - 3, "\xe2\x80\xa6");
		free(t);
		free(b);
	}
}

static void
bad_arguments_are_refused(void **state)
{
	static const struct {
		int64_t to;
		const char *kind, *title, *body, *entity;
		int64_t entity_id;
		int rc;
	} cases[] = {
		{ 11, "a.b", "ok", NULL, NULL, 0, 0 },
		{ 0, "a.b", "ok", NULL, NULL, 0, ERR_INVALID },
		{ -1, "a.b", "ok", NULL, NULL, 0, ERR_INVALID },
		{ 11, "", "ok", NULL, NULL, 0, ERR_INVALID },
		{ 11, NULL, "ok", NULL, NULL, 0, ERR_INVALID },
		{ 11, "A.b", "ok", NULL, NULL, 0, ERR_INVALID },
		{ 11, "a b", "ok", NULL, NULL, 0, ERR_INVALID },
		{ 11, "a.b", NULL, NULL, NULL, 0, ERR_INVALID },
		{ 11, "a.b", " \t", NULL, NULL, 0, ERR_INVALID },
		{ 11, "a.b", "ok", "\xc3", NULL, 0, ERR_INVALID },
		{ 11, "a.b", "ok", NULL, "x", -1, ERR_INVALID },
		{ 11, "a.b", "ok", NULL, NULL, 3, ERR_INVALID },
		{ 11, "a.b", "ok", NULL, "wo.x", 3, ERR_INVALID },
		{ 11, "a.b", "ok", NULL, "workorder", 3, 0 },
		{ 13, "a.b", "ok", NULL, NULL, 0, ERR_NOT_FOUND },	/* inactive */
		{ 99, "a.b", "ok", NULL, NULL, 0, ERR_NOT_FOUND },
		{ 21, "a.b", "ok", NULL, NULL, 0, ERR_FORBIDDEN },	/* other agency */
	};
	struct fx *f = *state;
	struct actor me = { .id = 12, .agency_id = 1 };

	begin(f->db);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = { 0 };
		int rc = notify_send(f->db, &me, cases[i].to, cases[i].kind, cases[i].title,
				     cases[i].body, cases[i].entity, cases[i].entity_id, &e);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d, want %d (%s)", i, rc, cases[i].rc, e.msg);
	}
	db_rollback(f->db);
}

static void
prune_deletes_old_events_but_keeps_the_newest(void **state)
{
	struct fx *f = *state;
	struct err e = { 0 };
	struct notify_event_ref *refs;
	int64_t deleted = -1, top;
	size_t n;

	begin(f->db);
	for (int i = 0; i < 5; i++)
		assert_int_equal(notify_entity_changed(f->db, 1, 0, "x", i + 1, &e), 0);
	commit(f->db);
	top = head(f->db);

	/* nothing is older than an hour ago */
	begin(f->db);
	assert_int_equal(notify_prune_events(f->db, now_ms() - HOUR_MS, &deleted, &e), 0);
	commit(f->db);
	assert_int_equal(deleted, 0);

	/* everything is old: all go except the newest, so the next id continues */
	begin(f->db);
	assert_int_equal(notify_prune_events(f->db, now_ms() + HOUR_MS, &deleted, &e), 0);
	commit(f->db);
	assert_true(deleted >= 4);
	assert_int_equal(notify_event_scan(f->db, f->a, 0, 100, &refs, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(refs[0].id, top);
	begin(f->db);
	assert_int_equal(notify_entity_changed(f->db, 1, 0, "x", 9, &e), 0);
	commit(f->db);
	assert_int_equal(head(f->db), top + 1);

	/* an empty queue prunes to nothing without error */
	begin(f->db);
	assert_int_equal(db_exec(f->db, "DELETE FROM event", &e), 0);
	assert_int_equal(notify_prune_events(f->db, now_ms(), NULL, &e), 0);
	commit(f->db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(events_are_visible_to_their_user_and_agency_only,
						setup, teardown),
		cmocka_unit_test_setup_teardown(payloads_are_one_line_json_with_the_entity, setup,
						teardown),
		cmocka_unit_test_setup_teardown(long_titles_and_bodies_are_clipped_not_refused,
						setup, teardown),
		cmocka_unit_test_setup_teardown(bad_arguments_are_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(prune_deletes_old_events_but_keeps_the_newest,
						setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
