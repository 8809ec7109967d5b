/*
** tests/api/test_agency_upgrade.c: defaults reach agencies that already exist.
** A database made before a module (or one of its kinds) has agencies without
** that module's defaults; modules_agency_upgrade, which `houqin migrate` and
** `serve` run after the migrations, adds what each agency lacks, audited, and
** leaves what is there: a kind with any rule (an office's deactivated one too),
** the classes and standards finance has. Here the "old database" is the
** harness's two agencies with rows deleted through SQL, as one made before
** them would lack them; a second run adds nothing and writes no audit record.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/err.h"
#include "db/db.h"
#include "modules.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_agency agb;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_fixture_agency(&srv, "乙机关", "b_", &agb);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hq_stop(&srv);
	return 0;
}

/* sql (a literal) with :agency and :what bound, on the writer; fails the test on error. */
static void
exec2(const char *sql, int64_t agency, const char *what)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc = db_prepare(db, &st, sql, &e) || db_bind_i64(&st, ":agency", agency, &e) ||
		 (what && db_bind_text(&st, ":what", what, &e)) || db_step_done(&st, &e);

	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("%s: %s", sql, e.msg);
}

/* An old database's agency: no rule of kind at all. */
static void
drop_kind(int64_t agency, const char *kind)
{
	exec2("DELETE FROM approval_rule_step WHERE rule_id IN (SELECT id FROM approval_rule"
	      " WHERE agency_id = :agency AND kind = :what)", agency, kind);
	exec2("DELETE FROM approval_rule WHERE agency_id = :agency AND kind = :what", agency, kind);
}

static int64_t
audit_rows(void)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n = -1;

	if (!db_prepare(db, &st, "SELECT COUNT(*) FROM audit_log", &e) && !db_step_row(&st, &e))
		n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_pool_writer_unlock(srv.pool);
	if (n < 0)
		fail_msg("audit count: %s", e.msg);
	return n;
}

/* The entry point `houqin migrate` and `serve` call; returns what it added. */
static int
upgrade(void)
{
	struct db *db = db_pool_writer(srv.pool);
	struct err e = { 0 };
	int added = -1, rc = modules_agency_upgrade(db, &added, &e);

	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("modules_agency_upgrade: %s", e.msg);
	return added;
}

/* GET path as c: its items (caller decrefs). */
static json_t *
items(struct hq_client *c, const char *path)
{
	json_t *j = hq_expect(&srv, c, "GET", path, NULL, 200, NULL);
	json_t *it = json_incref(json_object_get(j, "items"));

	json_decref(j);
	return it;
}

/* Rules of kind in c's agency: how many, and how many of them active. */
static size_t
rules_of(struct hq_client *c, const char *kind, size_t *active)
{
	json_t *all = items(c, "/api/v1/approval-rules"), *r;
	size_t i, n = 0;

	*active = 0;
	json_array_foreach(all, i, r)
		if (strcmp(json_string_value(json_object_get(r, "kind")), kind) == 0) {
			n++;
			*active += json_is_true(json_object_get(r, "active"));
		}
	json_decref(all);
	return n;
}

static int
has_class(struct hq_client *c, const char *code)
{
	json_t *all = items(c, "/api/v1/budget-classes"), *r;
	size_t i;
	int found = 0;

	json_array_foreach(all, i, r)
		found |= strcmp(json_string_value(json_object_get(r, "code")), code) == 0;
	json_decref(all);
	return found;
}

static size_t
count(struct hq_client *c, const char *path)
{
	json_t *all = items(c, path);
	size_t n = json_array_size(all);

	json_decref(all);
	return n;
}

/* The office switches its one stocktake rule off: its choice, which an upgrade keeps. */
static void
deactivate_stocktake(struct hq_client *office)
{
	json_t *all = items(office, "/api/v1/approval-rules"), *r, *hit = NULL;
	char path[64], body[512];
	size_t i;

	json_array_foreach(all, i, r)
		if (strcmp(json_string_value(json_object_get(r, "kind")), "stocktake") == 0)
			hit = r;
	assert_non_null(hit);
	snprintf(path, sizeof(path), "/api/v1/approval-rules/%lld",
		 (long long)json_integer_value(json_object_get(hit, "id")));
	snprintf(body, sizeof(body), "{\"kind\":\"stocktake\",\"name\":\"库存盘点\",\"active\":false,"
		 "\"steps\":[{\"name\":\"分管领导审批\",\"role\":\"leader\",\"scope\":\"role\"}],"
		 "\"updated_at\":\"%s\"}", json_string_value(json_object_get(hit, "updated_at")));
	json_decref(all);
	json_decref(hq_expect(&srv, office, "PUT", path, body, 200, NULL));
}

/* 15 classes, 5 cities × 3 ranks of standards: what a new agency gets (budget_demo.c, ...). */
#define CLASSES 15
#define STANDARDS 15

static void
old_agencies_get_what_they_lack_once(void **state)
{
	struct hq_client office, finance, b_office;
	size_t active;
	int64_t audit;

	(void)state;
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &finance, "finance");
	hq_sign_in(&srv, &b_office, "b_office");
	deactivate_stocktake(&office);
	/*
	** as a database made before these defaults: A lacks requisition rules, a class
	** and every standard; B lacks purchase_order rules
	*/
	drop_kind(srv.agency_id, "requisition");
	exec2("DELETE FROM budget_class WHERE agency_id = :agency AND code = :what", srv.agency_id,
	      "30217");
	exec2("DELETE FROM travel_standard WHERE agency_id = :agency", srv.agency_id, NULL);
	drop_kind(agb.agency_id, "purchase_order");
	assert_int_equal(rules_of(&office, "requisition", &active), 0);
	assert_false(has_class(&finance, "30217"));

	audit = audit_rows();
	assert_int_equal(upgrade(), 2 + 1 + STANDARDS + 3);
	assert_int_equal(audit_rows(), audit + 2 + 1 + STANDARDS + 3);	/* each one audited */
	assert_int_equal(rules_of(&office, "requisition", &active), 2);
	assert_int_equal(active, 2);
	assert_int_equal(rules_of(&office, "stocktake", &active), 1);
	assert_int_equal(active, 0);	/* the office's choice stays */
	assert_int_equal(rules_of(&office, "purchase_order", &active), 3);	/* A kept its own */
	assert_true(has_class(&finance, "30217"));
	assert_int_equal(count(&finance, "/api/v1/budget-classes"), CLASSES);
	assert_int_equal(count(&finance, "/api/v1/travel-standards"), STANDARDS);
	assert_int_equal(rules_of(&b_office, "purchase_order", &active), 3);
	assert_int_equal(active, 3);
	assert_int_equal(rules_of(&b_office, "requisition", &active), 2);	/* B kept its own */

	/* a second run (the next `serve`) finds nothing missing and writes nothing */
	audit = audit_rows();
	assert_int_equal(upgrade(), 0);
	assert_int_equal(audit_rows(), audit);
	assert_int_equal(rules_of(&office, "requisition", &active), 2);
	assert_int_equal(rules_of(&office, "stocktake", &active), 1);
	assert_int_equal(active, 0);
	assert_int_equal(count(&finance, "/api/v1/travel-standards"), STANDARDS);
	hq_client_free(&office);
	hq_client_free(&finance);
	hq_client_free(&b_office);
}

/* Standards are one set: an agency with any (finance's own) gets none of the defaults. */
static void
standards_of_finance_are_kept_whole(void **state)
{
	struct hq_client finance;

	(void)state;
	hq_sign_in(&srv, &finance, "b_finance");
	exec2("DELETE FROM travel_standard WHERE agency_id = :agency AND city <> :what",
	      agb.agency_id, "*");
	assert_int_equal(count(&finance, "/api/v1/travel-standards"), 3);
	assert_int_equal(upgrade(), 0);
	assert_int_equal(count(&finance, "/api/v1/travel-standards"), 3);
	hq_client_free(&finance);
}

/* What the upgrade is for: a request of a kind without rules is refused until it runs. */
static void
requests_of_a_lacking_kind_go_through_after_it(void **state)
{
	static const char trip[] =
		"{\"purpose\":\"调研\",\"destination\":\"市档案馆\",\"out_of_city\":true,"
		"\"passengers\":1,\"passenger_names\":\"张三\",\"start_at\":\"2030-03-05T09:00:00+08:00\","
		"\"end_at\":\"2030-03-05T11:00:00+08:00\",\"est_km\":40}";
	struct hq_client staff;

	(void)state;
	hq_sign_in(&srv, &staff, "staff");
	drop_kind(srv.agency_id, "vehicle_trip");
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/trips", trip, 422, "no_rule"));
	assert_int_equal(upgrade(), 2);
	json_decref(hq_expect(&srv, &staff, "POST", "/api/v1/trips", trip, 201, NULL));
	hq_client_free(&staff);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(old_agencies_get_what_they_lack_once),
		cmocka_unit_test(standards_of_finance_are_kept_whole),
		cmocka_unit_test(requests_of_a_lacking_kind_go_through_after_it),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
