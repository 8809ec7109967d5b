/*
** tests/api/test_requisitions.c: 领用申请 end to end on either backend
** (HOUQIN_TEST_BACKEND): staff ask -> the department head approves -> the
** office issues part, then the rest (stock leaves through the ledger, with
** the department) -> the requester confirms receipt, for every role; at or
** above the value threshold, or over the department's monthly quota, a
** leader decides too; an issue short of stock is 422 with nothing written;
** bad input; scope; 30 approved requisitions issued in parallel for the last
** 10 units: exactly 10 leave and the ledger still sums; 10 requisitions racing
** with room for 4 in the quota: exactly 4 stay within it.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/arena.h"
#include "core/auth.h"
#include "core/err.h"
#include "db/db.h"
#include "modules/supplies/requisitions.h"
#include "modules/supplies/stock.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define RACERS 30

static struct hq_server srv;
static struct hq_client staff, staff2, head, office, leader, sup;
static struct actor office_actor;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	hq_sign_in(&srv, &staff, "staff");
	hq_sign_in(&srv, &staff2, "staff2");
	hq_sign_in(&srv, &head, "dept_head");
	hq_sign_in(&srv, &office, "office");
	hq_sign_in(&srv, &leader, "leader");
	hq_sign_in(&srv, &sup, "supervisor");
	office_actor = (struct actor){ .id = hq_user_id(&srv, "office"), .agency_id = srv.agency_id,
				       .department_id = srv.office_dept_id, .roles = ROLE_OFFICE,
				       .ip = "test", .username = "office" };
	return 0;
}

static int
teardown(void **state)
{
	struct hq_client *all[] = { &staff, &staff2, &head, &office, &leader, &sup };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		hq_client_free(all[i]);
	hq_stop(&srv);
	return 0;
}

static const char sql_item[] =
	"INSERT INTO supply_item (agency_id, code, name, unit, category, active, created_at,"
	" updated_at) VALUES (:agency, :code, 'A4 复印纸', '包', '纸品', :active, 0, 0) RETURNING id";

/* An item with qty units in stock at price fen each (none when qty is 0). */
static int64_t
item(const char *code, int64_t qty, int64_t price, int active)
{
	struct db *db = db_pool_writer(srv.pool);
	struct stock_move_in in = { .reason = "purchase", .qty = qty, .unit_cost_fen = price };
	struct stock_move m;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int rc = db_begin_write(db, &e) || db_prepare(db, &st, sql_item, &e) ||
		 db_bind_i64(&st, ":agency", srv.agency_id, &e) ||
		 db_bind_text(&st, ":code", code, &e) || db_bind_i64(&st, ":active", 1, &e) ||
		 db_step_row(&st, &e) ? e.code : 0;

	if (!rc)
		in.item_id = db_col_i64(&st, 0);
	db_finalize(&st);
	rc = rc || (qty && stock_in(db, &office_actor, &in, &m, &e)) ||
	     (!active && db_exec_id(db, "UPDATE supply_item SET active = 0 WHERE id = :id",
				    in.item_id, &e)) || db_commit(db, &e);
	if (rc && db_in_tx(db))
		db_rollback(db);
	db_pool_writer_unlock(srv.pool);
	if (rc)
		fail_msg("item %s: %s", code, e.msg);
	return in.item_id;
}

static json_t *
expect(struct hq_client *c, const char *method, const char *path, const char *body, long want,
       const char *code)
{
	return hq_expect(&srv, c, method, path, body, want, code);
}

static int64_t
int_of(const json_t *j, const char *key)
{
	return json_integer_value(json_object_get(j, key));
}

/* POST /requisitions with lines "[...]" as c; the id (0 unless 201). */
static int64_t
ask(struct hq_client *c, const char *lines, long want, const char *code)
{
	char body[512];
	json_t *j;
	int64_t id;

	snprintf(body, sizeof(body), "{\"reason\":\"日常办公\",\"lines\":%s}", lines);
	j = expect(c, "POST", "/api/v1/requisitions", body, want, code);
	id = want == 201 ? int_of(j, "id") : 0;
	json_decref(j);
	return id;
}

static json_t *
get(struct hq_client *c, int64_t id, long want)
{
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/requisitions/%lld", (long long)id);
	return expect(c, "GET", path, NULL, want, NULL);
}

static void
check_status(int64_t id, const char *status)
{
	json_t *j = get(&sup, id, 200);

	assert_string_equal(json_string_value(json_object_get(j, "status")), status);
	json_decref(j);
}

static size_t
steps_of(int64_t id)
{
	json_t *j = get(&sup, id, 200);
	size_t n = json_array_size(json_object_get(json_object_get(j, "approval"), "steps"));

	json_decref(j);
	return n;
}

static void
decide(struct hq_client *c, int64_t id, const char *decision, long want)
{
	json_t *j = get(&sup, id, 200);
	char path[80], body[80];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision",
		 (long long)int_of(json_object_get(j, "approval"), "id"));
	snprintf(body, sizeof(body), "{\"decision\":\"%s\",\"comment\":\"同意\"}", decision);
	json_decref(j);
	json_decref(expect(c, "POST", path, body, want, NULL));
}

/* POST /requisitions/:id/<action> body as c */
static void
act(struct hq_client *c, int64_t id, const char *action, const char *body, long want,
    const char *code)
{
	char path[80];

	snprintf(path, sizeof(path), "/api/v1/requisitions/%lld/%s", (long long)id, action);
	json_decref(expect(c, "POST", path, body, want, code));
}

static void
issue(int64_t id, int64_t item_id, int64_t qty, long want, const char *code)
{
	char body[96];

	snprintf(body, sizeof(body), "{\"lines\":[{\"item_id\":%lld,\"qty\":%lld}]}",
		 (long long)item_id, (long long)qty);
	act(&office, id, "issue", body, want, code);
}

/* The item's balance equals the sums of its movements. */
static void
ledger_sums(int64_t id)
{
	assert_int_equal(
		hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", id),
		hq_scalar(&srv, "SELECT COALESCE(SUM(qty), 0) FROM stock_movement WHERE item_id = :id", id));
	assert_int_equal(
		hq_scalar(&srv, "SELECT stock_value_fen FROM supply_item WHERE id = :id", id),
		hq_scalar(&srv, "SELECT COALESCE(SUM(amount_fen), 0) FROM stock_movement WHERE item_id = :id",
			  id));
}

/* The item's ledger (GET /supply-items/:id/ledger) names the requisition on its issues. */
static void
ledger_names(int64_t item_id, int64_t req_id)
{
	char path[80], code[32];
	json_t *r = get(&sup, req_id, 200), *j, *m;
	size_t i, named = 0;

	snprintf(code, sizeof(code), "%s", json_string_value(json_object_get(r, "code")));
	json_decref(r);
	snprintf(path, sizeof(path), "/api/v1/supply-items/%lld/ledger", (long long)item_id);
	j = expect(&office, "GET", path, NULL, 200, NULL);
	json_array_foreach(json_object_get(j, "items"), i, m) {
		const json_t *src = json_object_get(m, "source");
		const char *c = json_string_value(json_object_get(src, "code"));
		named += c && !strcmp(c, code) && int_of(m, "department_id") == srv.dept1_id;
	}
	json_decref(j);
	assert_int_equal(named, 2);
}

static void
flow_for_every_role(void **state)
{
	int64_t pen = item("LY-001", 100, 250, 1), paper = item("LY-002", 20, 100, 1), id;
	char lines[160];
	json_t *j;

	(void)state;
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":10,\"reason\":\"会议\"},"
		 "{\"item_id\":%lld,\"qty\":5}]", (long long)pen, (long long)paper);
	id = ask(&staff, lines, 201, NULL);
	j = get(&staff, id, 200);
	assert_int_equal(int_of(j, "value_fen"), 10 * 250 + 5 * 100);
	assert_non_null(strstr(json_string_value(json_object_get(j, "code")), "LY20"));
	json_decref(j);
	assert_int_equal(steps_of(id), 1);
	json_decref(get(&staff2, id, 404));	/* another department's staff */
	json_decref(get(&head, id, 200));	/* the department head */
	issue(id, pen, 1, 409, "illegal_transition");	/* not approved yet */
	decide(&head, id, "approve", 200);
	check_status(id, "approved");
	act(&staff, id, "issue", "{\"lines\":[]}", 403, NULL);	/* only the office issues */
	issue(id, pen, 4, 200, NULL);	/* part */
	j = get(&office, id, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "issued");
	assert_false(json_is_true(json_object_get(j, "fully_issued")));
	assert_true(json_is_true(json_object_get(json_object_get(j, "can"), "issue")));
	json_decref(j);
	issue(id, pen, 7, 400, "invalid");	/* 6 left */
	snprintf(lines, sizeof(lines), "{\"lines\":[{\"item_id\":%lld,\"qty\":6},"
		 "{\"item_id\":%lld,\"qty\":5}]}", (long long)pen, (long long)paper);
	act(&office, id, "issue", lines, 200, NULL);	/* the rest */
	act(&office, id, "receive", NULL, 403, NULL);
	act(&staff, id, "receive", NULL, 200, NULL);
	check_status(id, "received");
	issue(id, pen, 1, 409, "illegal_transition");
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", pen), 90);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM stock_movement WHERE source_module ="
				   " 'requisition' AND source_id = :id AND reason = 'issue'",
				   id),
			 3);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT -SUM(amount_fen) FROM stock_movement WHERE source_id = :id"
				   " AND source_module = 'requisition'",
				   id),
			 3000);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM stock_movement WHERE source_id = :id AND"
				   " source_module = 'requisition' AND department_id IS NULL",
				   id),
			 0);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM audit_log WHERE entity = 'requisition'"
				   " AND entity_id = :id",
				   id),
			 5); /* create approved issue×2 receive */
	ledger_sums(pen);
	ledger_sums(paper);
	ledger_names(pen, id);
}

/* the updated_at of dept's row in a GET /supply-quotas answer */
static const char *
quota_seen(const json_t *j, int64_t dept)
{
	const json_t *items = json_object_get(j, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it)
		if (int_of(it, "department_id") == dept)
			return json_string_value(json_object_get(it, "updated_at"));
	fail_msg("no department %lld", (long long)dept);
	return NULL;
}

/* At or above ¥1,000, or over the month's quota: the leader after the department head. */
static void
threshold_and_quota_add_the_leader(void **state)
{
	int64_t toner = item("LY-003", 10, 50000, 1), id;
	char lines[96], body[192];
	json_t *j;

	(void)state;
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":2}]", (long long)toner);
	id = ask(&staff, lines, 201, NULL);	/* ¥1,000: at the threshold */
	assert_int_equal(steps_of(id), 2);
	decide(&head, id, "approve", 200);
	check_status(id, "pending");
	decide(&leader, id, "approve", 200);
	check_status(id, "approved");

	j = expect(&office, "GET", "/api/v1/supply-quotas", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"department_id\":%lld,\"year\":%lld,\"month\":%lld,"
		 "\"quota_fen\":120000,\"updated_at\":\"%s\"}", (long long)srv.dept1_id,
		 (long long)int_of(j, "year"), (long long)int_of(j, "month"),
		 json_string_value(json_object_get(j, "as_of")));
	json_decref(expect(&staff, "PUT", "/api/v1/supply-quotas", body, 403, NULL));
	json_decref(expect(&office, "PUT", "/api/v1/supply-quotas", body, 200, NULL));
	json_decref(expect(&office, "PUT", "/api/v1/supply-quotas", body, 409, "stale"));
	json_decref(j);
	/* ¥1,000 open of ¥1,200: ¥250 more goes over, though below the threshold */
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":1}]",
		 (long long)item("LY-004", 5, 25000, 1));
	id = ask(&staff, lines, 201, NULL);
	assert_int_equal(steps_of(id), 2);
	j = get(&staff, id, 200);
	assert_true(json_is_true(json_object_get(j, "over_quota")));
	json_decref(j);
	/* another department has no quota: one step */
	id = ask(&staff2, lines, 201, NULL);
	assert_int_equal(steps_of(id), 1);
	/* -1: no quota again (the tests after this one) */
	j = expect(&office, "GET", "/api/v1/supply-quotas", NULL, 200, NULL);
	snprintf(body, sizeof(body), "{\"department_id\":%lld,\"year\":%lld,\"month\":%lld,"
		 "\"quota_fen\":-1,\"updated_at\":\"%s\"}", (long long)srv.dept1_id,
		 (long long)int_of(j, "year"), (long long)int_of(j, "month"),
		 quota_seen(j, srv.dept1_id));
	json_decref(expect(&office, "PUT", "/api/v1/supply-quotas", body, 200, NULL));
	json_decref(j);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM audit_log WHERE entity = 'supply_quota'"
				   " AND entity_id = :id",
				   srv.dept1_id),
			 2);
}

static void
short_stock_writes_nothing(void **state)
{
	int64_t ink = item("LY-005", 3, 800, 1), id;
	char lines[96];

	(void)state;
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":5}]", (long long)ink);
	id = ask(&staff, lines, 201, NULL);
	decide(&head, id, "approve", 200);
	issue(id, ink, 5, 422, "insufficient_stock");
	check_status(id, "approved");
	assert_int_equal(hq_scalar(&srv, "SELECT COUNT(*) FROM stock_movement WHERE item_id = :id", ink), 1);
	assert_int_equal(
		hq_scalar(&srv, "SELECT qty_issued FROM requisition_line WHERE requisition_id = :id", id), 0);
	issue(id, ink, 3, 200, NULL);	/* what there is */
	act(&office, id, "cancel", "{}", 409, "illegal_transition");	/* issued: kept */
	ledger_sums(ink);
}

static void
bad_input_and_withdraw(void **state)
{
	int64_t ok = item("LY-006", 10, 100, 1), off = item("LY-007", 0, 0, 0), id;
	int64_t before = hq_scalar(&srv, "SELECT COUNT(*) FROM requisition WHERE id > :id", 0);
	char lines[128];
	json_t *j;

	(void)state;
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":0}]", (long long)ok);
	j = expect(&staff, "POST", "/api/v1/requisitions",
		   "{\"lines\":[{\"item_id\":1,\"qty\":0}]}", 400, "invalid");
	assert_non_null(json_object_get(json_object_get(json_object_get(j, "error"), "fields"),
					"lines[0].qty"));
	json_decref(j);
	ask(&staff, lines, 400, "invalid");
	j = expect(&staff, "POST", "/api/v1/requisitions",
		   "{\"lines\":[{\"item_id\":999998,\"qty\":1},{\"item_id\":999999,\"qty\":1}]}",
		   400, "invalid");	/* each unknown item at its line */
	assert_non_null(json_object_get(json_object_get(json_object_get(j, "error"), "fields"),
					"lines[1].item_id"));
	assert_non_null(json_object_get(json_object_get(json_object_get(j, "error"), "fields"),
					"lines[0].item_id"));
	json_decref(j);
	ask(&staff, "[]", 400, "invalid");
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":1}]", (long long)off);
	ask(&staff, lines, 422, "item_inactive");
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":1},{\"item_id\":%lld,\"qty\":2}]",
		 (long long)ok, (long long)ok);
	ask(&staff, lines, 400, "invalid");	/* the same item twice */
	assert_int_equal(hq_scalar(&srv, "SELECT COUNT(*) FROM requisition WHERE id > :id", 0), before);

	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":1}]", (long long)ok);
	id = ask(&staff, lines, 201, NULL);
	act(&staff2, id, "withdraw", NULL, 404, NULL);
	act(&staff, id, "withdraw", NULL, 200, NULL);
	check_status(id, "withdrawn");
	id = ask(&staff, lines, 201, NULL);
	act(&staff, id, "cancel", "{}", 403, NULL);
	act(&office, id, "cancel", "{\"reason\":\"重复申请\"}", 200, NULL);
	check_status(id, "cancelled");
	decide(&head, id, "approve", 409);	/* the approval left the 待办 */
}

static int64_t
total_of(struct hq_client *c, const char *path)
{
	json_t *j = expect(c, "GET", path, NULL, 200, NULL);
	int64_t n = int_of(j, "total");

	json_decref(j);
	return n;
}

static void
lists_are_scoped(void **state)
{
	int64_t all = total_of(&office, "/api/v1/requisitions");

	(void)state;
	assert_true(all > 0);
	json_decref(expect(&office, "GET", "/api/v1/requisitions?format=csv&status=received", NULL, 200,
			   NULL));
	json_decref(expect(&office, "GET", "/api/v1/supply-quotas?format=xlsx", NULL, 200, NULL));
	json_decref(expect(&staff, "GET", "/api/v1/supply-quotas", NULL, 403, NULL));
	assert_int_equal(total_of(&sup, "/api/v1/requisitions"), all);
	assert_int_equal(total_of(&staff2, "/api/v1/requisitions"),
			 hq_scalar(&srv, "SELECT COUNT(*) FROM requisition WHERE requester_id = :id",
				   hq_user_id(&srv, "staff2")));
	assert_int_equal(
		total_of(&head, "/api/v1/requisitions"),
		hq_scalar(&srv, "SELECT COUNT(*) FROM requisition WHERE department_id = :id", srv.dept1_id));
	assert_int_equal(total_of(&office, "/api/v1/requisitions?to_issue=1"),
			 hq_scalar(&srv,
				   "SELECT COUNT(*) FROM requisition r WHERE r.status = 'approved'"
				   " OR (r.status = 'issued' AND EXISTS (SELECT 1 FROM requisition_line"
				   " l WHERE l.requisition_id = r.id AND l.qty_issued < l.qty))"
				   " OR r.id = :id",
				   0));
}

struct racer {
	pthread_barrier_t *go;
	int64_t req, item;
	int rc;
	const char *slug;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct reqn_line_in line = { .item_id = r->item, .qty = 1 };
	struct arena *a = arena_new(8192);
	struct err e = { 0 };
	struct db *db = NULL;

	r->rc = db_open(srv.db_path, 0, &db, &e);
	pthread_barrier_wait(r->go);
	if (!r->rc)
		r->rc = db_begin_write(db, &e) ||
				reqn_issue(db, a, &office_actor, r->req, &line, 1, 0, &e) ||
				db_commit(db, &e) ? e.code : 0;
	if (r->rc && db && db_in_tx(db))
		db_rollback(db);
	r->slug = r->rc ? e.slug : NULL;
	db_close(db);
	arena_free(a);
	return NULL;
}

static void
thirty_for_the_last_ten(void **state)
{
	int64_t clip = item("LY-008", 10, 30, 1);
	struct racer rs[RACERS];
	pthread_t th[RACERS];
	pthread_barrier_t go;
	char lines[96];
	int ok = 0, short_ = 0;

	(void)state;
	snprintf(lines, sizeof(lines), "[{\"item_id\":%lld,\"qty\":1}]", (long long)clip);
	pthread_barrier_init(&go, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		rs[i] = (struct racer){ &go, ask(&staff, lines, 201, NULL), clip, -1, NULL };
		decide(&head, rs[i].req, "approve", 200);
	}
	for (int i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race, &rs[i]), 0);
	for (int i = 0; i < RACERS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < RACERS; i++) {
		if (rs[i].rc == 0)
			ok++;
		else if (rs[i].rc == ERR_RULE && rs[i].slug &&
			 !strcmp(rs[i].slug, "insufficient_stock"))
			short_++;
		else
			fail_msg("racer %d: %d %s", i, rs[i].rc, rs[i].slug ? rs[i].slug : "");
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(ok, 10);
	assert_int_equal(short_, RACERS - 10);
	assert_int_equal(hq_scalar(&srv, "SELECT qty_on_hand FROM supply_item WHERE id = :id", clip), 0);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM requisition r JOIN requisition_line l"
				   " ON l.requisition_id = r.id WHERE l.item_id = :id"
				   " AND r.status = 'issued' AND l.qty_issued = 1",
				   clip),
			 10);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT -SUM(qty) FROM stock_movement WHERE item_id = :id"
				   " AND reason = 'issue'",
				   clip),
			 10);
	ledger_sums(clip);
}

struct asker {
	pthread_barrier_t *go;
	int64_t item;
	int rc, over;
};

/* One requisition of one unit, as staff, straight through the module. */
static void *
ask_racing(void *arg)
{
	struct asker *r = arg;
	struct reqn_line_in line = { .item_id = r->item, .qty = 1 };
	struct reqn_in in = { .lines = &line, .nlines = 1, .reason = "并发" };
	struct actor who = { .id = hq_user_id(&srv, "staff"), .agency_id = srv.agency_id,
			     .department_id = srv.dept1_id, .roles = ROLE_STAFF, .ip = "test",
			     .username = "staff" };
	struct arena *a = arena_new(8192);
	struct requisition out;
	struct err e = { 0 };
	struct db *db = NULL;

	r->rc = db_open(srv.db_path, 0, &db, &e);
	pthread_barrier_wait(r->go);
	if (!r->rc)
		r->rc = db_begin_write(db, &e) || reqn_create(db, a, &who, &in, &out, &e) ||
				db_commit(db, &e) ? e.code : 0;
	if (r->rc && db && db_in_tx(db))
		db_rollback(db);
	r->over = !r->rc && out.over_quota;
	db_close(db);
	arena_free(a);
	return NULL;
}

/* the month's quota of dept1 set to q fen (-1: none) */
static void
set_quota(int64_t q)
{
	json_t *j = expect(&office, "GET", "/api/v1/supply-quotas", NULL, 200, NULL);
	const char *seen = quota_seen(j, srv.dept1_id);	/* NULL: no row, the answer's as_of */
	char body[192];

	snprintf(body, sizeof(body), "{\"department_id\":%lld,\"year\":%lld,\"month\":%lld,"
		 "\"quota_fen\":%lld,\"updated_at\":\"%s\"}", (long long)srv.dept1_id,
		 (long long)int_of(j, "year"), (long long)int_of(j, "month"), (long long)q,
		 seen ? seen : json_string_value(json_object_get(j, "as_of")));
	json_decref(expect(&office, "PUT", "/api/v1/supply-quotas", body, 200, NULL));
	json_decref(j);
}

/* the month's issued + open value of dept1 */
static int64_t
quota_used(void)
{
	json_t *j = expect(&office, "GET", "/api/v1/supply-quotas", NULL, 200, NULL), *it;
	int64_t used = -1;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, it)
		if (int_of(it, "department_id") == srv.dept1_id)
			used = int_of(it, "issued_value_fen") + int_of(it, "open_value_fen");
	json_decref(j);
	assert_true(used >= 0);
	return used;
}

/* Room for 4 of ¥100 each: of 10 racing requisitions exactly 4 stay within the quota. */
static void
racing_requisitions_count_the_quota_once(void **state)
{
	int64_t pens = item("LY-009", 20, 10000, 1);
	struct asker rs[10];
	pthread_t th[10];
	pthread_barrier_t go;
	int within = 0;

	(void)state;
	set_quota(quota_used() + 4 * 10000);
	pthread_barrier_init(&go, NULL, 10);
	for (int i = 0; i < 10; i++) {
		rs[i] = (struct asker){ &go, pens, -1, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, ask_racing, &rs[i]), 0);
	}
	for (int i = 0; i < 10; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(rs[i].rc, 0);
		within += !rs[i].over;
	}
	assert_int_equal(within, 4);
	assert_int_equal(hq_scalar(&srv,
				   "SELECT COUNT(*) FROM requisition r JOIN requisition_line l"
				   " ON l.requisition_id = r.id WHERE l.item_id = :id"
				   " AND r.over_quota = 0",
				   pens),
			 4);
	set_quota(-1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flow_for_every_role),
		cmocka_unit_test(threshold_and_quota_add_the_leader),
		cmocka_unit_test(short_stock_writes_nothing),
		cmocka_unit_test(bad_input_and_withdraw),
		cmocka_unit_test(lists_are_scoped),
		cmocka_unit_test(thirty_for_the_last_ten),
		cmocka_unit_test(racing_requisitions_count_the_quota_once),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
