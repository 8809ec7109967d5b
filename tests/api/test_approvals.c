/*
** tests/api/test_approvals.c: the approval engine through the API with the
** generic request kind: rule matching by amount, the ordered steps, scopes
** (requester's dept head, any leader, committee with minutes), and the rules:
** no self-approval, one person never decides two steps, rejection ends it,
** withdrawal only before the first decision, deputies recorded as such.
*/
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "api/harness.h"
#include "core/clock.h"
#include "core/err.h"
#include "db/db.h"
#include "jobs.h"

#include <stdio.h>
#include <string.h>

static struct hq_server srv;
static struct hq_client staff, staff2, head, leader, office, sec;

static int
setup(void **state)
{
	(void)state;
	hq_start(&srv);
	struct {
		struct hq_client *c;
		const char *name;
	} who[] = { { &staff, "staff" }, { &staff2, "staff2" }, { &head, "dept_head" },
		    { &leader, "leader" }, { &office, "office" }, { &sec, "secadmin" } };
	for (size_t i = 0; i < sizeof(who) / sizeof(who[0]); i++) {
		hq_client_init(who[i].c);
		if (hq_login(&srv, who[i].c, who[i].name, TEST_PASSWORD) != 200)
			return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	struct hq_client *all[] = { &staff, &staff2, &head, &leader, &office, &sec };

	(void)state;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		hq_client_free(all[i]);
	hq_stop(&srv);
	return 0;
}

/* POST a general request; returns its id (asserting the status). */
static int64_t
submit(struct hq_client *c, const char *title, long long fen, long want)
{
	struct hq_resp r;
	char body[256];
	int64_t id;

	snprintf(body, sizeof(body), "{\"kind\":\"general\",\"title\":\"%s\",\"amount_fen\":%lld,"
		 "\"reason\":\"测试\"}", title, fen);
	assert_int_equal(hq_req(&srv, c, "POST", "/api/v1/approvals", body, &r), want);
	id = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	return id;
}

/* POST a decision; returns the HTTP status, copies the error code. */
static long
decide(struct hq_client *c, int64_t id, const char *body, char *code, size_t size)
{
	struct hq_resp r;
	char path[96];
	long st;

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/decision", (long long)id);
	st = hq_req(&srv, c, "POST", path, body, &r);
	if (code)
		snprintf(code, size, "%s", hq_err_code(&r));
	hq_resp_free(&r);
	return st;
}

static void
get_approval(struct hq_client *c, int64_t id, struct hq_resp *r, long want)
{
	char path[64];

	snprintf(path, sizeof(path), "/api/v1/approvals/%lld", (long long)id);
	assert_int_equal(hq_req(&srv, c, "GET", path, NULL, r), want);
}

static const char *
status_of(struct hq_client *c, int64_t id, char *buf, size_t size)
{
	struct hq_resp r;

	get_approval(c, id, &r, 200);
	snprintf(buf, size, "%s", json_string_value(json_object_get(r.json, "status")));
	hq_resp_free(&r);
	return buf;
}

static int
pending_has(struct hq_client *c, int64_t id)
{
	struct hq_resp r;
	json_t *it;
	size_t i;
	int found = 0;

	assert_int_equal(hq_req(&srv, c, "GET", "/api/v1/approvals?mine=pending", NULL, &r), 200);
	json_array_foreach(json_object_get(r.json, "items"), i, it)
		if (json_integer_value(json_object_get(it, "id")) == id)
			found = 1;
	hq_resp_free(&r);
	return found;
}

static void
rule(const char *body, long want, const char *code)
{
	struct hq_resp r;

	assert_int_equal(hq_req(&srv, &office, "POST", "/api/v1/approval-rules", body, &r), want);
	if (code)
		assert_string_equal(hq_err_code(&r), code);
	hq_resp_free(&r);
}

static void
no_rule_means_no_submission(void **state)
{
	(void)state;
	struct hq_resp r;
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/approvals",
				"{\"kind\":\"general\",\"title\":\"买电脑\",\"amount_fen\":100}", &r), 422);
	assert_string_equal(hq_err_code(&r), "no_rule");
	hq_resp_free(&r);
}

static void
office_manages_rules(void **state)
{
	struct hq_resp r;

	(void)state;
	/* under ¥1: a leader alone (used for the self-approval case) */
	rule("{\"kind\":\"general\",\"name\":\"小额\",\"min_amount_fen\":0,\"max_amount_fen\":100,"
	     "\"priority\":1,\"steps\":[{\"name\":\"分管领导\",\"role\":\"leader\",\"scope\":\"role\"}]}",
	     201, NULL);
	/* ¥1 .. ¥5,000: the requester's department head */
	rule("{\"kind\":\"general\",\"name\":\"一般\",\"min_amount_fen\":100,\"max_amount_fen\":500000,"
	     "\"steps\":[{\"name\":\"部门负责人\",\"role\":\"dept_head\",\"scope\":\"dept_head\"}]}",
	     201, NULL);
	/* ¥5,000 .. ¥100,000: department head, then a leader */
	rule("{\"kind\":\"general\",\"name\":\"较大\",\"min_amount_fen\":500000,\"max_amount_fen\":"
	     "10000000,\"steps\":[{\"name\":\"部门负责人\",\"role\":\"dept_head\",\"scope\":\"dept_head\"},"
	     "{\"name\":\"分管领导\",\"role\":\"leader\",\"scope\":\"role\"}]}", 201, NULL);
	/* ¥100,000 and more: department head, then a committee decision */
	rule("{\"kind\":\"general\",\"name\":\"重大\",\"min_amount_fen\":10000000,\"steps\":["
	     "{\"name\":\"部门负责人\",\"role\":\"dept_head\",\"scope\":\"dept_head\"},"
	     "{\"name\":\"党组会研究\",\"role\":\"leader\",\"scope\":\"committee\"}]}", 201, NULL);
	rule("{\"kind\":\"general\",\"name\":\"空\",\"steps\":[]}", 400, "invalid");
	rule("{\"kind\":\"nonsense\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"role\":\"leader\","
	     "\"scope\":\"role\"}]}", 400, "invalid");
	rule("{\"kind\":\"general\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"role\":\"leader\","
	     "\"scope\":\"dept_head\"}]}", 400, "invalid");
	/* 纪检 and the administrators only read: no approval step may name them (issue #11) */
	rule("{\"kind\":\"general\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"role\":\"supervisor\","
	     "\"scope\":\"role\"}]}", 400, "invalid");
	rule("{\"kind\":\"general\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"role\":\"sysadmin\","
	     "\"scope\":\"committee\"}]}", 400, "invalid");
	rule("{\"kind\":\"general\",\"name\":\"x\",\"min_amount_fen\":500,\"max_amount_fen\":100,"
	     "\"steps\":[{\"name\":\"a\",\"role\":\"leader\",\"scope\":\"role\"}]}", 400, "invalid");
	rule("{\"kind\":\"general\",\"name\":\"x\",\"steps\":[{\"name\":\"a\",\"role\":\"wizard\","
	     "\"scope\":\"role\"}]}", 400, "invalid");
	assert_int_equal(hq_req(&srv, &staff, "POST", "/api/v1/approval-rules", "{}", &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/approval-rules", NULL, &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/approval-rules", NULL, &r), 200);
	/*
	** the 4 above and the modules' defaults for a new agency: budget_adjustment, the 2
	** expense_claim rules, the 2 vehicle_trip rules, the vehicle_seal_override one, the
	** stocktake one, the 2 requisition rules and the 3 purchase_order rules (before
	** general by kind)
	*/
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 16);
	json_t *first = NULL, *it;
	size_t k;
	json_array_foreach(json_object_get(r.json, "items"), k, it)
		if (!first && strcmp(json_string_value(json_object_get(it, "kind")), "general") == 0)
			first = it;
	char path[64], body[512];
	snprintf(path, sizeof(path), "/api/v1/approval-rules/%lld",
		 (long long)json_integer_value(json_object_get(first, "id")));
	snprintf(body, sizeof(body), "{\"kind\":\"general\",\"name\":\"%s\",\"min_amount_fen\":%lld,"
		 "\"max_amount_fen\":%lld,\"priority\":%lld,\"steps\":%s,\"updated_at\":\"%s\"}",
		 json_string_value(json_object_get(first, "name")),
		 (long long)json_integer_value(json_object_get(first, "min_amount_fen")),
		 (long long)json_integer_value(json_object_get(first, "max_amount_fen")),
		 (long long)json_integer_value(json_object_get(first, "priority")),
		 "[{\"name\":\"分管领导\",\"role\":\"leader\",\"scope\":\"role\"}]",
		 json_string_value(json_object_get(first, "updated_at")));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "PUT", path, body, &r), 200);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "PUT", path, body, &r), 409);	/* stale */
	assert_string_equal(hq_err_code(&r), "stale");
	hq_resp_free(&r);
}

static void
two_steps_dept_head_then_leader(void **state)
{
	struct hq_resp r;
	char st[32], code[64];
	int64_t id = submit(&staff, "采购打印机", 800000, 201);

	(void)state;
	get_approval(&staff, id, &r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "pending");
	assert_int_equal(json_integer_value(json_object_get(r.json, "current_step")), 1);
	assert_int_equal(json_array_size(json_object_get(r.json, "steps")), 2);
	assert_true(json_is_true(json_object_get(r.json, "can_withdraw")));
	hq_resp_free(&r);

	assert_true(pending_has(&head, id));
	assert_false(pending_has(&leader, id));	/* not their step yet */
	assert_false(pending_has(&staff2, id));
	assert_int_equal(decide(&staff2, id, "{\"decision\":\"approve\"}", code, sizeof(code)), 403);
	assert_string_equal(code, "not_approver");
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\"}", code, sizeof(code)), 403);
	assert_int_equal(decide(&head, id, "{\"decision\":\"maybe\"}", code, sizeof(code)), 400);

	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\",\"comment\":\"同意\"}", NULL, 0), 200);
	assert_false(pending_has(&head, id));
	assert_true(pending_has(&leader, id));
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	assert_string_equal(status_of(&staff, id, st, sizeof(st)), "approved");

	get_approval(&staff, id, &r, 200);
	json_t *s1 = json_array_get(json_object_get(r.json, "steps"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(s1, "decided_by"),
							      "display_name")), "dept_head");
	assert_string_equal(json_string_value(json_object_get(s1, "comment")), "同意");
	assert_true(json_is_null(json_object_get(s1, "deputy_for")));
	assert_false(json_is_true(json_object_get(r.json, "can_withdraw")));
	hq_resp_free(&r);

	/* lists: decided for the approvers, requested for the requester */
	assert_int_equal(hq_req(&srv, &head, "GET", "/api/v1/approvals?mine=decided", NULL, &r), 200);
	assert_true(json_integer_value(json_object_get(r.json, "total")) >= 1);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/approvals?mine=requested", NULL, &r), 200);
	assert_true(json_integer_value(json_object_get(r.json, "total")) >= 1);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/approvals?mine=everything", NULL, &r), 400);
	hq_resp_free(&r);
}

static void
rejection_ends_the_request(void **state)
{
	struct hq_resp r;
	char st[32], code[64];
	int64_t id = submit(&staff, "出差", 900000, 201);

	(void)state;
	assert_int_equal(decide(&head, id, "{\"decision\":\"reject\",\"comment\":\"预算不足\"}", NULL, 0), 200);
	assert_string_equal(status_of(&staff, id, st, sizeof(st)), "rejected");
	get_approval(&staff, id, &r, 200);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
				    json_object_get(r.json, "steps"), 1), "status")), "skipped");
	hq_resp_free(&r);
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\"}", code, sizeof(code)), 409);
	assert_string_equal(code, "not_pending");
}

static void
withdraw_only_before_first_decision(void **state)
{
	struct hq_resp r;
	char st[32], path[80];
	int64_t id = submit(&staff, "会议室设备", 600000, 201);

	(void)state;
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/withdraw", (long long)id);
	assert_int_equal(hq_req(&srv, &head, "POST", path, NULL, &r), 403);
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "POST", path, NULL, &r), 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "withdrawn");
	hq_resp_free(&r);
	assert_string_equal(status_of(&staff, id, st, sizeof(st)), "withdrawn");
	assert_false(pending_has(&head, id));

	id = submit(&staff, "会议室设备二", 600000, 201);
	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	snprintf(path, sizeof(path), "/api/v1/approvals/%lld/withdraw", (long long)id);
	assert_int_equal(hq_req(&srv, &staff, "POST", path, NULL, &r), 409);
	hq_resp_free(&r);
}

static void
nobody_approves_their_own_request(void **state)
{
	char code[64];
	int64_t id = submit(&leader, "领导自购茶叶", 50, 201);	/* under ¥1: leader step */

	(void)state;
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\"}", code, sizeof(code)), 422);
	assert_string_equal(code, "self_approval");
	assert_false(pending_has(&leader, id));
}

static void
one_person_never_decides_two_steps(void **state)
{
	struct hq_resp r;
	char path[80], code[64], st[32];
	int64_t head_id = hq_user_id(&srv, "dept_head");

	(void)state;
	/* make the department head a leader as well */
	snprintf(path, sizeof(path), "/api/v1/users/%lld/roles", (long long)head_id);
	assert_int_equal(hq_req(&srv, &sec, "PUT", path,
				 "{\"roles\":[\"dept_head\",\"leader\",\"staff\"]}", &r), 200);
	hq_resp_free(&r);
	int64_t id = submit(&staff, "两步同人", 700000, 201);
	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	assert_false(pending_has(&head, id));
	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\"}", code, sizeof(code)), 422);
	assert_string_equal(code, "already_decided");
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	assert_string_equal(status_of(&staff, id, st, sizeof(st)), "approved");
	assert_int_equal(hq_req(&srv, &sec, "PUT", path, "{\"roles\":[\"dept_head\",\"staff\"]}", &r), 200);
	hq_resp_free(&r);
}

static void
deputy_decides_and_is_recorded(void **state)
{
	struct hq_resp r;
	char body[200], st[32], code[64];
	int64_t office_id = hq_user_id(&srv, "office"), leader_id = hq_user_id(&srv, "leader");
	char from[40], to[40];

	(void)state;
	ms_to_iso(now_ms() - MINUTE_MS, from, sizeof(from));
	ms_to_iso(now_ms() + DAY_MS, to, sizeof(to));
	snprintf(body, sizeof(body), "{\"deputy_id\":%lld,\"from\":\"%s\",\"to\":\"%s\"}",
		 (long long)leader_id, from, to);
	assert_int_equal(hq_req(&srv, &leader, "POST", "/api/v1/approval-deputies", body, &r), 400);
	hq_resp_free(&r);	/* not oneself */
	snprintf(body, sizeof(body), "{\"deputy_id\":%lld,\"from\":\"%s\",\"to\":\"%s\"}",
		 (long long)office_id, to, from);
	assert_int_equal(hq_req(&srv, &leader, "POST", "/api/v1/approval-deputies", body, &r), 400);
	hq_resp_free(&r);	/* to before from */
	snprintf(body, sizeof(body), "{\"deputy_id\":%lld,\"from\":\"%s\",\"to\":\"%s\"}",
		 (long long)office_id, from, to);
	assert_int_equal(hq_req(&srv, &leader, "POST", "/api/v1/approval-deputies", body, &r), 201);
	int64_t dep = json_integer_value(json_object_get(r.json, "id"));
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &office, "GET", "/api/v1/approval-deputies", NULL, &r), 200);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 1);
	hq_resp_free(&r);

	int64_t id = submit(&staff, "代理审批", 800000, 201);
	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	assert_true(pending_has(&office, id));
	assert_int_equal(decide(&office, id, "{\"decision\":\"approve\",\"comment\":\"代批\"}", NULL, 0), 200);
	assert_string_equal(status_of(&staff, id, st, sizeof(st)), "approved");
	get_approval(&staff, id, &r, 200);
	json_t *s2 = json_array_get(json_object_get(r.json, "steps"), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s2, "decided_by"), "id")),
			 office_id);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(s2, "deputy_for"), "id")),
			 leader_id);
	hq_resp_free(&r);

	/* once revoked (or expired) the deputy has no power */
	snprintf(body, sizeof(body), "/api/v1/approval-deputies/%lld", (long long)dep);
	assert_int_equal(hq_req(&srv, &office, "DELETE", body, NULL, &r), 404);	/* only the principal */
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &leader, "DELETE", body, NULL, &r), 200);
	hq_resp_free(&r);
	id = submit(&staff, "代理撤销后", 800000, 201);
	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	assert_int_equal(decide(&office, id, "{\"decision\":\"approve\"}", code, sizeof(code)), 403);
}

static void
committee_step_needs_minutes(void **state)
{
	struct hq_resp r;
	char code[64], st[32];
	int64_t id = submit(&staff, "办公楼改造", 20000000, 201);

	(void)state;
	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	get_approval(&leader, id, &r, 200);
	assert_true(json_is_true(json_object_get(r.json, "needs_minutes")));
	hq_resp_free(&r);
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\"}", code, sizeof(code)), 422);
	assert_string_equal(code, "minutes_required");
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\",\"minutes_ref\":\"党组会〔2026〕12号\"}",
				NULL, 0), 200);
	assert_string_equal(status_of(&staff, id, st, sizeof(st)), "approved");
}

static void
dept_head_request_goes_to_a_leader(void **state)
{
	struct hq_resp r;
	char st[32];
	int64_t id = submit(&head, "部门负责人自己的申请", 300000, 201);

	(void)state;
	get_approval(&head, id, &r, 200);
	json_t *s1 = json_array_get(json_object_get(r.json, "steps"), 0);
	assert_string_equal(json_string_value(json_object_get(s1, "role")), "leader");
	assert_string_equal(json_string_value(json_object_get(s1, "scope")), "role");
	hq_resp_free(&r);
	assert_true(pending_has(&leader, id));
	assert_int_equal(decide(&leader, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	assert_string_equal(status_of(&head, id, st, sizeof(st)), "approved");
}

static void
lists_export_to_csv(void **state)
{
	struct hq_resp r;

	(void)state;
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/approvals?mine=requested&format=csv",
				NULL, &r), 200);
	assert_true(r.len > 3 && memcmp(r.body, "\xEF\xBB\xBF", 3) == 0);	/* BOM for Excel */
	assert_non_null(strstr(r.body, "事项,"));
	assert_non_null(strstr(r.body, "采购打印机"));
	assert_non_null(strstr(r.body, "8000.00"));	/* fen shown as yuan */
	assert_non_null(strstr(r.body, "已通过"));
	hq_resp_free(&r);
}

static void
visibility_and_audit(void **state)
{
	struct hq_resp r;
	struct db *db;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t id = submit(&staff, "可见性", 800000, 201);

	(void)state;
	get_approval(&staff2, id, &r, 404);	/* a colleague elsewhere sees nothing */
	hq_resp_free(&r);
	get_approval(&office, id, &r, 200);	/* the office oversees all requests */
	hq_resp_free(&r);
	get_approval(&head, id, &r, 200);	/* the current approver */
	hq_resp_free(&r);
	assert_int_equal(hq_req(&srv, &staff, "GET", "/api/v1/approvals/999999", NULL, &r), 404);
	hq_resp_free(&r);

	/* every submission and decision left an audit row */
	static const char sql[] = "SELECT COUNT(*) FROM audit_log WHERE entity = 'approval'"
				  " AND action IN ('submit', 'approve', 'reject', 'withdraw')";
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(db_prepare(db, &st, sql, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	assert_true(db_col_i64(&st, 0) >= 20);
	db_finalize(&st);
	db_close(db);
}

static int64_t
notifications_of(const char *username, const char *kind)
{
	static const char sql[] = "SELECT COUNT(*) FROM notification n JOIN app_user u"
				  " ON u.id = n.user_id WHERE u.username = :u AND n.kind = :k";
	struct db *db;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t n;

	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(db_prepare(db, &st, sql, &e), 0);
	assert_int_equal(db_bind_text(&st, ":u", username, &e), 0);
	assert_int_equal(db_bind_text(&st, ":k", kind, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	n = db_col_i64(&st, 0);
	db_finalize(&st);
	db_close(db);
	return n;
}

static void
approvers_and_requester_are_notified(void **state)
{
	int64_t before = notifications_of("dept_head", "approval.pending");
	int64_t id = submit(&staff, "通知测试", 800000, 201);

	(void)state;
	assert_int_equal(notifications_of("dept_head", "approval.pending"), before + 1);
	int64_t leader_before = notifications_of("leader", "approval.pending");
	int64_t staff_before = notifications_of("staff", "approval.approved");
	assert_int_equal(decide(&head, id, "{\"decision\":\"approve\"}", NULL, 0), 200);
	assert_int_equal(notifications_of("leader", "approval.pending"), leader_before + 1);
	assert_int_equal(notifications_of("staff", "approval.approved"), staff_before + 1);
}

static void
waiting_a_business_day_reminds_once(void **state)
{
	int64_t id = submit(&staff, "超时提醒", 800000, 201);
	int64_t before = notifications_of("dept_head", "approval.overdue");

	(void)state;
	(void)id;
	assert_int_equal(jobs_run_once(srv.pool, now_ms()), 0);
	assert_int_equal(notifications_of("dept_head", "approval.overdue"), before);
	/* fifteen calendar days hold a business day even across the Spring Festival */
	assert_int_equal(jobs_run_once(srv.pool, now_ms() + 15 * 24 * 3600 * 1000LL), 0);
	int64_t after = notifications_of("dept_head", "approval.overdue");
	assert_true(after > before);
	assert_int_equal(jobs_run_once(srv.pool, now_ms() + 16 * 24 * 3600 * 1000LL), 0);
	assert_int_equal(notifications_of("dept_head", "approval.overdue"), after);
}

/*
** The reminder job reads the waiting steps 500 at a time: a due step behind
** 500 that are not due yet is reminded all the same. (The scan used to stop
** at the first 500, and the step behind them waited until some were decided.)
*/
static void
a_due_step_behind_500_waiting_ones_is_reminded(void **state)
{
	static const char sql_later[] =
		"UPDATE approval_step SET activated_at = :later WHERE status = 'pending'"
		" AND reminded_at IS NULL AND activated_at IS NOT NULL AND approval_id <> :last";
	static const char sql_reminded[] =
		"SELECT COUNT(*) FROM approval_step WHERE approval_id = :id"
		" AND reminded_at IS NOT NULL";
	const int64_t day = 24 * 3600 * 1000LL, now = now_ms();
	struct db *db = NULL;
	struct stmt st = { 0 };
	struct err e = { 0 };
	int64_t last = 0;

	(void)state;
	for (int i = 0; i <= 500; i++)
		last = submit(&staff, "排队的申请", 800000, 201);
	/* every other waiting step (at least 500, all with smaller ids) waits from next month */
	db = db_pool_writer(srv.pool);
	if (db_begin_write(db, &e) || db_prepare(db, &st, sql_later, &e) ||
	    db_bind_i64(&st, ":later", now + 30 * day, &e) || db_bind_i64(&st, ":last", last, &e) ||
	    db_step_done(&st, &e))
		fail_msg("fixture: %s", e.msg);
	assert_true(db_changes(db) >= 500);
	db_finalize(&st);
	if (db_commit(db, &e))
		fail_msg("fixture: %s", e.msg);
	db_pool_writer_unlock(srv.pool);

	assert_int_equal(jobs_run_once(srv.pool, now + 15 * day), 0);
	assert_int_equal(db_open(srv.db_path, DB_READONLY, &db, &e), 0);
	assert_int_equal(db_prepare(db, &st, sql_reminded, &e), 0);
	assert_int_equal(db_bind_i64(&st, ":id", last, &e), 0);
	assert_int_equal(db_step_row(&st, &e), 0);
	assert_int_equal(db_col_i64(&st, 0), 1);
	db_finalize(&st);
	db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_rule_means_no_submission),
		cmocka_unit_test(office_manages_rules),
		cmocka_unit_test(two_steps_dept_head_then_leader),
		cmocka_unit_test(rejection_ends_the_request),
		cmocka_unit_test(withdraw_only_before_first_decision),
		cmocka_unit_test(nobody_approves_their_own_request),
		cmocka_unit_test(one_person_never_decides_two_steps),
		cmocka_unit_test(deputy_decides_and_is_recorded),
		cmocka_unit_test(committee_step_needs_minutes),
		cmocka_unit_test(dept_head_request_goes_to_a_leader),
		cmocka_unit_test(lists_export_to_csv),
		cmocka_unit_test(visibility_and_audit),
		cmocka_unit_test(approvers_and_requester_are_notified),
		cmocka_unit_test(waiting_a_business_day_reminds_once),
		cmocka_unit_test(a_due_step_behind_500_waiting_ones_is_reminded),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
